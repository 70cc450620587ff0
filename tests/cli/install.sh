#!/usr/bin/env bash
# `cmake --install` into a temporary prefix with DESTDIR, then the
# installed tearsheet, run from another folder with a clean environment
# (no PATH, LD_LIBRARY_PATH or folder of the build), builds and signs a
# copy of the example site: the image module is found in lib/tearsheet/
# relative to the binary, and no file of the build folder is opened
# (LD_DEBUG lists every library the process loads).
# usage: install.sh BUILD_DIR SOURCE_DIR STANDIN
set -u
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd) standin=$3
. "$src/tests/cli/lib.sh"
need cmake
tmp=$(mktemp -d /tmp/ts-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=/opt/tearsheet-test
dest=$tmp/dest
root=$dest$prefix

DESTDIR=$dest cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1
check "cmake --install with DESTDIR and --prefix" test $? -eq 0 || cat "$tmp/install.log"
for f in bin/tearsheet lib/tearsheet/tearsheet-vips.so share/man/man1/tearsheet.1.gz \
  share/man/man5/tearsheet-site.yaml.5.gz share/bash-completion/completions/tearsheet \
  share/tearsheet/themes/default/layout.mustache share/tearsheet/themes/default/style.css \
  share/doc/tearsheet/copyright share/doc/tearsheet/changelog.gz; do
  check "installed $f" test -f "$root/$f"
done
check "the binary is executable" test -x "$root/bin/tearsheet"
check "the module is 0644 (loaded, never run)" test "$(stat -c %a "$root/lib/tearsheet/tearsheet-vips.so")" = 644
outside=$(cd "$dest" && find . -mindepth 1 ! -path ".$prefix" ! -path ".$prefix/*" ! -path ./opt)
check "nothing installed outside DESTDIR/--prefix" test -z "$outside"
check "the man page is the source's" cmp -s <(gzip -dc "$root/share/man/man1/tearsheet.1.gz") "$src/man/tearsheet.1"

# the example site, copied without anything a previous build left
cp -r "$src/examples/site" "$tmp/site"
rm -rf "$tmp/site/public" "$tmp/site/.tearsheet" "$tmp/site/stories/kim-ryon-hui/"*.jpg
"$standin" "$tmp/site/stories/kim-ryon-hui" >/dev/null || bad "standin made the example photos"
mkdir -p "$tmp/elsewhere"
cd "$tmp/elsewhere" || exit 1

# clean: only what the sanitizers of a test build need beside PATH
run() {
  env -i HOME="$tmp" PATH=/usr/bin:/bin ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" "$@"
}
run "$root/bin/tearsheet" --version >"$tmp/version" 2>&1
check "installed tearsheet --version exits 0" test $? -eq 0
cat "$tmp/version"
check "--version: the module from lib/tearsheet/ under the prefix" \
  grep -q "^libvips [0-9.]* (image module $root/lib/tearsheet/tearsheet-vips.so)" "$tmp/version"

run env LD_DEBUG=files LD_DEBUG_OUTPUT="$tmp/ld" "$root/bin/tearsheet" build ../site >"$tmp/build.log" 2>&1
rc=$?
cat "$tmp/build.log"
check "installed tearsheet build ../site exits 0" test $rc -eq 0
check "the story page was built" test -s "$tmp/site/public/kim-ryon-hui/index.html"
loaded=$(cat "$tmp"/ld.* 2>/dev/null | sed -n 's/.*file=\([^ ]*\) .*generating link map.*/\1/p' | sort -u)
check "the installed module was loaded" grep -qx "$root/lib/tearsheet/tearsheet-vips.so" <<<"$loaded"
from_build=$(grep -F "$build" <<<"$loaded")
check "no library from the build folder was loaded" test -z "$from_build"
[ -n "$from_build" ] && echo "$from_build"
check "the build log names no build folder" test -z "$(grep -F "$build" "$tmp/build.log")"

photos=$(ls "$tmp"/site/public/kim-ryon-hui/*.jpg "$tmp"/site/public/kim-ryon-hui/*.webp 2>/dev/null)
check "derivatives were written ($(echo "$photos" | grep -c .))" test -n "$photos"
run "$root/bin/tearsheet" verify --json --trust "$tmp/site/.tearsheet/keys/trust-anchor.pem" \
  $photos >"$tmp/verify.json" 2>&1
check "installed tearsheet verify: every derivative exits 0" test $? -eq 0
n_trusted=$(grep -c '"validation_state": "Trusted"' "$tmp/verify.json")
check "every derivative is signed and Trusted ($n_trusted of $(echo "$photos" | grep -c .))" \
  test "$n_trusted" -eq "$(echo "$photos" | grep -c .)"
finish
