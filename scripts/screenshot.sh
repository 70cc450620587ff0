#!/usr/bin/env bash
# Takes a full-width screenshot of a page with Debian's headless
# Chromium, as a reader would see it.
# usage: screenshot.sh URL OUT.png [WIDTHxHEIGHT]
set -euo pipefail
url=$1 out=$2 size=${3:-1280,2400}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --window-size="${size/x/,}" \
  --virtual-time-budget=3000 --screenshot="$out" "$url" 2>/dev/null
echo "$out"
