#!/usr/bin/env bash
# meta_roundtrip: every corpus JPEG that carries rights (creator,
# copyright or credit) and has at least 8x8 pixels is built into a
# one-story site by the real `tearsheet build`; each derivative (JPEG,
# WebP, AVIF) is read back by Debian's `exiftool -j -G1 -a -struct` and must
# carry exactly what `tearsheet meta --json` reports for the original
# (creator, credit, copyright, caption, headline, alt text, web
# statement, licensor URL, date, city, country) and none of the private
# data (GPS anywhere, serial numbers, maker notes, thumbnail, XMP
# history, owner name). Then the IPTC reference photo under site.yaml
# `privacy: minimal` keeps the rights core only. Prints a per-file table
# and "N passed, N failed".
# Skipped (tests/lib/skip.sh) without exiftool or the shared corpus.
#
# usage: meta_roundtrip.sh TEARSHEET CORPUS_DIR
set -u
. "$(dirname "$0")/lib/skip.sh"
ts=$1 corpus=$2
command -v exiftool >/dev/null && command -v python3 >/dev/null ||
  ts_skip "exiftool or python3 not installed (scripts/deps.sh installs them)"
[ -d "$corpus" ] || ts_skip "$corpus is absent (the extended corpus: the project's ../shared folder)"
exec python3 - "$ts" "$corpus" "$(dirname "$0")/lib" <<'PY'
import glob, json, os, re, subprocess, sys, tempfile

ts, corpus = sys.argv[1], sys.argv[2]


def clean(v):
    """What the writer does to every value (docs/meta-writer.md "Rules"):
    C0 controls but tab/LF/CR, DEL, C1 controls, U+FFFE/U+FFFF removed."""
    if v is None:
        return None
    if isinstance(v, list):
        out = [clean(x) for x in v]
        return [x for x in out if x] or None
    s = "".join(c for c in v if not (
        (ord(c) < 0x20 and c not in "\t\n\r") or 0x7F <= ord(c) <= 0x9F
        or c in "\ufffe\uffff"))
    return s if s.strip() else None


def s(v):
    """ExifTool -j prints number-like strings as numbers."""
    if v is None or isinstance(v, list):
        return v
    return str(v)


def iso(v):
    """ExifTool 'YYYY:MM:DD HH:MM:SS.ss+hh:mm' -> ISO 8601 as ours."""
    if v is None:
        return None
    v = str(v)
    m = re.match(r"^(\d{4}):(\d{2}):(\d{2})(?: (.*))?$", v)
    if not m:
        return v
    out = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return out + ("T" + m.group(4) if m.group(4) else "")


def licensor(et):
    v = et.get("XMP-plus:Licensor")
    if isinstance(v, list) and v and isinstance(v[0], dict):
        return s(v[0].get("LicensorURL"))
    return None


def creators(et):
    v = et.get("XMP-dc:Creator")
    if v is None:
        return None
    return [s(x) for x in (v if isinstance(v, list) else [v])]


KEPT = [  # our key, how to read it from the derivative
    ("creator", creators),
    ("credit_line", lambda et: s(et.get("XMP-photoshop:Credit"))),
    ("copyright_notice", lambda et: s(et.get("XMP-dc:Rights"))),
    ("description", lambda et: s(et.get("XMP-dc:Description"))),
    ("headline", lambda et: s(et.get("XMP-photoshop:Headline"))),
    ("alt_text", lambda et: s(et.get("XMP-iptcCore:AltTextAccessibility"))),
    ("web_statement", lambda et: s(et.get("XMP-xmpRights:WebStatement"))),
    ("licensor_url", licensor),
    ("date_created", lambda et: iso(et.get("XMP-photoshop:DateCreated"))),
    ("city", lambda et: s(et.get("XMP-photoshop:City"))),
    ("country", lambda et: s(et.get("XMP-photoshop:Country"))),
]
# Private data (one list for every suite: tests/lib/private_tags.py).
sys.dont_write_bytecode = True  # write nothing beside tests/lib
sys.path.insert(0, sys.argv[3])
from private_tags import FORBIDDEN  # noqa: E402


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=300, **kw)


files = sorted(f for f in glob.glob(os.path.join(corpus, "*.jp*g"))
               if not os.path.basename(f).startswith("bad_"))
rows, passed, failed = [], 0, 0
with tempfile.TemporaryDirectory(prefix="ts-roundtrip-") as tmp:
    for n, path in enumerate(files):
        name = os.path.basename(path)
        p = run([ts, "meta", "--json", path])
        try:
            orig = json.loads(p.stdout)
        except ValueError:
            continue
        if "error" in orig:
            continue
        if not (orig.get("creator") or orig.get("copyright_notice") or orig.get("credit_line")):
            continue
        if (orig.get("width") or 0) < 8 or (orig.get("height") or 0) < 8:
            continue
        site = os.path.join(tmp, f"site{n}")
        story = os.path.join(site, "stories", "s")
        os.makedirs(story)
        with open(os.path.join(site, "site.yaml"), "w") as fh:
            fh.write("title: Round trip\nimages:\n  widths: [480]\n  formats: [jpeg, webp, avif]\n")
        with open(path, "rb") as src, open(os.path.join(story, "photo.jpg"), "wb") as dst:
            dst.write(src.read())
        with open(os.path.join(story, "story.md"), "w") as fh:
            fh.write("---\ntitle: Round trip\n---\n\n![](photo.jpg)\n")
        b = run([ts, "build", site])
        outs = sorted(glob.glob(os.path.join(site, "public", "s", "*.jpg")) +
                      glob.glob(os.path.join(site, "public", "s", "*.webp")) +
                      glob.glob(os.path.join(site, "public", "s", "*.avif")))
        problems = []
        if b.returncode != 0 or len(outs) != 3:
            problems.append("build: " + b.stderr.decode("utf-8", "replace").strip()[-200:])
        for out in outs:
            ext = out.rsplit(".", 1)[1]
            e = run(["exiftool", "-j", "-G1", "-a", "-struct", out])
            et = json.loads(e.stdout)[0]
            for key, get in KEPT:
                want = clean(orig.get(key))
                if key == "licensor_url" and want is None:
                    # no licensor anywhere: the site points at the photo's
                    # own inquiry form (docs/site.md, acquireLicensePage)
                    want = "/license/s/photo/"
                got = get(et)
                if got != want:
                    problems.append(f"{ext} {key}: {json.dumps(got, ensure_ascii=False)[:60]}"
                                    f" != {json.dumps(want, ensure_ascii=False)[:60]}")
            for tag in et:
                g, _, nm = tag.partition(":")
                for what, bad in FORBIDDEN:
                    if nm and bad(g, nm):
                        problems.append(f"{ext} {what} kept: {tag}")
        kept = sum(1 for k, _ in KEPT if clean(orig.get(k)) is not None)
        private = ", ".join(w for w, on in (("gps", orig.get("has_gps")),
                                             ("serial", orig.get("serial_number")))
                            if on) or "-"
        rows.append((name, len(outs), kept, private, problems))
        if problems:
            failed += 1
        else:
            passed += 1

    # site.yaml `privacy: minimal`: the rights core only, in every format.
    ref = os.path.join(corpus, "iptc_IPTC-PhotometadataRef-Std2021.1.jpg")
    if os.path.exists(ref):
        site = os.path.join(tmp, "minimal")
        story = os.path.join(site, "stories", "s")
        os.makedirs(story)
        with open(os.path.join(site, "site.yaml"), "w") as fh:
            fh.write("title: Minimal\nprivacy: minimal\nimages:\n  widths: [480]\n"
                     "  formats: [jpeg, webp, avif]\n")
        with open(ref, "rb") as src, open(os.path.join(story, "photo.jpg"), "wb") as dst:
            dst.write(src.read())
        with open(os.path.join(story, "story.md"), "w") as fh:
            fh.write("---\ntitle: Minimal\n---\n\n![](photo.jpg)\n")
        run([ts, "build", site])
        orig = json.loads(run([ts, "meta", "--json", ref]).stdout)
        outs = sorted(glob.glob(os.path.join(site, "public", "s", "photo.*")))
        problems = [] if len(outs) == 3 else [f"{len(outs)} derivatives, want 3"]
        core = ("creator", "credit_line", "copyright_notice", "web_statement", "licensor_url")
        gone = ("XMP-photoshop:Headline", "XMP-dc:Description", "XMP-iptcCore:AltTextAccessibility",
                "XMP-photoshop:DateCreated", "XMP-photoshop:City", "XMP-photoshop:Country",
                "XMP-dc:Title", "XMP-dc:Subject", "XMP-xmpRights:UsageTerms",
                "XMP-photoshop:Source", "IPTC:Caption-Abstract", "IPTC:Headline",
                "IFD0:ImageDescription", "ExifIFD:DateTimeOriginal")
        for out in outs:
            ext = out.rsplit(".", 1)[1]
            et = json.loads(run(["exiftool", "-j", "-G1", "-a", "-struct", out]).stdout)[0]
            for key, get in KEPT:
                if key in core and get(et) != clean(orig.get(key)):
                    problems.append(f"{ext} {key} not kept")
            problems += [f"{ext} {tag} kept under privacy: minimal" for tag in gone if tag in et]
        rows.append(("privacy: minimal (IPTC reference)", len(outs), len(core), "-", problems))
        if problems:
            failed += 1
        else:
            passed += 1

print(f"{'file':<52} {'outs':>4} {'kept':>4}  {'private':<12} result")
for name, nouts, kept, private, problems in rows:
    print(f"{name[:52]:<52} {nouts:>4} {kept:>4}  {private:<12} "
          + ("ok" if not problems else "FAIL"))
    for pr in problems:
        print(f"      {pr}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
