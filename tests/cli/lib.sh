# Sourced by the tests/cli suites: counters, checks and the skip rule.
# A suite that cannot run for want of a tool exits 77 (ctest shows
# "Skipped", SKIP_RETURN_CODE in tests/cli.cmake); under CI=true a
# missing tool is a failure instead, so CI cannot pass by skipping.
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
# check NAME COMMAND...: ok when COMMAND succeeds
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}
skip() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL (CI=true, so no skipping): $*"
    exit 1
  fi
  echo "skipped: $*"
  exit 77
}
need() {
  command -v "$1" >/dev/null 2>&1 || skip "$1 not installed (bash scripts/deps.sh installs it)"
}
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
