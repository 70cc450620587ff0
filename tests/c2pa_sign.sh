#!/usr/bin/env bash
# The signer against the reference C2PA implementation (c2pa-rs 0.92 in
# ../shared/tools/c2pa-oracle):
#  - tearsheet keygen: files, modes, refuses to replace a key;
#  - a site built with signing_key: every JPEG, WebP and AVIF derivative
#    is Valid (no failure but signingCredential.untrusted) without anchors
#    and Trusted (no failure at all) with the demo root as anchor; the
#    AVIF (c2pa.hash.bmff.v2) still decodes and `tearsheet verify` says
#    valid;
#  - one flipped image byte → assertion.dataHash.mismatch (JPEG, WebP),
#    assertion.bmffHash.mismatch (AVIF);
#  - derivatives signed by the driver: a simple (VP8) WebP gets VP8X,
#    and an original with its own manifest store (CACA.jpg, 230 KB, so
#    the store spans several APP11 segments) is carried as the
#    ingredient's manifest: Trusted, ingredient.manifest.validated;
#    the corpus's HEIC (grid items, Exif) signed with a BMFF hash;
#  - a site whose original has its credentials in a sidecar (photo.c2pa):
#    none shown without it; with it the derivative is re-signed, the
#    page shows the original's credentials and the derivative carries
#    the sidecar's manifest (ingredient.manifest.validated); one the
#    signer cannot carry gives a warning and a derivative signed without.
# Needs ../shared (the oracle and the corpus files above): Skipped
# without it (tests/lib/skip.sh); tests/fresh_c2pa_reference.sh is the
# check that needs only what the README installs.
# usage: c2pa_sign.sh SIGN_TOOL TEARSHEET STANDIN SHARED_DIR
set -u
. "$(dirname "$0")/lib/skip.sh"
tool=$1 ts=$2 standin=$3 shared=$4
oracle_src="$shared/tools/c2pa-oracle"
corpus="$shared/corpus/c2pa"
[ -f "$oracle_src/oracle.mjs" ] || ts_skip "no C2PA oracle at $oracle_src (the project's ../shared folder)"
for f in CACA.jpg test.webp adobe-20220124-A.jpg sample1.heic; do
  [ -f "$corpus/$f" ] || ts_skip "$corpus/$f is absent (the project's ../shared folder)"
done
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
  ts_skip "node/npm not installed (scripts/test.sh installs them)"
command -v python3 >/dev/null 2>&1 && command -v vips >/dev/null 2>&1 ||
  ts_skip "python3 or vips not installed (scripts/deps.sh installs them)"
tmp=$(mktemp -d /tmp/ts-c2pa-sign-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$oracle_src" "$tmp/oracle" && chmod -R u+w "$tmp/oracle"
(cd "$tmp/oracle" && npm ci --no-audit --no-fund >"$tmp/npm.log" 2>&1) ||
  { cat "$tmp/npm.log"; ts_skip "npm ci could not install the oracle"; }

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# oracle FILE [ANCHOR] → $tmp/last.json
oracle() {
  if [ -n "${2:-}" ]; then node "$tmp/oracle/oracle.mjs" --trust "$2" "$1" >"$tmp/last.json"
  else node "$tmp/oracle/oracle.mjs" "$1" >"$tmp/last.json"; fi
}
# expect STATE ALLOWED_FAILURES REQUIRED_CODES (comma lists, may be empty)
expect() {
  python3 - "$tmp/last.json" "$1" "$2" "$3" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
state, allowed, required = sys.argv[2], set(filter(None, sys.argv[3].split(','))), set(filter(None, sys.argv[4].split(',')))
codes = j.get('codes') or {}
fails = set(codes.get('failure', []))
alls = set(c for v in codes.values() for c in v)
for d in (j.get('validation_results') or {}).get('ingredient_deltas', []):
    for k in ('success', 'informational', 'failure'):
        alls |= set(c['code'] for c in d.get(k, []))
problems = []
if j.get('validation_state') != state:
    problems.append('state %s, wanted %s' % (j.get('validation_state'), state))
if fails - allowed:
    problems.append('failures %s' % sorted(fails - allowed))
if required - alls:
    problems.append('missing %s' % sorted(required - alls))
if problems:
    print('; '.join(problems), json.dumps(j.get('validation_results'))[:1500])
    sys.exit(1)
PY
}
# flip IN OUT OFFSET(negative = from the end)
flip() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); o = int(sys.argv[3])
b[o] ^= 0x01
open(sys.argv[2], 'wb').write(b)
PY
}

# ---- keygen ----
keys="$tmp/keys"
if "$ts" keygen "$keys" >/dev/null && [ -f "$keys/signing-key.pem" ] &&
   [ "$(stat -c %a "$keys/signing-key.pem")" = 600 ] && [ "$(stat -c %a "$keys")" = 700 ] &&
   [ "$(grep -c 'BEGIN CERTIFICATE' "$keys/signing-chain.pem")" = 2 ] &&
   [ "$(grep -c 'BEGIN CERTIFICATE' "$keys/trust-anchor.pem")" = 1 ]; then ok "keygen writes key 0600, chain of 2, anchor"
else bad "keygen files or modes"; fi
before=$(sha256sum "$keys/signing-key.pem")
"$ts" keygen "$keys" >/dev/null 2>&1; rc=$?
if [ "$rc" = 2 ] && [ "$before" = "$(sha256sum "$keys/signing-key.pem")" ]; then ok "keygen refuses to replace a key (exit 2)"
else bad "keygen over an existing key: exit $rc"; fi

# ---- a site signed at build time ----
# make_site DIR FORMATS: one story with the first stand-in photo, signed
# at 480 px in FORMATS; prints the photo's file name
make_site() {
  mkdir -p "$1/stories/demo"
  "$standin" "$1/stories/demo" >/dev/null 2>&1 || return 1
  local p
  p=$(ls "$1/stories/demo" | grep '\.jpg$' | head -1)
  printf -- '---\ntitle: Demo\n---\n\n![](%s)\n' "$p" >"$1/stories/demo/story.md"
  printf 'title: Demo\nimages:\n  widths: [480]\n  formats: [%s]\nsigning_key: .tearsheet/keys\n' "$2" >"$1/site.yaml"
  echo "$p"
}
site="$tmp/site"
make_site "$site" "avif, webp, jpeg" >/dev/null || bad "standin photos"
if "$ts" build "$site" >"$tmp/build.log" 2>&1 && grep -q "made an untrusted demo signing key in" "$tmp/build.log"; then
  ok "build makes a demo key when signing_key's folder is missing"
else cat "$tmp/build.log"; bad "build with signing_key"; fi
anchor="$site/.tearsheet/keys/trust-anchor.pem"
n=0
for f in "$site"/public/demo/*.jpg "$site"/public/demo/*.webp "$site"/public/demo/*.avif; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  name=$(basename "$f")
  # JPEG: scan data just before EOI; WebP: inside the VP8 chunk (the
  # C2PA chunk is at the end of the file); AVIF: in mdat, the last box
  case "$name" in *.jpg) at=-40 h=dataHash ;; *.webp) at=100 h=dataHash ;; *) at=-40 h=bmffHash ;; esac
  oracle "$f" && expect Valid signingCredential.untrusted \
    claimSignature.validated,assertion.$h.match,assertion.hashedURI.match,signingCredential.untrusted &&
    ok "$name: Valid without anchors" || bad "$name: without anchors"
  oracle "$f" "$anchor" && expect Trusted "" signingCredential.trusted,claimSignature.validated,assertion.$h.match &&
    ok "$name: Trusted with the demo root" || bad "$name: with the demo root"
  flip "$f" "$tmp/tampered-$name" "$at"
  oracle "$tmp/tampered-$name" "$anchor" && expect Invalid assertion.$h.mismatch assertion.$h.mismatch &&
    ok "$name: one flipped image byte is assertion.$h.mismatch" || bad "$name: tampered"
  case "$name" in *.avif)
    "$ts" verify "$f" >"$tmp/verify-avif.txt" 2>&1 && grep -q "Content credentials: valid" "$tmp/verify-avif.txt" &&
      ok "$name: tearsheet verify says valid" || { cat "$tmp/verify-avif.txt"; bad "$name: tearsheet verify"; }
    "$ts" verify "$tmp/tampered-$name" 2>&1 | grep -q "Content credentials: INVALID" &&
      ok "$name: tearsheet verify says INVALID when tampered" || bad "$name: tearsheet verify, tampered"
    vips copy "$f" "$tmp/decoded.png" && [ -s "$tmp/decoded.png" ] &&
      ok "$name: libvips/libheif still decode it" || bad "$name: does not decode" ;;
  esac
done
[ "$n" = 3 ] && ok "one JPEG, one WebP and one AVIF published" || bad "expected 3 derivatives, found $n"
# the cache reuses signed files; a new key means new derivatives
first=$(ls "$site/public/demo")
"$ts" build "$site" >/dev/null 2>&1
[ "$first" = "$(ls "$site/public/demo")" ] && ok "rebuild with the same key reuses the cache" || bad "rebuild changed names"
rm -rf "$site/.tearsheet/keys"
"$ts" build "$site" >/dev/null 2>&1
new=$(ls "$site/public/demo" | grep -v "$(echo "$first" | head -1 | cut -d. -f2)" | grep -c '\.jpg$')
[ "$new" -ge 1 ] && ok "a new key gives derivatives a new cache key" || bad "new key reused old derivatives"

# ---- an original whose credentials are in a sidecar (photo.c2pa) ----
side="$tmp/side-site"
sp=$(make_site "$side" jpeg) || bad "standin photos"
"$ts" build "$side" >"$tmp/side-build.log" 2>&1 || { cat "$tmp/side-build.log"; bad "build of the sidecar site"; }
page="$side/public/demo/index.html"
before=$(ls "$side/public/demo" | grep '\.jpg$')
if grep -q "<dt>The original</dt>" "$page"; then bad "an original without credentials got a panel"
else ok "no sidecar: no credentials shown for the original"; fi
# the photo signed as it is by another key (the driver's), into photo.c2pa beside it
if "$tool" --sidecar "$keys" "$side/stories/demo/$sp" "$side/stories/demo/$sp" \
     "$side/stories/demo/${sp%.jpg}.c2pa" >/dev/null 2>&1; then
  "$ts" build "$side" >"$tmp/side-build.log" 2>&1 || { cat "$tmp/side-build.log"; bad "rebuild with a sidecar"; }
  after=$(ls "$side/public/demo" | grep '\.jpg$')
  [ -n "$after" ] && [ "$after" != "$before" ] && ok "a sidecar added re-signs the derivative ($after)" ||
    bad "the derivative was not re-signed after the sidecar appeared"
  grep -q "<dt>The original</dt>" "$page" && grep -q "(with its own content credentials)" "$page" &&
    ok "the page shows the original's credentials from its sidecar" || bad "no credentials of the original on the page"
  f="$side/public/demo/$after"
  oracle "$f" "$side/.tearsheet/keys/trust-anchor.pem" &&
    expect Trusted "" assertion.dataHash.match,ingredient.manifest.validated &&
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(j['manifest_count']!=2)" "$tmp/last.json" &&
    ok "the derivative carries the sidecar's manifest as its ingredient's (2 manifests, ingredient.manifest.validated)" ||
    { cat "$tmp/last.json" | head -40; bad "the derivative does not carry the sidecar's manifest"; }
  # a store the reader accepts but the signer will not carry (the outer
  # box in its 64-bit size form): a warning naming the photo, and the
  # derivative signed without it
  python3 - "$side/stories/demo/${sp%.jpg}.c2pa" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
assert struct.unpack('>I', b[:4])[0] == len(b) and b[4:8] == b'jumb'
open(sys.argv[1], 'wb').write(struct.pack('>I', 1) + b'jumb' + struct.pack('>Q', len(b) + 8) + b[8:])
PY
  if "$ts" build "$side" >"$tmp/side-build.log" 2>&1 &&
     grep -q "demo/$sp: its content credentials cannot be carried into the published files" "$tmp/side-build.log"; then
    ok "a sidecar that cannot be carried: the build warns, naming the photo"
  else cat "$tmp/side-build.log"; bad "an uncarriable sidecar"; fi
  f="$side/public/demo/$(ls "$side/public/demo" | grep '\.jpg$')"
  oracle "$f" "$side/.tearsheet/keys/trust-anchor.pem" && expect Trusted "" assertion.dataHash.match &&
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(j['manifest_count']!=1)" "$tmp/last.json" &&
    ok "...and its derivative is signed without it (Trusted, 1 manifest)" || bad "derivative of an uncarriable sidecar"
else bad "the driver could not make a sidecar"; fi

# ---- the driver on corpus files (simple WebP, a carried manifest store) ----
{
  if "$tool" "$keys" "$corpus/adobe-20220124-A.jpg" "$corpus/test.webp" "$tmp/vp8.webp" &&
     oracle "$tmp/vp8.webp" "$keys/trust-anchor.pem" && expect Trusted "" assertion.dataHash.match &&
     python3 -c "import sys; b=open(sys.argv[1],'rb').read(); sys.exit(b[12:16]!=b'VP8X')" "$tmp/vp8.webp"; then
    ok "simple VP8 WebP gets VP8X and a Trusted manifest"
  else bad "simple WebP"; fi
  oracle "$corpus/CACA.jpg" && cp "$tmp/last.json" "$tmp/caca.json"
  # any unsigned JPEG stands for the derivative here
  if "$tool" "$keys" "$corpus/CACA.jpg" "$corpus/adobe-20220124-A.jpg" "$tmp/carried.jpg" "$tmp/caca.json" &&
     oracle "$tmp/carried.jpg" "$keys/trust-anchor.pem" &&
     expect Trusted "" assertion.dataHash.match,ingredient.manifest.validated &&
     python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(j['manifest_count']!=3)" "$tmp/last.json"; then
    ok "an original's manifest store is carried and referenced (3 manifests, several APP11 segments)"
  else bad "carried store"; fi
  "$tool" "$keys" "$corpus/CACA.jpg" "$tmp/carried.jpg" "$tmp/twice.jpg" >/dev/null 2>&1 &&
    bad "signing a file that already has a store" || ok "a derivative that already has a store is refused"
}
# a HEIC from a camera (grid tiles, Exif, several iloc items) signed
# with a BMFF hash: every item offset moved, still decodes
{
  if "$tool" "$keys" "$corpus/adobe-20220124-A.jpg" "$corpus/sample1.heic" "$tmp/signed.heic" &&
     oracle "$tmp/signed.heic" "$keys/trust-anchor.pem" && expect Trusted "" assertion.bmffHash.match; then
    ok "a camera HEIC signed with c2pa.hash.bmff.v2 is Trusted"
  else bad "signed HEIC"; fi
  vips copy "$tmp/signed.heic" "$tmp/heic.v" && ok "signed HEIC still decodes" || bad "signed HEIC does not decode"
}
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
