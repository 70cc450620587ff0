#!/usr/bin/env bash
# README command 1: install what is missing, build tearsheet (release),
# make the example site's stand-in photos, build the example site and
# serve it on http://127.0.0.1:8080 (Ctrl-C stops).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset release >/dev/null
cmake --build build/release -j"$(nproc)"
build/release/tools/standin examples/site/stories/kim-ryon-hui >/dev/null
exec build/release/tearsheet serve examples/site "$@"
