#!/usr/bin/env python3
"""check_jsonld.py — every photo a page shows has a schema.org ImageObject
with the six properties Google's "Licensable" badge reads, and a story
page has a NewsArticle. Reads the page's <script type="application/ld+json">
blocks; prints one line per problem and exits 1 when there is any.

usage: check_jsonld.py PAGE.html [--article] [--photos N] [--base URL]
"""
import json
import re
import sys

REQUIRED = ("contentUrl", "creator", "creditText", "copyrightNotice", "license",
            "acquireLicensePage")


def image_objects(node, out):
    if isinstance(node, dict):
        if node.get("@type") == "ImageObject":
            out.append(node)
        for v in node.values():
            image_objects(v, out)
    elif isinstance(node, list):
        for v in node:
            image_objects(v, out)


def main(argv):
    path = argv[1]
    want_article = "--article" in argv
    photos = int(argv[argv.index("--photos") + 1]) if "--photos" in argv else None
    base = argv[argv.index("--base") + 1] if "--base" in argv else None
    html = open(path, encoding="utf-8").read()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    problems = []
    docs = []
    for b in blocks:
        try:
            docs.append(json.loads(b))
        except ValueError as e:
            problems.append(f"JSON-LD does not parse: {e}")
    objs = []
    for d in docs:
        image_objects(d, objs)
    if want_article and not any(isinstance(d, dict) and d.get("@type") == "NewsArticle"
                                for d in docs):
        problems.append("no NewsArticle")
    # every photo shown (its derivative's stem) has an ImageObject
    shown = set(re.findall(r'<figure class="photo[^"]*" id="([^"]+)"', html))
    described = set()
    for o in objs:
        for k in REQUIRED:
            if not o.get(k):
                problems.append(f"ImageObject {o.get('contentUrl')} lacks {k}")
        c = o.get("creator")
        if isinstance(c, dict) and c.get("@type") != "Person":
            problems.append(f"ImageObject {o.get('contentUrl')}: creator is not a Person")
        url = o.get("contentUrl", "")
        if base and not url.startswith(base):
            problems.append(f"contentUrl {url} not under {base}")
        described.add(url.rsplit("/", 1)[-1].split(".", 1)[0])
    for photo in sorted(shown - described):
        problems.append(f"photo {photo} is shown but has no ImageObject")
    if photos is not None and len(described) != photos:
        problems.append(f"{len(described)} photos described, expected {photos}")
    for p in problems:
        print(f"{path}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
