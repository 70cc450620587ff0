#!/usr/bin/env bash
# `originals: true` (story.md): DESIGN.md "Originals are never published
# unless a story asks for it". Checks, on the real binary:
#  - without it no original is published; with it each photo's original
#    is published byte for byte as <id>.<key10>-original.<ext> and the
#    page links it (download);
#  - a photo with GPS: the build warns, naming the file;
#  - a no-op rebuild reads no photo and leaves the published original;
#  - a replaced photo's old original is removed, the new one published;
#  - turning it off removes the originals and the links;
#  - a cover whose alt text is only in the Markdown gets no warning.
# The photo with GPS is written here by exiftool: the suite needs only
# what the README installs.
# usage: originals.sh TEARSHEET
set -u
. "$(dirname "$0")/lib/skip.sh"
ts=$1
command -v vips >/dev/null 2>&1 && command -v exiftool >/dev/null 2>&1 ||
  ts_skip "vips or exiftool not installed (scripts/deps.sh installs them)"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
tmp=$(mktemp -d /tmp/ts-originals-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
site=$tmp/site s=$tmp/site/stories/walk
mkdir -p "$s"
printf 'title: Originals\nimages:\n  widths: [320]\n  formats: [jpeg]\n' >"$site/site.yaml"
vips gaussnoise "$s/a.jpg" 640 480 >/dev/null 2>&1 || vips black "$s/a.jpg" 640 480 --bands 3
vips black "$s/b.JPG" 320 240 --bands 3
exiftool -q -overwrite_original -GPSLatitude=37.5665 -GPSLatitudeRef=N -GPSLongitude=126.978 \
  -GPSLongitudeRef=E "$s/b.JPG" || bad "exiftool could not write GPS into b.JPG"
story() { printf -- '---\ntitle: A walk\noriginals: %s\n---\n\n![The first photo](a.jpg)\n\n![The second](b.JPG)\n' "$1" >"$s/story.md"; }
page=$site/public/walk/index.html

story false
"$ts" build "$site" >"$tmp/log" 2>&1 || { cat "$tmp/log"; bad "build without originals"; }
ls "$site/public/walk" | grep -q -- '-original\.' && bad "originals published without originals: true" ||
  ok "originals: false publishes no original"
grep -q "has no alt text" "$tmp/log" && { cat "$tmp/log"; bad "a cover with Markdown alt text was warned about"; } ||
  ok "the cover takes the alt text of its Markdown image (no warning)"

story true
"$ts" build "$site" >"$tmp/log" 2>&1 || { cat "$tmp/log"; bad "build with originals"; }
a=$(ls "$site/public/walk" | grep -- '^a\..*-original\.jpg$')
b=$(ls "$site/public/walk" | grep -- '^b\..*-original\.jpg$')
[ -n "$a" ] && cmp -s "$s/a.jpg" "$site/public/walk/$a" && [ -n "$b" ] && cmp -s "$s/b.JPG" "$site/public/walk/$b" &&
  ok "both originals published byte for byte ($a, $b)" || bad "originals not published as they are"
grep -q "<a class=\"original\" href=\"$a\" download=\"a.jpg\">" "$page" &&
  grep -q "href=\"$b\" download=\"b.JPG\"" "$page" &&
  ok "the page links each original for download, under its own file name" || bad "no link to the originals"
grep -q "b.JPG: published unchanged (originals: true in .*story.md), with its GPS position" "$tmp/log" &&
  ok "the build warns that b.JPG goes out with its GPS position" || { cat "$tmp/log"; bad "no GPS warning"; }
grep -q "a.jpg: published unchanged" "$tmp/log" && bad "a GPS warning for a.jpg, which has no GPS" ||
  ok "no GPS warning for the photo without GPS"

inode=$(stat -c %i "$site/public/walk/$a")
"$ts" build "$site" --stats >"$tmp/log" 2>&1
grep -q "photos_read=0 " "$tmp/log" && [ "$(stat -c %i "$site/public/walk/$a")" = "$inode" ] &&
  ok "a no-op rebuild reads no photo and leaves the published original" || { cat "$tmp/log"; bad "no-op rebuild"; }

vips black "$s/a.jpg" 640 480 --bands 3
"$ts" build "$site" >"$tmp/log" 2>&1 || { cat "$tmp/log"; bad "rebuild after a replaced photo"; }
a2=$(ls "$site/public/walk" | grep -- '^a\..*-original\.jpg$')
[ "$(echo "$a2" | wc -l)" = 1 ] && [ "$a2" != "$a" ] && cmp -s "$s/a.jpg" "$site/public/walk/$a2" &&
  ok "a replaced photo: the old original is gone, the new one published" || bad "replaced photo: $a2"

story false
"$ts" build "$site" >"$tmp/log" 2>&1 || { cat "$tmp/log"; bad "rebuild with originals: false"; }
! ls "$site/public/walk" | grep -q -- '-original\.' && ! grep -q 'class="original"' "$page" &&
  ok "originals: false again removes the originals and their links" || bad "originals left behind"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
