#!/usr/bin/env bash
# bench/c2pa.sh — C2PA cost, ours against the reference, in one run:
#  (a) `tearsheet verify --json FILE` (release build) against the oracle
#      (c2pa-rs 0.92 as wasm in Node, ../shared/tools/c2pa-oracle) on every
#      file of ../shared/corpus/c2pa: CPU seconds per file, median of
#      --repeat runs, the ratio oracle/ours, and totals;
#  (b) the same on a signed 24-megapixel JPEG: photo 0 of gen_photos
#      (6000x4000, upright) built into a one-story site with
#      `images.widths: [6000]`, so the derivative keeps the full size and
#      is signed like any other (a re-encode at the site's quality, not the
#      original's bytes);
#  (c) what signing costs a build: the same --photos photos built with
#      and without site.yaml's signing_key (default widths, WebP + JPEG),
#      CPU seconds median of --repeat, difference per derivative and as a
#      share of the unsigned build;
#  (d) verify of TIFF, GIF, SVG and JPEG XL files signed by
#      tests/c2pa_sign_tool (the corpus's unsigned samples of those
#      formats, the store where c2pa-rs puts it): ours against the
#      oracle per file, as in (a).
# CPU seconds (user + system of the process and its children, from
# bench/cputime.c) rather than wall time, because the machine is shared.
# Both tools run the same way a user runs them: one process per file,
# start-up included; the "start-up" row shows that floor for each, and
# "in-proc" is c2pa_verify alone, repeated in one process
# (bench/c2pa_bench.c). Signing per derivative is measured directly
# too (bench/c2pa_bench.c), because a signed-minus-unsigned build of a
# few photos is within the noise of a shared machine.
# Writes the table to stdout and to bench/results/<date>-c2pa.txt.
#
# Must never: write outside bench/out/c2pa, build/release and
# bench/results, or download anything (the oracle's npm package comes
# from the local npm cache, `npm ci --offline`; without it, or without
# ../shared, the oracle column says "skipped").
#
# usage: bench/c2pa.sh [--repeat R] [--photos N] [--only LIST] [--no-save]
#        LIST is a comma list of: corpus,big,sign,formats
set -euo pipefail

repeat=3
photos=4
only="corpus,big,sign,formats"
save=1
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    --photos) photos=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-save) save=0; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "c2pa.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
for n in "$repeat" "$photos"; do
  case "$n" in ''|*[!0-9]*|0) echo "c2pa.sh: --repeat and --photos need a positive number" >&2; exit 2 ;; esac
done
want() { case ",$only," in *",$1,"*) return 0 ;; esac; return 1; }

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${TS_SHARED_DIR:-$root/../shared}
corpus=$shared/corpus/c2pa
out=$root/bench/out/c2pa
report=$out/report.txt
for t in cc cmake pkg-config; do
  command -v "$t" >/dev/null 2>&1 || { echo "c2pa.sh: $t is missing (Debian: build-essential cmake pkg-config)" >&2; exit 2; }
done
rm -rf "$out"; mkdir -p "$out"
: > "$report"
say() { printf '%s\n' "$*" | tee -a "$report"; }
note() { echo "== $*" >&2; }

# ---- build -----------------------------------------------------------
note "building tearsheet (release preset)"
(cd "$root" && cmake --preset release -B build/release >/dev/null &&
  cmake --build build/release -j2 --target tearsheet ts_c2pa c2pa_sign_tool >"$out/build.log" 2>&1) ||
  { echo "c2pa.sh: the release build failed (see $out/build.log)" >&2; exit 2; }
ts=$root/build/release/tearsheet
ct=$out/cputime
cc -O2 -std=c11 -Wall -Wextra -o "$ct" "$root/bench/cputime.c"
vipsflags=$(pkg-config --cflags --libs vips)
# shellcheck disable=SC2086
cc -O2 -std=c11 -o "$out/gen_photos" "$root/bench/gen_photos.c" $vipsflags
rel=$root/build/release/src
# shellcheck disable=SC2046
cc -O2 -std=c11 -Wall -Wextra -D_POSIX_C_SOURCE=200809L -I"$root/src" -o "$out/c2pa_bench" \
  "$root/bench/c2pa_bench.c" "$rel/c2pa/libts_c2pa.a" "$rel/container/libts_container.a" \
  "$rel/base/libts_base.a" $(pkg-config --libs libcrypto libcbor jansson libbrotlidec)

# ---- the oracle (optional) ------------------------------------------------
oracle=""
why="skipped"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  why="skipped (no node/npm: Debian nodejs npm)"
elif [ ! -f "$shared/tools/c2pa-oracle/oracle.mjs" ]; then
  why="skipped ($shared/tools/c2pa-oracle not found)"
else
  cp -r "$shared/tools/c2pa-oracle" "$out/oracle"
  chmod -R u+w "$out/oracle"
  if (cd "$out/oracle" && npm ci --offline --no-audit --no-fund >"$out/oracle-npm.log" 2>&1); then
    oracle=$out/oracle/oracle.mjs
  else
    why="skipped (npm ci --offline failed: the package is not in the npm cache; see $out/oracle-npm.log)"
  fi
fi
[ -n "$oracle" ] && note "oracle: node $oracle" || note "oracle $why"

# ---- helpers ---------------------------------------------------------
# cpu CMD...: CPU seconds of one run (the exit status is ignored: verify
# says 1 for an Invalid file, which is a result, not a failure).
cpu() { "$ct" "$@" | awk '$1 == "cpu" { print $2 }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
# orc_ms / orc_ratio: the oracle's cells, "skipped" without it.
orc_ms() { if [ -n "$orc_s" ]; then ms "$orc_s"; else printf skipped; fi; }
orc_ratio() { if [ -n "$orc_s" ]; then ratio "$orc_s" "$ours_s"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else printf "-" }'; }
# time_pair FILE: sets ours_s and orc_s, medians of $repeat runs, the two
# tools alternating so that a busy moment hits both.
time_pair() {
  local f=$1 i o=() r=()
  for ((i = 0; i < repeat; i++)); do
    o+=("$(cpu "$ts" verify --json "$f")")
    [ -n "$oracle" ] && r+=("$(cpu node "$oracle" "$f")")
  done
  ours_s=$(median "${o[@]}")
  if [ -n "$oracle" ]; then orc_s=$(median "${r[@]}"); else orc_s=""; fi
}
# inproc FILE: sets in_ms (c2pa_verify alone, mean of 10 calls in one
# process) and in_state (ours: Invalid/Valid/Trusted, "none" without a
# manifest, "error" when refused).
inproc() {
  local line
  line=$("$out/c2pa_bench" verify "$1" 10)
  in_ms=$(printf '%s\n' "$line" | awk '{ printf "%.2f", $2 }')
  case $(printf '%s\n' "$line" | awk '{ print $6 }') in
    -2) in_state=none ;; 1) in_state=Invalid ;; 2) in_state=Valid ;; 3) in_state=Trusted ;; *) in_state=error ;;
  esac
}
# oracle_state FILE: the oracle's validation_state as stored beside the
# corpus file (F.oracle.json, made by the same oracle without anchors).
oracle_state() {
  local j=$1.oracle.json st
  [ -f "$j" ] || { printf -- '-'; return; }
  st=$(sed -n 's/.*"validation_state": *"\([A-Za-z]*\)".*/\1/p' "$j" | head -1)
  printf '%s' "${st:-none}"
}
# states FILE: "ours/oracle" verdicts, so a fast "Invalid" is visible.
states() {
  local f=$1 a b="-"
  a=$("$ts" verify --json "$f" 2>/dev/null | sed -n 's/.*"validation_state": *"\([A-Za-z]*\)".*/\1/p' | head -1)
  [ -n "$oracle" ] && b=$(node "$oracle" "$f" 2>/dev/null | sed -n 's/.*"validation_state": *"\([A-Za-z]*\)".*/\1/p' | head -1)
  printf '%s/%s' "${a:-none}" "${b:-none}"
}
# The file column is as wide as the longest name (CAWG test files are long).
namew=44
if [ -d "$corpus" ]; then
  for f in "$corpus"/*; do
    b=${f##*/}
    [ ${#b} -gt "$namew" ] && namew=${#b}
  done
fi
row_fmt="%-${namew}s %6s %8s %8s %10s %7s  %s\n"
row() { printf "$row_fmt" "$@" | sed 's/ *$//' | tee -a "$report"; }

say "C2PA benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores shared, CPU seconds (user+sys), median of $repeat"
say "tearsheet: $ts ($(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)); oracle: $(if [ -n "$oracle" ]; then echo "c2pa-rs 0.92 wasm, node $(node --version)"; else echo "$why"; fi)"

# ---- (a) the corpus ---------------------------------------------------------
if want corpus; then
  say ""
  say "(a) verify, one process per file: ../shared/corpus/c2pa"
  if [ ! -d "$corpus" ]; then
    say "skipped: $corpus not found"
  else
    row file KB "ours ms" "in-proc" "oracle ms" ratio "state ours/oracle"
    # The floor: a 1-byte file that neither tool can read as an asset.
    printf 'x' > "$out/one-byte.bin"
    time_pair "$out/one-byte.bin"
    inproc "$out/one-byte.bin"
    row "(start-up: a 1-byte file)" 0 "$(ms "$ours_s")" "$in_ms" \
      "$(orc_ms)" "$(orc_ratio)" ""
    start_ours=$ours_s start_orc=${orc_s:-0}
    tot_ours=0 tot_orc=0 n=0
    for f in "$corpus"/*; do
      [ -f "$f" ] || continue
      case "$f" in *.json|*.md) continue ;; esac
      time_pair "$f"
      inproc "$f"
      tot_in=$(awk -v a="${tot_in:-0}" -v b="$in_ms" 'BEGIN { print a + b }')
      kb=$(( ($(stat -c %s "$f") + 1023) / 1024 ))
      row "$(basename "$f")" "$kb" "$(ms "$ours_s")" "$in_ms" \
        "$(orc_ms)" "$(orc_ratio)" "$in_state/$(oracle_state "$f")"
      tot_ours=$(awk -v a="$tot_ours" -v b="$ours_s" 'BEGIN { print a + b }')
      tot_orc=$(awk -v a="$tot_orc" -v b="${orc_s:-0}" 'BEGIN { print a + b }')
      n=$((n + 1))
    done
    orc_tot=skipped orc_net=skipped rt="" rn=""
    if [ -n "$oracle" ]; then
      orc_tot=$(ms "$tot_orc")
      orc_net=$(ms "$(awk -v t="$tot_orc" -v s="$start_orc" -v n="$n" 'BEGIN { print t - n * s }')")
      rt=$(ratio "$tot_orc" "$tot_ours")
      rn=$(ratio "$(awk -v t="$tot_orc" -v s="$start_orc" -v n="$n" 'BEGIN { print t - n * s }')" "$(awk -v t="$tot_in" 'BEGIN { print t / 1000 }')")
    fi
    row "TOTAL ($n files)" "" "$(ms "$tot_ours")" "$(printf %.2f "$tot_in")" "$orc_tot" "$rt" ""
    row "TOTAL engine only (est.)" "" "" "$(printf %.2f "$tot_in")" "$orc_net" "$rn" ""
    say "ours ms / oracle ms: one process per file (start-up included), CPU; in-proc: c2pa_verify alone (bench/c2pa_bench.c);"
    say "engine only: ours in-proc vs the oracle's total minus $n times its start-up row"
    say "ratio: oracle / ours; state: ours (in-proc) / the oracle's stored F.oracle.json (no trust anchors)"
  fi
fi

# ---- photos and key for (b) and (c) -----------------------------------------
if want big || want sign; then
  n_gen=1
  want sign && n_gen=$photos
  note "generating $n_gen photos of 6000x4000 (about 6 s each)"
  mkdir -p "$out/photos"
  "$out/gen_photos" "$out/photos" "$n_gen" >/dev/null
  "$ts" keygen "$out/keys" >/dev/null 2>&1
fi
# make_site DIR WIDTHS FORMATS SIGNED PHOTO...: a one-story site.
make_site() {
  local dir=$1 widths=$2 formats=$3 signed=$4 p
  shift 4
  mkdir -p "$dir/stories/bench"
  {
    printf 'title: C2PA benchmark\nauthor: Bench Photographer\nbase_url: http://127.0.0.1:8080/\n'
    [ "$signed" = 1 ] && printf 'signing_key: %s\n' "$out/keys"
    printf 'images:\n  widths: [%s]\n  formats: [%s]\n  jpeg_quality: 82\n  webp_quality: 80\n' "$widths" "$formats"
  } > "$dir/site.yaml"
  {
    printf -- '---\ntitle: Benchmark story\ndate: 2026-01-01\n---\n\n'
    for p in "$@"; do
      ln -f "$p" "$dir/stories/bench/" 2>/dev/null || cp "$p" "$dir/stories/bench/"
      printf '![](%s)\n\n' "$(basename "$p")"
    done
  } > "$dir/stories/bench/story.md"
}

# ---- (b) a signed 24-megapixel JPEG -----------------------------------------
if want big; then
  say ""
  say "(b) verify a signed 24-megapixel JPEG (6000x4000 derivative, widths: [6000])"
  make_site "$out/site-big" 6000 jpeg 1 "$out/photos/photo-000.jpg"
  "$ts" build "$out/site-big" --jobs 1 >"$out/site-big.log" 2>&1 ||
    { echo "c2pa.sh: building the 24 MP site failed (see $out/site-big.log)" >&2; exit 1; }
  big=$(find "$out/site-big/public" -name '*-6000.jpg' | head -1)
  [ -n "$big" ] || { echo "c2pa.sh: no 6000-wide derivative in $out/site-big/public" >&2; exit 1; }
  row file KB "ours ms" "in-proc" "oracle ms" ratio "state ours/oracle"
  time_pair "$big"
  inproc "$big"
  kb=$(( ($(stat -c %s "$big") + 1023) / 1024 ))
  row "$(basename "$big")" "$kb" "$(ms "$ours_s")" "$in_ms" \
    "$(orc_ms)" "$(orc_ratio)" "$(states "$big")"
fi

# ---- (c) signing's share of a build -----------------------------------------
if want sign; then
  say ""
  say "(c) build $photos photos of 24 MP (widths 480/960/1600/2400, WebP + JPEG), --jobs 1, with and without signing_key"
  mapfile -t list < <(ls "$out"/photos/photo-*.jpg | head -n "$photos")
  make_site "$out/site-plain" 480,960,1600,2400 webp,jpeg 0 "${list[@]}"
  make_site "$out/site-signed" 480,960,1600,2400 webp,jpeg 1 "${list[@]}"
  declare -A cpus walls
  for ((i = 0; i < repeat; i++)); do
    # Alternate which goes first: the first build of a pair runs slower.
    order="plain signed"
    [ $((i % 2)) = 1 ] && order="signed plain"
    for v in $order; do
      s=$out/site-$v
      rm -rf "$s/public" "$s/.tearsheet"
      c=$("$ct" -v "$ts" build "$s" --jobs 1 --stats 2>"$out/build-$v.log" | awk '$1 == "cpu" { print $2 }')
      grep -q '^stats:' "$out/build-$v.log" ||
        { echo "c2pa.sh: build of $s failed (see $out/build-$v.log)" >&2; exit 1; }
      cpus[$v]="${cpus[$v]:-} $c"
      walls[$v]="${walls[$v]:-} $(sed -n 's/.*photos_s=\([0-9.]*\).*/\1/p' "$out/build-$v.log")"
    done
  done
  nder=$(find "$out/site-signed/public" -regextype posix-extended -regex '.*-[0-9]+\.(jpg|webp)' | wc -l)
  one=$(find "$out/site-signed/public" -name '*-480.jpg' | head -1)
  "$ts" verify "$one" >/dev/null 2>&1 || { echo "c2pa.sh: the signed build's $one does not verify" >&2; exit 1; }
  # shellcheck disable=SC2086
  { p_c=$(median ${cpus[plain]}); s_c=$(median ${cpus[signed]}); p_w=$(median ${walls[plain]}); s_w=$(median ${walls[signed]}); }
  span() { printf '%s\n' $1 | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }'; }
  fmt='%-30s %12s %14s %12s\n'
  printf "$fmt" build "CPU s" "CPU min-max" "photos_s" | tee -a "$report"
  printf "$fmt" unsigned "$(printf %.2f "$p_c")" "$(span "${cpus[plain]}")" "$(printf %.2f "$p_w")" | tee -a "$report"
  printf "$fmt" "signed (ES256)" "$(printf %.2f "$s_c")" "$(span "${cpus[signed]}")" "$(printf %.2f "$s_w")" | tee -a "$report"
  diff_c=$(awk -v a="$s_c" -v b="$p_c" 'BEGIN { print a - b }')
  say "derivatives signed: $nder; build difference: $(awk -v d="$diff_c" -v b="$p_c" -v n="$nder" 'BEGIN { printf "%.1f ms CPU per derivative, %.1f%% of the unsigned build (within the runs'"'"' spread: noisy)", d * 1000 / n, d * 100 / b }')"
  # Direct: c2pa_sign on each derivative of photo 0, as the build calls it.
  say ""
  fmt2='%-36s %10s %10s %16s\n'
  printf "$fmt2" "derivative (photo-000)" KB "sign ms" "orig SHA ms" | tee -a "$report"
  tot_sign=0 k=0 hm_all=""
  for f in $(find "$out/site-plain/public" -regextype posix-extended -regex '.*/photo-000\.[^/]*-[0-9]+\.(jpg|webp)' | sort); do
    read -r _ sm _ hm _ < <("$out/c2pa_bench" sign "$out/keys" "${list[0]}" "$f" 20)
    printf "$fmt2" "$(basename "$f")" "$(( ($(stat -c %s "$f") + 1023) / 1024 ))" "$sm" "$hm" | tee -a "$report"
    tot_sign=$(awk -v a="$tot_sign" -v b="$sm" 'BEGIN { print a + b }')
    hm_all="$hm_all $hm"
    k=$((k + 1))
  done
  # the build hashes the original once per photo (sign_outputs), then signs each derivative
  # shellcheck disable=SC2086
  sha=$(median $hm_all)
  per_photo_plain=$(awk -v c="$p_c" -v n="$photos" 'BEGIN { print c / n }')
  say "signing, measured directly: $(awk -v t="$tot_sign" -v k="$k" -v h="$sha" -v c="$per_photo_plain" 'BEGIN { printf "%.1f ms CPU per derivative (mean of %d) + %.1f ms for the original'"'"'s SHA-256 once, %.1f ms per photo = %.1f%% of the unsigned build CPU per photo (%.0f ms)", t / k, k, h, t + h, (t + h) / (c * 1000) * 100, c * 1000 }')"
  say "(photos_s is the build's own wall time for the photo phase, from --stats; CPU is the whole process)"
fi

# ---- (d) the formats of issue 14, signed ------------------------------------
if want formats; then
  say ""
  say "(d) verify of signed TIFF, GIF, SVG and JPEG XL files (corpus samples signed by c2pa_sign_tool)"
  if [ ! -d "$corpus" ]; then
    say "skipped: $corpus not found"
  else
    "$ts" keygen "$out/fkeys" >/dev/null
    row file KB "ours ms" "in-proc" "oracle ms" ratio "state ours/oracle"
    for b in TUSCANY.TIF test.tiff sample1.gif sample1.svg sample1.jxl; do
      [ -f "$corpus/$b" ] || continue
      f=$out/signed-$b
      "$root/build/release/tests/c2pa_sign_tool" "$out/fkeys" "$corpus/$b" "$corpus/$b" "$f" >/dev/null 2>&1 ||
        { row "$b" "" "" "" "" "" "could not be signed"; continue; }
      time_pair "$f"
      inproc "$f"
      row "signed-$b" "$(( ($(stat -c %s "$f") + 1023) / 1024 ))" "$(ms "$ours_s")" "$in_ms" \
        "$(orc_ms)" "$(orc_ratio)" "$(states "$f")"
    done
  fi
fi

if [ "$save" = 1 ]; then
  mkdir -p "$root/bench/results"
  dest=$root/bench/results/$(date -u +%Y-%m-%d)-c2pa.txt
  cp "$report" "$dest"
  note "saved $dest"
fi
