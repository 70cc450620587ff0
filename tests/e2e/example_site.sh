#!/usr/bin/env bash
# End-to-end: what a newcomer does. Builds the project's example site
# from a copy (stand-in photos made by tools/standin), checks the story
# page reads like the seed and the derivatives keep rights but drop
# private data, rebuilds from the cache, and checks that bad input
# (missing photo, truncated JPEG, a text file named .jpg) is reported
# with file and reason while the rest of the site still builds.
#
# Two tests run it (tests/e2e.cmake): `e2e_example_site` (MODE self:
# needs only what the README installs) and `e2e_example_site_corpus`
# (MODE corpus: privacy of real camera files and a signed original's
# provenance, from ../shared; Skipped without it, tests/lib/skip.sh).
#
# usage: example_site.sh self|corpus TEARSHEET STANDIN SOURCE_DIR SHARED_DIR
set -u
. "$(dirname "$0")/../lib/skip.sh"
mode=$1 ts=$2 standin=$3 src=$4 shared=$5
command -v exiftool >/dev/null && command -v python3 >/dev/null && command -v vips >/dev/null ||
  ts_skip "exiftool, python3 or vips not installed (scripts/deps.sh installs them)"
if [ "$mode" = corpus ]; then
  for f in metadata/exiftool_GPS.jpg metadata/exiv2_exiv2-nikon-d70.jpg c2pa/CACA.jpg; do
    [ -f "$shared/corpus/$f" ] || ts_skip "$shared/corpus/$f is absent (the project's ../shared folder)"
  done
fi
tmp=$(mktemp -d /tmp/ts-e2e-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check NAME COMMAND...
  local name=$1; shift
  if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); echo "ok   $name"
  else fail=$((fail + 1)); echo "FAIL $name"; fi
}
has() { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qF -- "$2" "$1"; }

if [ "$mode" = self ]; then
cp -r "$src/examples/site" "$tmp/site"
rm -rf "$tmp/site/public" "$tmp/site/.tearsheet"
"$standin" "$tmp/site/stories/kim-ryon-hui" >/dev/null
"$ts" build "$tmp/site" >"$tmp/build1.log" 2>&1
check "example site builds (exit 0)" test $? -eq 0
story="$tmp/site/public/kim-ryon-hui/index.html"
check "story page exists" test -f "$story"
check "index page exists" test -f "$tmp/site/public/index.html"
check "404 page exists" test -f "$tmp/site/public/404.html"
for heading in "Introduction" "Background" "Life in South Korea" \
               "International Attention and Human Rights Debate" \
               "A Symbol of Complexity on a Divided Peninsula" "Personal Thoughts" \
               "Authentic Photographs of Kim Ryon-hui"; do
  check "story has section: $heading" has "$story" "$heading"
done
check "story title" has "$story" "Kim Ryon-hui: The North Korean Defector Who Wants to Go Home"
check "caption 1 from IPTC" has "$story" "is directed to look to the left of the frame"
check "caption 2 from IPTC" has "$story" "self-proclaimed Pyongyang citizen"
check "credit from IPTC" has "$story" "Jun Michael Park"
check "date from IPTC" has "$story" "27 January 2022"
check "place from IPTC" has "$story" "Seoul, South Korea"
check "alt text from IPTC, not the caption" has "$story" 'alt="Stand-in image:'
check "publication note" has "$story" "Der Spiegel"
check "licensing link" has "$story" "License this photo"
check "picture with webp source" has "$story" 'type="image/webp"'
check "srcset with widths" grep -qE 'srcset="[^"]*-480\.webp 480w' "$story"
check "width and height on img" grep -qE '<img [^>]*width="[0-9]+" height="[0-9]+"' "$story"
check "first photo not lazy" sh -c "grep -o '<img [^>]*>' '$story' | head -1 | grep -vq 'loading=\"lazy\"'"
check "later photos lazy" sh -c "grep -o '<img [^>]*>' '$story' | tail -1 | grep -q 'loading=\"lazy\"'"
check "NewsArticle JSON-LD" has "$story" '"@type":"NewsArticle"'
base=http://127.0.0.1:8080/
pub="$tmp/site/public"
check "story: ImageObject with all six rights properties for every photo" \
  python3 "$src/tests/e2e/check_jsonld.py" "$story" --article --photos 2 --base $base
check "index: ImageObject for the cover" \
  python3 "$src/tests/e2e/check_jsonld.py" "$pub/index.html" --photos 1 --base $base

# licensing: the inquiry server's list of photos, one form page per photo
check "api/photos.json lists both photos" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ids = sorted(p["id"] for p in d["photos"])
assert ids == ["kim-ryon-hui/kim-ryon-hui-01", "kim-ryon-hui/kim-ryon-hui-02"], ids
for p in d["photos"]:
    assert p["headline"] and p["title"] and "job_id" in p, p
    assert p["page"] == p["id"] + "/", p  # its own page
' "$pub/api/photos.json"
for id in kim-ryon-hui-01 kim-ryon-hui-02; do
  form="$pub/license/kim-ryon-hui/$id/index.html"
  check "$id: form page exists" test -f "$form"
  check "$id: figure links to its form" has "$story" "href=\"../license/kim-ryon-hui/$id/\""
  check "$id: form posts to the API, relative to the page" \
    has "$form" '<form class="inquiry" method="post" action="../../../api/inquiries"'
  check "$id: form names the photo" \
    has "$form" "<input type=\"hidden\" name=\"photo_id\" value=\"kim-ryon-hui/$id\">"
  check "$id: token input for the server" \
    has "$form" '<input type="hidden" name="token" value="" data-tearsheet-token>'
  check "$id: honeypot hidden from people" grep -qE \
    '<input [^>]*name="website"[^>]*class="hp" aria-hidden="true" tabindex="-1" autocomplete="off"' "$form"
  for f in name organisation email country usage territory start_date duration size_placement \
           print_run deadline budget description; do
    check "$id: field $f with a label" python3 -c '
import re, sys
h = open(sys.argv[1]).read(); f = sys.argv[2]
m = re.search(r"<(input|select|textarea) id=\"([^\"]+)\" name=\"%s\"" % f, h)
assert m and ("<label for=\"%s\">" % m.group(2)) in h
' "$form" "$f"
  done
  for v in editorial commercial advertising non-profit personal; do
    check "$id: usage $v" has "$form" "<option value=\"$v\">"
  done
  for v in print web social book tv-film outdoor; do
    check "$id: media $v" has "$form" "name=\"media\" value=\"$v\""
  done
  check "$id: exclusivity" sh -c "grep -q 'name=\"exclusivity\" value=\"none\"' '$form' && grep -q 'name=\"exclusivity\" value=\"exclusive\"' '$form'"
  check "$id: consent required" has "$form" 'name="consent" value="yes" required'
  for f in name email country usage territory start_date duration description; do
    check "$id: $f required" grep -qE "name=\"$f\"[^>]* required" "$form"
  done
  for f in organisation size_placement print_run deadline budget; do
    check "$id: $f optional" sh -c "! grep -qE 'name=\"$f\"[^>]* required' '$form'"
  done
  for lim in 'name="name" type="text" maxlength="200"' 'name="email" type="email" maxlength="254"' \
             'name="description" rows="6" maxlength="5000"' 'name="budget" type="text" maxlength="100"'; do
    check "$id: limit $lim" has "$form" "$lim"
  done
  check "$id: photo summary with thumbnail" grep -qE '<img src="../../../kim-ryon-hui/[^"]+-480\.jpg"' "$form"
  check "$id: form page has the ImageObject" \
    python3 "$src/tests/e2e/check_jsonld.py" "$form" --photos 1 --base $base
done
check "licensing page ends with the general form" \
  has "$pub/licensing/index.html" '<form class="inquiry" method="post" action="../api/inquiries"'
check "general form's photo_id is general" \
  has "$pub/licensing/index.html" '<input type="hidden" name="photo_id" value="general">'
check "general form has the token input" \
  has "$pub/licensing/index.html" '<input type="hidden" name="token" value="" data-tearsheet-token>'
check "thanks page" has "$pub/licensing/thanks/index.html" "Your inquiry was received"
check "lang attribute" has "$story" '<html lang="en">'
deriv=$(ls "$tmp"/site/public/kim-ryon-hui/*-960.jpg | head -1)
check "derivative written" test -f "$deriv"
{
  exiftool -j -G1 "$deriv" >"$tmp/deriv.json" 2>&1
  check "derivative keeps creator" has "$tmp/deriv.json" "Jun Michael Park"
  check "derivative keeps copyright" has "$tmp/deriv.json" "2022 Jun Michael Park"
  check "derivative keeps caption" has "$tmp/deriv.json" "directed to look to the left"
  check "derivative has no GPS" hasnt "$tmp/deriv.json" "GPS"
  for f in "$tmp"/site/public/kim-ryon-hui/*.jpg "$tmp"/site/public/kim-ryon-hui/*.webp; do
    exiftool -j -G1 "$f" >"$tmp/r.json" 2>&1
    check "$(basename "$f"): XMP-xmpRights:WebStatement" has "$tmp/r.json" '"XMP-xmpRights:WebStatement": "http'
    check "$(basename "$f"): XMP-plus:Licensor" has "$tmp/r.json" '"XMP-plus:LicensorURL": "http'
  done
}

# rights: a photo without embedded licence fields takes its entry in the
# story's `photos:` first, then the story's, then the site's; with no
# licensor URL anywhere it is the photo's own inquiry form
{
  mkdir -p "$tmp/rights/stories/rights"
  cp "$tmp/site/site.yaml" "$tmp/rights/"
  for n in plain other; do
    cp "$tmp/site/stories/kim-ryon-hui/kim-ryon-hui-02.jpg" "$tmp/rights/stories/rights/$n.jpg"
    exiftool -q -overwrite_original -XMP-plus:all= -XMP-xmpRights:UsageTerms= \
      -XMP-iptcCore:AltTextAccessibility= "$tmp/rights/stories/rights/$n.jpg"
  done
  exiftool -q -overwrite_original -XMP-photoshop:TransmissionReference=JOB-2024-042 \
    -IPTC:OriginalTransmissionReference=JOB-2024-042 "$tmp/rights/stories/rights/plain.jpg"
  printf -- '---\ntitle: Rights\ndate: 2024-02-02\nlicense:\n  usage_terms: Story terms\nphotos:\n  plain.jpg:\n    alt: Alt from the front matter\n    license:\n      usage_terms: Photo terms\n  gone.jpg:\n    alt: a typo\n---\n\n![](plain.jpg)\n\n![](other.jpg)\n' \
    >"$tmp/rights/stories/rights/story.md"
  "$ts" build "$tmp/rights" >"$tmp/rights.log" 2>&1
  check "rights site builds" test $? -eq 0
  check "photos: entry for a file not shown is warned about" has "$tmp/rights.log" "'gone.jpg' is not shown in this story"
  rp="$tmp/rights/public/rights"
  exiftool -j -G1 $(ls "$rp"/plain.*-960.jpg) >"$tmp/plain.json" 2>&1
  exiftool -j -G1 $(ls "$rp"/other.*-960.jpg) >"$tmp/other.json" 2>&1
  check "per-photo usage terms win over the story's" has "$tmp/plain.json" '"XMP-xmpRights:UsageTerms": "Photo terms"'
  check "story usage terms for the other photo" has "$tmp/other.json" '"XMP-xmpRights:UsageTerms": "Story terms"'
  check "licensor URL defaults to the photo's form" has "$tmp/plain.json" \
    '"XMP-plus:LicensorURL": "http://127.0.0.1:8080/license/rights/plain/"'
  check "acquireLicensePage is the photo's form" has "$rp/index.html" \
    '"acquireLicensePage":"http://127.0.0.1:8080/license/rights/other/"'
  check "alt from the front matter" has "$rp/index.html" 'alt="Alt from the front matter"'
  check "photos.json carries the job id, null when there is none" python3 -c '
import json, sys
d = {p["id"]: p for p in json.load(open(sys.argv[1]))["photos"]}
assert d["rights/plain"]["job_id"] == "JOB-2024-042", d
assert d["rights/other"]["job_id"] is None, d
' "$tmp/rights/public/api/photos.json"
  check "form page shows the job id" has "$tmp/rights/public/license/rights/plain/index.html" "<dt>Job</dt><dd>JOB-2024-042</dd>"
  check "rights story: every photo described" \
    python3 "$src/tests/e2e/check_jsonld.py" "$rp/index.html" --article --photos 2
}

# content credentials: every photo's panel, the page that explains it,
# and the downloadable signed file verifies with our own validator
check "content credentials panel" has "$story" '<details class="credentials">'
check "panel says what was done" has "$story" "opened, then resized"
check "panel offers the signed file" grep -qE 'href="[^"]+-[0-9]+\.jpg" download' "$story"
check "content credentials page" test -f "$tmp/site/public/content-credentials/index.html"
signed=$(ls "$tmp"/site/public/kim-ryon-hui/*.jpg | head -1)
"$ts" verify "$signed" >"$tmp/verify.txt" 2>&1
check "derivative verifies (exit 0)" test $? -eq 0
check "verify names the signer" has "$tmp/verify.txt" "tearsheet demo signer"

# second build: everything from the cache, same output
"$ts" build "$tmp/site" >"$tmp/build2.log" 2>&1
check "rebuild exit 0" test $? -eq 0
check "rebuild takes photos from the cache" has "$tmp/build2.log" "(0 made, 2 unchanged)"
# a no-op rebuild renders no page, the site's own pages/ included; an
# edited page is the one page rendered again
"$ts" build "$tmp/site" --stats >"$tmp/build2b.log" 2>&1
check "no-op rebuild renders 0 pages" grep -q "pages_rendered=0" "$tmp/build2b.log"
printf '\nAn added line.\n' >>"$tmp/site/pages/about.md"
"$ts" build "$tmp/site" --stats >"$tmp/build2c.log" 2>&1
check "an edited pages/about.md is the one page rendered" grep -q "pages_rendered=1 " "$tmp/build2c.log"
check "the edit is on the page" has "$tmp/site/public/about/index.html" "An added line."

# bad input: the rest of the site still builds, exit 1, messages name the files
mkdir -p "$tmp/site/stories/broken"
printf -- '---\ntitle: Broken\ndate: 2024-01-01\n---\n\nText.\n\n![](missing.jpg)\n\n![](cut.jpg)\n\n![](notes.jpg)\n' \
  >"$tmp/site/stories/broken/story.md"
head -c 2000 "$tmp/site/stories/kim-ryon-hui/kim-ryon-hui-01.jpg" >"$tmp/site/stories/broken/cut.jpg"
echo "this is not a photo" >"$tmp/site/stories/broken/notes.jpg"
"$ts" build "$tmp/site" >"$tmp/build3.log" 2>&1
check "bad photos: exit 1" test $? -eq 1
check "missing photo named with story and line" grep -qE "broken/story.md: line 8: photo 'missing.jpg' not found" "$tmp/build3.log"
check "truncated JPEG named" has "$tmp/build3.log" "cut.jpg"
check "non-image named" has "$tmp/build3.log" "notes.jpg"
check "good story still built" test -f "$tmp/site/public/kim-ryon-hui/index.html"
check "broken story page still built" test -f "$tmp/site/public/broken/index.html"

# a photo without alt text: one warning a build, though the photo is the
# story's cover and figure and has its own page and licence form
mkdir -p "$tmp/noalt/stories/s"
printf 'title: No alt\nimages:\n  widths: [320]\n  formats: [jpeg]\n' >"$tmp/noalt/site.yaml"
vips black "$tmp/noalt/stories/s/p.jpg" 400 300 --bands 3
printf -- '---\ntitle: No alt\ncover: p.jpg\n---\n\n![](p.jpg)\n' >"$tmp/noalt/stories/s/story.md"
"$ts" build "$tmp/noalt" >"$tmp/noalt1.log" 2>&1
check "no alt text: said once a build" test "$(grep -c "has no alt text" "$tmp/noalt1.log")" -eq 1
"$ts" build "$tmp/noalt" >"$tmp/noalt2.log" 2>&1
check "no alt text: said once again by a rebuild" test "$(grep -c "has no alt text" "$tmp/noalt2.log")" -eq 1
# twelve of them: a rebuild that renders none of their pages says ten
# one by one and counts the other two in one line (docs/site.md)
for i in 01 02 03 04 05 06 07 08 09 10 11; do
  cp "$tmp/noalt/stories/s/p.jpg" "$tmp/noalt/stories/s/p$i.jpg"
  printf '\n![](p%s.jpg)\n' "$i" >>"$tmp/noalt/stories/s/story.md"
done
"$ts" build "$tmp/noalt" >"$tmp/noalt3.log" 2>&1
check "twelve without alt text: each said by the build that renders them" \
  test "$(grep -c "has no alt text" "$tmp/noalt3.log")" -eq 12
"$ts" build "$tmp/noalt" >"$tmp/noalt4.log" 2>&1
check "twelve without alt text: ten said again by a rebuild" \
  test "$(grep -c "has no alt text" "$tmp/noalt4.log")" -eq 10
check "twelve without alt text: the other two counted in one line" \
  has "$tmp/noalt4.log" "warning: 2 more warnings of pages not rendered again"

# tearsheet new: a newcomer's site builds as it comes
"$ts" new "$tmp/mysite" >/dev/null 2>&1
check "new: scaffold created" test -f "$tmp/mysite/site.yaml"
"$ts" build "$tmp/mysite" -o "$tmp/out" >/dev/null 2>&1
check "new: scaffold builds into -o DIR" test -f "$tmp/out/my-first-story/index.html"
"$ts" new "$tmp/mysite" >/dev/null 2>&1
check "new: refuses an existing site (exit 2)" test $? -eq 2
"$ts" build --bogus >/dev/null 2>&1
check "usage error exits 2" test $? -eq 2

fi

if [ "$mode" = corpus ]; then
# privacy: GPS and serial numbers never reach a derivative
{
  mkdir -p "$tmp/priv/stories/privacy"
  cp "$shared/corpus/metadata/exiftool_GPS.jpg" "$shared/corpus/metadata/exiv2_exiv2-nikon-d70.jpg" \
     "$tmp/priv/stories/privacy/"
  printf -- '---\ntitle: Privacy\n---\n\n![](exiftool_GPS.jpg)\n\n![](exiv2_exiv2-nikon-d70.jpg)\n' \
    >"$tmp/priv/stories/privacy/story.md"
  "$ts" build "$tmp/priv" >"$tmp/build4.log" 2>&1
  check "privacy site builds" test $? -eq 0
  for f in "$tmp"/priv/public/privacy/*.jpg "$tmp"/priv/public/privacy/*.webp; do
    exiftool -j -G1 -a "$f" >"$tmp/p.json" 2>&1
    n=$(basename "$f")
    check "$n: no GPS" sh -c "! grep -q '\"GPS' '$tmp/p.json'"
    check "$n: no serial" sh -c "! grep -qiE 'SerialNumber|MakerNote|ThumbnailImage' '$tmp/p.json'"
    case $n in
      exiftool-gps*) check "$n: keeps creator" has "$tmp/p.json" "Ian Britton"
                     check "$n: keeps copyright" has "$tmp/p.json" "ian Britton - FreeFoto.com" ;;
    esac
  done
}

# provenance chain: an original signed by its own tool (CACA.jpg) keeps
# its credentials inside our signed derivative, and the panel says so
{
  mkdir -p "$tmp/cc/stories/s"
  printf 'title: CC\nsigning_key: .tearsheet/keys\nimages:\n  widths: [480]\n' >"$tmp/cc/site.yaml"
  cp "$shared/corpus/c2pa/CACA.jpg" "$tmp/cc/stories/s/"
  printf -- '---\ntitle: CC\n---\n\n![a test picture](CACA.jpg)\n' >"$tmp/cc/stories/s/story.md"
  "$ts" build "$tmp/cc" >"$tmp/build5.log" 2>&1
  check "signed original: site builds" test $? -eq 0
  "$ts" verify "$tmp"/cc/public/s/*.jpg >"$tmp/verify5.txt" 2>&1
  check "signed original: derivative verifies" test $? -eq 0
  check "signed original: its credentials are carried" has "$tmp/verify5.txt" "which has its own content credentials"
  check "signed original: panel names the original's signer" has "$tmp/cc/public/s/index.html" "<dt>The original</dt>"
  check "untrusted signer said so on the panel" has "$tmp/cc/public/s/index.html" "not on a public trust list"
  # with the site's own anchor as `trust:`, the same signature is Trusted
  printf 'trust: .tearsheet/keys/trust-anchor.pem\n' >>"$tmp/cc/site.yaml"
  "$ts" build "$tmp/cc" >"$tmp/build6.log" 2>&1
  check "trust: anchors accepted" test $? -eq 0
  check "trust: panel says the signer is trusted" has "$tmp/cc/public/s/index.html" "The signer is on a trust list."
  check "trust: the explanation page no longer says untrusted" hasnt "$tmp/cc/public/content-credentials/index.html" "not on a public trust list"
}

fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
