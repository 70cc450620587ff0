#!/usr/bin/env bash
# README command 2: install what is missing (Debian's Chromium and
# exiftool, and the npm packages pinned by the lockfiles under tools/:
# playwright-core for the browser tests, the reference C2PA
# implementation), build with -Werror under AddressSanitizer +
# UndefinedBehaviorSanitizer, and run every suite. Ends with ctest's
# summary.
#
# A suite that cannot run here (no ../shared beside the clone) is shown
# as Skipped, never Passed. Under CI=true nothing may be skipped: every
# prerequisite is there on purpose, so a skip fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --browser
for tool in tools/browser tools/c2pa-reference; do
  [ -f "$tool/package-lock.json" ] || continue
  if [ ! -f "$tool/node_modules/.package-lock.json" ] ||
     ! cmp -s "$tool/package-lock.json" "$tool/node_modules/.ts-installed-lock"; then
    if (cd "$tool" && npm ci --silent --no-audit --no-fund); then
      cp "$tool/package-lock.json" "$tool/node_modules/.ts-installed-lock"
    elif [ "${CI:-}" = true ]; then
      echo "npm ci failed in $tool" >&2; exit 1
    else
      echo "note: npm ci failed in $tool; the suites that need it will say Skipped" >&2
    fi
  fi
done
cmake --preset asan >/dev/null
cmake --build build/asan -j"$(nproc)"
set +e
ctest --preset asan -j"$(nproc)" 2>&1 | tee build/asan/ctest.out
rc=${PIPESTATUS[0]}
set -e
if [ "${CI:-}" = true ] && grep -Eq '\*\*\*Skipped|\*\*\*Not Run' build/asan/ctest.out; then
  echo "CI=true: these suites were skipped, and nothing may be skipped here:" >&2
  grep -E '\*\*\*Skipped|\*\*\*Not Run' build/asan/ctest.out >&2
  exit 1
fi
exit "$rc"
