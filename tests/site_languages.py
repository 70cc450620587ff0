#!/usr/bin/env python3
"""tests/site_languages.py — a site in English and Korean (site.yaml
`languages: [en, ko]`, docs/site.md "Languages"), built by the real
binary from photos written here by vips and exiftool, so it runs in a
fresh clone without ../shared:

  a.jpg  XMP Lang Alt caption, alt text and title in x-default, en, ko
  b.jpg  a caption and alt text in x-default only
  c.jpg  an IPTC IIM caption only (no XMP at all)

What a reader would notice is checked in the built pages: the Korean
story page is lang="ko" and takes every caption from the ko entry,
falls back to x-default and to IIM with lang="en" on exactly those
captions; hreflang alternates both ways (and x-default), in the head and
the sitemap; the switcher lands on the same story in the other
language; dates and interface strings in each language; a story without
a translation has no Korean page and no alternates; an edited
story.ko.md renders the Korean pages only; a deleted one takes its
pages away; a bad `languages:` is an error naming site.yaml.

usage: site_languages.py TEARSHEET
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urljoin, urlparse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from skip import skip  # noqa: E402

failures = 0


def check(name, ok, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + detail))
    if not ok:
        failures += 1


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=300, **kw)


def exiftool(path, args, tmp):
    argfile = os.path.join(tmp, "args.txt")
    with open(argfile, "w", encoding="utf-8") as fh:
        fh.write("\n".join(args) + "\n")
    p = run(["exiftool", "-q", "-q", "-overwrite_original", "-@", argfile, path])
    if p.returncode != 0:
        raise SystemExit(f"exiftool could not write {path}: {p.stderr.decode()}")


def read(path):
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def caption(html, text):
    """The <p class="caption"> holding `text`: its lang attribute (None
    when it has none), or False when the caption is not on the page."""
    m = re.search(r'<p class="caption"( lang="([^"]*)")?>' + re.escape(text) + "</p>", html)
    if not m:
        return False
    return m.group(2)


def captions(html):
    return re.findall(r'<p class="caption"[^>]*>([^<]*)</p>', html)


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def switcher(html):
    m = re.search(r'<nav class="languages"[^>]*>\s*<a href="([^"]+)" hreflang="([^"]+)"', html)
    return (m.group(1), m.group(2)) if m else None


BASE = "https://example.org/"
SITE_YAML = """title: Two languages
author: Test Photographer
base_url: https://example.org/
languages: [en, ko]
images:
  widths: [320]
  formats: [jpeg]
"""
STORY_EN = """---
title: The market at dawn
date: 2022-01-27
---
Morning at the market.

![](a.jpg)

![](b.jpg)

![Stalls in the rain](c.jpg)
"""
STORY_KO = """---
title: 새벽 시장
date: 2022-01-27
---
시장의 아침.

![](a.jpg)

![](b.jpg)

![비 오는 날의 가판대](c.jpg)
"""
ALONE = """---
title: Told in English only
date: 2021-05-02
---
Only in English.

![A quiet street](c.jpg)
"""


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    ts = os.path.abspath(sys.argv[1])
    for tool in ("exiftool", "vips"):
        if not shutil.which(tool):
            skip(f"site_languages needs {tool} (scripts/deps.sh)")
    tmp = tempfile.mkdtemp(prefix="ts-lang-")
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    try:
        site = os.path.join(tmp, "site")
        story = os.path.join(site, "stories", "market")
        alone = os.path.join(site, "stories", "alone")
        os.makedirs(story)
        os.makedirs(alone)
        write(os.path.join(site, "site.yaml"), SITE_YAML)
        for name in ("a", "b", "c"):
            p = run(["vips", "black", os.path.join(story, name + ".jpg"), "400", "300",
                     "--bands", "3"])
            if p.returncode != 0:
                raise SystemExit("vips could not make a photo: " + p.stderr.decode())
        exiftool(os.path.join(story, "a.jpg"), [
            "-XMP-dc:Description-x-default=Stalls open before sunrise.",
            "-XMP-dc:Description-en=Stalls open before sunrise.",
            "-XMP-dc:Description-ko=해뜨기 전에 문을 연 가판대.",
            "-XMP-iptcCore:AltTextAccessibility-x-default=Lit stalls in the dark.",
            "-XMP-iptcCore:AltTextAccessibility-en=Lit stalls in the dark.",
            "-XMP-iptcCore:AltTextAccessibility-ko=어둠 속에 불 켜진 가판대.",
            "-XMP-photoshop:Headline=Dawn stalls",
            "-XMP-dc:Title-x-default=Dawn stalls",
            "-XMP-dc:Title-ko=새벽 가판대",
        ], tmp)
        exiftool(os.path.join(story, "b.jpg"), [
            "-XMP-dc:Description=A porter carries crates.",
            "-XMP-iptcCore:AltTextAccessibility=A man with a stack of crates.",
            "-XMP-photoshop:Headline=The porter",
        ], tmp)
        exiftool(os.path.join(story, "c.jpg"), [
            "-IPTC:CodedCharacterSet=UTF8",
            "-IPTC:Caption-Abstract=Rain on the awnings.",
            "-IPTC:Headline=Rain",
        ], tmp)
        shutil.copy(os.path.join(story, "c.jpg"), os.path.join(alone, "c.jpg"))
        write(os.path.join(story, "story.md"), STORY_EN)
        write(os.path.join(story, "story.ko.md"), STORY_KO)
        write(os.path.join(alone, "story.md"), ALONE)

        p = run([ts, "build", site], env=env)
        check("the two-language site builds", p.returncode == 0, p.stderr.decode()[-800:])
        if p.returncode != 0:
            return 1
        pub = os.path.join(site, "public")
        en = read(os.path.join(pub, "market/index.html"))
        ko = read(os.path.join(pub, "ko/market/index.html"))

        # the Korean story page
        check('the Korean story page is <html lang="ko">', '<html lang="ko">' in ko)
        check("a.jpg's caption on the Korean page is its ko entry, without lang",
              caption(ko, "해뜨기 전에 문을 연 가판대.") is None)
        check("b.jpg (x-default only): the caption falls back, marked lang=\"en\"",
              caption(ko, "A porter carries crates.") == "en")
        check("c.jpg (IIM only): the IIM caption, marked lang=\"en\"",
              caption(ko, "Rain on the awnings.") == "en")
        check("the Korean page shows three captions and no other",
              sorted(captions(ko)) == sorted(["해뜨기 전에 문을 연 가판대.",
                                              "A porter carries crates.",
                                              "Rain on the awnings."]), repr(captions(ko)))
        check("a.jpg's alt text on the Korean page is its ko entry",
              'alt="어둠 속에 불 켜진 가판대."' in ko)
        check("b.jpg's alt text fell back to x-default and says lang=\"en\"",
              'alt="A man with a stack of crates." lang="en"' in ko)
        check("the Markdown alt text of story.ko.md is the Korean one",
              'alt="비 오는 날의 가판대"' in ko)
        check("the Korean date is written 2022년 1월 27일", "2022년 1월 27일" in ko)
        check("the interface strings are Korean (skip link)", "본문으로 건너뛰기" in ko)
        # the English page: its own captions, no lang attributes
        check("the English page takes a.jpg's en entry, without lang",
              caption(en, "Stalls open before sunrise.") is None)
        check("the English page's fallbacks need no lang",
              caption(en, "A porter carries crates.") is None
              and caption(en, "Rain on the awnings.") is None)
        check("the English date is 27 January 2022", "27 January 2022" in en)
        # hreflang both ways, and x-default
        want = {"en": BASE + "market/", "ko": BASE + "ko/market/", "x-default": BASE + "market/"}
        check("the Korean page names both languages and x-default", alternates(ko) == want,
              repr(alternates(ko)))
        check("the English page names the same alternates", alternates(en) == want,
              repr(alternates(en)))
        # the switcher goes to the same story in the other language
        sw_ko, sw_en = switcher(ko), switcher(en)
        check("the Korean page's switcher goes to English", sw_ko and sw_ko[1] == "en")
        check("the English page's switcher goes to Korean", sw_en and sw_en[1] == "ko")
        if sw_ko and sw_en:
            to_en = urlparse(urljoin(BASE + "ko/market/", sw_ko[0])).path
            to_ko = urlparse(urljoin(BASE + "market/", sw_en[0])).path
            check("the switcher lands on the same story in English", to_en == "/market/", to_en)
            check("and back on the same story in Korean", to_ko == "/ko/market/", to_ko)
            check("both targets exist", os.path.exists(os.path.join(pub, to_en[1:], "index.html"))
                  and os.path.exists(os.path.join(pub, to_ko[1:], "index.html")))
        # photo pages: the Korean headline from the Title's ko entry
        pa = read(os.path.join(pub, "ko/market/a/index.html"))
        pb = read(os.path.join(pub, "ko/market/b/index.html"))
        check("a.jpg's Korean photo page is headed by its ko Title",
              '<h1 class="photo-headline">새벽 가판대</h1>' in pa)
        check("b.jpg's Korean photo page keeps its English headline, lang=\"en\"",
              '<h1 class="photo-headline" lang="en">The porter</h1>' in pb)
        check("a Korean photo page's JSON-LD gives the ko caption, inLanguage ko",
              '"caption":"해뜨기 전에 문을 연 가판대.","inLanguage":"ko"' in pa)
        check("a Korean photo page points back at its English one",
              alternates(pa).get("en") == BASE + "market/a/")
        # a story without a translation
        lone = read(os.path.join(pub, "alone/index.html"))
        check("a story told in English only has no Korean page",
              not os.path.exists(os.path.join(pub, "ko/alone")))
        check("and no alternates or switcher", not alternates(lone) and not switcher(lone))
        kohome = read(os.path.join(pub, "ko/index.html"))
        cards = [urlparse(urljoin(BASE + "ko/", h)).path for h in
                 re.findall(r'<article class="story-card"[^>]*>\s*<a href="([^"]+)"', kohome)]
        check("the Korean home lists the Korean story only", cards == ["/ko/market/"], repr(cards))
        # sitemap and feeds
        sm = read(os.path.join(pub, "sitemap.xml"))
        check("the sitemap declares xhtml", 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sm)
        check("the sitemap lists the Korean story with its alternates",
              "<loc>https://example.org/ko/market/</loc>" in sm
              and '<xhtml:link rel="alternate" hreflang="ko" href="https://example.org/ko/market/"/>'
              in sm)
        feed = read(os.path.join(pub, "ko/feed.xml"))
        check("the Korean feed is xml:lang=\"ko\" and links the Korean page",
              'xml:lang="ko"' in feed and "https://example.org/ko/market/" in feed)
        check("og:locale says ko_KR, with en_US as the alternate",
              'content="ko_KR"' in ko and 'og:locale:alternate" content="en_US"' in ko)

        # incremental: nothing changed, nothing rendered; an edited
        # translation renders its own language's pages only
        p = run([ts, "build", "--stats", site], env=env)
        out = (p.stdout + p.stderr).decode()
        check("a no-op rebuild renders no page", "pages_rendered=0" in out, out[-300:])
        before = os.stat(os.path.join(pub, "market/index.html")).st_mtime_ns
        with open(os.path.join(story, "story.ko.md"), "a", encoding="utf-8") as fh:
            fh.write("\n새로 쓴 문단.\n")
        p = run([ts, "build", "--stats", site], env=env)
        out = (p.stdout + p.stderr).decode()
        n = re.search(r"pages_rendered=(\d+)", out)
        check("an edited story.ko.md renders some pages", n and int(n.group(1)) > 0, out[-300:])
        check("the Korean page shows the edit",
              "새로 쓴 문단." in read(os.path.join(pub, "ko/market/index.html")))
        check("the English story page was not rendered again",
              os.stat(os.path.join(pub, "market/index.html")).st_mtime_ns == before)
        os.remove(os.path.join(story, "story.ko.md"))
        p = run([ts, "build", site], env=env)
        check("a deleted story.ko.md takes its Korean pages away",
              p.returncode == 0 and not os.path.exists(os.path.join(pub, "ko/market/index.html")))
        check("and the English page its alternates",
              not alternates(read(os.path.join(pub, "market/index.html")))
              and not switcher(read(os.path.join(pub, "market/index.html"))))

        # a story whose folder is a language's would share its home page
        os.makedirs(os.path.join(site, "stories", "ko"))
        write(os.path.join(site, "stories", "ko", "story.md"), ALONE.replace("![A quiet street](c.jpg)", ""))
        p = run([ts, "build", site], env=env)
        err = p.stderr.decode()
        check("a story folder named ko is refused, naming it",
              p.returncode == 1 and "stories/ko: folder name is that of the 'ko' pages" in err,
              err[-300:])
        shutil.rmtree(os.path.join(site, "stories", "ko"))

        # a bad languages: is an error naming site.yaml
        for bad, why in (("[en, en]", "twice"), ("[en, 'not a tag']", "language tag")):
            write(os.path.join(site, "site.yaml"),
                  SITE_YAML.replace("languages: [en, ko]", "languages: " + bad))
            p = run([ts, "build", site], env=env)
            err = p.stderr.decode()
            check(f"languages: {bad} is refused naming site.yaml",
                  p.returncode != 0 and "site.yaml" in err and why in err, err[-300:])
        # a theme's catalogue is checked like site.yaml
        os.makedirs(os.path.join(site, "themes", "mine"))
        write(os.path.join(site, "themes", "mine", "messages.ko.yaml"), "skip: [a, b]\n")
        write(os.path.join(site, "site.yaml"), SITE_YAML + "theme: mine\n")
        p = run([ts, "build", site], env=env)
        err = p.stderr.decode()
        check("a list in messages.ko.yaml is refused naming the file and line",
              p.returncode != 0 and "messages.ko.yaml" in err and "line 1" in err, err[-300:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{failures} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
