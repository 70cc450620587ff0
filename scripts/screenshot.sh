#!/usr/bin/env bash
# Takes a screenshot of a page as a reader sees it, with Debian's
# headless Chromium driven by playwright-core (tools/browser).
# usage: screenshot.sh URL OUT.png [WIDTH HEIGHT] [full]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
command -v chromium >/dev/null || bash "$here/scripts/deps.sh" --browser
if [ ! -d "$here/tools/browser/node_modules/playwright-core" ]; then
  (cd "$here/tools/browser" && npm ci --silent --no-audit --no-fund)
fi
node "$here/tools/browser/screenshot.mjs" "$@"
echo "$2"
