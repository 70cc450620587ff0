#!/usr/bin/env bash
# C2PA in TIFF, GIF, SVG and JPEG XL against the reference (c2pa-rs 0.92
# in ../shared/tools/c2pa-oracle), issue 14: each unsigned sample of the
# shared corpus in those formats is signed by c2pa_sign_tool (the store
# where c2pa-rs puts it: tag 0xCD41, C2PA_GIF extension, c2pa:manifest,
# jumb box), then
#  - the reference says Valid (only signingCredential.untrusted fails)
#    and Trusted with the demo root as anchor, and so does our verify;
#  - one byte of the image flipped outside the store: both say Invalid
#    with assertion.dataHash.mismatch;
#  - one byte of the claim signature changed: both say Invalid with
#    the same failure codes (claimSignature.mismatch).
# Exits 77 (skipped) without node/npm or the oracle; under CI=true that
# is a failure.
# usage: c2pa_formats.sh SIGN_TOOL TEARSHEET SHARED_DIR
set -u
. "$(dirname "$0")/lib/skip.sh"
tool=$1 ts=$2 shared=$3
skip() { ts_skip "$@"; }
oracle_src="$shared/tools/c2pa-oracle"
corpus="$shared/corpus/c2pa"
[ -f "$oracle_src/oracle.mjs" ] || skip "no C2PA oracle at $oracle_src"
[ -d "$corpus" ] || skip "no C2PA corpus at $corpus"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || skip "node/npm not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
tmp=$(mktemp -d /tmp/ts-c2pa-formats-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$oracle_src" "$tmp/oracle" && chmod -R u+w "$tmp/oracle"
(cd "$tmp/oracle" && npm ci --no-audit --no-fund >"$tmp/npm.log" 2>&1) ||
  { cat "$tmp/npm.log"; skip "npm ci could not install the oracle"; }
"$ts" keygen "$tmp/keys" >/dev/null || { echo "FAIL keygen"; exit 1; }
anchor="$tmp/keys/trust-anchor.pem"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# verdict FILE [ANCHOR]: "STATE failure,codes" from the reference, then ours
ref() {
  if [ -n "${2:-}" ]; then node "$tmp/oracle/oracle.mjs" --trust "$2" "$1"
  else node "$tmp/oracle/oracle.mjs" "$1"; fi | python3 -c '
import json, sys
j = json.load(sys.stdin)
am = (j.get("validation_results") or {}).get("active_manifest") or {}
print(j.get("validation_state"), ",".join(sorted({x["code"] for x in am.get("failure", [])})) or "-")'
}
ours() {
  if [ -n "${2:-}" ]; then "$ts" verify --json --trust "$2" "$1"
  else "$ts" verify --json "$1"; fi | python3 -c '
import json, sys
j = json.load(sys.stdin)
am = (j.get("validation_results") or {}).get("active_manifest") or {}
print(j.get("validation_state"), ",".join(sorted({x["code"] for x in am.get("failure", [])})) or "-")'
}
check() { # WHAT GOT WANT
  if [ "$2" = "$3" ]; then ok "$1: $2"; else bad "$1: $2, wanted $3"; fi
}

# flip FILE OUT WHERE: WHERE is "image" (a byte the format's structure
# does not depend on, outside the store) or "store" (inside the store)
flip() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
src, dst, where = sys.argv[1:4]
b = bytearray(open(src, "rb").read())
def flip_signature(st):
    # the last bytes of the signature box's cbor box are the COSE
    # signature itself (the last item of COSE_Sign1)
    i = st.rfind(b"c2pa.signature\0") + 15
    n = int.from_bytes(st[i:i + 4], "big")
    assert st[i + 4:i + 8] == b"cbor"
    st[i + n - 10] ^= 0x01

if where == "store":
    # a byte of the signature box inside the store (SVG: of the decoded
    # store, encoded again): the claim signature no longer verifies
    i = b.find(b"<c2pa:manifest")
    if i >= 0:
        import base64
        s = b.find(b">", i) + 1
        e = b.find(b"<", s)
        st = bytearray(base64.b64decode(bytes(b[s:e])))
        flip_signature(st)
        b[s:e] = base64.b64encode(bytes(st))
    else:
        flip_signature(b)
elif b[:3] == b"GIF":
    b[11] ^= 0x01            # logical screen: background colour index
elif b[:2] in (b"II", b"MM"):
    b[len(b) // 4] ^= 0x01   # strip data of the original image
elif b.lstrip()[:1] == b"<":
    i = b.find(b"<title>") + 7
    b[i] ^= 0x20             # a letter of the title changes case
else:
    i = max(b.rfind(b"jxlc"), b.rfind(b"jxlp"))
    b[i + 100] ^= 0x01       # bytes of the last codestream box
open(dst, "wb").write(b)
PY
}

for f in TUSCANY.TIF test.tiff sample1.gif sample1.svg sample1.jxl; do
  [ -f "$corpus/$f" ] || { bad "$f is not in the corpus"; continue; }
  out="$tmp/signed-$f"
  if ! "$tool" "$tmp/keys" "$corpus/$f" "$corpus/$f" "$out" >"$tmp/sign.log" 2>&1; then
    bad "$f: could not be signed: $(cat "$tmp/sign.log")"
    continue
  fi
  check "$f signed, reference" "$(ref "$out")" "Valid signingCredential.untrusted"
  check "$f signed, ours" "$(ours "$out")" "Valid signingCredential.untrusted"
  check "$f signed, reference with anchor" "$(ref "$out" "$anchor")" "Trusted -"
  check "$f signed, ours with anchor" "$(ours "$out" "$anchor")" "Trusted -"
  flip "$out" "$tmp/flip-$f" image
  r=$(ref "$tmp/flip-$f" "$anchor") o=$(ours "$tmp/flip-$f" "$anchor")
  check "$f image byte flipped, reference" "$r" "Invalid assertion.dataHash.mismatch"
  check "$f image byte flipped, ours" "$o" "Invalid assertion.dataHash.mismatch"
  flip "$out" "$tmp/store-$f" store
  r=$(ref "$tmp/store-$f" "$anchor") o=$(ours "$tmp/store-$f" "$anchor")
  check "$f signature byte flipped, reference" "$r" "Invalid claimSignature.mismatch"
  check "$f signature byte flipped, ours" "$o" "Invalid claimSignature.mismatch"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
