#!/usr/bin/env bash
# bench/sets.sh — the derivative targets on every photo set the bench has
# (bench/run.sh --set srgb|adobe|45mp), at 8 and at 24 photos, with the
# tools the targets name (tearsheet, the floor, vipsthumbnail, Hugo).
# Each run's full report is kept in bench/out/sets/SET-N.txt; the summary
# lists every target line of every run and ends with how many were met.
# A target is met only when it is met on every set: run this twice on a
# quiet machine and compare (docs/performance.md).
#
# Must never: write outside bench/out and build/release.
#
# usage: bench/sets.sh [--sets "srgb adobe 45mp"] [--sizes "8 24"] [--repeat R]
set -euo pipefail
sets="srgb adobe 45mp"
sizes="8 24"
repeat=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sets) sets=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "sets.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/bench/out/sets
mkdir -p "$dir"
summary=$dir/summary.txt
: >"$summary"
for set in $sets; do
  for n in $sizes; do
    echo "== set $set, $n photos" >&2
    bash "$root/bench/run.sh" --set "$set" --photos "$n" --repeat "$repeat" \
      --only tearsheet,floor,vipsthumbnail,hugo --quality-photos 0 >"$dir/$set-$n.txt" 2>"$dir/$set-$n.log" ||
      { echo "run.sh failed for $set $n (see $dir/$set-$n.log)" >&2; exit 1; }
    {
      echo "-- set $set, $n photos"
      grep -E '^(tool|tearsheet|floor|vipsthumbnail|hugo) ' "$dir/$set-$n.txt"
      grep -E '^  (met|MISSED) ' "$dir/$set-$n.txt"
    } >>"$summary"
  done
done
met=$(grep -c '^  met ' "$summary" || true)
missed=$(grep -c '^  MISSED ' "$summary" || true)
echo "targets: $met met, $missed missed (on $(nproc) cores; load average now $(cut -d' ' -f1-3 /proc/loadavg))" >>"$summary"
cat "$summary"
