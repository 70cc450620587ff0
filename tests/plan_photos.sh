#!/usr/bin/env bash
# The photo plan (src/site/plan.c): a story whose photos repeat, clash
# in name and go missing builds as it always did — each missing
# reference reported in story order with its line, the cover last, a
# repeated photo one job (its figures share its id), ids kim, kim-2,
# kim-2-2 — and a story of 40
# photos (more than the 16 slots plan.c's name sets start with) gets one
# figure per photo. Then once more with a photo removed: the stat of
# the plan sees it.
# usage: plan_photos.sh TEARSHEET GEN_PHOTOS
set -u
ts=$1 gen=$2
tmp=$(mktemp -d /tmp/ts-plan-XXXXXX)
trap "rm -rf \"$tmp\"" EXIT; [ -n "${KEEP:-}" ] && trap - EXIT
pass=0 fail=0
check() { # check WHAT COMMAND...
  if "${@:2}"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
mkdir -p "$tmp/ph" "$tmp/site/stories/one" "$tmp/site/stories/many"
"$gen" "$tmp/ph" 1 >/dev/null || { echo "gen_photos failed"; exit 1; }
jpg=$(ls "$tmp"/ph/*.jpg | head -n 1)
one="$tmp/site/stories/one"
for f in kim.jpg kim.jpeg kim-2.jpg; do cp "$jpg" "$one/$f"; done
printf -- '---\ntitle: One\ndate: 2024-01-01\ncover: gone.jpg\nphotos:\n  nothere.jpg:\n    alt: a typo\n---\n\n![a](kim.jpg)\n\n![b](kim.jpeg)\n\n![c](kim.jpg)\n\n![d](missing.jpg)\n\n![e](missing.jpg)\n\n![f](kim-2.jpg)\n' >"$one/story.md"
many="$tmp/site/stories/many"
{ printf -- '---\ntitle: Many\ndate: 2024-01-02\n---\n\n'
  for i in $(seq -w 1 40); do cp "$jpg" "$many/p-$i.jpg"; printf '![p](p-%s.jpg)\n\n' "$i"; done
} >"$many/story.md"

"$ts" build "$tmp/site" >"$tmp/log" 2>&1
check "the build reports its errors (exit 1)" test $? -eq 1
s="$tmp/site/stories/one"
cat >"$tmp/want" <<MSG
error: $s/story.md: line 16: photo 'missing.jpg' not found in $s/
error: $s/story.md: line 18: photo 'missing.jpg' not found in $s/
error: $s/story.md: cover photo 'gone.jpg' not found in $s/
warning: $s/story.md: line 6: photos: 'nothere.jpg' is not shown in this story (ignored)
MSG
grep -E "not found in|not shown in this story" "$tmp/log" >"$tmp/got"
check "missing photos reported in story order, cover last" diff -u "$tmp/want" "$tmp/got"
check "3 photos of one and 40 of many planned" grep -q "2 stories, 43 photos" "$tmp/log"
ids=$(grep -o '<figure class="photo[^"]*" id="[^"]*"' "$tmp/site/public/one/index.html" |
      sed 's/.*id="//; s/"$//' | awk '!seen[$0]++' | tr '\n' ' ')
check "ids unique in story order: kim kim-2 kim-2-2 (got: $ids)" test "$ids" = "kim kim-2 kim-2-2 "
n=$(grep -o '<figure class="photo[^"]*" id="p-[0-9]*"' "$tmp/site/public/many/index.html" | sort -u |
    wc -l)
check "40 ids in the story of 40 photos (got $n)" test "$n" -eq 40

rm "$many/p-20.jpg"
"$ts" build "$tmp/site" >"$tmp/log2" 2>&1
check "a photo removed since is reported" \
  grep -q "$tmp/site/stories/many/story.md: line 44: photo 'p-20.jpg' not found" "$tmp/log2"
check "and left out" grep -q "2 stories, 42 photos" "$tmp/log2"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
