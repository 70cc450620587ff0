#!/usr/bin/env bash
# bench/run.sh — derivatives side by side with the tools a photographer
# would pick instead, in one run on the same photos and the same output
# set (widths 480/960/1600/2400; JPEG q82 progressive + WebP q80 effort 4):
# `tearsheet build`, vipsthumbnail (as users call it), ImageMagick,
# GraphicsMagick, Hugo 0.111 (a minimal site doing the same resizes), and
# the floor: one DCT-scaled decode (djpeg -scale 1/2) plus each output
# encoded once (cjpeg, cwebp with our settings), CPU seconds summed and
# divided by the cores. AVIF is timed separately (tearsheet at our
# default effort vs avifenc at the same quantizer and speed) on fewer
# photos. Prints medians and min–max of wall time, CPU time, peak memory
# (all the tool's processes at once, PSS, bench/memsum.c; and the largest
# single process's RSS, GNU time), each ratio to tearsheet, the
# issue's targets, output sizes per format, a quality table (PSNR and
# SSIM of tearsheet's and vipsthumbnail's 1600 px JPEG and WebP against a
# Lanczos3 resize of the full decode, on the first --quality-photos
# photos; bench/quality.c), and writes bench/out/plot.png.
#
# The photo sets (--set): `srgb`, 6000x4000 untagged sRGB; `adobe`, the
# same with every third photo tagged Adobe RGB (1998) (which tearsheet
# converts to sRGB, and vipsthumbnail called as users call it does not);
# `45mp`, 8256x5504 sRGB, a high-resolution camera's files.
# bench/sets.sh runs every set at 8 and 24 photos and sums the targets.
#
# Must never: write outside bench/out and build/release, or download
# anything (only Debian packages, via scripts/deps.sh --bench).
#
# usage: bench/run.sh [--set srgb|adobe|45mp] [--photos N] [--jobs N] [--repeat R]
#                     [--avif-photos N] [--only LIST] [--keep-outputs] [--quality-photos N]
#        LIST is a comma list of: tearsheet,floor,vipsthumbnail,imagemagick,
#        graphicsmagick,hugo,avif, and the extras derive,vipsthumbnail-fair
set -euo pipefail

photos=24
set_name=adobe
jobs=$(nproc)
only="tearsheet,floor,vipsthumbnail,imagemagick,graphicsmagick,hugo,avif"
keep=0
repeat=1
avif_photos=4
quality_photos=4
while [ $# -gt 0 ]; do
  case "$1" in
    --photos) photos=$2; shift 2 ;;
    --set) set_name=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --avif-photos) avif_photos=$2; shift 2 ;;
    --quality-photos) quality_photos=$2; shift 2 ;;
    --keep-outputs) keep=1; shift ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$photos" in ''|*[!0-9]*) echo "run.sh: --photos needs a number" >&2; exit 2 ;; esac
case "$set_name" in
  srgb) size="6000 4000" ;;
  adobe) size="6000 4000" ;;
  45mp) size="8256 5504" ;;
  *) echo "run.sh: --set is srgb, adobe or 45mp" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/bench/out
a98=/usr/share/color/icc/ghostscript/a98.icc   # Adobe RGB (1998) compatible, Debian libgs-common
srgb=/usr/share/color/icc/ghostscript/srgb.icc # sRGB for ImageMagick's -profile

# ---- tools -----------------------------------------------------------
need=(cc pkg-config cmake vips vipsthumbnail exiftool /usr/bin/time gm hugo djpeg cjpeg cwebp avifenc)
missing=0
for t in "${need[@]}"; do command -v "$t" >/dev/null 2>&1 || missing=1; done
im=$(command -v convert-im6.q16 || true)
[ -n "$im" ] || im=/usr/bin/convert
[ -x "$im" ] || missing=1
[ -r "$a98" ] || missing=1
if [ $missing = 1 ]; then
  bash "$root/scripts/deps.sh" --bench
fi
for t in "${need[@]}"; do
  command -v "$t" >/dev/null 2>&1 || { echo "run.sh: $t is missing (bash scripts/deps.sh --bench)" >&2; exit 2; }
done
[ -r "$a98" ] || { echo "run.sh: no Adobe RGB profile at $a98 (bash scripts/deps.sh --bench installs libgs-common)" >&2; exit 2; }
icc=""
[ "$set_name" = adobe ] && icc=$a98

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
  "$rel/src/image/libts_image.a" "$rel/src/base/libts_base.a" $vipsflags $(pkg-config --libs gmodule-2.0 libjpeg libwebp) -lpthread
# shellcheck disable=SC2086
cc -O2 -std=c11 -o "$out/gen_photos" "$root/bench/gen_photos.c" $vipsflags
# shellcheck disable=SC2086
cc -O2 -std=c11 -o "$out/quality_tool" "$root/bench/quality.c" $vipsflags -lm
cc -O2 -std=c11 -o "$out/memsum" "$root/bench/memsum.c"

# ---- photos (deterministic: made once per N, then reused) --------------
pdir=$out/photos-$set_name-$photos
if [ ! -f "$pdir/.done" ]; then
  echo "== generating $photos photos of ${size/ /x} ($set_name) in $pdir (about 6 s each)" >&2
  rm -rf "$pdir"; mkdir -p "$pdir"
  # shellcheck disable=SC2086
  "$out/gen_photos" "$pdir" "$photos" "$icc" $size >/dev/null
  exiftool -q -overwrite_original '-IPTC:Caption-Abstract=A benchmark photograph: sky, ground and soft shapes.' \
    '-IPTC:By-line=Bench Photographer' '-IPTC:CopyrightNotice=(c) Bench Photographer' "$pdir"/*.jpg
  touch "$pdir/.done"
fi
list=("$pdir"/photo-*.jpg)
mb_in=$(du -cm "${list[@]}" | tail -1 | cut -f1)
echo "== $photos photos, $mb_in MB, $jobs parallel jobs per tool, $(nproc) cores" >&2

want() { case ",$only," in *",$1,"*) return 0 ;; esac; return 1; }
want_any() { local t; for t in "$@"; do want "$t" && return 0; done; return 1; }

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
# GraphicsMagick has no mpr:/parentheses: as users call it, one process
# per output, each with the -size hint that lets libjpeg shrink on load.
cat > "$out/gm_one.sh" <<EOF
#!/bin/sh
p=\$1; o=\$2; b=\$(basename "\$p" .jpg)
for w in 480 960 1600 2400; do
  gm convert -size "\${w}x\${w}" "\$p" -auto-orient -profile "$srgb" -resize "\${w}x>" -strip \\
    -quality 82 -interlace Line "\$o/\$b-\$w.jpg"
  gm convert -size "\${w}x\${w}" "\$p" -auto-orient -profile "$srgb" -resize "\${w}x>" -strip \\
    -quality 80 -define webp:method=4 "\$o/\$b-\$w.webp"
done
EOF
# The floor, per photo: the one DCT-scaled decode and each output encoded
# once with our settings, at our pixel counts. The resized inputs are
# prepared beforehand (untimed, below): the floor charges no resize, no
# colour conversion, no rotation and no metadata.
cat > "$out/floor_one.sh" <<'EOF'
#!/bin/sh
p=$1; o=$2; b=$(basename "$p" .jpg); in=$(dirname "$o")/floor-in
djpeg -scale "$(cat "$in/$b.scale")" -outfile /dev/null "$p"
for w in 480 960 1600 2400; do
  cjpeg -quality 82 -optimize -progressive -outfile "$o/$b-$w.jpg" "$in/$b-$w.ppm"
  cwebp -quiet -q 80 -m 4 "$in/$b-$w.ppm" -o "$o/$b-$w.webp"
done
EOF
# AVIF floor: avifenc at the quantizer and speed libheif uses for our
# default (quality 60 → quantizer (100-60)·63/100 ≈ 25; effort 4 → speed 5).
cat > "$out/floor_avif_one.sh" <<'EOF'
#!/bin/sh
p=$1; o=$2; b=$(basename "$p" .jpg); in=$(dirname "$o")/floor-in
djpeg -scale "$(cat "$in/$b.scale")" -outfile /dev/null "$p"
for w in 480 960 1600 2400; do
  avifenc -j 1 -s 5 --min 25 --max 25 "$in/$b-$w.png" "$o/$b-$w.avif" >/dev/null
done
EOF
chmod +x "$out/vt_one.sh" "$out/vt_fair.sh" "$out/im_one.sh" "$out/gm_one.sh" "$out/floor_one.sh" \
  "$out/floor_avif_one.sh"

# The floor's inputs, per photo: the smallest sufficient DCT scale M/8
# (libjpeg-turbo's djpeg has all eighths; libvips only 1/2^k) for the
# upright width 2400 — the stored height for orientations 5–8 — and the
# image resized so that each output has exactly our pixel count
# (a portrait's 2400 px upright is 2400×3600). Not rotated: the floor
# charges no rotation. AVIF reads PNG (uncompressed), not PPM.
# Keyed by set and count: the sets share photo names, so inputs prepared
# for one set must never stand in for another's.
fin=$out/floor-in
if want_any floor avif && [ ! -f "$fin/.done-$set_name-$photos-v3" ]; then
  echo "== preparing the floor's resized inputs (untimed)" >&2
  rm -rf "$fin"; mkdir -p "$fin"
  for p in "${list[@]}"; do
    b=$(basename "$p" .jpg)
    sw=$(vipsheader -f width "$p"); sh=$(vipsheader -f height "$p")
    o=$(vipsheader -f orientation "$p" 2>/dev/null || echo 1)
    up=$sw; [ "${o:-1}" -ge 5 ] && up=$sh
    m=1; while [ $((up * m / 8)) -lt 2400 ] && [ $m -lt 8 ]; do m=$((m + 1)); done
    echo "$m/8" > "$fin/$b.scale"
    djpeg -scale "$m/8" -outfile "$fin/$b.ppm" "$p"
    dw=$(vipsheader -f width "$fin/$b.ppm"); dh=$(vipsheader -f height "$fin/$b.ppm")
    dup=$dw; [ "${o:-1}" -ge 5 ] && dup=$dh
    for w in 480 960 1600 2400; do
      f=$(awk -v w="$w" -v s="$dup" 'BEGIN {print w / s}')
      vips resize "$fin/$b.ppm" "$fin/$b-$w.ppm" "$f"
      want avif && vips pngsave "$fin/$b-$w.ppm" "$fin/$b-$w.png" --compression 0
    done
    rm -f "$fin/$b.ppm"
  done
  touch "$fin/.done-$set_name-$photos-v3"
fi

# Hugo 0.111: a page bundle with every photo, each resized to the four
# widths in JPEG q82 and WebP q80 (Hugo's defaults otherwise: box filter,
# no rotation, no colour conversion — as users run it).
hsite=$out/hugo-site
rm -rf "$hsite"; mkdir -p "$hsite/content/bench" "$hsite/layouts/_default"
printf 'baseURL = "http://127.0.0.1/"\ntitle = "Bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[imaging]\nquality = 82\n' >"$hsite/config.toml"
printf -- '---\ntitle: Bench\n---\n' >"$hsite/content/bench/index.md"
for p in "${list[@]}"; do ln -f "$p" "$hsite/content/bench/" 2>/dev/null || cp "$p" "$hsite/content/bench/"; done
cat >"$hsite/layouts/_default/single.html" <<'EOF'
{{ range $img := .Resources.ByType "image" }}{{ range $w := slice 480 960 1600 2400 }}
<img src="{{ ($img.Resize (printf "%dx jpg q82" $w)).RelPermalink }}">
<img src="{{ ($img.Resize (printf "%dx webp q80" $w)).RelPermalink }}">
{{ end }}{{ end }}
EOF
printf '<!doctype html>\n' >"$hsite/layouts/_default/list.html"
cat > "$out/hugo_run.sh" <<'EOF'
#!/bin/sh
s=$1; o=$2
rm -rf "$s/resources" "$o"
hugo --quiet -s "$s" -d "$o" --cacheDir "$s/.cache" || exit 1
rm -f "$o"/bench/photo-[0-9][0-9][0-9].jpg # the originals Hugo publishes are not outputs
EOF
chmod +x "$out/hugo_run.sh"

# AVIF site: the same photos, AVIF only, our default effort
asite=$out/site-avif
alist=("${list[@]:0:$avif_photos}")
rm -rf "$asite"; mkdir -p "$asite/stories/bench"
sed 's/formats: \[webp, jpeg\]/formats: [avif]/' "$site/site.yaml" >"$asite/site.yaml"
{
  printf -- '---\ntitle: Benchmark story\ndate: 2026-01-01\n---\n\n'
  for p in "${alist[@]}"; do
    ln -f "$p" "$asite/stories/bench/" 2>/dev/null || cp "$p" "$asite/stories/bench/"
    printf '![](%s)\n\n' "$(basename "$p")"
  done
} > "$asite/stories/bench/story.md"

# ---- measure -------------------------------------------------------------
load0=$(cut -d' ' -f1-3 /proc/loadavg)
results=$out/results.txt
: > "$results"
cores=$(nproc)
declare -A walls cpus rsss mems nout mbout nphotos fmt_mb

# measure NAME OUTDIR PHOTOS COMMAND... : runs it $repeat times; keeps
# every wall/CPU/RSS (space-separated) for the medians
measure() {
  local name=$1 dir=$2 n=$3; shift 3
  local r tf e u s m
  nphotos[$name]=$n
  for r in $(seq 1 "$repeat"); do
    rm -rf "$dir"; mkdir -p "$dir"
    [ "$name" = tearsheet ] && rm -rf "$site/.tearsheet"
    [ "$name" = tearsheet-avif ] && rm -rf "$asite/.tearsheet"
    tf=$(mktemp)
    mf=$(mktemp)
    echo "== $name ($r/$repeat)" >&2
    # memsum outside time: its sampling is not charged to the tool
    if ! "$out/memsum" "$mf" /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@" > "$out/$name.log" 2>&1; then
      echo "run.sh: $name failed; see $out/$name.log" >&2
      tail -5 "$out/$name.log" >&2
      rm -f "$tf" "$mf"
      return 0
    fi
    read -r e u s m < <(tail -1 "$tf")
    mems[$name]="${mems[$name]:-} $(awk '{printf "%d", $2 / 1024}' "$mf")"
    rm -f "$tf" "$mf"
    walls[$name]="${walls[$name]:-} $e"
    cpus[$name]="${cpus[$name]:-} $(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')"
    rsss[$name]="${rsss[$name]:-} $((m / 1024))"
  done
  for ext in jpg webp avif; do
    fmt_mb[$name.$ext]=$(find "$dir" -type f -name "*.$ext" -printf '%s\n' | awk '{s+=$1} END {printf "%.2f", s/1e6}')
  done
  nout[$name]=$(find "$dir" -type f \( -name '*.jpg' -o -name '*.webp' -o -name '*.avif' \) | wc -l)
  mbout[$name]=$(find "$dir" -type f \( -name '*.jpg' -o -name '*.webp' -o -name '*.avif' \) -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1e6}')
  # tearsheet's and vipsthumbnail's stay for the quality table
  [ $keep = 1 ] || [ "$name" = tearsheet ] || [ "$name" = vipsthumbnail ] || rm -rf "$dir"
}

# runs script $1 once per photo, $0 at a time: sh -c "$fanout" JOBS SCRIPT OUTDIR PHOTO...
fanout='j=$0; s=$1; o=$2; shift 2; printf "%s\n" "$@" | xargs -P "$j" -I{} "$s" {} "$o"'

if want tearsheet; then
  if [ -n "$ts" ] && [ -x "$ts" ] && "$ts" --help 2>&1 | grep -q ' build'; then
    measure tearsheet "$out/ts" "$photos" "$ts" build "$site" -o "$out/ts" --jobs "$jobs" --stats
  else
    echo "== tearsheet: skipped (this build has no 'tearsheet build' command yet)" >&2
  fi
fi
if want floor; then
  measure floor "$out/floor" "$photos" sh -c "$fanout" "$jobs" "$out/floor_one.sh" "$out/floor" "${list[@]}"
fi
if want derive; then
  measure image_derive "$out/derive" "$photos" "$out/derive_bench" -j "$jobs" -t 1 "$out/derive" "${list[@]}"
fi
if want vipsthumbnail; then
  measure vipsthumbnail "$out/vt" "$photos" sh -c "$fanout" "$jobs" "$out/vt_one.sh" "$out/vt" "${list[@]}"
fi
if want vipsthumbnail-fair; then
  measure vipsthumbnail-fair "$out/vtf" "$photos" sh -c "$fanout" "$jobs" "$out/vt_fair.sh" "$out/vtf" "${list[@]}"
fi
if want imagemagick; then
  measure imagemagick "$out/im" "$photos" sh -c "$fanout" "$jobs" "$out/im_one.sh" "$out/im" "${list[@]}"
fi
if want graphicsmagick; then
  measure graphicsmagick "$out/gm" "$photos" sh -c "$fanout" "$jobs" "$out/gm_one.sh" "$out/gm" "${list[@]}"
fi
if want hugo; then
  measure hugo "$out/hugo" "$photos" "$out/hugo_run.sh" "$hsite" "$out/hugo"
fi
if want avif; then
  if [ -n "$ts" ]; then
    measure tearsheet-avif "$out/ts-avif" "${#alist[@]}" "$ts" build "$asite" -o "$out/ts-avif" --jobs "$jobs"
  fi
  measure floor-avif "$out/floor-avif" "${#alist[@]}" sh -c "$fanout" "$jobs" "$out/floor_avif_one.sh" \
    "$out/floor-avif" "${alist[@]}"
fi

# ---- report --------------------------------------------------------------
med() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
mn() { tr ' ' '\n' | grep . | sort -g | head -1; }
mx() { tr ' ' '\n' | grep . | sort -g | tail -1; }
declare -A W C R M
for n in "${!walls[@]}"; do
  W[$n]=$(med <<<"${walls[$n]}")
  C[$n]=$(med <<<"${cpus[$n]}")
  R[$n]=$(med <<<"${rsss[$n]}")
  M[$n]=$(med <<<"${mems[$n]}")
done
# The floor's wall time is by definition its CPU seconds split perfectly
# over the cores (its measured wall is shown in the min–max column).
for n in floor floor-avif; do
  [ -n "${C[$n]:-}" ] && W[$n]=$(awk -v c="${C[$n]}" -v k="$cores" 'BEGIN {print c / k}')
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}'; }
{
  echo "set: $set_name; photos: $photos x ${size/ /x} JPEG q92 ($mb_in MB); jobs: $jobs; cores: $cores; repeats: $repeat; $(vips --version)"
  echo "load average before: $load0 (the machine is shared: compare cpu_s)"
  echo "wall_s and cpu_s are medians; the floor's wall_s is its cpu_s / $cores"
  echo "mem_MB: peak memory of all the tool's processes at once (PSS, bench/memsum.c); rss_MB: its largest single process"
  printf '%-15s %8s %15s %8s %8s %8s %6s %6s %5s %6s %12s\n' tool wall_s "wall min-max" cpu_s s/photo cpu/photo mem_MB rss_MB files out_MB "x tearsheet"
  for n in tearsheet floor image_derive vipsthumbnail vipsthumbnail-fair imagemagick graphicsmagick hugo \
    tearsheet-avif floor-avif; do
    [ -n "${W[$n]:-}" ] || continue
    base=tearsheet
    case $n in *avif) base=tearsheet-avif ;; esac
    printf '%-15s %8.2f %15s %8.2f %8.3f %8.3f %6d %6d %5s %6s %5s, %5s\n' "$n" "${W[$n]}" \
      "$(mn <<<"${walls[$n]}")-$(mx <<<"${walls[$n]}")" "${C[$n]}" \
      "$(awk -v a="${W[$n]}" -v b="${nphotos[$n]}" 'BEGIN {print a / b}')" \
      "$(awk -v a="${C[$n]}" -v b="${nphotos[$n]}" 'BEGIN {print a / b}')" "${M[$n]}" "${R[$n]}" "${nout[$n]:-}" "${mbout[$n]:-}" \
      "$(ratio "${W[$n]}" "${W[$base]:-0}")" "$(ratio "${C[$n]}" "${C[$base]:-0}")"
  done
  if [ -n "${W[tearsheet]:-}" ]; then
    echo "targets (x tearsheet = tool / tearsheet, wall, cpu):"
    check() { # text value op limit
      if awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN {exit !((op == "<=" && v <= l) || (op == ">=" && v >= l))}'; then
        echo "  met     $1: $2 $3 $4"; else echo "  MISSED  $1: $2 $3 $4"; fi
    }
    [ -n "${W[floor]:-}" ] && check "tearsheet / floor, wall" "$(ratio "${W[tearsheet]}" "${W[floor]}")" "<=" 1.25
    [ -n "${C[floor]:-}" ] && check "tearsheet / floor, cpu " "$(ratio "${C[tearsheet]}" "${C[floor]}")" "<=" 1.2
    [ -n "${W[vipsthumbnail]:-}" ] && check "vipsthumbnail / tearsheet, wall" "$(ratio "${W[vipsthumbnail]}" "${W[tearsheet]}")" ">=" 3.5
    [ -n "${W[hugo]:-}" ] && check "hugo / tearsheet, wall" "$(ratio "${W[hugo]}" "${W[tearsheet]}")" ">=" 9
    # memory for the job at the same parallelism: all processes at once
    [ -n "${M[vipsthumbnail]:-}" ] && check "tearsheet peak memory MB vs vipsthumbnail (all processes)" "${M[tearsheet]}" "<=" "${M[vipsthumbnail]}"
    [ -n "${R[vipsthumbnail]:-}" ] && echo "  (largest single process: tearsheet ${R[tearsheet]} MB with $jobs workers, vipsthumbnail ${R[vipsthumbnail]} MB making one output)"
    # sum over workers of (photo-phase wall - time working), last repeat
    idle=$(sed -n 's/.*workers_idle_s=\([0-9.]*\).*/\1/p' "$out/tearsheet.log" | tail -1)
    if [ -n "$idle" ]; then echo "tearsheet workers idle: $idle s (of $jobs x its photo phase)"; fi
  fi
} | tee "$results"

# ---- output sizes per format, and quality against a reference -------------
{
  echo "output MB per format:"
  printf '  %-15s %8s %8s %8s\n' tool jpg webp avif
  for n in tearsheet floor image_derive vipsthumbnail vipsthumbnail-fair imagemagick graphicsmagick hugo \
    tearsheet-avif floor-avif; do
    [ -n "${W[$n]:-}" ] || continue
    printf '  %-15s %8s %8s %8s\n' "$n" "${fmt_mb[$n.jpg]:-}" "${fmt_mb[$n.webp]:-}" "${fmt_mb[$n.avif]:-}"
  done
} | tee -a "$results"

# The reference for each photo: the full decode (no shrink-on-load),
# converted to sRGB from its embedded profile (relative colorimetric),
# turned upright, resized with Lanczos3 to exactly the size of the
# output it is compared with. PSNR over RGB, SSIM on luma (quality.c).
qdir=$out/quality
if [ "$quality_photos" -gt 0 ] && { [ -d "$out/ts/bench" ] || [ -d "$out/vt" ]; }; then
  echo "== quality: $quality_photos photos at 1600 px against a Lanczos3 reference" >&2
  rm -rf "$qdir"; mkdir -p "$qdir"
  declare -A qp qs qn qlist
  for p in "${list[@]:0:$quality_photos}"; do
    b=$(basename "$p" .jpg)
    vips icc_transform "$p" "$qdir/$b-srgb.v" srgb --embedded --intent relative
    vips autorot "$qdir/$b-srgb.v" "$qdir/$b-up.v"
    rm -f "$qdir/$b-srgb.v"
    uw=$(vipsheader -f width "$qdir/$b-up.v"); uh=$(vipsheader -f height "$qdir/$b-up.v")
    for tool in tearsheet vipsthumbnail; do
      [ -n "${W[$tool]:-}" ] || continue # outputs of this run only, not stale ones
      case $tool in
        tearsheet) pre=$(find "$out/ts/bench" -name "$b.*-1600.jpg" 2>/dev/null | head -1); pre=${pre%.jpg} ;;
        *) pre=$out/vt/$b-1600 ;;
      esac
      for ext in jpg webp; do
        f=$pre.$ext
        [ -n "$pre" ] && [ -f "$f" ] || continue
        w=$(vipsheader -f width "$f"); h=$(vipsheader -f height "$f")
        ref=$qdir/$b-ref-${w}x$h.png
        [ -f "$ref" ] || vips resize "$qdir/$b-up.v" "$ref" "$(awk -v a="$w" -v b="$uw" 'BEGIN {print a / b}')" \
          --vscale "$(awk -v a="$h" -v b="$uh" 'BEGIN {print a / b}')" --kernel lanczos3
        if read -r ps ss < <("$out/quality_tool" "$ref" "$f"); then
          k=$tool.$ext
          qp[$k]=$(awk -v a="${qp[$k]:-0}" -v b="$ps" 'BEGIN {print a + b}')
          qs[$k]=$(awk -v a="${qs[$k]:-0}" -v b="$ss" 'BEGIN {print a + b}')
          qn[$k]=$(( ${qn[$k]:-0} + 1 ))
          qlist[$k]="${qlist[$k]:-} $ps"
        fi
      done
    done
    rm -f "$qdir/$b-up.v"
  done
  {
    echo "quality at 1600 px vs a Lanczos3 resize of the full decode ($quality_photos photos; mean PSNR dB over RGB, mean SSIM on luma):"
    printf '  %-15s %-5s %8s %8s  %s\n' tool fmt psnr_dB ssim "psnr per photo"
    for tool in tearsheet vipsthumbnail; do
      for ext in jpg webp; do
        k=$tool.$ext
        [ -n "${qn[$k]:-}" ] || continue
        printf '  %-15s %-5s %8.2f %8.4f %s\n' "$tool" "$ext" \
          "$(awk -v a="${qp[$k]}" -v n="${qn[$k]}" 'BEGIN {print a / n}')" \
          "$(awk -v a="${qs[$k]}" -v n="${qn[$k]}" 'BEGIN {print a / n}')" "${qlist[$k]}"
      done
    done
  } | tee -a "$results"
fi

# ---- plot: seconds per photo by tool (SVG drawn here, PNG by ImageMagick) ----
svg=$out/plot.svg
{
  rows=0
  for n in tearsheet floor image_derive vipsthumbnail vipsthumbnail-fair imagemagick graphicsmagick hugo tearsheet-avif floor-avif; do
    [ -n "${W[$n]:-}" ] && rows=$((rows + 1))
  done
  h=$((rows * 34 + 70))
  maxv=$(for n in "${!W[@]}"; do
    awk -v a="${C[$n]}" -v b="${nphotos[$n]}" 'BEGIN {print a / b}'
    awk -v a="${W[$n]}" -v b="${nphotos[$n]}" 'BEGIN {print a / b}'
  done | sort -g | tail -1)
  echo "<svg xmlns='http://www.w3.org/2000/svg' width='820' height='$h' font-family='DejaVu Sans' font-size='13'>"
  echo "<rect width='820' height='$h' fill='white'/>"
  echo "<text x='10' y='22' font-size='15'>$photos photos ${size/ /x} ($set_name) → 4 widths × JPEG q82 + WebP q80: seconds per photo</text>"
  echo "<text x='10' y='40' fill='#555'>dark: wall (median, $jobs jobs on $cores cores); light: CPU seconds per photo</text>"
  y=56
  for n in tearsheet floor image_derive vipsthumbnail vipsthumbnail-fair imagemagick graphicsmagick hugo tearsheet-avif floor-avif; do
    [ -n "${W[$n]:-}" ] || continue
    wp=$(awk -v a="${W[$n]}" -v b="${nphotos[$n]}" 'BEGIN {print a / b}')
    cp_=$(awk -v a="${C[$n]}" -v b="${nphotos[$n]}" 'BEGIN {print a / b}')
    lw=$(awk -v v="$wp" -v m="$maxv" 'BEGIN {printf "%d", v / m * 460}')
    lc=$(awk -v v="$cp_" -v m="$maxv" 'BEGIN {printf "%d", v / m * 460}')
    echo "<text x='10' y='$((y + 17))'>$n</text>"
    echo "<rect x='150' y='$y' width='$lc' height='11' fill='#9ecae1'/>"
    echo "<rect x='150' y='$((y + 12))' width='$lw' height='11' fill='#08519c'/>"
    printf "<text x='%d' y='%d' fill='#333'>%.2f s wall, %.2f s CPU</text>\n" $((150 + (lc > lw ? lc : lw) + 6)) $((y + 18)) "$wp" "$cp_"
    y=$((y + 34))
  done
  echo "</svg>"
} > "$svg"
"$im" "$svg" "$out/plot.png" 2>/dev/null && echo "plot: $out/plot.png" >&2 || echo "plot: ImageMagick could not render $svg" >&2
