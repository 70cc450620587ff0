# tests/lib/skip.sh — how a shell suite says it cannot run here.
#
# A suite that lacks a prerequisite (the ../shared corpus, a reference
# tool) tested nothing, so it must not pass: `ts_skip WHY` exits 77,
# which ctest shows as Skipped (every test is registered with
# SKIP_RETURN_CODE 77, tests/CMakeLists.txt). Under CI=true every
# prerequisite is installed on purpose, so a skip there is a failure.
# A suite never skips part of its checks and passes: a part that needs
# something else is a suite of its own.
#
# usage: . "$(dirname "$0")/lib/skip.sh"; [ -d "$corpus" ] || ts_skip "$corpus is absent"
ts_skip() {
  if [ "${CI:-}" = true ]; then
    echo "FAILED: cannot run under CI=true, where nothing may be skipped: $*"
    exit 1
  fi
  echo "SKIPPED: $*"
  exit 77
}
