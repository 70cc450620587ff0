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

# The Atom feeds are validated against RFC 4287's RELAX NG schema
# (tests/share/atom.rnc), which Debian's trang converts for xmllint.
# Without them the suite cannot do what it says: skipped (77), or a
# failure under CI=true, where scripts/deps.sh has installed them.
. "$(dirname "$0")/../lib/skip.sh"
for tool in trang xmllint; do
  command -v $tool >/dev/null || ts_skip "share_site needs $tool (scripts/deps.sh installs it)"
done
trang -I rnc -O rng "$src/tests/share/atom.rnc" "$tmp/atom.rng" || exit 1
atom_valid() { # atom_valid PUBLIC: every feed.xml of the output against the schema
  local n=0 bad=0 f
  while IFS= read -r f; do
    n=$((n + 1))
    xmllint --noout --relaxng "$tmp/atom.rng" "$f" 2>"$tmp/xmllint.log" || { bad=$((bad + 1)); cat "$tmp/xmllint.log"; }
  done < <(find "$1" -name feed.xml)
  if [ "$n" -gt 0 ] && [ "$bad" = 0 ]; then echo "ok   feeds: $n Atom feeds valid against RFC 4287's RELAX NG schema (xmllint)"
  else echo "FAIL feeds: $bad of $n Atom feeds invalid against RFC 4287's RELAX NG schema"; return 1; fi
}

# ---- the example site ------------------------------------------------------
cp -r "$src/examples/site" "$tmp/ex"
rm -rf "$tmp/ex/public" "$tmp/ex/.tearsheet"
"$standin" "$tmp/ex/stories/kim-ryon-hui" >/dev/null || exit 1
if ! "$ts" build "$tmp/ex" >"$tmp/ex.log" 2>&1; then cat "$tmp/ex.log"; exit 1; fi
echo "== example site"
python3 "$check" "$tmp/ex/public" "$base" --stories 1 --site "$tmp/ex" || status=1
atom_valid "$tmp/ex/public" || status=1

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
python3 "$check" "$gen/public" "$base" --stories 30 --site "$gen" || status=1
atom_valid "$gen/public" || status=1

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
spoil "whose sitemap lacks a photo" \
  sed -i 's|<image:image><image:loc>[^<]*kim-ryon-hui-02[^<]*</image:loc></image:image>||' \
  "$tmp/spoiled/sitemap.xml"
spoil "whose feed has a relative URL" sed -i 's|http://127.0.0.1:8080/kim-ryon-hui/kim|kim|' \
  "$tmp/spoiled/feed.json"
spoil "whose photo page has no ImageObject" \
  sed -i 's/"ImageObject"/"Thing"/' "$tmp/spoiled/kim-ryon-hui/kim-ryon-hui-01/index.html"
# and the schema must refuse a feed RFC 4287 does not allow (no atom:id)
sed '0,/<id>[^<]*<\/id>/s///' "$tmp/ex/public/feed.xml" >"$tmp/noid.xml"
if xmllint --noout --relaxng "$tmp/atom.rng" "$tmp/noid.xml" 2>/dev/null; then
  echo "FAIL the RELAX NG schema accepted a feed without atom:id"; status=1
else
  echo "ok   the RELAX NG schema refuses a feed without atom:id"
fi
exit $status
