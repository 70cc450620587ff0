#!/usr/bin/env python3
"""check_share.py — what a built site gives the networks, search engines
and feed readers that find it, checked by parsing the output (HTML with
html.parser, XML with ElementTree, JSON with json), never by grepping a
template. Each check prints "ok   NAME" or "FAIL NAME: why"; the exit
status is 1 when any failed.

  cards: every HTML page has its sharing card — Open Graph (og:type,
    og:title, og:url, og:image with type/width/height/alt), X/Twitter
    summary_large_image and robots max-image-preview:large — with
    absolute URLs under base_url that name files of the output whose
    JPEG/WebP header has the dimensions the card claims, at least 1200
    px wide unless no derivative of that photo is; a story page says
    article, its date and author.

  photos: every photo of api/photos.json has its page at its "page"
    (<story>/<photo-id>/): an ItemPage JSON-LD whose mainEntity is an
    ImageObject with contentUrl (a file of the output), license,
    acquireLicensePage, creditText, copyrightNotice and creator; its card
    is the photo itself; the page shows it, links back to its place in
    the story, to its licence form and to its neighbours, all existing;
    the story's figure of it links to the page.

  sitemap: robots.txt names the sitemap; every <loc> and <image:loc> of
    sitemap.xml is a file of the output; every photo of api/photos.json
    is an image:image of its story's URL (its largest derivative) and its
    own page is listed with it.

  feeds: feed.xml and feed.json (and each tags/<slug>/ feed): JSON Feed
    1.1's required fields, entries newest first with RFC 3339 dates,
    content with absolute URLs only, the cover enclosure a real file of
    the size it claims, with alt text and credit; the two feeds list the
    same stories; the Atom feed's two Schematron rules of RFC 4287 (the
    RELAX NG part is xmllint's, in share_site.sh); every page's head
    links both feeds (autodiscovery) and the links resolve.

  lists: the home page and its page/N/ pages list every story once,
    newest first, 24 a page; every front-matter tag of every story (read
    from its story.md) has a tags/<slug>/ list holding that story, with
    its pages complete; tags/ and places/ link every list; Hangul tags
    get a slug of their own; publications/ names every story with
    publications and each such story page links it.

usage: check_share.py PUBLIC_DIR BASE_URL [--stories N]
"""
import html.parser
import os
import re
import struct
import sys
import urllib.parse

fails = 0


def check(name, ok, why=""):
    global fails
    if ok:
        print(f"ok   {name}")
    else:
        fails += 1
        print(f"FAIL {name}: {why}")


class Head(html.parser.HTMLParser):
    """The <meta>, <link> and JSON-LD of a page, and its links and images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta = {}   # property or name -> [content, ...]
        self.links = []  # (rel, type, href, title)
        self.anchors = []
        self.imgs = []
        self.jsonld = []
        self.figures = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key:
                self.meta.setdefault(key, []).append(a.get("content", ""))
        elif tag == "link":
            self.links.append((a.get("rel"), a.get("type"), a.get("href"), a.get("title")))
        elif tag == "a":
            self.anchors.append(a)
        elif tag == "img":
            self.imgs.append(a)
        elif tag == "figure":
            self.figures.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.jsonld.append("".join(self._script))
            self._script = None

    def one(self, key):
        v = self.meta.get(key)
        return v[0] if v and len(v) == 1 else None


def parse_page(path):
    h = Head()
    with open(path, encoding="utf-8") as f:
        h.feed(f.read())
    return h


def image_size(path):
    """(width, height) from a JPEG's SOF or a WebP's VP8/VP8L/VP8X header."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            seg = struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return w, h
            i += 2 + seg
        return None
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        chunk = data[12:16]
        if chunk == b"VP8X":
            w = 1 + int.from_bytes(data[24:27], "little")
            h = 1 + int.from_bytes(data[27:30], "little")
            return w, h
        if chunk == b"VP8 ":
            w, h = struct.unpack("<HH", data[26:30])
            return w & 0x3FFF, h & 0x3FFF
        if chunk == b"VP8L":
            b = int.from_bytes(data[21:25], "little")
            return (b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1
    return None


def local(pub, base, url):
    """The output file an absolute URL under base names, or None."""
    if not url or not url.startswith(base):
        return None
    rel = urllib.parse.unquote(url[len(base):])
    path = os.path.join(pub, rel)
    if rel == "" or rel.endswith("/"):
        path = os.path.join(path, "index.html")
    return path


def html_pages(pub):
    for d, _, files in os.walk(pub):
        for f in files:
            if f.endswith(".html"):
                yield os.path.join(d, f)


DERIV = re.compile(r"^(?P<stem>.+\.[0-9a-f]{10})-(?P<w>\d+)\.(?P<ext>jpg|webp|avif)$")


def widest_of(path):
    """The widest derivative of the same photo and format as `path`."""
    m = DERIV.match(os.path.basename(path))
    if not m:
        return None
    best = 0
    for f in os.listdir(os.path.dirname(path)):
        n = DERIV.match(f)
        if n and n["stem"] == m["stem"] and n["ext"] == m["ext"]:
            best = max(best, int(n["w"]))
    return best


def check_cards(pub, base):
    pages = sorted(html_pages(pub))
    check("cards: the site has pages", len(pages) > 0, "no .html in output")
    problems = []
    for path in pages:
        rel = os.path.relpath(path, pub)
        h = parse_page(path)
        want = ["og:type", "og:title", "og:url", "og:site_name", "og:image", "og:image:type",
                "og:image:width", "og:image:height", "og:image:alt", "twitter:card",
                "twitter:title", "twitter:image", "twitter:image:alt", "robots"]
        missing = [k for k in want if not h.one(k)]
        if missing:
            problems.append(f"{rel}: missing or repeated {', '.join(missing)}")
            continue
        if "max-image-preview:large" not in h.one("robots"):
            problems.append(f"{rel}: robots is {h.one('robots')!r}")
        if h.one("twitter:card") != "summary_large_image":
            problems.append(f"{rel}: twitter:card {h.one('twitter:card')}")
        # og:url is this page (404.html answers every path: the site's)
        page_url = base + urllib.parse.quote(rel[:-len("index.html")] if rel.endswith("index.html")
                                             else "")  # URLs carry UTF-8 percent-encoded
        if h.one("og:url") != page_url:
            problems.append(f"{rel}: og:url {h.one('og:url')} is not {page_url}")
        img = h.one("og:image")
        f = local(pub, base, img)
        if not f or not os.path.isfile(f):
            problems.append(f"{rel}: og:image {img} is not a file of the output")
            continue
        if h.one("twitter:image") != img:
            problems.append(f"{rel}: twitter:image differs from og:image")
        size = image_size(f)
        claimed = (int(h.one("og:image:width")), int(h.one("og:image:height")))
        if size != claimed:
            problems.append(f"{rel}: og:image is {size}, the card claims {claimed}")
        mime = {"jpg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}[f.rsplit(".", 1)[1]]
        if h.one("og:image:type") != mime:
            problems.append(f"{rel}: og:image:type {h.one('og:image:type')} for a {mime}")
        if claimed[0] < 1200 and claimed[0] != widest_of(f):
            problems.append(f"{rel}: og:image {claimed[0]} px wide though a wider one exists")
        if h.one("og:type") == "article":
            for k in ("article:published_time", "article:author", "og:locale", "og:description"):
                if not h.one(k):
                    problems.append(f"{rel}: an article without {k}")
    check(f"cards: {len(pages)} pages, each with a complete card pointing at real files",
          not problems, "; ".join(problems[:8]) + (f" (+{len(problems) - 8})" if len(problems) > 8 else ""))
    return pages


LICENSABLE = ("contentUrl", "license", "acquireLicensePage", "creditText", "copyrightNotice",
              "creator")


def resolve(page_path, href):
    """The output file a relative link of a page names (None if absolute)."""
    if not href or "://" in href or href.startswith(("mailto:", "/")):
        return None
    target = href.split("#")[0]
    path = os.path.normpath(os.path.join(os.path.dirname(page_path), target))
    if href.split("#")[0] == "" or target.endswith("/"):
        path = os.path.join(path, "index.html") if target else page_path
    return path


def check_photo_pages(pub, base):
    import json
    with open(os.path.join(pub, "api", "photos.json"), encoding="utf-8") as f:
        photos = json.load(f)["photos"]
    check("photos: api/photos.json lists photos", len(photos) > 0, "empty")
    problems = []
    for ph in photos:
        story, pid = ph["id"].split("/", 1)
        want = f"{story}/{pid}/"
        if ph.get("page") != want:
            problems.append(f"{ph['id']}: page is {ph.get('page')!r}, not {want}")
        path = os.path.join(pub, want, "index.html")
        if not os.path.isfile(path):
            problems.append(f"{ph['id']}: no page {want}")
            continue
        h = parse_page(path)
        docs = []
        for block in h.jsonld:
            try:
                docs.append(json.loads(block))
            except ValueError as e:
                problems.append(f"{want}: JSON-LD does not parse: {e}")
        mains = [d.get("mainEntity") for d in docs if isinstance(d, dict) and d.get("mainEntity")]
        if len(mains) != 1 or mains[0].get("@type") != "ImageObject":
            problems.append(f"{want}: not exactly one mainEntity ImageObject")
            continue
        io = mains[0]
        lacking = [k for k in LICENSABLE if not io.get(k)]
        if lacking:
            problems.append(f"{want}: ImageObject without {', '.join(lacking)}")
        f = local(pub, base, io.get("contentUrl"))
        if not f or not os.path.isfile(f):
            problems.append(f"{want}: contentUrl {io.get('contentUrl')} is not a file of the output")
        elif image_size(f) != (io.get("width"), io.get("height")):
            problems.append(f"{want}: contentUrl is {image_size(f)}, ImageObject says "
                            f"{(io.get('width'), io.get('height'))}")
        stem = DERIV.match(os.path.basename(f or "")) if f else None
        card = DERIV.match(os.path.basename(h.one("og:image") or ""))
        if not stem or not card or stem["stem"] != card["stem"]:
            problems.append(f"{want}: card {h.one('og:image')} is not this photo")
        if h.one("og:url") != base + want:
            problems.append(f"{want}: og:url {h.one('og:url')}")
        shown = [i for i in h.imgs if pid in (i.get("src") or "")]
        if not shown or not shown[0].get("alt"):
            problems.append(f"{want}: does not show the photo with alt text")
        hrefs = [a.get("href") for a in h.anchors]
        if f"../#{pid}" not in hrefs:
            problems.append(f"{want}: no link back to its place in the story")
        if f"../../license/{story}/{pid}/" not in hrefs:
            problems.append(f"{want}: no link to its licence form")
        for a in h.anchors:
            target = resolve(path, a.get("href"))
            if target and a.get("rel") in ("prev", "next") and not os.path.isfile(target):
                problems.append(f"{want}: {a.get('rel')} link {a.get('href')} leads nowhere")
            if target and target.startswith(os.path.join(pub, "license")) and not os.path.isfile(target):
                problems.append(f"{want}: licence link {a.get('href')} leads nowhere")
        # the story's figure opens this page without JavaScript
        sh = parse_page(os.path.join(pub, story, "index.html"))
        if f"{pid}/" not in [a.get("href") for a in sh.anchors]:
            problems.append(f"{story}/index.html: its figure of {pid} does not link to {want}")
    check(f"photos: {len(photos)} photo pages, each with its main-entity ImageObject, card and links",
          not problems, "; ".join(problems[:8]) + (f" (+{len(problems) - 8})" if len(problems) > 8 else ""))


def check_sitemap(pub, base):
    import json
    import xml.etree.ElementTree as ET
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "image": "http://www.google.com/schemas/sitemap-image/1.1"}
    robots = open(os.path.join(pub, "robots.txt"), encoding="utf-8").read()
    check("sitemap: robots.txt points at it", f"Sitemap: {base}sitemap.xml" in robots.splitlines(),
          robots)
    root = ET.parse(os.path.join(pub, "sitemap.xml")).getroot()
    urls = {}
    problems = []
    for u in root.findall("s:url", ns):
        loc = u.findtext("s:loc", namespaces=ns)
        imgs = [i.findtext("image:loc", namespaces=ns) for i in u.findall("image:image", ns)]
        urls[loc] = imgs
        for target in [loc] + imgs:
            f = local(pub, base, target)
            if not f or not os.path.isfile(f):
                problems.append(f"{target} is not a file of the output")
    with open(os.path.join(pub, "api", "photos.json"), encoding="utf-8") as f:
        photos = json.load(f)["photos"]
    for ph in photos:
        story, pid = ph["id"].split("/", 1)
        story_imgs = [os.path.basename(i) for i in urls.get(f"{base}{story}/", [])]
        mine = [i for i in story_imgs if i.startswith(pid + ".")]
        if len(mine) != 1:
            problems.append(f"{ph['id']}: {len(mine)} image:image in its story's <url>")
        elif int(DERIV.match(mine[0])["w"]) != widest_of(os.path.join(pub, story, mine[0])):
            problems.append(f"{ph['id']}: image:loc {mine[0]} is not its largest derivative")
        page = urls.get(f"{base}{story}/{pid}/")
        if page is None or [os.path.basename(i) for i in page] != mine:
            problems.append(f"{ph['id']}: its page is not in the sitemap with its image")
    check(f"sitemap: {len(urls)} URLs, every one of {len(photos)} photos an image:image, "
          "every location a file", not problems, "; ".join(problems[:8]))


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def relative_urls(fragment):
    """src, srcset and href values of an HTML fragment that are not absolute."""
    class P(html.parser.HTMLParser):
        found = []

        def handle_starttag(self, tag, attrs):
            for k, v in attrs:
                if k in ("src", "href") and v and not re.match(r"^(https?:|mailto:|#)", v):
                    self.found.append(v)
                if k == "srcset" and v:
                    for part in v.split(","):
                        u = part.strip().split(" ")[0]
                        if not u.startswith(("http:", "https:")):
                            self.found.append(u)
    p = P()
    p.found = []
    p.feed(fragment)
    return p.found


def check_feed_pair(pub, base, d, stories_dates):
    """feed.xml + feed.json in folder `d` ("" or "tags/x/")."""
    import json
    import xml.etree.ElementTree as ET
    A = "{http://www.w3.org/2005/Atom}"
    M = "{http://search.yahoo.com/mrss/}"
    problems = []
    jf = json.load(open(os.path.join(pub, d, "feed.json"), encoding="utf-8"))
    for k in ("version", "title", "items"):
        if k not in jf:
            problems.append(f"{d}feed.json: no {k}")
    if jf.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"{d}feed.json: version {jf.get('version')}")
    qd = urllib.parse.quote(d)
    if jf.get("feed_url") != f"{base}{qd}feed.json" or jf.get("home_page_url") != f"{base}{qd}":
        problems.append(f"{d}feed.json: feed_url/home_page_url {jf.get('feed_url')}")
    dates = []
    for it in jf.get("items", []):
        if not it.get("id") or not (it.get("content_html") or it.get("content_text")):
            problems.append(f"{d}feed.json: an item without id or content")
            continue
        if not RFC3339.match(it.get("date_published", "")):
            problems.append(f"{d}feed.json: {it['id']} date {it.get('date_published')!r}")
        dates.append(it.get("date_published", ""))
        rel = relative_urls(it.get("content_html", ""))
        if rel:
            problems.append(f"{d}feed.json: {it['id']} content has relative URLs {rel[:3]}")
        for att in it.get("attachments", []):
            f = local(pub, base, att.get("url"))
            if not f or not os.path.isfile(f) or os.path.getsize(f) != att.get("size_in_bytes"):
                problems.append(f"{d}feed.json: attachment {att.get('url')} missing or wrong size")
        ext = it.get("_tearsheet", {})
        if it.get("image") and not (ext.get("image_alt") and ext.get("image_credit")):
            problems.append(f"{d}feed.json: {it['id']} image without alt text or credit")
    if dates != sorted(dates, reverse=True):
        problems.append(f"{d}feed.json: items not newest first")
    root = ET.parse(os.path.join(pub, d, "feed.xml")).getroot()
    entries = root.findall(f"{A}entry")
    # RFC 4287's Schematron rules (xmllint reads only the RELAX NG part)
    if root.find(f"{A}author") is None and any(e.find(f"{A}author") is None for e in entries):
        problems.append(f"{d}feed.xml: an entry without author in a feed without one")
    ids = []
    for e in entries:
        ids.append(e.findtext(f"{A}id"))
        if not any(l.get("rel") in (None, "alternate") for l in e.findall(f"{A}link")) and \
                e.find(f"{A}content") is None:
            problems.append(f"{d}feed.xml: an entry without alternate link or content")
        content = e.findtext(f"{A}content") or ""
        if relative_urls(content):
            problems.append(f"{d}feed.xml: {ids[-1]} content has relative URLs")
        for l in e.findall(f"{A}link"):
            if l.get("rel") == "enclosure":
                f = local(pub, base, l.get("href"))
                if not f or not os.path.isfile(f) or str(os.path.getsize(f)) != l.get("length"):
                    problems.append(f"{d}feed.xml: enclosure {l.get('href')} missing or wrong length")
        mc = e.find(f"{M}content")
        if mc is not None and not (mc.findtext(f"{M}description") and mc.findtext(f"{M}credit")):
            problems.append(f"{d}feed.xml: {ids[-1]} cover without alt text or credit")
    if ids != [it.get("id") for it in jf.get("items", [])]:
        problems.append(f"{d}: feed.xml and feed.json list different stories")
    if stories_dates is not None and len(ids) != min(stories_dates, 20):
        problems.append(f"{d}: {len(ids)} entries, expected {min(stories_dates, 20)}")
    return problems, len(ids)


def check_feeds(pub, base, stories):
    problems, n = check_feed_pair(pub, base, "", stories)
    check(f"feeds: the site's Atom and JSON Feed, {n} entries, complete and absolute",
          not problems, "; ".join(problems[:8]))
    tags = os.path.join(pub, "tags")
    dirs = sorted(x for x in os.listdir(tags) if os.path.isdir(os.path.join(tags, x))) \
        if os.path.isdir(tags) else []
    problems = []
    for t in dirs:
        if os.path.isfile(os.path.join(tags, t, "feed.xml")):
            p, _ = check_feed_pair(pub, base, f"tags/{t}/", None)
            problems += p
        else:
            problems.append(f"tags/{t}/: no feed")
    if dirs:
        check(f"feeds: {len(dirs)} tag feeds, complete and absolute", not problems,
              "; ".join(problems[:8]))
    problems = []
    pages = list(html_pages(pub))
    for path in pages:
        h = parse_page(path)
        types = {t: href for rel, t, href, _ in h.links if rel == "alternate"
                 for t in [t] if t in ("application/atom+xml", "application/feed+json")}
        if len(types) != 2:
            problems.append(f"{os.path.relpath(path, pub)}: no autodiscovery of both feeds")
            continue
        for href in types.values():
            target = resolve(path, href) if not href.startswith("/") else \
                os.path.join(pub, href.lstrip("/"))
            if not target or not os.path.isfile(target):
                problems.append(f"{os.path.relpath(path, pub)}: feed link {href} leads nowhere")
    check(f"feeds: all {len(pages)} pages link both feeds in their head", not problems,
          "; ".join(problems[:8]))


def story_cards(path):
    """The story links of the cards of a list page (article.story-card > a)."""
    class P(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.cards, self.depth = [], 0

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "article" and "story-card" in (a.get("class") or ""):
                self.depth = 1
            elif tag == "a" and self.depth:
                self.cards.append(a.get("href"))
                self.depth = 0
    p = P()
    p.feed(open(path, encoding="utf-8").read())
    return [os.path.normpath(os.path.join(os.path.dirname(path), h)) for h in p.cards]


def paginated(pub, d):
    out = []
    path, k = os.path.join(pub, d, "index.html"), 1
    while os.path.isfile(path):
        out.append(story_cards(path))
        k += 1
        path = os.path.join(pub, d, "page", str(k), "index.html")
    return out


def front_matter(story_md):
    text = open(story_md, encoding="utf-8").read().split("\n---", 1)[0]
    date = re.search(r"^date: *(.+)$", text, re.M)
    tags = re.search(r"^tags: *\[(.*)\]$", text, re.M)
    pubs = "publications:" in text
    names = [t.strip().strip('"') for t in tags.group(1).split(",")] if tags else []
    return (date.group(1).strip() if date else ""), names, pubs


def check_lists(pub, base, stories_dir):
    problems = []
    stories = {}
    for slug in sorted(os.listdir(stories_dir)):
        md = os.path.join(stories_dir, slug, "story.md")
        if os.path.isfile(md):
            stories[slug] = front_matter(md)
    home = paginated(pub, "")
    flat = [os.path.basename(h) for page in home for h in page]
    want = sorted(stories, key=lambda s: stories[s][0], reverse=True)
    if sorted(flat) != sorted(want):
        problems.append(f"home pages list {len(flat)} stories, the site has {len(want)}")
    if [stories[s][0] for s in flat] != sorted((stories[s][0] for s in flat), reverse=True):
        problems.append("home pages not newest first")
    if any(len(p) > 24 for p in home) or any(len(p) < 24 for p in home[:-1]):
        problems.append(f"home pages of {[len(p) for p in home]} stories, not 24 a page")
    if len(want) > 24 and len(home) < 2:
        problems.append("more than 24 stories on one home page")
    check(f"lists: home in {len(home)} pages of {[len(p) for p in home]}, every story once, "
          "newest first", not problems, "; ".join(problems[:8]))
    problems = []
    tag_dirs = set(os.listdir(os.path.join(pub, "tags"))) - {"index.html"}
    index = parse_page(os.path.join(pub, "tags", "index.html"))
    linked = {urllib.parse.unquote(a["href"]).rstrip("/") for a in index.anchors
              if a.get("href") and not a["href"].startswith(("../", "#", "http"))}
    if not tag_dirs <= linked:
        problems.append(f"tags/ does not link {sorted(tag_dirs - linked)[:5]}")
    count = 0
    for slug, (_, tags, _) in stories.items():
        for t in tags:
            found = [d for d in tag_dirs
                     if slug in [os.path.basename(h) for p in paginated(pub, f"tags/{d}")
                                 for h in p]
                     and parse_page(os.path.join(pub, "tags", d, "index.html")).one("og:title") == t]
            count += 1
            if not found:
                problems.append(f"{slug}: tag {t!r} has no list holding it")
    for d in tag_dirs:
        pages = paginated(pub, f"tags/{d}")
        if any(len(p) > 24 for p in pages) or any(len(p) < 24 for p in pages[:-1]):
            problems.append(f"tags/{d}: pages of {[len(p) for p in pages]}")
        if "/" in d or d.startswith(".") or " " in d:
            problems.append(f"tags/{d}: unsafe slug")
    hangul = [d for d in tag_dirs if re.search("[\uac00-\ud7a3]", d)]
    if any(re.search("[\uac00-\ud7a3]", t) for _, ts, _ in stories.values() for t in ts) and not hangul:
        problems.append("a Hangul tag has no list of its own")
    check(f"lists: {len(tag_dirs)} tag lists, each of {count} story tags listed, pages complete, "
          f"slugs safe ({len(hangul)} in Hangul)", not problems, "; ".join(problems[:8]))
    problems = []
    place_dirs = set(os.listdir(os.path.join(pub, "places"))) - {"index.html"}
    index = parse_page(os.path.join(pub, "places", "index.html"))
    linked = {urllib.parse.unquote(a["href"]).rstrip("/") for a in index.anchors
              if a.get("href") and not a["href"].startswith(("../", "#", "http"))}
    if not place_dirs or not place_dirs <= linked:
        problems.append(f"places/ does not link {sorted(place_dirs - linked)[:5]}")
    for d in place_dirs:
        if not any(paginated(pub, f"places/{d}")):
            problems.append(f"places/{d} lists no story")
    check(f"lists: {len(place_dirs)} place lists, all linked from places/", not problems,
          "; ".join(problems[:8]))
    problems = []
    with_pubs = [s for s, v in stories.items() if v[2]]
    if with_pubs:
        ph = parse_page(os.path.join(pub, "publications", "index.html"))
        listed = {os.path.basename(os.path.normpath(a["href"])) for a in ph.anchors
                  if a.get("href", "").startswith("../")}
        for s in with_pubs:
            if s not in listed:
                problems.append(f"publications/ does not name {s}")
            sh = parse_page(os.path.join(pub, s, "index.html"))
            if "../publications/" not in [a.get("href") for a in sh.anchors]:
                problems.append(f"{s}: its page does not link publications/")
    check(f"lists: publications/ names all {len(with_pubs)} stories with publications, "
          "each links it", not problems, "; ".join(problems[:8]))


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    pub, base = argv[1], argv[2]
    check_cards(pub, base)
    check_photo_pages(pub, base)
    check_sitemap(pub, base)
    stories = int(argv[argv.index("--stories") + 1]) if "--stories" in argv else None
    check_feeds(pub, base, stories)
    if "--site" in argv:
        check_lists(pub, base, os.path.join(argv[argv.index("--site") + 1], "stories"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
