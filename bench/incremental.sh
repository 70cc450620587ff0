#!/usr/bin/env bash
# bench/incremental.sh — incremental builds of a generated site: 1,000
# small photos (64×48, made by bench/gen_photos) in 50 stories unless
# --photos and --stories say otherwise. Times the
# first build, a no-op rebuild, a rebuild after editing one story's text,
# after replacing one photo, after deleting one and after deleting a whole
# story, and the cache collector; then page generation
# alone (photos cached) for a site of one story per photo, each with a
# tag, next to Hugo on the same Markdown when Hugo is installed (run
# right after ours, both in wall and CPU time). Prints each timing with
# its target and the build's peak memory (docs/performance.md).
#
# With --check it is also a test (tests/incremental.cmake): it fails when
# a rebuild reads photos it should not (the `--stats` counters of the
# build report, not timings, so a busy machine cannot make it flaky),
# when a replaced or deleted photo's old derivatives stay published, when
# a rebuild renders pages whose inputs did not change or loads libvips
# with nothing to encode, when a deleted story's files (ours only) stay,
# or when the cache collector keeps old unused entries or drops used ones.
# Timings are printed, never asserted by the test (a shared or slow
# machine must not fail it); --factor F makes a timing over F × its target
# a failure, for a run by hand on a quiet machine.
#
# Must never: write outside its temporary folder, the --pool folder and
# the --tsv file.
#
# usage: bench/incremental.sh TEARSHEET GEN_PHOTOS [--photos N] [--stories N]
#                             [--check] [--factor F] [--no-hugo] [--keep]
#                             [--repeat N]   (no-op, edit, replace: N runs each, median)
#                             [--pool DIR]   (generated photos kept in DIR for the next run)
#                             [--tsv FILE]   (the rows appended to FILE, for bench/scaling.sh)
set -euo pipefail

ts=${1:?usage: incremental.sh TEARSHEET GEN_PHOTOS [options]}
gen=${2:?usage: incremental.sh TEARSHEET GEN_PHOTOS [options]}
shift 2
photos=1000
stories=50
check=0
factor=0 # 0: timings are reported, not checked
hugo=1
keep=0
repeat=1
tsv="" # each row also appended to this file, tab-separated
pool="" # where generated photos are kept between runs ("": made afresh)
while [ $# -gt 0 ]; do
  case "$1" in
    --photos) photos=$2; shift 2 ;;
    --stories) stories=$2; shift 2 ;;
    --check) check=1; shift ;;
    --factor) factor=$2; shift 2 ;;
    --no-hugo) hugo=0; shift ;;
    --keep) keep=1; shift ;;
    --repeat) repeat=$2; shift 2 ;;
    --pool) pool=$2; shift 2 ;;
    --tsv) tsv=$2; shift 2 ;;
    *) echo "incremental.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$photos" -lt "$stories" ] || [ "$stories" -lt 2 ]; then
  echo "incremental.sh: need photos >= stories >= 2" >&2
  exit 2
fi

tmp=$(mktemp -d)
if [ $keep = 1 ]; then echo "work folder: $tmp" >&2; else trap 'rm -rf "$tmp"' EXIT; fi
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

now() { date +%s.%N; }
# cpu_mark: $cpu_val = user + system CPU seconds of this shell's finished
# children so far (`times` must run in this shell, not a subshell)
cpu_mark() {
  times >"$tmp/times.txt"
  cpu_val=$(awk 'NR == 2 {for (i = 1; i <= 2; i++) {split($i, t, /[ms]/); s += t[1] * 60 + t[2]}} END {printf "%.3f", s}' "$tmp/times.txt")
}
# build SITE LABEL: runs `tearsheet build --stats`, sets $secs (wall) and
# $read (photos read) from its stats line
build() {
  local t0 t1 c0
  cpu_mark
  c0=$cpu_val
  t0=$(now)
  if ! "$ts" build "$1" --stats >"$tmp/$2.log" 2>&1; then
    fail "$2: tearsheet build failed"; cat "$tmp/$2.log" >&2
  fi
  t1=$(now)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
  # user + system CPU of the build: steadier than wall on a busy machine
  cpu_mark
  cpu=$(awk -v a="$c0" -v b="$cpu_val" 'BEGIN {printf "%.3f", b - a}')
  read=$(sed -n 's/.*photos_read=\([0-9]*\).*/\1/p' "$tmp/$2.log")
  pages_s=$(sed -n 's/.*pages_s=\([0-9.]*\).*/\1/p' "$tmp/$2.log")
  npages=$(sed -n 's/.* pages=\([0-9]*\).*/\1/p' "$tmp/$2.log")
  rendered=$(sed -n 's/.* pages_rendered=\([0-9]*\).*/\1/p' "$tmp/$2.log")
  removed=$(sed -n 's/.* outputs_removed=\([0-9]*\).*/\1/p' "$tmp/$2.log")
  cache_removed=$(sed -n 's/.* cache_removed=\([0-9]*\).*/\1/p' "$tmp/$2.log")
  [ -n "$read" ] || { fail "$2: no stats line"; read=-1; }
  # the process's peak resident memory (getrusage), MB
  mem=$(sed -n 's/.* peak_rss_mb=\([0-9]*\).*/\1/p' "$tmp/$2.log")
  [ -n "$mem" ] || mem=-
  peak_mem=$(awk -v a="${peak_mem:-0}" -v b="${mem/-/0}" 'BEGIN {print (b > a ? b : a)}')
}
# median of the numbers given: the row of a repeated step
times=""
cpus=""
median() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}
# row LABEL SECONDS TARGET_TEXT TARGET_SECONDS(or empty)
row() {
  local verdict=""
  if [ -n "$4" ]; then
    if awk -v s="$2" -v t="$4" 'BEGIN {exit !(s <= t)}'; then verdict=ok; else verdict=over; fi
    if [ "$factor" != 0 ] && ! awk -v s="$2" -v t="$4" -v f="$factor" 'BEGIN {exit !(s <= t * f)}'; then
      fail "$1: $2 s is over $factor x the $4 s target"
    fi
  fi
  printf '%-52s %9s s %7s s %6s MB   %-28s %s\n' "$1" "$2" "${5:--}" "${6:--}" "$3" "$verdict"
  # step, wall, cpu, memory, target text: for bench/scaling.sh's table
  if [ -n "$tsv" ]; then
    printf '%s\t%s\t%s\t%s\t%s\n' "$(printf '%s' "$1" | sed 's/ *(.*//; s/^ *//; s/ of [0-9]* stories//')" \
      "$2" "${5:--}" "${6:--}" "$3" >>"$tsv"
  fi
}

# ---- photos and site ------------------------------------------------------
mkdir -p "$tmp/spare" "$tmp/site/stories"
# The photos are made once per --pool folder and size (100,000 take
# minutes) and hard-linked into the site: every change below replaces a
# file (exiftool writes a new one and renames it, a replaced photo is
# moved in), so the pool's files are never written through a link.
if [ -n "$pool" ]; then
  pool=$pool/64x48-$photos
  if [ ! -e "$pool/done" ]; then
    rm -rf "$pool" && mkdir -p "$pool"
    "$gen" "$pool" "$photos" "" 64 48 >/dev/null
    touch "$pool/done"
  fi
else
  pool=$tmp/pool
  mkdir -p "$pool"
  "$gen" "$pool" "$photos" "" 64 48 >/dev/null
fi
"$gen" "$tmp/spare" 2 "" 64 48 >/dev/null # photo-001 of this set differs from every pool photo
cat >"$tmp/site/site.yaml" <<'EOF'
title: Incremental
author: Bench Photographer
base_url: http://127.0.0.1:8080/
EOF
per=$((photos / stories))
i=0
last_story=$(seq -w 1 "$stories" | tail -1)
# one `ln` a story and no subshell a photo: forks are what made a site
# of 100,000 photos take most of an hour to lay out
for s in $(seq -w 1 "$stories"); do
  d=$tmp/site/stories/story-$s
  mkdir -p "$d"
  n=$per
  [ "$s" = "$last_story" ] && n=$((photos - i))
  files=()
  {
    printf -- '---\ntitle: Story %s\ndate: 2026-01-%02d\n---\n\n' "$s" $((10#$s % 28 + 1))
    for ((k = 0; k < n; k++)); do
      printf -v f 'photo-%03d.jpg' "$i"
      files+=("$pool/$f")
      printf 'Paragraph before photo %d, with *some* Markdown text.\n\n![Alt %d](%s)\n\n' "$i" "$i" "$f"
      i=$((i + 1))
    done
  } >"$d/story.md"
  ln "${files[@]}" "$d/"
done

# A caption in one photo: after the no-op rebuild its page must still
# show it, i.e. the metadata read from the cached header (statindex.c)
# is the metadata of the file.
# sed reads to the end: `head -1` would close the pipe early, and at
# 2,000 stories seq's second write then dies of SIGPIPE (pipefail)
s1=$tmp/site/stories/story-$(seq -w 1 "$stories" | sed -n 1p)
page1=$tmp/site/public/$(basename "$s1")/index.html
captioned=0
if [ "$check" = 1 ] && ! command -v exiftool >/dev/null 2>&1; then
  # as a test, the caption check is part of what it proves
  . "$(dirname "$0")/../tests/lib/skip.sh"
  ts_skip "exiftool not installed (scripts/deps.sh installs it)"
fi
if command -v exiftool >/dev/null 2>&1; then
  exiftool -q -overwrite_original '-IPTC:Caption-Abstract=incremental-caption-marker' \
    "$(ls "$s1"/*.jpg | sed -n 2p)" && captioned=1
fi

echo "site: $photos photos of 64x48 in $stories stories ($(nproc) cores)"
printf '%-52s %11s %9s %9s   %-28s\n' step wall cpu "peak mem" target

build "$tmp/site" first
first_secs=$secs
row "first build ($read photos read)" "$secs" "" "" "$cpu" "$mem"
# the files made every build (not pages) are rewritten only when their
# bytes change: a no-op leaves them as they were (same inode and mtime).
# Not the stat index: a photo as new as it is rewrites it (racy entries).
made_every_build() {
  stat -c '%n %i %y' "$tmp/site/public/api/photos.json" "$tmp/site/public/sitemap.xml" \
    "$tmp/site/.tearsheet/build-manifest" "$tmp/site/.tearsheet/meta-cache" 2>&1
}
before_noop=$(made_every_build)
# each of the next three steps runs $repeat times; its row is the median
for r in $(seq 1 "$repeat"); do
  build "$tmp/site" noop
  [ "$(made_every_build)" = "$before_noop" ] ||
    fail "a no-op rebuild rewrote a file it makes every build: $(made_every_build)"
  times="$times $secs"
  cpus="$cpus $cpu"
  [ "$read" = 0 ] || fail "no-op rebuild read $read photos (expected 0)"
  [ "$rendered" = 0 ] || fail "no-op rebuild rendered $rendered pages (expected 0)"
done
row "no-op rebuild ($read photos read, $rendered pages)" "$(median $times)" "< 0.3 s" 0.3 \
  "$(median $cpus)" "$mem"
times="" cpus=""
# nothing to encode: the libvips module (and libvips) must not be loaded
LD_DEBUG=files "$ts" build "$tmp/site" >/dev/null 2>"$tmp/ld-debug.log" || true
if grep -q 'tearsheet-vips\|libvips' "$tmp/ld-debug.log"; then
  fail "a no-op rebuild loaded libvips"
fi
if [ $captioned = 1 ] && ! grep -q incremental-caption-marker "$page1"; then
  fail "a caption is missing after the no-op rebuild (metadata from the cached header)"
fi

# an output edited by hand is not what we wrote: rendered again, restored
printf 'tampered-marker\n' >>"$page1"
build "$tmp/site" tampered
[ "$rendered" = 1 ] || fail "a hand-edited page: $rendered pages rendered (expected 1)"
! grep -q tampered-marker "$page1" || fail "a hand-edited page was not restored"

# A published derivative or its cache file lost (derivindex.c: a no-op
# trusts the index, so these show that it still looks when a link is not
# the recorded file): a link alone is linked again from the cache, nothing
# read; a cache file gone with its link has its photo encoded again, and
# both are back. A cache file deleted alone is not seen by a no-op (it
# reads each story's folder, not each link's count of names): the
# published file stays as it was, nothing read; its link deleted too,
# both are made again (docs/site.md "Derivatives").
pub=$(ls "$tmp/site/public/$(basename "$s1")"/photo-*.*-*.jpg | sed -n 2p)
cfile=$(find "$tmp/site/.tearsheet/cache" -samefile "$pub" | head -1)
[ -n "$cfile" ] || fail "a published derivative is not a link to a cache file: $pub"
rm "$pub"
build "$tmp/site" relink
[ "$read" = 0 ] || fail "a deleted published derivative: $read photos read (expected 0)"
[ "$pub" -ef "$cfile" ] || fail "a deleted published derivative was not linked again: $pub"
rm "$pub" "$cfile"
build "$tmp/site" repair
[ "$read" = 1 ] || fail "a cache file and its link deleted: $read photos read (expected 1)"
[ -f "$cfile" ] && [ "$pub" -ef "$cfile" ] || fail "a deleted cache file and its link were not made again"
pub_before=$(stat -c '%i %s %Y' "$pub") pub_sum=$(cksum <"$pub")
rm "$cfile"
build "$tmp/site" cache-alone
[ "$read" = 0 ] || fail "a cache file deleted alone: $read photos read (expected 0)"
[ "$(stat -c '%i %s %Y' "$pub" 2>&1)" = "$pub_before" ] && [ "$(cksum <"$pub")" = "$pub_sum" ] ||
  fail "a cache file deleted alone: its published file changed or went: $pub"
rm "$pub"
build "$tmp/site" repair-cache
[ "$read" = 1 ] || fail "a cache file deleted, then its link: $read photos read (expected 1)"
[ -f "$cfile" ] && [ "$pub" -ef "$cfile" ] || fail "a deleted cache file and its link were not made again"
# a damaged index is no index: named in a warning, each cache
# manifest.json read instead, still nothing encoded or rendered
dindex=$tmp/site/.tearsheet/deriv-index
[ -s "$dindex" ] || fail "no derivative index after a build"
printf 'x' | dd of="$dindex" bs=1 seek=100 conv=notrunc status=none
build "$tmp/site" damaged-index
[ "$read" = 0 ] && [ "$rendered" = 0 ] ||
  fail "a damaged derivative index: $read photos read, $rendered pages rendered (expected 0, 0)"
grep -q 'deriv-index.*ignored' "$tmp/damaged-index.log" ||
  fail "a damaged derivative index was not named in a warning"
build "$tmp/site" index-again
[ "$read" = 0 ] && [ "$rendered" = 0 ] || fail "after the index was written again: $read read, $rendered rendered"
! grep -q 'deriv-index' "$tmp/index-again.log" || fail "the derivative index was not written again"

# Where a story stands in the newest-first order the home pages (24 a
# page) and the feeds (the newest 20) use: its date, ties by title
# ("Story NN", in the order of the folders).
rank() { # rank STORY_DIR: 0 for the newest
  local me d
  me=$(basename "$1")
  d=$(sed -n 's/^date: //p' "$1/story.md")
  for f in "$tmp/site/stories"/*/story.md; do
    printf '%s %s\n' "$(sed -n 's/^date: //p' "$f")" "$(basename "$(dirname "$f")")"
  done | awk -v d="$d" -v me="$me" '$1 > d || ($1 == d && $2 < me) {n++} END {print n + 0}'
}
feeds_of() { [ "$(rank "$1")" -lt 20 ] && echo 2 || echo 0; } # feed.xml, feed.json

# ---- edit one story's text ----------------------------------------------------
for r in $(seq 1 "$repeat"); do
  printf '\nAn added paragraph: incremental-edit-marker-%s.\n' "$r" >>"$s1/story.md"
  build "$tmp/site" edit
  times="$times $secs"
  cpus="$cpus $cpu"
  [ "$read" = 0 ] || fail "text edit read $read photos (expected 0)"
  # its page, its photos' own pages and licence form pages (they name the
  # story), the home page that lists it, and the feeds if it is in them
  want=$((2 * per + 2 + $(feeds_of "$s1")))
  [ "$rendered" = "$want" ] || fail "text edit rendered $rendered pages (expected $want)"
  grep -q "incremental-edit-marker-$r\\." "$page1" || fail "edited story page was not rewritten"
done
row "one story's text edited ($read photos read, $rendered pages)" "$(median $times)" "< 0.5 s" \
  0.5 "$(median $cpus)" "$mem"
times="" cpus=""

# ---- replace one photo ----------------------------------------------------------
victim=$(ls "$s1"/*.jpg | sed -n 1p)
vname=$(basename "$victim" .jpg)
for r in $(seq 1 "$repeat"); do
  old=$(ls "$tmp/site/public/$(basename "$s1")/$vname".*-*.* 2>/dev/null | sort)
  # bytes after EOI make each replacement new content, never a cached one
  cp "$tmp/spare/photo-001.jpg" "$victim.new" && printf 'replacement %s' "$r" >>"$victim.new"
  mv "$victim.new" "$victim"
  build "$tmp/site" replace
  times="$times $secs"
  cpus="$cpus $cpu"
  [ "$read" = 1 ] || fail "replacing one photo read $read photos (expected 1)"
  # its story's page, its own page and licence form page, the index (its
  # story's cover), the page of the next photo (it names this one) and
  # the two feeds (the story's content and cover)
  want=$((5 + $(feeds_of "$s1")))
  [ "$rendered" = "$want" ] || fail "replacing one photo rendered $rendered pages (expected $want)"
  for f in $old; do [ ! -e "$f" ] || fail "old derivative still published: $f"; done
  new=$(ls "$tmp/site/public/$(basename "$s1")/$vname".*-*.* 2>/dev/null | sort)
  [ -n "$new" ] && [ "$new" != "$old" ] || fail "replaced photo has no new derivatives"
done
# "that photo's time": one photo's share of the first build, on one core
tphoto=$(awk -v s="$first_secs" -v n="$photos" -v c="$(nproc)" 'BEGIN {printf "%.3f", s * c / n}')
row "one photo replaced ($read photos read, $rendered pages)" "$(median $times)" \
  "< $tphoto + 0.5 s" "$(awk -v t="$tphoto" 'BEGIN {print t + 0.5}')" "$(median $cpus)" "$mem"
times="" cpus=""
# a JPEG to encode loads libvips but none of the libvips modules: not
# ImageMagick, Poppler, OpenSlide (forbidden anyway), JPEG XL (not an
# input we take) nor HEIF (only for HEIC/AVIF photos or AVIF output)
cp "$tmp/spare/photo-001.jpg" "$victim.new" && printf 'replacement ld' >>"$victim.new"
mv "$victim.new" "$victim"
LD_DEBUG=files "$ts" build "$tmp/site" >/dev/null 2>"$tmp/ld-debug.log" || true
grep -q 'libvips' "$tmp/ld-debug.log" || fail "encoding a photo did not load libvips"
if grep -q 'vips-modules' "$tmp/ld-debug.log"; then
  fail "encoding a JPEG loaded libvips modules: $(grep -o 'file=[^ ]*vips-modules[^ ]*' "$tmp/ld-debug.log" | sort -u | tr '\n' ' ')"
fi

# ---- delete one photo -------------------------------------------------------------
gone=$(ls "$s1"/*.jpg | tail -1)
gname=$(basename "$gone")
rm "$gone"
grep -v "($gname)" "$s1/story.md" >"$s1/story.md.new" && mv "$s1/story.md.new" "$s1/story.md"
build "$tmp/site" delete
row "one photo deleted ($read photos read, $rendered pages)" "$secs" "< 0.5 s" 0.5 "$cpu" "$mem"
[ "$read" = 0 ] || fail "deleting a photo read $read photos (expected 0)"
if ls "$tmp/site/public/$(basename "$s1")/${gname%.jpg}".*-*.* >/dev/null 2>&1; then
  fail "deleted photo's derivatives are still published"
fi

if [ -e "$tmp/site/public/license/$(basename "$s1")/${gname%.jpg}" ]; then
  fail "deleted photo's licence form page is still published"
fi

# ---- delete a whole story --------------------------------------------------------
last=$(ls "$tmp/site/stories" | tail -1)
lpub=$tmp/site/public/$last
echo "not ours" >"$lpub/notes.txt" # a file we did not write: it must stay
# Pages without a photo of their own (404, licensing/thanks) show the
# newest story's cover as their sharing card: when that story goes, they
# are rendered again with the next one's.
# The home pages from the one that listed it on show other stories now,
# and the feeds if it was in them.
r=$(rank "$tmp/site/stories/$last")
left=$(($(ls "$tmp/site/stories" | wc -l) - 1))
expect=$(( (left + 23) / 24 - r / 24 + $(feeds_of "$tmp/site/stories/$last") ))
why="the home pages from its own on, and the feeds it was in"
if [ "$r" = 0 ]; then
  expect=$((expect + 2)) why="$why, 404 and licensing/thanks: their card was its cover"
fi
rm -r "$tmp/site/stories/$last"
build "$tmp/site" delete-story
row "one story deleted ($removed files removed)" "$secs" "< 0.5 s" 0.5 "$cpu" "$mem"
[ "$read" = 0 ] || fail "deleting a story read $read photos (expected 0)"
[ "$rendered" = "$expect" ] || fail "deleting a story rendered $rendered pages (expected $expect, $why)"
[ ! -e "$lpub/index.html" ] || fail "deleted story's page is still published"
if ls "$lpub"/*.*-*.* >/dev/null 2>&1; then fail "deleted story's derivatives are still published"; fi
[ -e "$lpub/notes.txt" ] || fail "deleting a story removed a file we did not write"
[ ! -e "$tmp/site/public/license/$last" ] || fail "deleted story's licence pages are still published"
if grep -q "href=\"$last/\"" "$tmp/site/public/index.html"; then
  fail "the index still links the deleted story"
fi

# ---- cache collection: unused entries older than 30 days go, used ones stay ------
cache=$tmp/site/.tearsheet/cache
entries() { ls "$cache" "$cache/head" | grep -c '^[0-9a-f]\{64\}$'; }
before=$(entries)
find "$cache" "$cache/head" -maxdepth 1 -regextype posix-extended -regex '.*/[0-9a-f]{64}' \
  -exec touch -d '40 days ago' {} +
rm -f "$cache/gc-stamp"
build "$tmp/site" gc
after=$(entries)
# the deleted story's photos, the replaced and the deleted photo: each a
# derivative folder and a header
[ "$cache_removed" -ge $((2 * (photos - per * (stories - 1)))) ] ||
  fail "cache collection removed $cache_removed entries (expected the unused ones)"
[ $((before - after)) = "$cache_removed" ] || fail "cache collection reported $cache_removed, removed $((before - after))"
build "$tmp/site" after-gc
[ "$read" = 0 ] && [ "$rendered" = 0 ] ||
  fail "after cache collection a no-op build read $read photos and rendered $rendered pages"
find "$cache" "$cache/head" -maxdepth 1 -regextype posix-extended -regex '.*/[0-9a-f]{64}' \
  -exec touch -d '40 days ago' {} +
build "$tmp/site" gc-again
[ "$cache_removed" = 0 ] || fail "the cache collector ran twice in a day"

# ---- page generation alone: one story per photo ----------------------------------
p2=$tmp/pages
mkdir -p "$p2/stories"
cp "$tmp/site/site.yaml" "$p2/"
# one story a photo, each with one of 50 tags (tag pages and feeds on
# both sides); laid out by one perl process, not forks per story
n=$(perl -e '
  my ($src, $dst) = @ARGV;
  my $n = 0;
  for my $f (sort glob("$src/*/*.jpg")) {
    $n++;
    my $d = sprintf("%s/s-%06d", $dst, $n);
    mkdir $d or die "$d: $!";
    link $f, "$d/photo.jpg" or die "$f: $!";
    open(my $o, ">", "$d/story.md") or die "$d/story.md: $!";
    printf $o "---\ntitle: Story %d\ndate: 2026-02-%02d\ntags: [tag-%d]\n---\n\n", $n, $n % 28 + 1, $n % 50;
    printf $o "## A heading\n\nA paragraph with **bold**, *emphasis* and a [link](https://example.org/%d).\n\n", $n;
    printf $o "![A photo](photo.jpg)\n\n- one\n- two\n\nA closing paragraph of story %d.\n", $n;
    close $o;
  }
  print $n;' "$tmp/site/stories" "$p2/stories")
build "$p2" pages-first
# Hugo on the same Markdown, made as alike as Hugo allows: a page per
# story, the home page and a page per tag, 24 stories a list page, RSS of
# the newest 20 (site and each tag), sitemap.xml. It has no photo pages,
# licence forms, places, JSON feed or image sitemap: our pages count is
# larger, so the whole-build ratios below favour Hugo.
use_hugo=0
if [ $hugo = 1 ] && command -v hugo >/dev/null 2>&1; then
  use_hugo=1
  h=$tmp/hugo
  mkdir -p "$h/content/posts" "$h/layouts/_default"
  cat >"$h/config.toml" <<'EOF'
baseURL = "http://127.0.0.1:8080/"
title = "Incremental"
paginate = 24
rssLimit = 20
[taxonomies]
tag = "tags"
EOF
  cat >"$h/layouts/_default/single.html" <<'EOF'
<!doctype html><html><head><title>{{ .Title }}</title></head><body><article><h1>{{ .Title }}</h1>{{ .Content }}</article></body></html>
EOF
  cat >"$h/layouts/_default/list.html" <<'EOF'
<!doctype html><html><body>{{ range .Paginator.Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>
EOF
  cp "$h/layouts/_default/list.html" "$h/layouts/index.html"
  perl -e 'my ($src, $dst) = @ARGV; for my $d (glob("$src/*")) { my ($b) = $d =~ m{([^/]+)$};
    link "$d/story.md", "$dst/$b.md" or die "$d: $!" }' "$p2/stories" "$h/content/posts"
  hugo -s "$h" --quiet >/dev/null 2>&1 || true # warm-up, like our cached build
fi
# a comment in site.yaml changes no setting and no photo's key, but it is
# an input of every page: all are rendered again, every photo cached
printf '# pages rendered again\n' >>"$p2/site.yaml"
build "$p2" pages-cached
[ "$read" = 0 ] || fail "cached page build read $read photos (expected 0)"
[ "$rendered" = "$npages" ] || fail "site.yaml changed, but $rendered of $npages pages were rendered"
ours_secs=$secs ours_cpu=$cpu ours_mem=$mem ours_pages_s=$pages_s ours_npages=$npages
# Hugo right after ours, so both see the same load on a shared machine
if [ $use_hugo = 1 ]; then
  cpu_mark
  c0=$cpu_val
  t0=$(now)
  hugo -s "$h" >"$tmp/hugo.log" 2>&1 || fail "hugo failed: $(tail -3 "$tmp/hugo.log")"
  t1=$(now)
  cpu_mark
  hs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
  hcpu=$(awk -v a="$c0" -v b="$cpu_val" 'BEGIN {printf "%.3f", b - a}')
  # its own count of what it wrote (the "Pages" and "Paginator pages" rows)
  hpages=$(awk -F'|' '/^ *(Pages|Paginator pages) / {gsub(/ /, "", $2); n += $2} END {print n + 0}' "$tmp/hugo.log")
fi
ms=$(awk -v s="$ours_pages_s" -v n="$ours_npages" 'BEGIN {printf "%.4f", s * 1000 / n}')
row "pages of $n stories, photos cached ($ours_npages pages)" "$ours_pages_s" "$ms ms/page (< 0.1 ms)" \
  "$(awk -v n="$ours_npages" 'BEGIN {print n / 10000}')"
row "  whole build of that site (pages rendered)" "$ours_secs" "" "" "$ours_cpu" "$ours_mem"
if [ $use_hugo = 1 ]; then
  row "Hugo 0.111, same Markdown, no images ($hpages pages)" "$hs" \
    "$(awk -v s="$hs" -v n="$hpages" 'BEGIN {printf "%.4f ms/page", n ? s * 1000 / n : 0}')" "" "$hcpu"
  # the target (issue #16): our pages at least 3x faster than Hugo's,
  # each side's time per page it wrote (ours: the pages phase of a build
  # whose photos are cached; Hugo's: its whole run). The whole builds'
  # ratios are printed beside it: ours writes 2.7x the pages (photo
  # pages, licence forms, places, feeds, image sitemap), so they are
  # information, not the target.
  wr=$(awk -v h="$hs" -v t="$ours_secs" 'BEGIN {printf "%.2f", h / t}')
  cr=$(awk -v h="$hcpu" -v t="$ours_cpu" 'BEGIN {printf "%.2f", (t > 0 ? h / t : 0)}')
  pr=$(awk -v h="$hs" -v hn="$hpages" -v t="$ours_pages_s" -v tn="$ours_npages" \
    'BEGIN {printf "%.2f", (hn && t > 0 ? (h / hn) / (t / tn) : 0)}')
  verdict=ok
  awk -v p="$pr" 'BEGIN {exit !(p >= 3)}' || verdict=under
  printf '%-52s per page %sx (>= 3x) %s   whole builds: wall %sx  cpu %sx\n' \
    "  Hugo / tearsheet" "$pr" "$verdict" "$wr" "$cr"
  [ -z "$tsv" ] || printf 'Hugo / tearsheet\t%s\t%s\t-\t%s\n' "$wr" "$cr" "$pr" >>"$tsv"
fi
build "$p2" pages-noop
[ "$rendered" = 0 ] || fail "no-op build of the page site rendered $rendered pages"
row "  no-op build of that site ($rendered pages)" "$secs" "" "" "$cpu" "$mem"
echo "peak memory of any build: $peak_mem MB"
[ -z "$tsv" ] || printf 'peak memory\t-\t-\t%s\t-\n' "$peak_mem" >>"$tsv"

if [ $failures -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
[ $check = 1 ] && echo "all incremental checks passed"
exit 0
