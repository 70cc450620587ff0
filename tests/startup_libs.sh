#!/usr/bin/env bash
# Libraries a command does not use are not mapped (docs/performance.md
# "Start-up"): `tearsheet build` of a small site (the golden site: its
# first build and a no-op rebuild) and `tearsheet build --help` load
# neither libcurl, libpq nor libmicrohttpd, nor what only they pull in
# (Kerberos, LDAP, libssh2, librtmp, GnuTLS). The dynamic loader's own
# account of the files it opens (LD_DEBUG=files) is the witness;
# `tearsheet --version`, which opens all three on purpose, shows that
# the same check sees them when they are loaded, and libyaml, linked,
# that the account is there at all. And a library that cannot be loaded
# is named with its Debian package (by serve and --version).
# usage: startup_libs.sh TEARSHEET SOURCE_DIR
set -u
ts=$1 src=$2
tmp=$(mktemp -d /tmp/ts-startup-libs-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { # check WHAT CMD...
  if "${@:2}" >"$tmp/why" 2>&1; then pass=$((pass + 1)); echo "ok   $1"
  else fail=$((fail + 1)); echo "FAIL $1"; head -20 "$tmp/why"; fi
}
only_used='libcurl\.so|libpq\.so|libkrb5\.so|libgssapi_krb5\.so|libldap-|libssh2\.so|librtmp\.so|libmicrohttpd\.so|libgnutls\.so'
# loaded NAME: the libraries NAME's run opened, one a line
loaded() { grep -o 'file=[^ ]*' "$tmp/$1.ld" | sort -u; }
none_of_them() { ! loaded "$1" | grep -E "$only_used"; }
# run NAME CMD...: CMD with the loader's account in $tmp/NAME.ld
run() {
  local name=$1; shift
  LD_DEBUG=files LD_DEBUG_OUTPUT="$tmp/$name.ld" "$@" >"$tmp/$name.out" 2>&1
  echo $? >"$tmp/$name.rc"
  cat "$tmp/$name.ld".* >"$tmp/$name.ld" 2>/dev/null; rm -f "$tmp/$name.ld".*
}

cp -r "$src/tests/golden/site/input" "$tmp/site"
run build "$ts" build "$tmp/site" -o "$tmp/out"
check "build: exit 0" grep -qx 0 "$tmp/build.rc"
check "build: the loader's account names libyaml" sh -c "grep -q 'file=libyaml' '$tmp/build.ld'"
check "build: no libcurl, libpq, libmicrohttpd or what only they need" none_of_them build
run noop "$ts" build "$tmp/site" -o "$tmp/out"
check "no-op build: exit 0" grep -qx 0 "$tmp/noop.rc"
check "no-op build: no libcurl, libpq, libmicrohttpd or what only they need" none_of_them noop
run help "$ts" build --help
check "build --help: no libcurl, libpq, libmicrohttpd or what only they need" none_of_them help
run version "$ts" --version
check "--version: reports libcurl, libpq and libmicrohttpd" \
  sh -c "grep -q '^libcurl [0-9]' '$tmp/version.out' && grep -q '^libpq [0-9]' '$tmp/version.out' &&
         grep -q '^libmicrohttpd [0-9]' '$tmp/version.out'"
loaded version >"$tmp/version.libs"
check "--version: the same check sees libcurl loaded" grep -q 'libcurl\.so' "$tmp/version.libs"
check "--version: the same check sees libpq loaded" grep -q 'libpq\.so' "$tmp/version.libs"
check "--version: the same check sees libmicrohttpd loaded" grep -q 'libmicrohttpd\.so' "$tmp/version.libs"

# A library that cannot be loaded (here a file of its soname that is no
# library, found first through LD_LIBRARY_PATH) is named with its Debian
# package: serve stops with exit 1, --version says so for each.
mkdir "$tmp/broken"
for so in libmicrohttpd.so.12 libcurl.so.4 libpq.so.5; do : >"$tmp/broken/$so"; done
LD_LIBRARY_PATH="$tmp/broken" timeout 120 "$ts" serve "$tmp/site" -o "$tmp/out" --listen 127.0.0.1:0 \
  >"$tmp/serve.out" 2>&1
echo $? >"$tmp/serve.rc"
check "serve without libmicrohttpd: exit 1" grep -qx 1 "$tmp/serve.rc"
check "serve without libmicrohttpd: the library and its package named" \
  grep -q 'error: serve: tearsheet serve needs libmicrohttpd.so.12 (Debian package libmicrohttpd12), which cannot be loaded' "$tmp/serve.out"
LD_LIBRARY_PATH="$tmp/broken" "$ts" --version >"$tmp/broken.out" 2>&1
for lib in "libmicrohttpd libmicrohttpd.so.12 libmicrohttpd12" "libcurl libcurl.so.4 libcurl4" "libpq libpq.so.5 libpq5"; do
  set -- $lib
  check "--version without $1: named with its package" \
    grep -q "^$1: not available: .* needs $2 (Debian package $3), which cannot be loaded" "$tmp/broken.out"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
