#!/usr/bin/env bash
# Signing as a newsroom signs (issue 14): the photographer's own key and
# chain from site.yaml `signing:`, and RFC 3161 time-stamps from a
# `tsa_url:`. Everything is made here with Debian's openssl:
#  - `tearsheet keygen --csr` writes a key and a request with the
#    claim-signer profile; a test CA ("Daily News Test Root") signs it;
#  - a time-stamp authority: its own root and a TSA certificate (EKU
#    timeStamping), `openssl ts -reply` behind a small HTTP server this
#    test starts on 127.0.0.1 (python3 http.server);
#  - a site signed with signing: {key, chain, tsa_url}: the build says
#    who signs and what verifiers will show; every derivative carries
#    a sigTst2 token: the reference C2PA implementation
#    (tools/c2pa-reference read.mjs, c2pa-rs 0.92) reports
#    timeStamp.validated, and timeStamp.trusted with the TSA root in its
#    time-stamp trust list (read.mjs --tsa-trust), state Trusted with the
#    newsroom root; another root there, or the TSA root only among the
#    signer anchors, is timeStamp.untrusted;
#    `tearsheet verify` with both roots says Trusted, timeStamp.trusted,
#    and names the authority and the stamped time; one flipped byte →
#    assertion.dataHash.mismatch on both sides;
#  - the same identity as PKCS#12 with its password in the environment
#    (password_env) and in a file (password_file);
#  - refusals before the build, each naming the problem: a password in
#    site.yaml, a wrong PKCS#12 password, an unset password_env, a
#    certificate without the claim-signing EKU, an expired one, a CA
#    certificate, a TSA that answers 500.
# usage: c2pa_tsa.sh TEARSHEET STANDIN REFERENCE_DIR
set -u
. "$(dirname "$0")/lib/skip.sh"
ts=$1 standin=$2 ref=$3
command -v python3 >/dev/null 2>&1 || ts_skip "python3 not installed"
command -v openssl >/dev/null 2>&1 || ts_skip "openssl not installed (scripts/deps.sh)"
command -v node >/dev/null 2>&1 || ts_skip "node not installed (scripts/test.sh installs it)"
[ -d "$ref/node_modules/@contentauth/c2pa-wasm" ] ||
  ts_skip "the reference is not installed (cd tools/c2pa-reference && npm ci)"
tmp=$(mktemp -d /tmp/ts-c2pa-tsa-XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
cd "$tmp" || exit 1

# ---- the newsroom's CA and the photographer's certificate -------------
q() { "$@" >>"$tmp/openssl.log" 2>&1; }
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -days 30 -subj "/O=Daily News/CN=Daily News Test Root" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash"
"$ts" keygen --csr --name "Kim Min-ji" --org "Daily News" keys >"$tmp/keygen.txt" 2>&1 &&
  [ -f keys/signing-key.pem ] && [ "$(stat -c %a keys/signing-key.pem)" = 600 ] &&
  openssl req -in keys/signing-request.csr -noout -text 2>/dev/null | grep -q "1.3.6.1.4.1.62558.2.1" &&
  ok "keygen --csr: a 0600 key and a request asking for c2pa-kp-claimSigning" ||
  { cat "$tmp/keygen.txt"; bad "keygen --csr"; }
"$ts" keygen --csr keys-noname >/dev/null 2>&1
[ $? = 2 ] && ok "keygen --csr without --name is a usage error" || bad "keygen --csr without --name"
cat >ext.cnf <<'EOF'
[leaf]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tsa]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[noeku]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyCertSign
extendedKeyUsage = 1.3.6.1.4.1.62558.2.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
# the request's extensions (the profile) are copied, as a CA would
q openssl x509 -req -in keys/signing-request.csr -CA ca.pem -CAkey ca.key -days 10 \
  -copy_extensions copy -extfile ext.cnf -extensions leaf -out leaf.pem
cat leaf.pem ca.pem >chain.pem

# ---- the time-stamp authority -----------------------------------------
q openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tsaroot.key \
  -out tsaroot.pem -days 30 -subj "/O=Test TSA/CN=Test TSA Root" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash"
q openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tsa.key -out tsa.csr \
  -subj "/O=Test TSA/CN=Test Time-Stamp Authority"
q openssl x509 -req -in tsa.csr -CA tsaroot.pem -CAkey tsaroot.key -days 10 -extfile ext.cnf \
  -extensions tsa -out tsa.pem
cat tsa.pem tsaroot.pem >tsachain.pem
echo 01 >tsaserial
cat >tsa.cnf <<EOF
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = $tmp/tsaserial
crypto_device = builtin
signer_cert = $tmp/tsa.pem
certs = $tmp/tsachain.pem
signer_key = $tmp/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF
[ -s leaf.pem ] && [ -s tsa.pem ] || { cat "$tmp/openssl.log"; bad "openssl could not make the certificates"; exit 1; }

cat >server.py <<'PY'
import http.server, os, subprocess, sys, tempfile
cnf, log = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        with open(log, "a") as f:
            f.write(self.path + "\n")
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/fail" or self.headers.get("Content-Type") != "application/timestamp-query":
            self.send_response(500); self.end_headers(); return
        with tempfile.TemporaryDirectory(dir=os.path.dirname(cnf)) as d:
            open(os.path.join(d, "q.tsq"), "wb").write(body)
            r = subprocess.run(["openssl", "ts", "-reply", "-config", cnf, "-queryfile",
                                os.path.join(d, "q.tsq"), "-out", os.path.join(d, "r.tsr")],
                               capture_output=True, timeout=20)
            if r.returncode != 0:
                self.send_response(500); self.end_headers(); return
            data = open(os.path.join(d, "r.tsr"), "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 -u server.py "$tmp/tsa.cnf" "$tmp/requests.log" >port 2>server.err &
server_pid=$!
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
port=$(head -1 port)
[ -n "$port" ] || { echo "FAIL the TSA server did not start: $(cat server.err)"; exit 1; }
tsa="http://127.0.0.1:$port/tsa"

# ---- a site signed with the photographer's identity and the TSA -------
# site DIR SIGNING_BLOCK: one story, one stand-in photo, JPEG and WebP at 480 px
site() {
  mkdir -p "$1/stories/demo"
  "$standin" "$1/stories/demo" >/dev/null 2>&1 || return 1
  local p
  p=$(ls "$1/stories/demo" | grep '\.jpg$' | head -1)
  find "$1/stories/demo" -name '*.jpg' ! -name "$p" -delete
  printf -- '---\ntitle: Demo\n---\n\n![](%s)\n' "$p" >"$1/stories/demo/story.md"
  printf 'title: Demo\nimages:\n  widths: [480]\n  formats: [webp, jpeg]\nsigning:\n%s\n' "$2" >"$1/site.yaml"
}
ref() { node "$ref/read.mjs" "$@" >"$tmp/last.json" 2>"$tmp/ref.err"; }
# has STATE CODES...: the last reference answer's state and codes
has() {
  python3 - "$tmp/last.json" "$@" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); state = sys.argv[2]
codes = set(c for v in j["codes"].values() for c in v)
miss = [c for c in sys.argv[3:] if c not in codes]
if j["validation_state"] != state or miss:
    print("state", j["validation_state"], "missing", miss, json.dumps(j["codes"]))
    sys.exit(1)
PY
}
cat ca.pem tsaroot.pem >both.pem

site s1 "  key: $tmp/keys/signing-key.pem
  chain: $tmp/chain.pem
  tsa_url: $tsa" || bad "stand-in photo"
if "$ts" build s1 >build.log 2>&1; then
  grep -q "signing as Kim Min-ji (Daily News); verifiers that trust Daily News Test Root (Daily News) will show Trusted" build.log &&
    grep -q "time-stamp from Test Time-Stamp Authority" build.log &&
    ok "build says who signs, what verifiers show, and the authority" ||
    { cat build.log; bad "the sentence before the build"; }
else cat build.log; bad "build with signing: key/chain/tsa_url"; fi
n=0
for f in s1/public/demo/*.jpg s1/public/demo/*.webp; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  name=$(basename "$f")
  ref "$f" && has Valid timeStamp.validated claimSignature.validated signingCredential.untrusted &&
    ok "$name: reference: Valid, timeStamp.validated" || bad "$name: reference without anchors"
  # c2pa-rs 0.92 trusts a TSA through a list of its own (settings
  # trust.anchors with trust_kind "tsa": read.mjs --tsa-trust), not
  # through the signer anchors (docs/c2pa.md, time-stamps)
  ref "$f" --trust ca.pem --tsa-trust tsaroot.pem &&
    has Trusted timeStamp.validated timeStamp.trusted signingCredential.trusted &&
    ok "$name: reference with the TSA root as TSA anchor: timeStamp.validated and timeStamp.trusted, Trusted" ||
    bad "$name: reference with the TSA root as TSA anchor"
  ref "$f" --trust ca.pem --tsa-trust ca.pem &&
    has Trusted timeStamp.validated timeStamp.untrusted signingCredential.trusted &&
    ok "$name: reference with another root as TSA anchor: timeStamp.untrusted" ||
    bad "$name: reference with another root as TSA anchor"
  ref "$f" --trust both.pem && has Trusted timeStamp.validated timeStamp.untrusted signingCredential.trusted &&
    ok "$name: reference: Trusted with both roots as signer anchors (the TSA untrusted)" ||
    bad "$name: reference with both roots"
  "$ts" verify --json --trust both.pem "$f" >v.json 2>&1
  python3 - v.json <<'PY' && ok "$name: verify: Trusted, time-stamped by the TSA" || { head -c 1500 v.json; bad "$name: verify --json"; }
import json, sys
j = json.load(open(sys.argv[1]))
j = j[0] if isinstance(j, list) else j
s = json.dumps(j)
assert j["validation_state"] == "Trusted", j["validation_state"]
assert "timeStamp.trusted" in s, "no timeStamp.trusted"
assert "Test Time-Stamp Authority" in s, "no authority"
assert '"when_from_time_stamp": true' in s, "time not from the stamp"
PY
  "$ts" verify --trust both.pem "$f" >v.txt 2>&1
  grep -q "Test Time-Stamp Authority" v.txt && grep -Eq "20[0-9]{2}-[0-9]{2}-[0-9]{2}" v.txt &&
    ok "$name: verify names the authority and the stamped time" || { cat v.txt; bad "$name: verify text"; }
  python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[-40 if sys.argv[1].endswith('.jpg') else 100]^=1; open(sys.argv[2],'wb').write(b)" "$f" "t-$name"
  ref "t-$name" && has Invalid assertion.dataHash.mismatch &&
    "$ts" verify --json "t-$name" 2>/dev/null | grep -q '"assertion.dataHash.mismatch"' &&
    ok "$name: one flipped byte: assertion.dataHash.mismatch on both sides" || bad "$name: tampered"
done
[ "$n" = 2 ] && ok "two derivatives signed" || bad "$n derivatives, wanted 2"
stamps=$(grep -c '^/tsa' requests.log 2>/dev/null)
# one probe before the build, one token per derivative (none while sizing)
[ "$stamps" = 3 ] && ok "the TSA was asked 3 times (probe + 2 derivatives)" || bad "TSA asked $stamps times"
cp requests.log requests.before
"$ts" build s1 >build2.log 2>&1 && [ "$(grep -c '^/tsa' requests.log)" = 4 ] &&
  ok "a rebuild asks only the probe (derivatives cached)" || bad "rebuild: $(grep -c '^/tsa' requests.log) requests"

# ---- PKCS#12, its password from the environment or a file ----------
q openssl pkcs12 -export -inkey keys/signing-key.pem -in leaf.pem -certfile ca.pem -passout pass:s3cret \
  -out me.p12
site s2 "  pkcs12: $tmp/me.p12
  password_env: TS_TEST_P12" || bad "stand-in photo"
if TS_TEST_P12=s3cret "$ts" build s2 >b2.log 2>&1 && grep -q "signing as Kim Min-ji" b2.log; then
  f=$(ls s2/public/demo/*.jpg | head -1)
  ref "$f" --trust ca.pem && has Trusted signingCredential.trusted &&
    ok "PKCS#12 with password_env: Trusted with the newsroom root" || bad "PKCS#12 signed file"
else cat b2.log; bad "build with PKCS#12 and password_env"; fi
TS_TEST_P12=wrong "$ts" build s2 >b3.log 2>&1
[ $? != 0 ] && grep -q "wrong password" b3.log && ok "a wrong PKCS#12 password is refused" ||
  { cat b3.log; bad "wrong password"; }
env -u TS_TEST_P12 "$ts" build s2 >b4.log 2>&1
[ $? != 0 ] && grep -q "password_env: TS_TEST_P12 is not set" b4.log && ok "an unset password_env is refused" ||
  { cat b4.log; bad "unset password_env"; }
printf 's3cret\n' >pw && chmod 600 pw
site s3 "  pkcs12: $tmp/me.p12
  password_file: $tmp/pw" || bad "stand-in photo"
"$ts" build s3 >b5.log 2>&1 && ok "PKCS#12 with password_file" || { cat b5.log; bad "password_file"; }
site s4 "  pkcs12: $tmp/me.p12
  password: s3cret" || bad "stand-in photo"
"$ts" build s4 >b6.log 2>&1
[ $? != 0 ] && grep -q "a password never goes into site.yaml" b6.log && ok "a password in site.yaml is refused" ||
  { cat b6.log; bad "password in site.yaml"; }

# ---- certificates a verifier would reject, refused before the build ---
# refuse NAME EXTENSIONS DAYS WANT: a leaf for keys' key with those extensions, valid DAYS
refuse() {
  local dir="$tmp/r-$1"
  mkdir -p "$dir"
  # -days -1: notAfter a day before notBefore, i.e. expired yesterday
  local copy=
  [ "$2" = leaf ] && copy="-copy_extensions copy" # the request's profile, as for chain.pem
  q openssl x509 -req -in keys/signing-request.csr -CA ca.pem -CAkey ca.key -days "$3" $copy \
    -extfile ext.cnf -extensions "$2" -out "$dir/leaf.pem"
  cat "$dir/leaf.pem" ca.pem >"$dir/chain.pem"
  site "$dir/site" "  key: $tmp/keys/signing-key.pem
  chain: $dir/chain.pem"
  "$ts" build "$dir/site" >"$dir/log" 2>&1
  local rc=$?
  if [ "$rc" != 0 ] && grep -q "$4" "$dir/log" && [ ! -d "$dir/site/public/demo" ]; then
    ok "refused before the build: $1"
  else cat "$dir/log"; bad "$1: exit $rc"; fi
}
refuse "no claim-signing EKU" noeku 5 "certificate has no extended key usage"
refuse "a CA certificate" ca 5 "signing certificate is a CA certificate"
refuse "an expired certificate" leaf -1 "expired on 20"
site s5 "  key: $tmp/keys/signing-key.pem
  chain: $tmp/chain.pem
  tsa_url: http://127.0.0.1:$port/fail" || bad "stand-in photo"
"$ts" build s5 >b7.log 2>&1
[ $? != 0 ] && grep -q "time-stamp authority.*answered 500" b7.log && ok "a TSA answering 500 stops the build" ||
  { cat b7.log; bad "failing TSA"; }

# the pin over the story's photo (docs/site.md "The credentials pin"):
# signer, software and the stamped time as verify reports them with the
# same anchors (a time-stamp gives the time only when its TSA is trusted)
site s6 "  key: $tmp/keys/signing-key.pem
  chain: $tmp/chain.pem
  tsa_url: $tsa" || bad "stand-in photo"
echo "trust: $tmp/both.pem" >>s6/site.yaml
"$ts" build s6 >b8.log 2>&1 || { cat b8.log; bad "build with trust: and tsa_url"; }
"$ts" verify --json --trust both.pem s6/public/demo/*.jpg >pin.json 2>&1
python3 - s6/public/demo/index.html pin.json <<'PY' && ok "the pin shows verify's signer, software and stamped time" || bad "the pin's first level"
import html, json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
j = json.load(open(sys.argv[2]))
s = (j[0] if isinstance(j, list) else j)["summary"]
pin = re.search(r'<details class="cr-pin">(.*?)</details>', page, re.S)
assert pin, "no pin on the story page"
facts = dict((html.unescape(re.sub(r"<[^>]+>", "", dt)), html.unescape(re.sub(r"<[^>]+>", "", dd)))
             for dt, dd in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", pin.group(1), re.S))
want = {"Signed by": "%s (%s)" % (s["signer_cn"], s["signer_org"]), "Software": s["generator"],
        "Date": s["when"]}
assert s["when"] and s["when_from_time_stamp"], s
assert facts == want, (facts, want)
PY

echo "c2pa_tsa: $pass passed, $fail failed"
[ "$fail" = 0 ]
