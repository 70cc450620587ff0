#!/usr/bin/env bash
# Found and shared (issue 12): builds the example site and a generated
# 30-story site with the real binary and checks their sharing cards,
# photo pages, sitemap, feeds, tags and places by parsing the output
# (check_share.py). Then spoils a copy of one output and checks that the
# checker notices, so a checker that passes everything fails here.
#
# usage: share_site.sh TEARSHEET STANDIN SOURCE_DIR
set -u
ts=$1 standin=$2 src=$3
tmp=$(mktemp -d /tmp/ts-share-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
check=$src/tests/share/check_share.py
base=http://127.0.0.1:8080/
status=0

# ---- the example site ------------------------------------------------------
cp -r "$src/examples/site" "$tmp/ex"
rm -rf "$tmp/ex/public" "$tmp/ex/.tearsheet"
"$standin" "$tmp/ex/stories/kim-ryon-hui" >/dev/null || exit 1
if ! "$ts" build "$tmp/ex" >"$tmp/ex.log" 2>&1; then cat "$tmp/ex.log"; exit 1; fi
echo "== example site"
python3 "$check" "$tmp/ex/public" "$base" --stories 1 || status=1

# ---- a generated site of 30 stories ------------------------------------------
# The two stand-ins in every story (the photo cache encodes each once),
# dates over three years, tags in English and Korean, a story in Korean,
# publications, and one story whose only photo is 960 px wide (the
# example's derivative as an original): its card cannot reach 1200 px.
gen=$tmp/gen
mkdir -p "$gen/stories" "$gen/pages"
cat >"$gen/site.yaml" <<'YAML'
title: Generated — thirty stories
author: Test Photographer
base_url: http://127.0.0.1:8080/
language: en
description: A generated site for the sharing tests.
YAML
printf -- '---\ntitle: About\n---\nAbout this site.\n' >"$gen/pages/about.md"
narrow=$(ls "$tmp/ex/public/kim-ryon-hui/"kim-ryon-hui-02.*-960.jpg | head -1)
for i in $(seq -w 1 30); do
  d=$gen/stories/story-$i
  mkdir -p "$d"
  year=$((2022 + 10#$i % 3))
  month=$(printf '%02d' $((10#$i % 12 + 1)))
  tags="[portrait, \"tag $((10#$i % 4))\", 서울]"
  lang=en
  [ "$i" = 07 ] && lang=ko
  if [ "$i" = 30 ]; then
    cp "$narrow" "$d/narrow.jpg"
    body='![A narrow photo](narrow.jpg)'
  else
    cp "$tmp/ex/stories/kim-ryon-hui/kim-ryon-hui-01.jpg" "$d/a.jpg"
    cp "$tmp/ex/stories/kim-ryon-hui/kim-ryon-hui-02.jpg" "$d/b.jpg"
    body=$(printf 'Text of story %s.\n\n![](a.jpg)\n\nMore text.\n\n![](b.jpg)\n' "$i")
  fi
  {
    printf -- '---\ntitle: "Story %s &amp; friends"\ndate: %s-%s-%s\nlang: %s\n' "$i" "$year" "$month" "$i" "$lang"
    printf 'summary: The summary of story %s.\ntags: %s\n' "$i" "$tags"
    if [ $((10#$i % 5)) = 0 ]; then
      printf 'publications:\n  - name: Magazine %s\n    title: Year in Pictures\n    date: %s\n' "$i" "$year"
    fi
    printf -- '---\n%s\n' "$body"
  } >"$d/story.md"
done
if ! "$ts" build "$gen" >"$tmp/gen.log" 2>&1; then cat "$tmp/gen.log"; exit 1; fi
echo "== generated site, 30 stories"
python3 "$check" "$gen/public" "$base" --stories 30 || status=1

# ---- the checker itself must fail on a spoiled output -----------------------
spoil() { # spoil WHAT COMMAND...: the checker must fail once COMMAND ran on a copy
  local what=$1; shift
  rm -rf "$tmp/spoiled"; cp -r "$tmp/ex/public" "$tmp/spoiled"
  "$@"
  if python3 "$check" "$tmp/spoiled" "$base" --stories 1 >"$tmp/spoiled.log" 2>&1; then
    echo "FAIL the checker passed an output $what"; status=1
  else
    echo "ok   the checker fails an output $what"
  fi
}
spoil "without og:image" sed -i '/property="og:image"/d' "$tmp/spoiled/kim-ryon-hui/index.html"
spoil "without a photo page" rm "$tmp/spoiled/kim-ryon-hui/kim-ryon-hui-02/index.html"
spoil "whose photo page has no ImageObject" \
  sed -i 's/"ImageObject"/"Thing"/' "$tmp/spoiled/kim-ryon-hui/kim-ryon-hui-01/index.html"
exit $status
