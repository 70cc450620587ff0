#!/usr/bin/env bash
# Golden pages: builds tests/golden/site/input (stories without photos,
# hostile front matter and Markdown, a Korean story) with the real
# binary and compares every page byte for byte with
# tests/golden/site/expected/. Regenerate only on purpose, and review
# the diff: UPDATE_GOLDEN=1 ctest -R golden_site
# usage: golden_site.sh TEARSHEET SOURCE_DIR
set -u
ts=$1 src=$2
golden="$src/tests/golden/site"
tmp=$(mktemp -d /tmp/ts-golden-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$golden/input" "$tmp/site"
if ! "$ts" build "$tmp/site" -o "$tmp/out" >"$tmp/log" 2>&1; then
  cat "$tmp/log"; echo "0 passed, 1 failed"; exit 1
fi
pages=(index.html hostile/index.html seoul-ko/index.html about/index.html licensing/index.html
       licensing/thanks/index.html 404.html sitemap.xml api/photos.json robots.txt feed.xml
       feed.json tags/index.html publications/index.html)
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
  for p in "${pages[@]}"; do
    mkdir -p "$(dirname "$golden/expected/$p")"
    cp "$tmp/out/$p" "$golden/expected/$p"
  done
  echo "golden pages updated: review with git diff"
fi
pass=0 fail=0
for p in "${pages[@]}"; do
  if diff -u "$golden/expected/$p" "$tmp/out/$p"; then pass=$((pass + 1)); echo "ok   $p"
  else fail=$((fail + 1)); echo "FAIL $p"; fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
