# Sourced by the tests/cli suites: counters, checks and the skip rule
# (tests/lib/skip.sh: a suite that cannot run for want of a tool exits
# 77, Skipped; under CI=true it fails instead).
. "$(dirname "${BASH_SOURCE[0]}")/../lib/skip.sh"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
# check NAME COMMAND...: ok when COMMAND succeeds
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}
skip() { ts_skip "$@"; }
need() {
  command -v "$1" >/dev/null 2>&1 || skip "$1 not installed (bash scripts/deps.sh installs it)"
}
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
