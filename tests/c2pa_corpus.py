#!/usr/bin/env python3
"""c2pa_corpus.py — runs `tearsheet verify --json` on every file of the
shared C2PA corpus and compares it with the reference implementation's
output (*.oracle.json without trust anchors, *.oracle.trusted.json with
keys/trust_test_cert_root_bundle.pem): same validation state, same set
of active-manifest failure codes, and the same success and
informational lists (as multisets of code and JUMBF url; every entry
only in one side is printed and must be one docs/c2pa.md explains,
listed in EXPLAINED below). CAWG identity-assertion codes (cawg.*)
are compared like the rest.

Known differences are counted apart, never as passes of a check that
could not fail:
  - "unsupported": formats tearsheet does not read (GIF, SVG, JXL,
    TIFF) must say "unsupported format" and the oracle must
    have found no manifest either.
Usage: c2pa_corpus.py TEARSHEET CORPUS_DIR. Exit 0 when nothing failed.
"""
import fnmatch
import json
import os
import subprocess
import sys
from collections import Counter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from skip import skip  # noqa: E402

# Success/informational differences that docs/c2pa.md explains:
# (file pattern, "+|-" + "S:|I:" + code, number of the difference there).
EXPLAINED = [
    # c2pa-rs reports the hash itself as matching and the exclusion's
    # place as a mismatch; we report only the mismatch (difference 9)
    ("truepic-20230212-camera.jpg", "-S:assertion.dataHash.match", "9"),
]


def status_multiset(am, kind):
    """The (code, url) pairs of one list of the active manifest, as a
    multiset (Counter): the order of the lists is not specified (§15.2.2)."""
    return Counter((x["code"], x.get("url") or "") for x in am.get(kind, []))


def oracle_view(o):
    am = ((o.get("validation_results") or {}).get("active_manifest") or {})
    codes = {x["code"] for x in am.get("failure", [])}
    return o.get("validation_state"), codes, {k: status_multiset(am, k) for k in ("success", "informational")}


def status_diff(oracle, ours):
    """Success/informational entries only in one side: '-' only in the
    oracle, '+' only in ours; 'S:'/'I:' says which list."""
    out = []
    for kind in ("success", "informational"):
        o, m = oracle[kind], ours[kind]
        for (code, url), n in sorted((o - m).items()):
            out += ["-%s:%s@%s" % (kind[0].upper(), code, url)] * n
        for (code, url), n in sorted((m - o).items()):
            out += ["+%s:%s@%s" % (kind[0].upper(), code, url)] * n
    return out


def explained(f, entry):
    """The docs/c2pa.md difference that explains one status entry, or None."""
    for pat, sign_kind_code, doc in EXPLAINED:
        if fnmatch.fnmatchcase(f, pat) and entry.split("@", 1)[0] == sign_kind_code:
            return doc
    return None


def ours_all(tearsheet, corpus, files, trust):
    """One `verify --json` run over every file (ASan start-up is slow);
    returns {file: (state, failure codes, error, unreadable)} and a
    problem string when the exit code does not fit the states."""
    cmd = [tearsheet, "verify", "--json"] + [os.path.join(corpus, f) for f in files]
    if trust:
        cmd += ["--trust", trust]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    try:
        docs = json.loads(p.stdout)
    except ValueError:
        return {}, "not JSON (exit %d): %s" % (p.returncode, p.stderr.strip()[:300])
    if isinstance(docs, dict):
        docs = [docs]
    out = {}
    bad = False
    for r in docs:
        am = ((r.get("validation_results") or {}).get("active_manifest") or {})
        codes = {x["code"] for x in am.get("failure", [])}
        lists = {k: status_multiset(am, k) for k in ("success", "informational")}
        out[os.path.basename(r["file"])] = (r.get("validation_state"), codes, r.get("error") or "", lists)
        bad = bad or r.get("validation_state") == "Invalid" or r.get("unreadable")
    want = 1 if bad else 0
    problem = None if p.returncode == want else "exit code %d, expected %d" % (p.returncode, want)
    return out, problem


def main():
    if len(sys.argv) != 3:
        print("usage: c2pa_corpus.py TEARSHEET CORPUS_DIR")
        return 2
    tearsheet, corpus = sys.argv[1], sys.argv[2]
    if not os.path.isdir(corpus):
        skip(corpus + " is absent (the extended corpus: the project's ../shared folder)")
    trust = os.path.join(corpus, "keys", "trust_test_cert_root_bundle.pem")
    files = sorted(f for f in os.listdir(corpus)
                   if os.path.isfile(os.path.join(corpus, f + ".oracle.json")))
    passed = failed = 0
    known = []
    print("%-58s %-5s %-8s %-8s %s" % ("file", "trust", "oracle", "ours", "codes only in one"))
    runs = {}
    for tr in (None, trust):
        runs[tr], problem = ours_all(tearsheet, corpus, files, tr)
        if problem:
            print("FAIL: verify%s: %s" % (" --trust" if tr else "", problem))
            failed += 1
    empty = {"success": Counter(), "informational": Counter()}
    status_checked = status_known = 0
    for f in files:
        for suffix, tr in ((".oracle.json", None), (".oracle.trusted.json", trust)):
            opath = os.path.join(corpus, f + suffix)
            if not os.path.exists(opath):
                continue
            with open(opath) as fh:
                ostate, ocodes, olists = oracle_view(json.load(fh))
            state, codes, note, lists = runs[tr].get(f, ("missing", set(), "no output for this file", empty))
            diff = sorted(("-" + c) for c in ocodes - codes) + sorted(("+" + c) for c in codes - ocodes)
            verdict = "ok"
            if note == "unsupported format" and ostate is None and state is None:
                verdict = "known"
                known.append((f, bool(tr), "unsupported format"))
            elif state != ostate or diff:
                verdict = "FAIL"
            # success/informational lists: every entry only in one side
            # must be one that docs/c2pa.md explains
            sdiff = status_diff(olists, lists) if verdict != "known" else []
            unexplained = [e for e in sdiff if explained(f, e) is None]
            if sdiff:
                status_checked += 1
                if unexplained:
                    verdict = "FAIL"
                else:
                    status_known += 1
                    docs = sorted({explained(f, e) for e in sdiff})
                    known.append((f, bool(tr), "status lists, difference " + ", ".join(docs) + ": " +
                                  " ".join(e.split("@", 1)[0] for e in sdiff)))
                    if verdict == "ok":
                        verdict = "known"
            if verdict == "FAIL":
                failed += 1
            else:
                passed += 1
            print("%-58s %-5s %-8s %-8s %s%s" % (f[:58], "yes" if tr else "no", ostate, state,
                                               " ".join(diff + (unexplained if verdict == "FAIL" else [])),
                                               "" if verdict == "ok" else "  [" + verdict + "]" + (" " + note if verdict == "FAIL" and note else "")))
    if known:
        print("\nknown differences (%d, see docs/c2pa.md):" % len(known))
        for f, tr, why in known:
            print("  %s%s: %s" % (f, " (trusted)" if tr else "", why))
    print("\n%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
