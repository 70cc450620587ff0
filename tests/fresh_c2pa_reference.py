#!/usr/bin/env python3
"""fresh_c2pa_reference.py - tearsheet's C2PA validator against the
reference implementation (c2pa-rs 0.92 as WebAssembly, installed from the
npm registry by tools/c2pa-reference/package-lock.json), on files this
suite makes itself, so a fresh clone without ../shared can see the two
agree.

In a temporary folder it makes photos (stand-in JPEGs, a PNG), signs
them with a `tearsheet keygen` key through a site build (JPEG, WebP and
AVIF derivatives; the originals: unsigned JPEG, unsigned PNG, and a JPEG
that carries a manifest we signed with another key, so the derivatives
carry it as their ingredient's) and through tests/c2pa_sign_tool (a
vips-made WebP and AVIF from the PNG original), then tampered copies: a
flipped pixel byte, a flipped claim byte (of the active manifest, and of
the carried original's), a cut segment / chunk / box, a certificate
swapped for another key's, a store moved into a PNG, and the wrong trust
anchor; and update manifests (C2PA "Update Manifests") the tool writes on a signed JPEG:
a caption correction, an update on an update, each with a flipped pixel,
and one recording an action an update may not. For every file, `tearsheet verify --json` and
`node tools/c2pa-reference/read.mjs` must report the same manifest
presence, validation state, sorted failure codes of the active manifest
and failure codes of each ingredient delta; each case also states what
a user must see (e.g. Invalid with assertion.dataHash.mismatch), so the
two cannot agree on nonsense. Nothing is moved or forgiven before
comparing: a code filed under the active manifest on one side and under
an ingredient's delta on the other is a failure. Prints a table and
"N passed, N failed".

PNG: tearsheet's signer writes JPEG, WebP and AVIF only (docs/c2pa-sign.md
"Limits"), so PNG is covered as an original (ingredient dc:format
image/png), unsigned, and as the container of a moved store.

Skips (exit 77, tests/lib/skip.py) when node, vips or the reference
package is not installed (scripts/test.sh runs `npm ci` there).
Must never: read ../shared (a fresh clone has none), fetch anything
(read.mjs turns OCSP and remote manifests off), or write outside its
temporary folder. Standard library only.
"""
import argparse
import base64
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from skip import skip  # noqa: E402

PACKAGE = "@contentauth/c2pa-wasm"


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def check_prerequisites(reference):
    """Skips unless node, vips and the pinned reference package are here."""
    for tool in ("node", "vips"):
        if not shutil.which(tool):
            skip(tool + " is not installed")
    lock = os.path.join(reference, "package-lock.json")
    installed = os.path.join(reference, "node_modules", PACKAGE, "package.json")
    if not os.path.isfile(installed):
        skip("%s is not installed in %s (run `npm ci` there; scripts/test.sh does)"
             % (PACKAGE, reference))
    pinned = json.load(open(lock))["packages"]["node_modules/" + PACKAGE]["version"]
    have = json.load(open(installed))["version"]
    if have != pinned:
        # a stale node_modules would compare with another engine than
        # the one the lockfile names: that is a failure, not a skip
        sys.exit("FAILED: %s %s is installed, the lockfile pins %s: run `npm ci` in %s"
                 % (PACKAGE, have, pinned, reference))


# ---- the two readers, reduced to what is compared ----

def failure_sets(doc):
    """(has_manifest, state, active failures, {ingredient uri: failures})
    from either side's JSON: read.mjs keeps sorted code lists, tearsheet
    the reference's {code, url, explanation} lists."""
    def codes(lst):
        return sorted({e if isinstance(e, str) else e["code"] for e in lst or []})
    if "codes" in doc:
        active = codes(doc["codes"]["failure"])
        deltas = doc.get("ingredient_deltas") or []
    else:
        vr = doc.get("validation_results") or {}
        active = codes((vr.get("active_manifest") or {}).get("failure"))
        deltas = vr.get("ingredient_deltas") or []
    ingredients = {d.get("ingredient_uri"): codes(d.get("failure")) for d in deltas}
    # an ingredient with nothing wrong may be listed by one side only
    ingredients = {k: v for k, v in ingredients.items() if v}
    return (bool(doc.get("has_manifest")), doc.get("validation_state"), active, ingredients)


class Readers:
    def __init__(self, tearsheet, reference):
        self.tearsheet = tearsheet
        self.read_mjs = os.path.join(reference, "read.mjs")

    def ours(self, path, trust):
        cmd = [self.tearsheet, "verify", "--json", path] + (["--trust", trust] if trust else [])
        p = run(cmd)
        # exit 1 is "Invalid or unreadable", an answer; 2 is a usage error
        if p.returncode not in (0, 1) or not p.stdout.strip():
            raise RuntimeError("tearsheet verify exit %d: %s" % (p.returncode, p.stderr[-500:]))
        return json.loads(p.stdout)

    def reference(self, path, trust):
        cmd = ["node", self.read_mjs, path] + (["--trust", trust] if trust else [])
        p = run(cmd)
        if p.returncode != 0:
            raise RuntimeError("read.mjs exit %d: %s" % (p.returncode, p.stderr[-500:]))
        return json.loads(p.stdout)


# ---- making and signing the photos ----

def keygen(tearsheet, folder):
    p = run([tearsheet, "keygen", folder])
    if p.returncode != 0:
        sys.exit("FAILED: tearsheet keygen: " + p.stderr)
    return folder


def pem_certs(path):
    """DER bytes of each certificate in a PEM file, in order."""
    text = open(path).read()
    return [base64.b64decode("".join(m.split()))
            for m in re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----",
                                text, re.S)]


def build_site(tearsheet, site, keys, originals):
    """A site with one story showing ORIGINALS, signed with KEYS in every
    derivative format the build signs; returns {original: [derivatives]}."""
    story = os.path.join(site, "stories", "demo")
    os.makedirs(story)
    body = ""
    for path in originals:
        shutil.copy(path, story)
        body += "![](%s)\n\n" % os.path.basename(path)
    with open(os.path.join(story, "story.md"), "w") as f:
        f.write("---\ntitle: Demo\n---\n\n" + body)
    with open(os.path.join(site, "site.yaml"), "w") as f:
        f.write("title: Demo\nimages:\n  widths: [320]\n  formats: [jpeg, webp, avif]\n"
                "signing_key: %s\n" % keys)
    p = run([tearsheet, "build", site])
    if p.returncode != 0:
        sys.exit("FAILED: tearsheet build: " + p.stdout[-1000:] + p.stderr[-1000:])
    out = os.path.join(site, "public", "demo")
    made = {}
    for path in originals:
        stem = os.path.splitext(os.path.basename(path))[0]
        made[path] = sorted(os.path.join(out, n) for n in os.listdir(out)
                            if n.startswith(stem + ".") and not n.endswith(".html"))
    return made


# ---- tampering: each takes bytes and returns changed bytes ----

def flip(b, at):
    b = bytearray(b)
    b[at] ^= 0x01
    return bytes(b)


def jpeg_segments(b):
    """(marker, start, end) of each segment before the scan."""
    out, i = [], 2
    while i + 4 <= len(b) and b[i] == 0xFF:
        marker = b[i + 1]
        end = i + 2 + struct.unpack(">H", b[i + 2:i + 4])[0]
        out.append((marker, i, end))
        if marker == 0xDA:
            break
        i = end
    return out


def riff_chunks(b):
    out, i = [], 12
    while i + 8 <= len(b):
        size = struct.unpack("<I", b[i + 4:i + 8])[0]
        end = i + 8 + size + (size & 1)
        out.append((b[i:i + 4], i, end))
        i = end
    return out


def bmff_boxes(b):
    out, i = [], 0
    while i + 8 <= len(b):
        size = struct.unpack(">I", b[i:i + 4])[0]
        if size == 1:
            size = struct.unpack(">Q", b[i + 8:i + 16])[0]
        end = len(b) if size == 0 else i + size
        out.append((b[i + 4:i + 8], i, end))
        i = end
    return out


def flip_pixel(b, fmt):
    if fmt == "jpeg":
        return flip(b, len(b) - 40)  # entropy-coded data, just before EOI
    if fmt == "webp":
        _, start, end = next(c for c in riff_chunks(b) if c[0] in (b"VP8 ", b"VP8L"))
        return flip(b, (start + end) // 2)
    _, start, end = next(x for x in bmff_boxes(b) if x[0] == b"mdat")
    return flip(b, (start + end) // 2)


def flip_claim(b, _fmt, carried=False):
    """One letter of the generator's name inside the active (last)
    manifest's claim, or the first (carried) manifest's: the CBOR stays
    well-formed, the signature breaks."""
    label = (b.find if carried else b.rfind)(b"c2pa.claim.v2\x00")
    jumd = label - 25  # LBox, "jumd", 16-byte UUID, toggles, then the label
    assert b[jumd + 4:jumd + 8] == b"jumd", "claim description box not found"
    cbor = jumd + struct.unpack(">I", b[jumd:jumd + 4])[0]
    assert b[cbor + 4:cbor + 8] == b"cbor", "claim CBOR box not found"
    name = b.find(b"tearsheet", cbor)
    return flip(b, name + 1)


def assertion_cbor(b, label, carried=False):
    """Offset of the CBOR content of assertion LABEL in the active (last)
    manifest, or the first (carried) one."""
    at = (b.find if carried else b.rfind)(label + b"\x00")
    jumd = b.rfind(b"jumd", 0, at) - 4
    cbor = jumd + struct.unpack(">I", b[jumd:jumd + 4])[0]
    assert b[cbor + 4:cbor + 8] == b"cbor", "assertion CBOR box not found"
    return cbor + 8


def break_actions_cbor(b):
    """The active manifest's actions assertion starts with a reserved
    CBOR byte (0x1c): not well-formed, so not decodable."""
    b = bytearray(b)
    b[assertion_cbor(b, b"c2pa.actions.v2")] = 0x1C
    return bytes(b)


def flip_carried_action(b):
    """One letter of the software agent's name in the carried manifest's
    actions assertion (not an action's name, which c2pa-rs's action
    rules would also judge): the CBOR stays well-formed, its hashed URI
    breaks."""
    at = b.find(b"tearsheet", assertion_cbor(b, b"c2pa.actions.v2", carried=True))
    return flip(b, at + 1)


def rename_carried(b):
    """The carried manifest's label changed by one character: the
    ingredient's URL names a manifest the store no longer has."""
    at = assertion_cbor(b, b"c2pa.ingredient.v3")  # the active manifest's
    url = b.find(b"self#jumbf=/c2pa/", at)
    # the URL is a CBOR text string: its length is in the head before it
    n = b[url - 1] if b[url - 2] == 0x78 else b[url - 1] - 0x60
    label = b[url:url + n][len(b"self#jumbf=/c2pa/"):].split(b"/")[0]
    box = b.find(label + b"\x00")
    assert label and box > 0, "carried manifest's label not found"
    return flip(b, box + len(label) - 1)


def cut_part(b, fmt):
    """Removes one segment / chunk / box that the hard binding covers,
    keeping the container's own sizes right (a clean cut, not damage)."""
    if fmt == "jpeg":
        _, start, end = next(s for s in jpeg_segments(b) if s[0] == 0xDB)  # DQT
        return b[:start] + b[end:]
    if fmt == "webp":
        _, start, end = next(c for c in riff_chunks(b) if c[0] in (b"VP8 ", b"VP8L"))
        out = b[:start] + b[end:]
        return out[:4] + struct.pack("<I", len(out) - 8) + out[8:]
    _, start, end = next(x for x in bmff_boxes(b) if x[0] == b"mdat")
    return b[:start] + b[end:]


def swap_certificate(b, leaf, other):
    """The x5chain's leaf replaced by another key's certificate of the
    same length: the signature was made by the first key."""
    at = b.find(leaf)
    assert at > 0 and len(other) == len(leaf), "leaf certificate not found"
    return b[:at] + other + b[at + len(leaf):]


def png_with_store(png, donor_jpeg):
    """A PNG carrying the manifest store of a signed JPEG as a caBX chunk
    after IHDR: a store moved to a file it was not made for."""
    import zlib
    store = bytearray()
    for marker, start, end in jpeg_segments(donor_jpeg):
        seg = donor_jpeg[start:end]
        if marker == 0xEB and seg[4:6] == b"JP":
            # APP11: marker, Lp, CI, En, Z, then the box (its header
            # repeated in every continuation segment)
            store += seg[12:] if not store else seg[20:]
    ihdr_end = 8 + 8 + struct.unpack(">I", png[8:12])[0] + 4
    chunk = (struct.pack(">I", len(store)) + b"caBX" + bytes(store)
             + struct.pack(">I", zlib.crc32(b"caBX" + bytes(store))))
    return png[:ihdr_end] + chunk + png[ihdr_end:]


def fmt_of(path):
    ext = os.path.splitext(path)[1].lower()
    return {".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp", ".avif": "avif",
            ".png": "png"}[ext]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tearsheet", required=True)
    ap.add_argument("--sign-tool", required=True)
    ap.add_argument("--standin", required=True)
    ap.add_argument("--reference", required=True, help="tools/c2pa-reference")
    args = ap.parse_args()
    check_prerequisites(args.reference)
    readers = Readers(args.tearsheet, args.reference)

    tmp = tempfile.mkdtemp(prefix="ts-fresh-c2pa-")
    try:
        return compare_all(args, readers, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def compare_all(args, readers, tmp):
    T = lambda *p: os.path.join(tmp, *p)  # noqa: E731
    site_keys = keygen(args.tearsheet, T("site-keys"))
    camera_keys = keygen(args.tearsheet, T("camera-keys"))
    site_anchor = os.path.join(site_keys, "trust-anchor.pem")
    camera_anchor = os.path.join(camera_keys, "trust-anchor.pem")
    both = T("both-anchors.pem")
    with open(both, "w") as f:
        f.write(open(site_anchor).read() + open(camera_anchor).read())
    # another key whose leaf certificate has the site leaf's length, to be
    # swapped in (lengths differ by a byte now and then: serial, signature)
    site_leaf = pem_certs(os.path.join(site_keys, "signing-chain.pem"))[0]
    other_leaf = None
    for n in range(30):
        cand = pem_certs(os.path.join(keygen(args.tearsheet, T("other-%d" % n)),
                                      "signing-chain.pem"))[0]
        if len(cand) == len(site_leaf):
            other_leaf = cand
            break
    if other_leaf is None:
        sys.exit("FAILED: no key of 30 had a leaf certificate of the site leaf's length")

    # originals: a stand-in JPEG, a PNG of it, and a JPEG signed (with the
    # camera key) as an original that carries its own manifest
    os.makedirs(T("photos"))
    p = run([args.standin, T("photos")])
    if p.returncode != 0:
        sys.exit("FAILED: standin: " + p.stderr[-1000:])
    plain = T("photos", "kim-ryon-hui-01.jpg")
    png = T("photos", "plain-png.png")
    small = T("photos", "small.jpg")
    for cmd in (["vips", "thumbnail", plain, small, "480"],
                ["vips", "copy", small, png],
                ["vips", "copy", small, T("photos", "from-png.webp")],
                ["vips", "copy", small, T("photos", "from-png.avif")]):
        p = run(cmd)
        if p.returncode != 0:
            sys.exit("FAILED: %s: %s" % (" ".join(cmd), p.stderr[-500:]))
    signed_orig = T("photos", "signed-original.jpg")
    p = run([args.sign_tool, camera_keys, small, small, signed_orig])
    if p.returncode != 0:
        sys.exit("FAILED: c2pa_sign_tool: " + p.stderr[-1000:])

    made = build_site(args.tearsheet, T("site"), site_keys, [plain, signed_orig, png])
    for orig, outs in made.items():
        if len(outs) != 3:
            sys.exit("FAILED: %s: expected a JPEG, WebP and AVIF, got %s" % (orig, outs))
    # c2pa_sign_tool signs what vips wrote, with the PNG as the original
    tool_signed = []
    for ext in ("webp", "avif"):
        out = T("tool-signed-from-png." + ext)
        p = run([args.sign_tool, site_keys, png, T("photos", "from-png." + ext), out])
        if p.returncode != 0:
            sys.exit("FAILED: c2pa_sign_tool %s: %s" % (ext, p.stderr[-1000:]))
        tool_signed.append(out)

    # (file, trust anchors, expected state, failure codes it must have)
    cases = []
    OK = ("Trusted", [])
    cases.append((plain, site_anchor, None, []))
    cases.append((png, site_anchor, None, []))
    cases.append((signed_orig, camera_anchor, "Trusted", []))
    cases.append((signed_orig, None, "Valid", ["signingCredential.untrusted"]))
    signed = made[plain] + made[png] + tool_signed
    with_ingredient = made[signed_orig]
    for f in signed:
        cases.append((f, site_anchor) + OK)
        cases.append((f, None, "Valid", ["signingCredential.untrusted"]))
    for f in with_ingredient:
        cases.append((f, both) + OK)
        # the ingredient's signer is not an anchor: the derivative itself
        # is still Trusted, and the ingredient delta is empty on both
        # sides because the build recorded that signer as untrusted in
        # the ingredient's validationResults (a delta is what changed
        # since; this case found where tearsheet once differed)
        cases.append((f, site_anchor) + OK)
    # the wrong anchor: crypto fine, signer not trusted
    cases.append((made[plain][0], camera_anchor, "Valid", ["signingCredential.untrusted"]))

    os.makedirs(T("tampered"))
    for f in made[plain] + with_ingredient:
        fmt = fmt_of(f)
        src = open(f, "rb").read()
        hard = "bmffHash" if fmt == "avif" else "dataHash"
        anchor = both if f in with_ingredient else site_anchor
        stem = os.path.basename(f)
        for what, data, must in (
                ("pixel", flip_pixel(src, fmt), ["assertion.%s.mismatch" % hard]),
                ("claim", flip_claim(src, fmt), ["claimSignature.mismatch"]),
                ("cut", cut_part(src, fmt), ["assertion.%s.mismatch" % hard]),
                # the swapped-in certificate is another root's: not an anchor
                ("cert", swap_certificate(src, site_leaf, other_leaf),
                 ["claimSignature.mismatch", "signingCredential.untrusted"])):
            out = T("tampered", what + "-" + stem)
            with open(out, "wb") as g:
                g.write(data)
            cases.append((out, anchor, "Invalid", must))
    # the carried original's claim changed: the derivative's ingredient
    # no longer matches it, and the ingredient delta says why
    for f in with_ingredient:
        out = T("tampered", "carried-claim-" + os.path.basename(f))
        with open(out, "wb") as g:
            g.write(flip_claim(open(f, "rb").read(), fmt_of(f), carried=True))
        cases.append((out, both, "Invalid", ["ingredient.manifest.mismatch"]))
        # an action renamed inside the carried manifest: the ingredient
        # manifest's own hashed URI fails, which makes the whole asset
        # Invalid in c2pa-rs (a delta failure other than an untrusted
        # signer), not only the delta
        out = T("tampered", "carried-action-" + os.path.basename(f))
        with open(out, "wb") as g:
            g.write(flip_carried_action(open(f, "rb").read()))
        cases.append((out, both, "Invalid",
                      ["assertion.hashedURI.mismatch", "ingredient.manifest.mismatch"]))
        # the carried manifest renamed: ingredient.manifest.missing, in
        # the active list (found while c2pa-rs collects the referenced
        # manifests) and in the ingredient's delta
        out = T("tampered", "carried-missing-" + os.path.basename(f))
        with open(out, "wb") as g:
            g.write(rename_carried(open(f, "rb").read()))
        cases.append((out, both, "Invalid", ["ingredient.manifest.missing"]))
    # an actions assertion that is not CBOR: c2pa-rs cannot read the
    # store at all (C2pa(AssertionDecoding)), so no manifest on both sides
    out = T("tampered", "actions-cbor-" + os.path.basename(made[plain][0]))
    with open(out, "wb") as g:
        g.write(break_actions_cbor(open(made[plain][0], "rb").read()))
    cases.append((out, site_anchor, None, []))
    cases += update_cases(args, T, camera_keys, camera_anchor, signed_orig)
    moved = T("tampered", "moved-store.png")
    with open(moved, "wb") as g:
        g.write(png_with_store(open(png, "rb").read(), open(made[plain][1], "rb").read()))
    cases.append((moved, site_anchor, "Invalid", ["assertion.dataHash.mismatch"]))

    return report(readers, cases, tmp)


def update_cases(args, T, keys, anchor, signed):
    """Update manifests (C2PA 2.2 "Update Manifests") that c2pa_sign_tool --update
    writes on a signed JPEG, the store grown, every other byte kept: the
    asset is bound by the parent's data hash, its exclusion widened to
    the whole store. The oracle for the ingredient's validationResults
    is tearsheet's own report on the file being updated."""
    os.makedirs(T("update"))
    out = []

    def update(src, action, name):
        report = T("update", name + ".verify.json")
        p = run([args.tearsheet, "verify", "--json", src, "--trust", anchor])
        if p.returncode not in (0, 1):
            sys.exit("FAILED: tearsheet verify %s: %s" % (src, p.stderr[-500:]))
        with open(report, "w") as f:
            f.write(p.stdout)
        dst = T("update", name)
        p = run([args.sign_tool, "--update", action, keys, src, src, dst, report])
        if p.returncode != 0:
            sys.exit("FAILED: c2pa_sign_tool --update: " + p.stderr[-1000:])
        return dst

    def pixel(src):
        dst = src.replace(".jpg", "-pixel.jpg")
        with open(dst, "wb") as g:
            g.write(flip_pixel(open(src, "rb").read(), "jpeg"))
        return dst

    # a caption correction: Trusted, the pixels checked through the parent
    caption = update(signed, "c2pa.edited.metadata", "caption.jpg")
    out.append((caption, anchor, "Trusted", []))
    # one pixel changed under it: the parent's data hash no longer
    # matches (before, an update manifest's asset was not checked at all)
    out.append((pixel(caption), anchor, "Invalid", ["assertion.dataHash.mismatch"]))
    # an update on an update: the binding is found through both
    published = update(caption, "c2pa.published", "published.jpg")
    out.append((published, anchor, "Trusted", []))
    out.append((pixel(published), anchor, "Invalid", ["assertion.dataHash.mismatch"]))
    # an action the spec does not allow in an update manifest (a resize
    # changes pixels and needs a standard manifest)
    resized = update(signed, "c2pa.resized", "resized.jpg")
    out.append((resized, anchor, "Invalid", ["manifest.update.invalid"]))
    return out


def show(codes):
    return ",".join(codes) if codes else "-"


def report(readers, cases, tmp):
    passed = failed = 0
    rows = []
    for path, trust, want_state, must in cases:
        name = os.path.relpath(path, tmp)
        anchor = os.path.basename(trust) if trust else "none"
        if trust and os.path.basename(trust) == "trust-anchor.pem":
            anchor = os.path.basename(os.path.dirname(trust)).replace("-keys", "")
        elif trust:
            anchor = "site+camera"
        problems = []
        try:
            ours = failure_sets(readers.ours(path, trust))
            ref = failure_sets(readers.reference(path, trust))
        except (RuntimeError, ValueError) as e:
            ours = ref = (None, None, [], {})
            problems.append(str(e))
        labels = ("manifest", "state", "failures", "ingredient failures")
        for label, a, b in zip(labels, ours, ref):
            if a != b:
                problems.append("%s: tearsheet %s, reference %s" % (label, a, b))
        if want_state is None and ours[0]:
            problems.append("a manifest where none was signed")
        if want_state is not None and ref[1] != want_state:
            problems.append("state %s, wanted %s" % (ref[1], want_state))
        # the codes a user must see, wherever the reference files them
        seen_ours = set(ours[2]).union(*ours[3].values())
        seen_ref = set(ref[2]).union(*ref[3].values())
        missing = [c for c in must if c not in seen_ours or c not in seen_ref]
        if missing:
            problems.append("missing %s" % show(missing))
        unexpected = [c for c in ours[2] if c not in must]
        if unexpected:
            problems.append("unexpected %s" % show(unexpected))
        ok = not problems
        passed, failed = passed + ok, failed + (not ok)
        state = ours[1] or ("no manifest" if not ours[0] else "?")
        fails = show(ours[2]) + "".join(" | %s: %s" % (k.rsplit("/", 1)[-1], show(v))
                                        for k, v in sorted(ours[3].items()))
        rows.append(("ok" if ok else "FAIL", name, anchor, state, fails,
                     "; ".join(problems)))
    widths = [max(len(r[i]) for r in rows + [("", "file", "anchor", "state", "", "")])
              for i in range(4)]
    print("%-5s  %-*s  %-*s  %-*s  %s" % ("", widths[1], "file", widths[2], "anchor",
                                          widths[3], "state (both)", "failure codes (both)"))
    for r in rows:
        print("%-5s  %-*s  %-*s  %-*s  %s%s" % (r[0], widths[1], r[1], widths[2], r[2],
                                                widths[3], r[3], r[4],
                                                ("\n      " + r[5]) if r[5] else ""))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
