#!/usr/bin/env bash
# Exit codes as tearsheet(1) documents them, for every command: 0 ok,
# 1 problems found, 2 usage or configuration error (a missing site
# folder is 2). Each command also answers --help and an unknown option.
# usage: exit_codes.sh TEARSHEET
set -u
ts=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: the test works in a temporary folder
. "$(dirname "$0")/lib.sh"
need vips
need python3
tmp=$(mktemp -d /tmp/ts-exit-XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# code WANT NAME ARGS...: runs tearsheet ARGS (stdin from /dev/null
# unless `input` is set) and checks its exit status
input=/dev/null
code() {
  local want=$1 name=$2
  shift 2
  timeout 300 "$ts" "$@" <"$input" >"$tmp/out" 2>&1 # 124: hung (a server that should not start)
  local got=$?
  if [ "$got" -eq "$want" ]; then
    ok "exit $want: $name"
  else
    bad "exit $got, expected $want: $name (tearsheet $*)"
    sed 's/^/    /' "$tmp/out" | head -5
  fi
}

# No command, help, version
code 2 "no command" 
code 2 "unknown command" frobnicate
code 0 "--help" --help
code 0 "-h" -h
code 0 "help" help
code 2 "help for an unknown command" help frobnicate
code 2 "help for two commands" help build lint
code 0 "--version" --version
commands=$("$ts" help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
for cmd in $commands; do
  code 0 "$cmd --help" "$cmd" --help
  code 0 "help $cmd" help "$cmd"
  code 2 "$cmd --no-such-option" "$cmd" --no-such-option
done

# A site with one small photo, signed
site=$tmp/site
code 0 "new SITE" new "$site"
code 2 "new: SITE already holds a site" new "$site"
code 2 "new without SITE" new
printf 'title: Exit codes\nimages:\n  widths: [320]\n  formats: [jpeg]\nsigning_key: keys\n' >"$site/site.yaml"
rm -rf "$site/stories"/*
mkdir -p "$site/stories/walk"
vips black "$site/stories/walk/a.jpg" 640 480 --bands 3
printf -- '---\ntitle: A walk\n---\n\n![A black frame](a.jpg)\n' >"$site/stories/walk/story.md"

# keygen
code 0 "keygen DIR" keygen "$site/keys"
code 2 "keygen: DIR already holds a key" keygen "$site/keys"
code 2 "keygen without DIR" keygen

# build
code 0 "build SITE" build "$site"
code 0 "build SITE -o DIR --jobs 1 --stats" build "$site" -o "$tmp/out-site" --jobs 1 --stats
code 2 "build: missing site folder" build "$tmp/no-such-site"
code 2 "build: --jobs 0" build "$site" --jobs 0
code 2 "build: two SITEs" build "$site" "$site"
cp -r "$site" "$tmp/badyaml"
printf 'images:\n  jpeg_quality: 500\n' >"$tmp/badyaml/site.yaml"
code 2 "build: error in site.yaml" build "$tmp/badyaml"
cp -r "$site" "$tmp/badphoto"
printf 'not a photo' >"$tmp/badphoto/stories/walk/b.jpg"
printf -- '\n![Broken](b.jpg)\n' >>"$tmp/badphoto/stories/walk/story.md"
code 1 "build: a photo that cannot be built" build "$tmp/badphoto"

# meta
signed=$(ls "$site"/public/walk/*.jpg | head -1)
code 0 "meta FILE" meta "$site/stories/walk/a.jpg"
code 0 "meta --json FILE FILE" meta --json "$site/stories/walk/a.jpg" "$signed"
code 1 "meta: a missing FILE" meta "$tmp/no-such.jpg"
code 1 "meta: not a photo" meta "$tmp/badphoto/stories/walk/b.jpg"
code 2 "meta without FILE" meta

# verify
code 0 "verify: signed derivative, trusted" verify --trust "$site/keys/trust-anchor.pem" "$signed"
code 0 "verify: a photo without credentials" verify "$site/stories/walk/a.jpg"
cp "$signed" "$tmp/tampered.jpg"
size=$(stat -c %s "$tmp/tampered.jpg")
printf '\x55\xAA\x55\xAA' | dd of="$tmp/tampered.jpg" bs=1 seek=$((size - 40)) conv=notrunc status=none
code 1 "verify: a tampered derivative is invalid" verify "$tmp/tampered.jpg"
code 1 "verify: a missing FILE" verify "$tmp/no-such.jpg"
code 2 "verify --trust: unreadable anchors" verify --trust "$tmp/no-such.pem" "$signed"
code 2 "verify without FILE" verify

# lint
code 0 "lint SITE" lint "$site"
code 2 "lint: missing site folder" lint "$tmp/no-such-site"
code 2 "lint: two SITEs" lint "$site" "$site"
cp -r "$site" "$tmp/noalt"
vips black "$tmp/noalt/stories/walk/c.jpg" 320 240 --bands 3
printf -- '\n![](c.jpg)\n' >>"$tmp/noalt/stories/walk/story.md"
code 1 "lint: a photo without alt text" lint "$tmp/noalt"

# passwd
input=$tmp/pw
echo "a long enough password" >"$input"
code 0 "passwd --site SITE" passwd --site "$site"
code 2 "passwd: not a site" passwd --site "$tmp/no-such-site"
echo "short" >"$input"
code 2 "passwd: too short" passwd --site "$site"
input=/dev/null
code 2 "passwd: no password given" passwd --site "$site"
code 2 "passwd: an operand" passwd extra --site "$site"

# inquiries
code 0 "inquiries list" inquiries --site "$site"
code 0 "inquiries export --csv" inquiries export --csv --site "$site"
code 1 "inquiries show N: no inquiry N" inquiries show 99 --site "$site"
code 2 "inquiries mark N STATUS: unknown STATUS" inquiries mark 1 bogus --site "$site"
code 2 "inquiries: unknown subcommand" inquiries frobnicate --site "$site"
code 2 "inquiries: not a site" inquiries --site "$tmp/no-such-site"

# serve: 0 when stopped (SIGTERM, as Ctrl-C), 1 when the address is taken
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
code 2 "serve: missing site folder" serve "$tmp/no-such-site"
code 2 "serve: bad --listen" serve "$site" --listen nonsense
port=$(free_port)
"$ts" serve "$site" --listen "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
server=$!
python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(600):
    try:
        urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=1); sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit(1)
PY
check "serve answers on 127.0.0.1:$port" test $? -eq 0
kill -TERM "$server" # SIGINT is ignored in a background job of a script
wait "$server"
rc=$?
server=""
check "exit 0: serve stopped with SIGTERM (got $rc)" test "$rc" -eq 0
# a listener that holds a port, and says which once it listens
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
open(sys.argv[1] + ".new", "w").write(str(s.getsockname()[1])); __import__("os").rename(sys.argv[1] + ".new", sys.argv[1])
time.sleep(600)' "$tmp/held" &
server=$!
for _ in $(seq 300); do [ -s "$tmp/held" ] && break; sleep 0.1; done
port=$(cat "$tmp/held")
code 1 "serve: the address is in use" serve "$site" --listen "127.0.0.1:$port"
kill "$server"
server=""
finish
