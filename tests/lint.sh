#!/usr/bin/env bash
# lint end to end: a site of small JPEGs (made by `vips`) whose
# metadata ExifTool writes at test time, one problem per photo, built
# into a story with an "Authentic photographs" section. Checks each
# finding's line (file, field, level), that clean photos have none, the
# exit code (1 with an error, 0 with only warnings), and that the
# project's example site lints clean. Skipped without exiftool or vips
# (tests/lib/skip.sh).
#
# usage: lint.sh TEARSHEET STANDIN SOURCE_DIR
set -u
. "$(dirname "$0")/lib/skip.sh"
ts=$1 standin=$2 src=$3
command -v exiftool >/dev/null && command -v vips >/dev/null ||
  ts_skip "exiftool or vips not installed (scripts/deps.sh installs them)"
tmp=$(mktemp -d /tmp/ts-lint-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); echo "ok   $name"
  else fail=$((fail + 1)); echo "FAIL $name"; fi
}
has() { grep -qE -- "$2" "$1"; }
hasnt() { ! grep -qE -- "$2" "$1"; }

site=$tmp/site
story=$site/stories/lint-story
mkdir -p "$story"
# widths the 32 px test photos reach: only narrow.jpg below is too small
printf 'title: Lint test\nimages:\n  widths: [16, 32]\n' >"$site/site.yaml"
# every photo but one says its rights itself; the site gives no defaults
vips gaussnoise "$tmp/noise.v" 32 24 >/dev/null 2>&1
vips cast "$tmp/noise.v" "$tmp/base.jpg" uchar >/dev/null 2>&1
rights=(-XMP-xmpRights:WebStatement=https://example.com/terms
        "-XMP-plus:Licensor={LicensorURL=https://example.com/license}"
        "-XMP-dc:Creator=Test Photographer" "-XMP-dc:Description=Kim at home in Seoul."
        "-XMP-iptcCore:AltTextAccessibility=A woman sits at a kitchen table.")
mk() { # mk NAME EXIFTOOL-ARGS...
  local name=$1; shift
  cp "$tmp/base.jpg" "$story/$name.jpg"
  exiftool -q -overwrite_original "${rights[@]}" "$@" "$story/$name.jpg"
}
mk clean -XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture
mk gps -GPSLatitude=37.56 -GPSLatitudeRef=N -GPSLongitude=126.97 -GPSLongitudeRef=E
mk locgps "-XMP-iptcExt:LocationShown={City=Seoul,GPSLatitude=37.5,GPSLongitude=127}"
mk noalt -XMP-iptcCore:AltTextAccessibility=
mk altcap "-XMP-iptcCore:AltTextAccessibility=Kim at home in Seoul."
mk tk "-XMP-dc:Description=Kim Ryon-hui, TK, at home."
mk tocome "-XMP-dc:Description=Name to come"
mk olympus "-XMP-dc:Description=OLYMPUS DIGITAL CAMERA"
mk norights -XMP-xmpRights:WebStatement= -XMP-plus:Licensor=
mk embargo "-XMP-photoshop:Instructions=EMBARGOED until 1 March, 06:00 GMT"
mk synthetic -XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia
cp "$story/synthetic.jpg" "$story/synthetic-outside.jpg"
cat >"$story/story.md" <<'MD'
---
title: Lint test
---

## Before

![](synthetic-outside.jpg)

![](noalt.jpg)

![Markdown alt text wins](norights.jpg)

## Authentic photographs

![](clean.jpg)

![](gps.jpg)

### A portrait

![](synthetic.jpg)

![](locgps.jpg)

![](altcap.jpg)

![](tk.jpg)

![](tocome.jpg)

![](olympus.jpg)

![](embargo.jpg)
MD

"$ts" lint "$site" >"$tmp/lint.out" 2>"$tmp/lint.err"
rc=$?
cat "$tmp/lint.out"
check "exit code 1 with error findings" test $rc -eq 1
L=$tmp/lint.out
check "GPS in the original: warning" has "$L" "/gps\.jpg: gps: warning: this photo's GPS position would be published"
check "GPS in LocationShown: warning" has "$L" "/locgps\.jpg: location_shown/created gps: warning"
check "missing alt text: error" has "$L" "/noalt\.jpg: alt_text: error: no alt text"
check "alt text equal to caption: warning" has "$L" "/altcap\.jpg: alt_text: warning: alt text is the caption"
check "TK in caption: error" has "$L" "/tk\.jpg: description: error: .*TK"
check "'Name to come': error" has "$L" "/tocome\.jpg: description: error: .*placeholder"
check "camera text as caption: warning" has "$L" "/olympus\.jpg: description: warning"
check "no web statement: warning" has "$L" "/norights\.jpg: web_statement: warning"
check "no licensor: warning" has "$L" "/norights\.jpg: licensor_url: warning"
check "Markdown alt text counts" hasnt "$L" "/norights\.jpg: alt_text"
check "embargo: error" has "$L" "/embargo\.jpg: instructions: error: .*embargo"
check "synthetic in authentic section: error" has "$L" "/synthetic\.jpg: digital_source_type: error: .*trainedAlgorithmicMedia"
check "synthetic outside the section: nothing" hasnt "$L" "synthetic-outside\.jpg"
check "clean photo: nothing" hasnt "$L" "/clean\.jpg"
check "summary line" has "$L" "^lint: 12 photos in 1 story: 5 errors, 6 warnings$"
check "no stack or sanitizer output" test ! -s "$tmp/lint.err"

# Only warnings: exit 0.
rm "$story"/{noalt,tk,tocome,embargo,synthetic}.jpg
sed -i -e '/noalt\.jpg\|tk\.jpg\|tocome\.jpg\|embargo\.jpg\|(synthetic\.jpg)/d' "$story/story.md"
"$ts" lint "$site" >"$tmp/lint2.out" 2>&1
rc=$?
check "only warnings: exit 0" test $rc -eq 0
check "only warnings: summary" has "$tmp/lint2.out" "^lint: 7 photos in 1 story: 0 errors, 6 warnings$"

# A photo whose caption would fake a finding line stays on one line.
cp "$tmp/base.jpg" "$story/nl.jpg"
exiftool -q -overwrite_original "${rights[@]}" "-XMP-photoshop:Instructions=embargo
x.jpg: alt_text: error: fake" "$story/nl.jpg"
printf '\n![](nl.jpg)\n' >>"$story/story.md"
"$ts" lint "$site" >"$tmp/lint3.out" 2>&1
check "control characters never start a new line" hasnt "$tmp/lint3.out" "^x\.jpg"

# An original narrower than the site's widths: which width it reaches.
vips gaussnoise "$tmp/noise20.v" 20 15 >/dev/null 2>&1
vips cast "$tmp/noise20.v" "$story/narrow.jpg" uchar >/dev/null 2>&1
exiftool -q -overwrite_original "${rights[@]}" "$story/narrow.jpg"
printf '\n![A narrow photo](narrow.jpg)\n' >>"$story/story.md"
"$ts" lint "$site" >"$tmp/lint4.out" 2>&1
check "narrow original: width warning with the width it reaches" has "$tmp/lint4.out" \
  "/narrow\.jpg: width: warning: the original is 20 px wide, narrower than the site's largest width \(32 px\): its largest derivative is 16 px wide"
check "wide enough originals: no width warning" hasnt "$tmp/lint4.out" "/(clean|gps|nl)\.jpg: width:"

# The example site lints clean.
cp -r "$src/examples/site" "$tmp/example"
rm -rf "$tmp/example/public" "$tmp/example/.tearsheet"
"$standin" "$tmp/example/stories/kim-ryon-hui" >/dev/null
"$ts" lint "$tmp/example" >"$tmp/example.out" 2>&1
rc=$?
cat "$tmp/example.out"
check "example site: exit 0" test $rc -eq 0
check "example site: no findings" has "$tmp/example.out" "^lint: 2 photos in 1 story: 0 errors, 0 warnings$"

# A story that publishes its originals: GPS in one is an error (the site
# itself would give the position away).
osite=$tmp/osite
mkdir -p "$osite/stories/walk"
printf 'title: Originals\n' >"$osite/site.yaml"
cp "$story/gps.jpg" "$osite/stories/walk/gps.jpg"
printf -- '---\ntitle: A walk\noriginals: true\n---\n\n![](gps.jpg)\n' >"$osite/stories/walk/story.md"
"$ts" lint "$osite" >"$tmp/lint4.out" 2>&1
rc=$?
check "originals: true, GPS in an original: exit 1" test $rc -eq 1
check "originals: true, GPS in an original: error" has "$tmp/lint4.out" "/gps\.jpg: gps: error: this story publishes its originals"

# A missing site, a usage error.
"$ts" lint "$tmp/nowhere" >/dev/null 2>"$tmp/nowhere.err"
check "missing site folder: exit 2 (usage), like build" test $? -eq 2
check "missing site folder: says so" has "$tmp/nowhere.err" "nowhere: site folder not found"
"$ts" lint a b >/dev/null 2>&1
check "two sites: exit 2" test $? -eq 2

echo "$pass passed, $fail failed"
test $fail -eq 0
