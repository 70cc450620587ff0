#!/usr/bin/env bash
# Pages on several workers (src/site/pages.c, docs/performance.md "Pages
# on every core"): the same site built with `--jobs 1` and with
# `--jobs 4` must give the same output byte for byte — every file, the
# build manifest (.tearsheet/build-manifest, its page mtimes aside, which
# differ between any two builds) and the messages in the same order —
# and so must a no-op rebuild after each, which repeats the pages'
# warnings from the manifest. Two sites: the golden site (hostile
# front matter, pages/, a Korean story) and a generated one of 150
# one-photo stories in two languages, with photos lacking alt text
# (warnings), a photo that is no image and a missing one (errors).
# usage: page_jobs.sh TEARSHEET GEN_PHOTOS SOURCE_DIR
set -u
ts=$1 gen=$2 src=$3
tmp=$(mktemp -d /tmp/ts-page-jobs-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check WHAT CMD...
  if "${@:2}" >"$tmp/diff" 2>&1; then pass=$((pass + 1)); echo "ok   $1"
  else fail=$((fail + 1)); echo "FAIL $1"; head -40 "$tmp/diff"; fi
}

# The messages and manifest of a build, without what differs between
# any two builds: seconds, each page's mtime (the fourth field of its
# line) and so the last line's checksum.
normal_log() { sed -E 's/[0-9]+\.[0-9]+ ?s\b/N s/g' "$1"; }
normal_manifest() { sed -E -e 's/^(page [^ ]+ [0-9]+ )-?[0-9]+ /\10 /' -e '/^end /d' "$1"; }

# build SITE JOBS NAME: a build from an empty output folder and manifest
# (the photo cache kept, so every build reads the photos the same way),
# then a no-op rebuild; each one's output, manifest and log kept as NAME.
build() {
  local site=$1 jobs=$2 name=$3
  rm -rf "$site/out" "$site/.tearsheet/build-manifest"
  "$ts" build "$site" -o "$site/out" --jobs "$jobs" >"$tmp/$name.log" 2>&1
  echo "exit $?" >>"$tmp/$name.log"
  cp "$site/.tearsheet/build-manifest" "$tmp/$name.json"
  "$ts" build "$site" -o "$site/out" --jobs "$jobs" >"$tmp/$name.noop.log" 2>&1
  echo "exit $?" >>"$tmp/$name.noop.log"
  cp "$site/.tearsheet/build-manifest" "$tmp/$name.noop.json"
  rm -rf "$tmp/$name.out"
  cp -a "$site/out" "$tmp/$name.out"
}

compare() { # compare SITE_LABEL
  local l=$1
  check "$l: every output file" diff -r "$tmp/$l-1.out" "$tmp/$l-4.out"
  for k in "" .noop; do
    check "$l$k: build manifest" diff <(normal_manifest "$tmp/$l-1$k.json") \
      <(normal_manifest "$tmp/$l-4$k.json")
    check "$l$k: messages, in order" diff <(normal_log "$tmp/$l-1$k.log") \
      <(normal_log "$tmp/$l-4$k.log")
  done
}

# 1. the golden site
cp -r "$src/tests/golden/site/input" "$tmp/golden"
"$ts" build "$tmp/golden" -o "$tmp/golden/out" --jobs 2 >/dev/null 2>&1
build "$tmp/golden" 1 golden-1
build "$tmp/golden" 4 golden-4
compare golden

# 2. many one-photo stories in English and Korean
site=$tmp/many
mkdir -p "$site/stories" "$tmp/pool"
if ! "$gen" "$tmp/pool" 150 "" 64 48 >"$tmp/gen.log" 2>&1; then
  cat "$tmp/gen.log"; echo "0 passed, 1 failed"; exit 1
fi
cat >"$site/site.yaml" <<'EOF'
title: Many stories
author: Test Photographer
base_url: https://example.org/
languages: [en, ko]
EOF
for ((i = 0; i < 150; i++)); do
  printf -v s 'story-%03d' "$i"
  printf -v f 'photo-%03d.jpg' "$i"
  mkdir -p "$site/stories/$s"
  cp "$tmp/pool/$f" "$site/stories/$s/"
  alt="Alt $i"
  [ $((i % 3)) = 0 ] && alt="" # no alt text: a warning on three of its pages
  {
    printf -- '---\ntitle: Story %d <&>\ndate: 2026-01-%02d\ntags: [t%d, shared]\n---\n\n' \
      "$i" $((i % 28 + 1)) $((i % 7))
    printf 'Story %d text, *Markdown*.\n\n![%s](%s)\n\n' "$i" "$alt" "$f"
  } >"$site/stories/$s/story.md"
  if [ $((i % 5)) = 0 ]; then
    printf -- '---\ntitle: 이야기 %d\ndate: 2026-01-%02d\n---\n\n본문 %d.\n\n![%s](%s)\n' \
      "$i" $((i % 28 + 1)) "$i" "$alt" "$f" >"$site/stories/$s/story.ko.md"
  fi
done
printf 'not a photo\n' >"$site/stories/story-010/broken.jpg"
printf '\n![Broken](broken.jpg)\n\n![Missing](missing.jpg)\n' >>"$site/stories/story-010/story.md"
"$ts" build "$site" -o "$site/out" --jobs 2 >/dev/null 2>&1
build "$site" 1 many-1
build "$site" 4 many-4
compare many
# the comparison above means something only if there was work to share
check "many: 150 story pages and their photo pages were written" \
  test "$(find "$tmp/many-4.out" -name index.html | wc -l)" -ge 450
check "many: the builds warned of missing alt text" grep -q -i "alt" "$tmp/many-4.log"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
