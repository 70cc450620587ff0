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
        page_url = base + (rel[:-len("index.html")] if rel.endswith("index.html") else "")
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


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    pub, base = argv[1], argv[2]
    check_cards(pub, base)
    check_photo_pages(pub, base)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
