#!/usr/bin/env bash
# Stapled OCSP (C2PA 2.2 §14.5.2 rVals, §15.9.1) end to end: a throw-away
# PKI made here with the openssl command (root, claim signer with an
# OCSP AIA, delegated responder with id-kp-OCSPSigning), a "good" and a
# "revoked" response stapled by the signer (c2pa_sign_tool --ocsp), then
#  - tearsheet verify: good → signingCredential.ocsp.notRevoked and
#    Trusted with the root as anchor; revoked → signingCredential.ocsp.
#    revoked and Invalid; without anchors the responder cannot be
#    checked → signingCredential.ocsp.skipped, never a status;
#  - the reference implementation (c2pa-rs 0.92, ../shared/tools/
#    c2pa-oracle), when node/npm can install it: the same state and the
#    same success/informational/failure lists (code and url multisets).
# Writes only to a temporary folder. Two tests run it (c2pa_ocsp.cmake):
# `c2pa_ocsp` (MODE self: tearsheet alone) and `c2pa_ocsp_oracle` (MODE
# oracle: also the comparison with the reference from ../shared, Skipped
# without it; tests/lib/skip.sh).
# usage: c2pa_ocsp.sh self|oracle SIGN_TOOL TEARSHEET SHARED_DIR JPEG
set -u
. "$(dirname "$0")/lib/skip.sh"
mode=$1 tool=$2 ts=$3 shared=$4 jpeg=$5
command -v openssl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 ||
  ts_skip "openssl or python3 not installed (scripts/deps.sh installs them)"
oracle_src="$shared/tools/c2pa-oracle"
if [ "$mode" = oracle ]; then
  [ -f "$oracle_src/oracle.mjs" ] || ts_skip "no C2PA oracle at $oracle_src (the project's ../shared folder)"
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    ts_skip "node/npm not installed (scripts/test.sh installs them)"
fi
tmp=$(mktemp -d /tmp/ts-c2pa-ocsp-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# ---- the PKI and the two responses ----
(
  set -e
  cd "$tmp"
  ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
  ec root.key; ec leaf.key; ec resp.key
  openssl req -new -x509 -key root.key -subj "/CN=tearsheet OCSP test root" -days 30 -out root.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=emailProtection,1.3.6.1.4.1.62558.2.1" \
    "authorityInfoAccess=OCSP;URI:http://ocsp.invalid/" "subjectKeyIdentifier=hash" >leaf.ext
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=critical,OCSPSigning" "subjectKeyIdentifier=hash" >resp.ext
  openssl req -new -key leaf.key -subj "/CN=tearsheet OCSP test signer" -out leaf.csr
  openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial 4097 -days 30 \
    -extfile leaf.ext -out leaf.pem
  openssl req -new -key resp.key -subj "/CN=tearsheet OCSP test responder" -out resp.csr
  openssl x509 -req -in resp.csr -CA root.pem -CAkey root.key -set_serial 4098 -days 30 \
    -extfile resp.ext -out resp.pem
  mkdir -m 700 keys
  openssl pkcs8 -topk8 -nocrypt -in leaf.key -out keys/signing-key.pem
  chmod 600 keys/signing-key.pem
  cat leaf.pem root.pem >keys/signing-chain.pem
  exp=$(date -u -d '+1 year' +%y%m%d%H%M%SZ)
  rev=$(date -u -d '-1 day' +%y%m%d%H%M%SZ)
  printf 'V\t%s\t\t1001\tunknown\t/CN=tearsheet OCSP test signer\n' "$exp" >good.idx
  printf 'R\t%s\t%s,keyCompromise\t1001\tunknown\t/CN=tearsheet OCSP test signer\n' "$exp" "$rev" >revoked.idx
  openssl ocsp -issuer root.pem -cert leaf.pem -no_nonce -reqout req.der
  for s in good revoked; do
    openssl ocsp -index $s.idx -rsigner resp.pem -rkey resp.key -CA root.pem -reqin req.der \
      -respout $s.der -ndays 7
    "$tool" --ocsp $s.der keys "$jpeg" "$jpeg" $s.jpg
  done
) >"$tmp/pki.log" 2>&1 || { cat "$tmp/pki.log"; bad "making the PKI, responses and signed files"; exit 1; }

# ---- tearsheet alone ----
# check FILE.json STATE PRESENT ABSENT (comma lists of codes)
check() {
  python3 - "$@" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
am = (j.get("validation_results") or {}).get("active_manifest") or {}
codes = {x["code"] for k in ("success", "informational", "failure") for x in am.get(k, [])}
want, absent = set(filter(None, sys.argv[3].split(","))), set(filter(None, sys.argv[4].split(",")))
problems = []
if j.get("validation_state") != sys.argv[2]:
    problems.append("state %s, wanted %s" % (j.get("validation_state"), sys.argv[2]))
if want - codes:
    problems.append("missing %s" % sorted(want - codes))
if absent & codes:
    problems.append("unexpected %s" % sorted(absent & codes))
if problems:
    print("; ".join(problems), json.dumps(am)[:1200])
    sys.exit(1)
PY
}
ours() { # FILE [ANCHOR] → $tmp/ours.json
  if [ -n "${2:-}" ]; then "$ts" verify --json --trust "$2" "$1" >"$tmp/ours.json"
  else "$ts" verify --json "$1" >"$tmp/ours.json"; fi
}
R=signingCredential.ocsp.revoked N=signingCredential.ocsp.notRevoked S=signingCredential.ocsp.skipped
ours "$tmp/good.jpg" "$tmp/root.pem"
check "$tmp/ours.json" Trusted "$N,signingCredential.trusted,claimSignature.validated" "$R,$S" &&
  ok "good stapled response: notRevoked, Trusted" || bad "good stapled response"
ours "$tmp/revoked.jpg" "$tmp/root.pem"
check "$tmp/ours.json" Invalid "$R" "$N,$S,signingCredential.trusted,claimSignature.validated" &&
  ok "revoked stapled response: revoked, Invalid" || bad "revoked stapled response"
for s in good revoked; do
  ours "$tmp/$s.jpg"
  check "$tmp/ours.json" Valid "$S" "$R,$N" &&
    ok "$s response without anchors: the ocsp.skipped code, no status" || bad "$s response without anchors"
done

# ---- the reference implementation ----
if [ "$mode" = oracle ]; then
  cp -r "$oracle_src" "$tmp/oracle" && chmod -R u+w "$tmp/oracle"
  if ! (cd "$tmp/oracle" && npm ci --no-audit --no-fund >"$tmp/npm.log" 2>&1); then
    cat "$tmp/npm.log"; bad "npm ci could not install the oracle"
  else
    for s in good revoked; do
      for anchor in "$tmp/root.pem" ""; do
        ours "$tmp/$s.jpg" $anchor
        if [ -n "$anchor" ]; then node "$tmp/oracle/oracle.mjs" --trust "$anchor" "$tmp/$s.jpg" >"$tmp/oracle.json"
        else node "$tmp/oracle/oracle.mjs" "$tmp/$s.jpg" >"$tmp/oracle.json"; fi
        what="$s response${anchor:+ with anchor}"
        python3 - "$tmp/oracle.json" "$tmp/ours.json" <<'PY' && ok "$what: same state and status lists as the oracle" || bad "$what: differs from the oracle"
import json, sys
from collections import Counter
o, m = (json.load(open(p)) for p in sys.argv[1:3])
def lists(j):
    am = (j.get("validation_results") or {}).get("active_manifest") or {}
    return {k: Counter((x["code"], x.get("url") or "") for x in am.get(k, [])) for k in ("success", "informational", "failure")}
lo, lm = lists(o), lists(m)
diff = ["%s -%s" % (k, c) for k in lo for c in lo[k] - lm[k]] + ["%s +%s" % (k, c) for k in lo for c in lm[k] - lo[k]]
if o.get("validation_state") != m.get("validation_state") or diff:
    print("oracle %s, ours %s: %s" % (o.get("validation_state"), m.get("validation_state"), diff))
    sys.exit(1)
PY
      done
    done
  fi
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
