#!/usr/bin/env bash
# README command 2: install what is missing, build with -Werror under
# AddressSanitizer + UndefinedBehaviorSanitizer, and run every suite.
# Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset asan >/dev/null
cmake --build build/asan -j"$(nproc)"
ctest --preset asan -j"$(nproc)"
