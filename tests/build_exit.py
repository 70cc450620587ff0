#!/usr/bin/env python3
"""build_exit.py - a build that encodes JPEG, WebP and AVIF at once exits
cleanly under the test build's sanitizers, three times of three.

The reproduction of a crash at exit: `tearsheet build` of one corpus
photo (folio_shutterstock_2480370209.jpg, a 10x10 JPEG with rich
metadata) with `formats: [jpeg, webp, avif]`, started from Python with
its output on pipes, printed "Built ..." and then died with SIGABRT:
"Tracer caught signal 11: addr=0x270 ... LeakSanitizer has encountered a
fatal error". No thread was alive at exit (the process had one thread
after libvips shut down; LeakSanitizer's log processed only the main
thread): the tracer crashed reading "DTLS 8 at 0x270-0x800001372", an
entry of the main thread's dynamic-TLS table that gcc 12's sanitizer
runtime reads but never wrote. The test preset turns that tracking off
(ASAN_OPTIONS intercept_tls_get_addr=0, CMakePresets.json; docs/testing.md).
This test runs the same build under that environment and fails if any
run does not exit 0 with its three derivatives.

Needs ../shared (the photo): Skipped without it (tests/lib/skip.py).
usage: build_exit.py TEARSHEET CORPUS_DIR
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from skip import skip  # noqa: E402

ts, corpus = sys.argv[1], sys.argv[2]
photo = os.path.join(corpus, "folio_shutterstock_2480370209.jpg")
if not os.path.isfile(photo):
    skip(photo + " is absent (the project's ../shared folder)")

passed = failed = 0
for run in range(3):
    with tempfile.TemporaryDirectory(prefix="ts-roundtrip-") as tmp:
        site = os.path.join(tmp, "site0")
        story = os.path.join(site, "stories", "s")
        os.makedirs(story)
        with open(os.path.join(site, "site.yaml"), "w") as fh:
            fh.write("title: Round trip\nimages:\n  widths: [480]\n"
                     "  formats: [jpeg, webp, avif]\n")
        with open(photo, "rb") as src, open(os.path.join(story, "photo.jpg"), "wb") as dst:
            dst.write(src.read())
        with open(os.path.join(story, "story.md"), "w") as fh:
            fh.write("---\ntitle: Round trip\n---\n\n![](photo.jpg)\n")
        p = subprocess.run([ts, "build", site], capture_output=True, timeout=300)
        outs = sorted(f for f in os.listdir(os.path.join(site, "public", "s"))
                      if f.endswith((".jpg", ".webp", ".avif"))) \
            if os.path.isdir(os.path.join(site, "public", "s")) else []
        ok = p.returncode == 0 and len(outs) == 3
        print("run %d: exit %d, %d derivatives: %s" % (run + 1, p.returncode, len(outs),
                                                        "ok" if ok else "FAIL"))
        if not ok:
            print(p.stderr.decode("utf-8", "replace")[-2000:])
            failed += 1
        else:
            passed += 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
