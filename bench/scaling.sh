#!/usr/bin/env bash
# bench/scaling.sh — bench/incremental.sh at growing sizes (1,000 photos
# in 50 stories, 10,000 in 500, 100,000 in 2,000 by default), then one
# table: each step's wall and CPU seconds at each size beside Hugo's on
# the same Markdown, and how much each step grew per tenfold site. A step
# that grows much faster than the site (over 10x per 10x) has a lookup or
# rescan that is not linear (docs/performance.md "Scaling").
#
# The generated photos are kept under --pool (default build/bench-pool,
# which git ignores) so a second run does not make 100,000 photos again.
#
# Must never: write outside its temporary folders, the pool folder and
# the --out folder.
#
# usage: bench/scaling.sh TEARSHEET GEN_PHOTOS [--sizes "1000:50 10000:500 100000:2000"]
#                         [--pool DIR] [--out DIR] [--no-hugo]
set -euo pipefail

ts=${1:?usage: scaling.sh TEARSHEET GEN_PHOTOS [options]}
gen=${2:?usage: scaling.sh TEARSHEET GEN_PHOTOS [options]}
shift 2
sizes="1000:50 10000:500 100000:2000"
pool=build/bench-pool
out=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --pool) pool=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-hugo) extra+=(--no-hugo); shift ;;
    *) echo "scaling.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
here=$(dirname "$0")
[ -n "$out" ] || out=$(mktemp -d)
mkdir -p "$out" "$pool"
cols=()
for size in $sizes; do
  photos=${size%%:*} stories=${size##*:}
  echo "== $photos photos in $stories stories ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  rm -f "$out/$photos.tsv"
  bash "$here/incremental.sh" "$ts" "$gen" --photos "$photos" --stories "$stories" \
    --pool "$pool" --tsv "$out/$photos.tsv" "${extra[@]}" | tee "$out/$photos.txt" >&2 ||
    echo "scaling.sh: the run at $photos photos failed (its rows so far are kept)" >&2
  cols+=("$photos")
done

# step × size: "wall / cpu" (s), the growth of wall per tenfold
awk -F'\t' -v cols="${cols[*]}" '
  BEGIN { nc = split(cols, c, " ") }
  FNR == 1 { f++ }
  {
    key = $1
    if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
    wall[key, f] = $2; cpu[key, f] = $3; mem[key, f] = $4; note[key, f] = $5
  }
  function cell(k, i) {
    if (!((k, i) in wall)) return "-"
    if (k == "peak memory") return mem[k, i] " MB"
    if (k == "Hugo / tearsheet") return wall[k, i] "x/" cpu[k, i] "x"
    s = wall[k, i] "/" cpu[k, i]
    if (note[k, i] ~ /ms\/page/) { split(note[k, i], m, " "); s = s " " m[1] "ms" }
    return s
  }
  END {
    printf "%-38s", "step (wall/cpu s)"
    for (i = 1; i <= nc; i++) printf " %24s", c[i] " photos"
    printf "   growth per 10x site\n"
    for (n = 1; n <= nk; n++) {
      k = order[n]
      printf "%-38s", k
      for (i = 1; i <= nc; i++) printf " %24s", cell(k, i)
      g = ""
      # CPU where there is one (steadier on a shared machine), else wall
      for (i = 2; i <= nc; i++) {
        if (!((k, i) in wall) || !((k, i - 1) in wall) || k == "Hugo / tearsheet" || k == "peak memory")
          continue
        if (cpu[k, i - 1] != "-" && cpu[k, i - 1] + 0 > 0)
          g = g sprintf(" %.1fx cpu", cpu[k, i] / cpu[k, i - 1])
        else if (wall[k, i - 1] + 0 > 0)
          g = g sprintf(" %.1fx wall", wall[k, i] / wall[k, i - 1])
      }
      printf "  %s\n", g
    }
  }' $(for p in "${cols[@]}"; do echo "$out/$p.tsv"; done)
echo "(each run's full output: $out/<photos>.txt)"
