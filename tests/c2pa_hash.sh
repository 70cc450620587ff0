#!/usr/bin/env bash
# Hard bindings other than the signer's default data hash, on files we
# sign ourselves (c2pa_sign_tool --box-hash), read by `tearsheet verify`
# and, when node/npm are there, by the reference implementation
# (c2pa-rs 0.92 in ../shared/tools/c2pa-oracle):
#  - a box-hashed JPEG: assertion.boxesHash.match, Valid (Trusted with
#    the demo root); one flipped scan byte → assertion.boxesHash.mismatch;
#    a COM segment slipped in after SOI, or bytes after EOI →
#    assertion.boxesHash.unknownBox (both implementations);
#  - a box-hashed WebP (RIFF, §18.7.3.5): match, and a flipped byte →
#    mismatch (tearsheet only: c2pa-rs has no RIFF box hash);
#  - sidecars (c2pa_sign_tool --sidecar): photo.jpg is validated against
#    photo.c2pa next to it (Valid; "(from sidecar photo.c2pa)"), a changed
#    photo fails its data hash, a photo with its own store ignores the
#    sidecar and says so, and photo.c2pa named alone reads as the oracle
#    reads it (store and asset at once);
#  - the certificate profile of intermediates (§14.5.1.1), on chains made
#    here with the openssl command: a proper CA intermediate is Trusted,
#    one that is not a CA or may not sign certificates gives
#    signingCredential.invalid.
# Two tests run this script (tests/c2pa_hash.cmake): `c2pa_hash` checks
# tearsheet alone (MODE self, needs only what the README installs);
# `c2pa_hash_oracle` (MODE oracle) also asks the reference, from
# ../shared, and says Skipped (tests/lib/skip.sh) without it.
# usage: c2pa_hash.sh self|oracle SIGN_TOOL TEARSHEET STANDIN SHARED_DIR
set -u
. "$(dirname "$0")/lib/skip.sh"
mode=$1 tool=$2 ts=$3 standin=$4 shared=$5
for cmd in python3 vips openssl; do
  command -v $cmd >/dev/null 2>&1 || ts_skip "$cmd not installed (scripts/deps.sh installs it)"
done
oracle_src="$shared/tools/c2pa-oracle"
if [ "$mode" = oracle ]; then
  [ -f "$oracle_src/oracle.mjs" ] || ts_skip "no C2PA oracle at $oracle_src (the project's ../shared folder)"
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    ts_skip "node/npm not installed (scripts/test.sh installs them)"
fi
tmp=$(mktemp -d /tmp/ts-c2pa-hash-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

have_oracle=0
if [ "$mode" = oracle ]; then
  cp -r "$oracle_src" "$tmp/oracle" && chmod -R u+w "$tmp/oracle"
  (cd "$tmp/oracle" && npm ci --no-audit --no-fund >"$tmp/npm.log" 2>&1) ||
    { cat "$tmp/npm.log"; ts_skip "npm ci could not install the oracle"; }
  have_oracle=1
fi

# check JSON STATE FAILURES_EXACT REQUIRED: the validation state, the
# exact set of active-manifest failure codes, and codes that must be there
check() {
  python3 - "$1" "$2" "$3" "$4" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
state, fails, required = sys.argv[2], set(filter(None, sys.argv[3].split(','))), set(filter(None, sys.argv[4].split(',')))
am = (j.get('validation_results') or {}).get('active_manifest') or {}
got_f = set(c['code'] for c in am.get('failure', []))
got = set(c['code'] for k in ('success', 'informational', 'failure') for c in am.get(k, []))
problems = []
if j.get('validation_state') != state:
    problems.append('state %s, wanted %s' % (j.get('validation_state'), state))
if got_f != fails:
    problems.append('failures %s, wanted %s' % (sorted(got_f), sorted(fails)))
if required - got:
    problems.append('missing %s' % sorted(required - got))
if problems:
    print('; '.join(problems), json.dumps(am)[:1200])
    sys.exit(1)
PY
}
# both FILE STATE FAILURES REQUIRED [ANCHOR]: tearsheet, then the oracle
both() {
  local f=$1 name
  name=$(basename "$f")
  if [ -n "${5:-}" ]; then "$ts" verify --json --trust "$5" "$f" >"$tmp/ours.json"
  else "$ts" verify --json "$f" >"$tmp/ours.json"; fi
  check "$tmp/ours.json" "$2" "$3" "$4" && ok "tearsheet: $name $2 ${3:-no failure}" || bad "tearsheet: $name"
  [ "$have_oracle" = 1 ] || return 0
  if [ -n "${5:-}" ]; then node "$tmp/oracle/oracle.mjs" --trust "$5" "$f" >"$tmp/oracle.json"
  else node "$tmp/oracle/oracle.mjs" "$f" >"$tmp/oracle.json"; fi
  check "$tmp/oracle.json" "$2" "$3" "$4" && ok "oracle:    $name $2 ${3:-no failure}" || bad "oracle: $name"
}
edit() { # edit IN OUT PYTHON-EXPR-ON-b
  python3 - "$1" "$2" "$3" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b = eval(sys.argv[3], {'b': b})
open(sys.argv[2], 'wb').write(bytes(b))
PY
}

keys="$tmp/keys"
"$ts" keygen "$keys" >/dev/null || bad "keygen"
mkdir -p "$tmp/photos"
# (its exit status is not used: under ASan outside ctest, fontconfig's
# leaks make it non-zero; the photo is what matters)
"$standin" "$tmp/photos" >/dev/null 2>&1
photo=$(ls "$tmp/photos"/*.jpg 2>/dev/null | head -1)
[ -n "$photo" ] || { bad "standin made no photo"; photo=/nonexistent; }
u=signingCredential.untrusted
if "$tool" --box-hash "$keys" "$photo" "$photo" "$tmp/boxes.jpg"; then
  both "$tmp/boxes.jpg" Valid "$u" assertion.boxesHash.match,claimSignature.validated
  both "$tmp/boxes.jpg" Trusted "" assertion.boxesHash.match,signingCredential.trusted "$keys/trust-anchor.pem"
  # scan data just before EOI
  edit "$tmp/boxes.jpg" "$tmp/flipped.jpg" 'b[:-40] + bytes([b[-40] ^ 1]) + b[-39:]'
  both "$tmp/flipped.jpg" Invalid "$u,assertion.boxesHash.mismatch" ""
  edit "$tmp/boxes.jpg" "$tmp/comment.jpg" 'b[:2] + b"\xff\xfe\x00\x07hello" + b[2:]'
  both "$tmp/comment.jpg" Invalid "$u,assertion.boxesHash.unknownBox" ""
  edit "$tmp/boxes.jpg" "$tmp/trailing.jpg" 'b + b"appended"'
  both "$tmp/trailing.jpg" Invalid "$u,assertion.boxesHash.unknownBox" ""
else
  bad "signing a JPEG with a box hash"
fi

# WebP: tearsheet only (c2pa-rs 0.92: "Box hash not supported for: image/webp")
have_oracle_saved=$have_oracle
have_oracle=0
if vips copy "$photo" "$tmp/photo.webp" &&
   "$tool" --box-hash "$keys" "$photo" "$tmp/photo.webp" "$tmp/boxes.webp"; then
  both "$tmp/boxes.webp" Valid "$u" assertion.boxesHash.match
  edit "$tmp/boxes.webp" "$tmp/flipped.webp" 'b[:100] + bytes([b[100] ^ 1]) + b[101:]'
  both "$tmp/flipped.webp" Invalid "$u,assertion.boxesHash.mismatch" ""
else
  bad "making and signing a box-hashed WebP"
fi
have_oracle=$have_oracle_saved

# ---- sidecars: photo.jpg without a store, photo.c2pa next to it ----
mkdir -p "$tmp/side"
cp "$photo" "$tmp/side/photo.jpg"
if "$tool" --sidecar "$keys" "$photo" "$tmp/side/photo.jpg" "$tmp/side/photo.c2pa"; then
  # the oracle reads one file's bytes: it cannot look for a sidecar
  have_oracle=0
  both "$tmp/side/photo.jpg" Valid "$u" assertion.dataHash.match,claimSignature.validated
  python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1])).get('sidecar') != 'photo.c2pa')" "$tmp/ours.json" &&
    ok "JSON names the sidecar" || bad "JSON sidecar field"
  "$ts" verify "$tmp/side/photo.jpg" | grep -q "(from sidecar photo.c2pa)" &&
    ok "the readable report says (from sidecar photo.c2pa)" || bad "readable report without the sidecar"
  # the sidecar is bound to the photo's bytes
  edit "$tmp/side/photo.jpg" "$tmp/side/changed.jpg" 'b[:-40] + bytes([b[-40] ^ 1]) + b[-39:]'
  cp "$tmp/side/photo.c2pa" "$tmp/side/changed.c2pa"
  both "$tmp/side/changed.jpg" Invalid "$u,assertion.dataHash.mismatch" ""
  have_oracle=$have_oracle_saved
  # named itself, a .c2pa is both store and asset: the oracle agrees
  [ "$have_oracle" = 1 ] && cp "$tmp/side/photo.c2pa" "$tmp/side/alone.c2pa"
  [ "$have_oracle" = 1 ] && both "$tmp/side/alone.c2pa" Invalid "$u,assertion.dataHash.mismatch" ""
  # a photo with its own store: the embedded store wins, the report says so
  if [ -f "$tmp/boxes.jpg" ]; then
    cp "$tmp/boxes.jpg" "$tmp/side/both.jpg" && cp "$tmp/side/photo.c2pa" "$tmp/side/both.c2pa"
    "$ts" verify --json "$tmp/side/both.jpg" >"$tmp/ours.json"
    check "$tmp/ours.json" Valid "$u" assertion.boxesHash.match &&
      python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(j.get('sidecar') is not None or j.get('sidecar_ignored') != 'both.c2pa')" "$tmp/ours.json" &&
      ok "embedded store wins over a sidecar, which is reported as not read" || bad "embedded and sidecar"
  fi
  rm "$tmp/side/photo.c2pa"
  "$ts" verify "$tmp/side/photo.jpg" | grep -q "no content credentials" &&
    ok "without the sidecar: no content credentials" || bad "photo without sidecar"
else
  bad "signing a sidecar"
fi

# ---- certificate profile of the chain (§14.5.1.1) ----
# root → intermediate → leaf made with OpenSSL: with a proper CA
# intermediate the signature is Trusted with the root as anchor; with
# an intermediate that is not a CA, or may not sign certificates, the
# credential is signingCredential.invalid.
# chain NAME INTERMEDIATE_EXTENSIONS: a key folder $tmp/NAME for the signer
chain() {
  local dir="$tmp/$1"
  mkdir -p "$dir" && chmod 700 "$dir"
  (cd "$dir" &&
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out root.key &&
    openssl req -x509 -new -key root.key -subj "/CN=profile test root" -days 3650 -out root.pem \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" &&
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out int.key &&
    openssl req -new -key int.key -subj "/CN=profile test intermediate" -out int.csr &&
    printf '%b' "$2" >int.ext &&
    openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 2 -days 3650 \
      -extfile int.ext -out int.pem &&
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signing-key.pem &&
    chmod 600 signing-key.pem &&
    openssl req -new -key signing-key.pem -subj "/CN=profile test signer/O=tearsheet tests" -out leaf.csr &&
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' >leaf.ext &&
    openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -set_serial 3 -days 3650 \
      -extfile leaf.ext -out leaf.pem &&
    cat leaf.pem int.pem root.pem >signing-chain.pem) >"$tmp/openssl.log" 2>&1
}
if chain good 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' &&
     chain notca 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' &&
     chain nocertsign 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n'; then
  for k in good notca nocertsign; do
    "$tool" "$tmp/$k" "$photo" "$photo" "$tmp/chain-$k.jpg" || bad "signing with the $k chain"
  done
  both "$tmp/chain-good.jpg" Trusted "" signingCredential.trusted,claimSignature.validated "$tmp/good/root.pem"
  # c2pa-rs 0.92 checks the profile of the signing certificate only,
  # and chains by signatures alone: tearsheet alone is checked here
  have_oracle=0
  both "$tmp/chain-notca.jpg" Invalid signingCredential.invalid,signingCredential.untrusted "" "$tmp/notca/root.pem"
  grep -q "not a CA" "$tmp/ours.json" && ok "the reason names the intermediate that is not a CA" || bad "reason for notca"
  both "$tmp/chain-nocertsign.jpg" Invalid signingCredential.invalid,signingCredential.untrusted "" "$tmp/nocertsign/root.pem"
  grep -q "keyCertSign" "$tmp/ours.json" && ok "the reason says keyCertSign is missing" || bad "reason for nocertsign"
  have_oracle=$have_oracle_saved
  if [ "$have_oracle" = 1 ]; then
    node "$tmp/oracle/oracle.mjs" --trust "$tmp/notca/root.pem" "$tmp/chain-notca.jpg" >"$tmp/oracle.json"
    echo "note: the oracle says $(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(j.get('validation_state'), (j.get('codes') or {}).get('failure'))" "$tmp/oracle.json") for the not-CA intermediate"
  fi
else
  cat "$tmp/openssl.log"; bad "making test chains with openssl"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
