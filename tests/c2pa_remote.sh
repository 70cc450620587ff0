#!/usr/bin/env bash
# Remote manifests (issue 14, C2PA 2.2 §11.3): a JPEG whose XMP names
# its manifest store by URL (dcterms:provenance, as corpus cloud.jpg)
# and a small HTTP server this test starts on 127.0.0.1:
#  - `verify --json` reports "remote_manifest": URL and fetches nothing
#    (the server logs no request);
#  - `verify --fetch` validates the fetched store against the file:
#    Valid, Trusted with the demo root, remote_fetched; one flipped image
#    byte → Invalid with assertion.dataHash.mismatch;
#  - an ftp:// provenance is not a remote manifest (as in c2pa-rs);
#  - refused, each with its reason and exit 1: a 404, a redirect to
#    file://, a declared body over the store cap, a body
#    that grows past it without declaring a length, a server slower
#    than the time limit.
# usage: c2pa_remote.sh SIGN_TOOL TEARSHEET JPEG
set -u
. "$(dirname "$0")/lib/skip.sh"
tool=$1 ts=$2 jpeg=$3
command -v python3 >/dev/null 2>&1 || ts_skip "python3 not installed"
tmp=$(mktemp -d /tmp/ts-c2pa-remote-XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

mkdir -p "$tmp/www"
cat >"$tmp/server.py" <<'PY'
import http.server, os, sys, time
root = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        with open(os.path.join(root, "..", "requests.log"), "a") as f:
            f.write(self.path + "\n")
    def do_GET(self):
        if self.path == "/redirect":
            self.send_response(302); self.send_header("Location", "file:///etc/passwd"); self.end_headers()
        elif self.path == "/declared-big":
            self.send_response(200); self.send_header("Content-Length", str(100 << 20)); self.end_headers()
            self.wfile.write(b"\0" * 1024)
        elif self.path == "/endless":
            self.protocol_version = "HTTP/1.0"
            self.send_response(200); self.end_headers()
            chunk = b"\0" * (1 << 20)
            try:
                for _ in range(80):
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif self.path == "/slow":
            time.sleep(30)
        else:
            p = os.path.join(root, self.path.lstrip("/"))
            if not os.path.isfile(p):
                self.send_response(404); self.end_headers(); return
            data = open(p, "rb").read()
            self.send_response(200); self.send_header("Content-Length", str(len(data))); self.end_headers()
            self.wfile.write(data)
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 -u "$tmp/server.py" "$tmp/www" >"$tmp/port" 2>"$tmp/server.err" &
server_pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(head -1 "$tmp/port")
[ -n "$port" ] || { echo "FAIL the test server did not start: $(cat "$tmp/server.err")"; exit 1; }
base="http://127.0.0.1:$port"

# with_xmp URL OUT: the JPEG with an XMP packet naming URL after SOI
with_xmp() {
  python3 - "$jpeg" "$1" "$2" <<'PY'
import sys
src, url, dst = sys.argv[1:4]
b = open(src, "rb").read()
xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       '<rdf:Description rdf:about="" xmlns:dcterms="http://purl.org/dc/terms/" dcterms:provenance="%s"/>'
       '</rdf:RDF></x:xmpmeta>' % url).encode()
seg = b"http://ns.adobe.com/xap/1.0/\0" + xmp
open(dst, "wb").write(b[:2] + b"\xff\xe1" + (len(seg) + 2).to_bytes(2, "big") + seg + b[2:])
PY
}
field() { # JSON FIELD
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j=j[0] if isinstance(j,list) else j; v=j.get(sys.argv[2]); print("" if v is None else v)' "$1" "$2"
}
failures() {
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); am=((j.get("validation_results") or {}).get("active_manifest") or {}); print(",".join(sorted({x["code"] for x in am.get("failure",[])})))' "$1"
}

"$ts" keygen "$tmp/keys" >/dev/null || { echo "FAIL keygen"; exit 1; }
with_xmp "$base/m.c2pa" "$tmp/photo.jpg"
"$tool" --sidecar "$tmp/keys" "$tmp/photo.jpg" "$tmp/photo.jpg" "$tmp/www/m.c2pa" ||
  { echo "FAIL signing the remote store"; exit 1; }

: >"$tmp/requests.log"
"$ts" verify --json "$tmp/photo.jpg" >"$tmp/a.json"; rc=$?
[ "$rc" = 0 ] && ok "without --fetch: exit 0" || bad "without --fetch: exit $rc"
[ "$(field "$tmp/a.json" remote_manifest)" = "$base/m.c2pa" ] && ok "remote_manifest is the URL" ||
  bad "remote_manifest: '$(field "$tmp/a.json" remote_manifest)'"
[ "$(field "$tmp/a.json" has_manifest)" = False ] && ok "has_manifest false" || bad "has_manifest"
[ -s "$tmp/requests.log" ] && bad "fetched without --fetch: $(cat "$tmp/requests.log")" || ok "nothing fetched"
"$ts" verify "$tmp/photo.jpg" | grep -q "published at $base/m.c2pa" && ok "text names the URL" ||
  bad "text: $("$ts" verify "$tmp/photo.jpg")"

"$ts" verify --json --fetch "$tmp/photo.jpg" >"$tmp/b.json"; rc=$?
s=$(field "$tmp/b.json" validation_state) f=$(failures "$tmp/b.json")
[ "$rc" = 0 ] && [ "$s" = Valid ] && [ "$f" = signingCredential.untrusted ] && ok "--fetch: Valid ($f)" ||
  bad "--fetch: exit $rc, $s, $f"
[ "$(field "$tmp/b.json" remote_fetched)" = True ] && ok "remote_fetched" || bad "remote_fetched"
grep -qx /m.c2pa "$tmp/requests.log" && ok "the store was fetched once" || bad "requests: $(cat "$tmp/requests.log")"
"$ts" verify --json --fetch --trust "$tmp/keys/trust-anchor.pem" "$tmp/photo.jpg" >"$tmp/c.json"
[ "$(field "$tmp/c.json" validation_state)" = Trusted ] && ok "--fetch with the anchor: Trusted" ||
  bad "--fetch with the anchor: $(field "$tmp/c.json" validation_state)"
"$ts" verify --fetch "$tmp/photo.jpg" | grep -q "fetched from $base/m.c2pa" && ok "text says fetched from" ||
  bad "text: $("$ts" verify --fetch "$tmp/photo.jpg")"

python3 - "$tmp/photo.jpg" "$tmp/flipped.jpg" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[-100] ^= 1; open(sys.argv[2], "wb").write(b)
PY
"$ts" verify --json --fetch "$tmp/flipped.jpg" >"$tmp/d.json"; rc=$?
f=$(failures "$tmp/d.json")
[ "$rc" = 1 ] && [ "$(field "$tmp/d.json" validation_state)" = Invalid ] && [[ "$f" == *assertion.dataHash.mismatch* ]] &&
  ok "flipped image byte: Invalid ($f)" || bad "flipped image byte: exit $rc, $f"

# refused fetches: URL, words the reason must contain
refuse() {
  with_xmp "$1" "$tmp/r.jpg"
  "$ts" verify --json --fetch "$tmp/r.jpg" >"$tmp/r.json" 2>"$tmp/r.err"; rc=$?
  e=$(field "$tmp/r.json" error)
  if [ "$rc" = 1 ] && [[ "$e" == *"$2"* ]] && [ "$(field "$tmp/r.json" remote_manifest)" = "$1" ]; then
    ok "$1 refused: $e"
  else
    bad "$1: exit $rc, error '$e'"
  fi
}
refuse "$base/missing.c2pa" "answered 404"
refuse "$base/redirect" "scheme other than http"
# not http(s): not a remote manifest at all (c2pa-rs is_valid_remote_url)
with_xmp "ftp://127.0.0.1:$port/m.c2pa" "$tmp/ftp.jpg"
"$ts" verify --json --fetch "$tmp/ftp.jpg" >"$tmp/f.json"; rc=$?
[ "$rc" = 0 ] && [ -z "$(field "$tmp/f.json" remote_manifest)" ] &&
  [ "$(field "$tmp/f.json" error)" = "no content credentials" ] && ok "an ftp:// provenance is no remote manifest" ||
  bad "ftp:// provenance: exit $rc, $(cat "$tmp/f.json")"
refuse "$base/declared-big" "larger than"
refuse "$base/endless" "larger than"
start=$(date +%s)
refuse "$base/slow" "seconds"
took=$(( $(date +%s) - start ))
[ "$took" -lt 40 ] && ok "the slow server was given up after ${took}s" || bad "the slow server took ${took}s"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
