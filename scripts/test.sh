#!/usr/bin/env bash
# README command 2: install what is missing (including Debian's Chromium
# and playwright-core for the browser test), build with -Werror under
# AddressSanitizer + UndefinedBehaviorSanitizer, and run every suite.
# Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --browser
if command -v npm >/dev/null && [ ! -d tools/browser/node_modules/playwright-core ]; then
  # the browser test says "skipped" when this cannot be installed
  (cd tools/browser && npm ci --silent --no-audit --no-fund) || echo "note: npm ci failed; the browser test will be skipped" >&2
fi
cmake --preset asan >/dev/null
cmake --build build/asan -j"$(nproc)"
ctest --preset asan -j"$(nproc)"
