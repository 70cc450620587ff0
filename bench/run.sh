#!/usr/bin/env bash
# bench/run.sh — derivatives side by side with the tools a photographer
# would pick instead: `tearsheet build`, image_derive alone, vipsthumbnail
# (as users call it: one call per width and format; and a fairer variant),
# and one ImageMagick process per photo. Same photos, same output set
# (widths 480/960/1600/2400; JPEG q82 progressive + WebP q80 effort 4).
# Prints wall time, CPU time, peak RSS (the largest single process, GNU
# time) and the ratio of each to tearsheet (to image_derive when the
# tearsheet binary has no `build` command yet).
#
# Must never: write outside bench/out and build/release, or download
# anything (only Debian packages, via scripts/deps.sh --bench).
#
# usage: bench/run.sh [--photos N] [--jobs N] [--only LIST] [--keep-outputs]
#        LIST is a comma list of: tearsheet,derive,vipsthumbnail,vipsthumbnail-fair,imagemagick
set -euo pipefail

photos=24
jobs=$(nproc)
only="tearsheet,derive,vipsthumbnail,vipsthumbnail-fair,imagemagick"
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --photos) photos=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep-outputs) keep=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$photos" in ''|*[!0-9]*) echo "run.sh: --photos needs a number" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
a98=/usr/share/color/icc/ghostscript/a98.icc   # Adobe RGB (1998) compatible, Debian libgs-common
srgb=/usr/share/color/icc/ghostscript/srgb.icc # sRGB for ImageMagick's -profile

# ---- tools -----------------------------------------------------------
need=(cc pkg-config cmake vips vipsthumbnail exiftool /usr/bin/time)
missing=0
for t in "${need[@]}"; do command -v "$t" >/dev/null 2>&1 || missing=1; done
im=$(command -v convert-im6.q16 || true)
[ -n "$im" ] || im=/usr/bin/convert
[ -x "$im" ] || missing=1
if [ $missing = 1 ] && [ -x "$root/scripts/deps.sh" ]; then
  "$root/scripts/deps.sh" --bench
fi
for t in "${need[@]}"; do
  command -v "$t" >/dev/null 2>&1 || { echo "run.sh: $t is missing (apt-get install libvips-tools imagemagick libimage-exiftool-perl time cmake)" >&2; exit 2; }
done
[ -r "$a98" ] || { echo "run.sh: no Adobe RGB profile at $a98 (Debian libgs-common): photos will be untagged" >&2; a98=""; }

mkdir -p "$out"

# ---- build -----------------------------------------------------------
echo "== building tearsheet (release preset)" >&2
(cd "$root" && cmake --preset release -B build/release >/dev/null &&
  cmake --build build/release -j2 --target ts_image >/dev/null)
rel=$root/build/release
ts=$rel/tearsheet
# The whole program may not link on a branch that lacks other modules yet.
(cd "$root" && cmake --build build/release -j2 --target tearsheet >"$out/build-tearsheet.log" 2>&1) ||
  { echo "== tearsheet binary did not build (see $out/build-tearsheet.log)" >&2; ts=""; }
vipsflags=$(pkg-config --cflags --libs vips)
# shellcheck disable=SC2086
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -I"$root/src" -o "$out/derive_bench" "$root/bench/derive_bench.c" \
  "$rel/src/image/libts_image.a" "$rel/src/base/libts_base.a" $vipsflags -lpthread
# shellcheck disable=SC2086
cc -O2 -std=c11 -o "$out/gen_photos" "$root/bench/gen_photos.c" $vipsflags

# ---- photos (deterministic: made once per N, then reused) --------------
pdir=$out/photos-$photos
if [ ! -f "$pdir/.done" ]; then
  echo "== generating $photos photos of 6000x4000 in $pdir (about 6 s each)" >&2
  rm -rf "$pdir"; mkdir -p "$pdir"
  "$out/gen_photos" "$pdir" "$photos" "$a98" >/dev/null
  exiftool -q -overwrite_original '-IPTC:Caption-Abstract=A benchmark photograph: sky, ground and soft shapes.' \
    '-IPTC:By-line=Bench Photographer' '-IPTC:CopyrightNotice=(c) Bench Photographer' "$pdir"/*.jpg
  touch "$pdir/.done"
fi
list=("$pdir"/photo-*.jpg)
mb_in=$(du -cm "${list[@]}" | tail -1 | cut -f1)
echo "== $photos photos, $mb_in MB, $jobs parallel jobs per tool, $(nproc) cores" >&2

# ---- the site for tearsheet build ---------------------------------------
site=$out/site
rm -rf "$site"; mkdir -p "$site/stories/bench"
cat > "$site/site.yaml" <<EOF
title: Benchmark
author: Bench Photographer
base_url: http://127.0.0.1:8080/
images:
  widths: [480, 960, 1600, 2400]
  formats: [webp, jpeg]
  jpeg_quality: 82
  webp_quality: 80
EOF
{
  printf -- '---\ntitle: Benchmark story\ndate: 2026-01-01\n---\n\n'
  for p in "${list[@]}"; do
    ln -f "$p" "$site/stories/bench/" 2>/dev/null || cp "$p" "$site/stories/bench/"
    printf '![](%s)\n\n' "$(basename "$p")"
  done
} > "$site/stories/bench/story.md"

# ---- helpers to run one tool per photo ----------------------------------
# vipsthumbnail as users call it: one process per width and format (8 decodes).
cat > "$out/vt_one.sh" <<'EOF'
#!/bin/sh
p=$1; o=$2; b=$(basename "$p" .jpg)
for w in 480 960 1600 2400; do
  vipsthumbnail "$p" -s "${w}x" -o "$o/$b-$w.jpg[Q=82,optimize_coding,interlace,strip]"
  vipsthumbnail "$p" -s "${w}x" -o "$o/$b-$w.webp[Q=80,effort=4,strip]"
done
EOF
# The fairest vipsthumbnail: one decode per width into an uncompressed
# .v file, both encodes from it (4 decodes, no generation loss).
cat > "$out/vt_fair.sh" <<'EOF'
#!/bin/sh
p=$1; o=$2; b=$(basename "$p" .jpg)
for w in 480 960 1600 2400; do
  vipsthumbnail "$p" -s "${w}x" -o "$o/$b-$w.v"
  vips jpegsave "$o/$b-$w.v" "$o/$b-$w.jpg" --Q 82 --optimize-coding --interlace --strip
  vips webpsave "$o/$b-$w.v" "$o/$b-$w.webp" --Q 80 --effort 4 --strip
  rm -f "$o/$b-$w.v"
done
EOF
# ImageMagick: one process per photo, all outputs from one decode.
cat > "$out/im_one.sh" <<EOF
#!/bin/sh
p=\$1; o=\$2; b=\$(basename "\$p" .jpg)
set -- "\$p" -auto-orient
[ -r "$srgb" ] && set -- "\$@" -profile "$srgb"
set -- "\$@" -strip -write mpr:src +delete
for w in 2400 1600 960 480; do
  set -- "\$@" "(" mpr:src -resize "\${w}x>" -quality 82 -interlace Plane -write "\$o/\$b-\$w.jpg" \\
                -interlace None -quality 80 -define webp:method=4 -write "\$o/\$b-\$w.webp" ")"
done
exec "$im" "\$@" null:
EOF
chmod +x "$out/vt_one.sh" "$out/vt_fair.sh" "$out/im_one.sh"

# ---- measure -------------------------------------------------------------
load0=$(cut -d' ' -f1-3 /proc/loadavg)
results=$out/results.txt
: > "$results"
base_name=""
base_wall=""
base_cpu=""
declare -A wall cpu rss nout mbout

measure() { # name outdir command...
  local name=$1 dir=$2; shift 2
  rm -rf "$dir"; mkdir -p "$dir"
  local tf
  tf=$(mktemp)
  echo "== $name" >&2
  if ! /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@" > "$out/$name.log" 2>&1; then
    echo "run.sh: $name failed; see $out/$name.log" >&2
    tail -5 "$out/$name.log" >&2
    rm -f "$tf"
    return 0
  fi
  read -r e u s m < <(tail -1 "$tf")
  rm -f "$tf"
  wall[$name]=$e
  cpu[$name]=$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')
  rss[$name]=$((m / 1024))
  nout[$name]=$(find "$dir" -type f \( -name '*.jpg' -o -name '*.webp' \) | wc -l)
  mbout[$name]=$(find "$dir" -type f \( -name '*.jpg' -o -name '*.webp' \) -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1e6}')
  [ -n "$base_name" ] || { base_name=$name; base_wall=$e; base_cpu=${cpu[$name]}; }
  [ $keep = 1 ] || [ "$name" = tearsheet ] || rm -rf "$dir"
}

# runs script $1 once per photo, $0 at a time: sh -c "$fanout" JOBS SCRIPT OUTDIR PHOTO...
fanout='j=$0; s=$1; o=$2; shift 2; printf "%s\n" "$@" | xargs -P "$j" -I{} "$s" {} "$o"'

want() { case ",$only," in *",$1,"*) return 0 ;; esac; return 1; }

if want tearsheet; then
  if [ -n "$ts" ] && [ -x "$ts" ] && "$ts" --help 2>&1 | grep -q ' build'; then
    rm -rf "$site/.tearsheet"
    measure tearsheet "$out/ts" "$ts" build "$site" -o "$out/ts"
  else
    echo "== tearsheet: skipped (this build has no 'tearsheet build' command yet)" >&2
  fi
fi
if want derive; then
  measure image_derive "$out/derive" "$out/derive_bench" -j "$jobs" -t 1 "$out/derive" "${list[@]}"
fi
if want vipsthumbnail; then
  measure vipsthumbnail "$out/vt" sh -c "$fanout" \
    "$jobs" "$out/vt_one.sh" "$out/vt" "${list[@]}"
fi
if want vipsthumbnail-fair; then
  measure vipsthumbnail-fair "$out/vtf" sh -c "$fanout" \
    "$jobs" "$out/vt_fair.sh" "$out/vtf" "${list[@]}"
fi
if want imagemagick; then
  measure imagemagick "$out/im" sh -c "$fanout" \
    "$jobs" "$out/im_one.sh" "$out/im" "${list[@]}"
fi

# ---- report --------------------------------------------------------------
{
  echo "photos: $photos x 6000x4000 JPEG q92 ($mb_in MB); jobs: $jobs; cores: $(nproc); $(vips --version)"
  echo "load average before: $load0 (wall times on a busy machine: compare cpu_s)"
  printf '%-20s %8s %8s %8s %7s %7s %7s %s\n' tool wall_s cpu_s s/photo rss_MB outputs out_MB "x $base_name (wall, cpu)"
  for n in tearsheet image_derive vipsthumbnail vipsthumbnail-fair imagemagick; do
    [ -n "${wall[$n]:-}" ] || continue
    printf '%-20s %8.2f %8.2f %8.3f %7d %7d %7s %.2f, %.2f\n' "$n" "${wall[$n]}" "${cpu[$n]}" \
      "$(awk -v a="${wall[$n]}" -v b="$photos" 'BEGIN {print a / b}')" "${rss[$n]}" "${nout[$n]}" \
      "${mbout[$n]}" "$(awk -v a="${wall[$n]}" -v b="$base_wall" 'BEGIN {print a / b}')" \
      "$(awk -v a="${cpu[$n]}" -v b="$base_cpu" 'BEGIN {print a / b}')"
  done
} | tee "$results"
