#!/usr/bin/env bash
# The stories' load (src/site/build.c site_load_stories): story.md files
# are read and parsed on two threads, but what a build says about them
# comes in name order as before. A site of 26 folders — enough for the
# second thread — with a bad folder name, a front matter never closed,
# a draft with a typo, a folder named like a language, a typo before an
# error in one story, two typos in another, a translation that does not
# parse and one that shows a photo its story does not: every message,
# its text and its place, three builds running.
# usage: load_stories.sh TEARSHEET
set -u
ts=$1
tmp=$(mktemp -d /tmp/ts-stories-XXXXXX)
trap "rm -rf \"$tmp\"" EXIT; [ -n "${KEEP:-}" ] && trap - EXIT
pass=0 fail=0
check() { # check WHAT COMMAND...
  if "${@:2}"; then pass=$((pass + 1)); echo "ok   $1"; else fail=$((fail + 1)); echo "FAIL $1"; fi
}
st="$tmp/site/stories"
mkdir -p "$st"
printf 'title: T\nbase_url: https://example.com/\nlanguages: [en, ko]\n' >"$tmp/site/site.yaml"
for i in $(seq -w 1 20); do
  mkdir "$st/s$i"
  printf -- '---\ntitle: Story %s\ndate: 2024-01-%s\n---\n\nText %s.\n' "$i" "$i" "$i" >"$st/s$i/story.md"
done
mkdir "$st/a-broken" "$st/Bad-Slug" "$st/draft" "$st/ko" "$st/m-typo" "$st/z-trans"
printf -- '---\ntitle: Broken\ndate: 2024-01-01\n\nNo end.\n' >"$st/a-broken/story.md"
printf -- '---\ntitle: Bad\n---\nx\n' >"$st/Bad-Slug/story.md"
printf -- '---\ntitle: Draft\ndraft: true\ncolour: red\n---\nx\n' >"$st/draft/story.md"
printf -- '---\ntitle: Ko\n---\nx\n' >"$st/ko/story.md"
printf -- '---\ntitel: Typo\ndate: 2024-13-01\n---\nx\n' >"$st/m-typo/story.md"
printf -- '---\ntitle: Trans\nsubtitel: typo\ndate: 2024-02-01\n---\n\nText.\n' >"$st/z-trans/story.md"
printf -- '---\ntitle: Übersetzt\nlocation: x\n---\n\n![a](other.jpg)\n' >"$st/z-trans/story.ko.md"
printf -- '---\ntitle: [unclosed\n---\nx\n' >"$st/s05/story.ko.md"
printf -- '---\ntitle: S07\nfoo: 1\nbar: 2\n---\n' >"$st/s07/story.md"

# as main's binary printed them before the load had two threads
cat >"$tmp/want" <<MSG
error: $st/Bad-Slug: folder name must be lower-case letters, digits, '-' or '_' (it becomes the story's address)
error: $st/a-broken/story.md: line 1: the front matter opened by '---' on line 1 is never closed by a line '---'
warning: $st/draft/story.md: line 4: unknown key 'colour' (ignored; a typo?)
error: $st/ko: folder name is that of the 'ko' pages (site.yaml languages:); rename the story's folder
warning: $st/m-typo/story.md: line 2: unknown key 'titel' (ignored; a typo?)
error: $st/m-typo/story.md: line 3: date: '2024-13-01' is not a date written YYYY-MM-DD
error: $st/s05/story.ko.md: line 3: column 1: did not find expected ',' or ']' while parsing a flow sequence
warning: $st/s07/story.md: line 3: unknown key 'foo' (ignored; a typo?)
warning: $st/s07/story.md: line 4: unknown key 'bar' (ignored; a typo?)
warning: $st/z-trans/story.md: line 3: unknown key 'subtitel' (ignored; a typo?)
warning: $st/z-trans/story.ko.md: line 3: unknown key 'location' (ignored; a typo?)
warning: $st/z-trans/story.ko.md: line 6: photo 'other.jpg' is not in story.md (a translation shows the story's photos; it is left out)
MSG
for run in 1 2 3; do
  "$ts" build "$tmp/site" >"$tmp/log" 2>&1
  check "build $run reports its errors (exit 1)" test $? -eq 1
  grep -E '^(error|warning): ' "$tmp/log" >"$tmp/got"
  check "build $run: the messages, in name order" diff -u "$tmp/want" "$tmp/got"
  check "build $run: 21 stories" grep -qE '^Built .*: 21 stories,' "$tmp/log"
  check "build $run: 5 errors" grep -q '^5 items could not be built' "$tmp/log"
done
check "the draft has no page" test ! -e "$tmp/site/public/draft"
check "the translation is published" test -f "$tmp/site/public/ko/z-trans/index.html"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
