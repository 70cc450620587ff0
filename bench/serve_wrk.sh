#!/usr/bin/env bash
# bench/serve_wrk.sh — static files through `tearsheet serve` (its HTTP
# layer: libmicrohttpd, sendfile) and through nginx on the same files,
# side by side, with wrk at 4, 16 and 32 connections. Optionally a
# second tearsheet binary (e.g. one built from before a change) is
# measured the same way, so a change to the HTTP layer shows its cost.
# A benchmark, not a test: it prints requests per second and latency
# and checks nothing.
#
# Must never: listen beyond loopback, leave a server running, or write
# outside its temporary folder.
#
# usage: bench/serve_wrk.sh TEARSHEET [BEFORE_TEARSHEET] [--seconds N]
#        (release builds: cmake --preset release && cmake --build build/release)
# needs: wrk, nginx (Debian: scripts/deps.sh --bench)
set -euo pipefail

ts=${1:?usage: bench/serve_wrk.sh TEARSHEET [BEFORE_TEARSHEET] [--seconds N]}
shift
before=""
seconds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    *) before=$1; shift ;;
  esac
done
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { echo "needs $tool: scripts/deps.sh --bench" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/ts-serve-wrk.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  # start_serve runs in a command substitution (a subshell): its
  # servers' pids reach us through a file
  [ -f "$tmp/serve.pids" ] && mapfile -t -O "${#pids[@]}" pids <"$tmp/serve.pids"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"$ts" new "$tmp/site" >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# One tearsheet serve of a site folder; prints its port once it answers.
start_serve() {
  local bin=$1 site=$2 port
  port=$(free_port)
  "$bin" serve "$site" --listen "127.0.0.1:$port" >"$tmp/serve-$port.log" 2>&1 &
  echo $! >>"$tmp/serve.pids"
  for _ in $(seq 1 600); do
    grep -q "^Serving" "$tmp/serve-$port.log" 2>/dev/null && { echo "$port"; return; }
    sleep 0.1
  done
  echo "tearsheet serve did not start: $(cat "$tmp/serve-$port.log")" >&2
  exit 1
}

serve_port=$(start_serve "$ts" "$tmp/site")
# The file: the theme's stylesheet, a hashed name served as it would be
# to every visitor (no form token: only .html pages get one).
file=$(cd "$tmp/site/public" && find . -name '*.css' | head -1)
file=${file#./}
[ -n "$file" ] || { echo "no stylesheet in the built site" >&2; exit 1; }
size=$(stat -c %s "$tmp/site/public/$file")

nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
user root;
worker_processes $(nproc);
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { text/css css; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $tmp/site/public;
  }
}
EOF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5

# The other binary gets a site of its own (its store may be of another
# schema version) and is given the same file to serve: its own theme's
# stylesheet may have another name and size.
before_port=""
if [ -n "$before" ]; then
  "$before" new "$tmp/site-before" >/dev/null
  before_port=$(start_serve "$before" "$tmp/site-before")
  cp "$tmp/site/public/$file" "$tmp/site-before/public/$file"
fi

# Requests/sec and p99 latency of one wrk run.
measure() {
  local port=$1 conns=$2 out
  out=$(wrk -t2 -c"$conns" -d"${seconds}s" --latency "http://127.0.0.1:$port/$file" 2>&1)
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Socket errors|Non-2xx/ {printf "%s ", $0}' <<<"$out")
  printf '%10s %8s %s' "$rps" "$p99" "${errors:+($errors)}"
}

echo "static file /$file ($size bytes), wrk -t2, ${seconds}s each, $(nproc) cores"
printf '%-6s | %-30s | %-30s' conns "tearsheet serve (req/s, p99)" "nginx $(nginx -v 2>&1 | sed 's/.*\///')"
[ -n "$before_port" ] && printf ' | %-30s' "before (req/s, p99)"
echo
for c in 4 16 32; do
  printf '%-6s | %-30s | %-30s' "$c" "$(measure "$serve_port" "$c")" "$(measure "$nginx_port" "$c")"
  [ -n "$before_port" ] && printf ' | %-30s' "$(measure "$before_port" "$c")"
  echo
done
