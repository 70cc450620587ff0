#!/usr/bin/env bash
# Checks the Debian package on this machine, as a user would meet it
# (issue 17): installs it with dpkg -i, lets apt-get -f install find
# anything missing (nothing should be), runs /usr/bin/tearsheet
# --version, builds and verifies a copy of the example site with it,
# renders `man tearsheet` and `man tearsheet-site.yaml`, completes with
# the installed bash completion, then removes the package with dpkg -r
# and checks that none of its files is left. Needs root and changes the
# system, so it is not a ctest suite: run it by hand after
# scripts/package.sh. Exit 0 when every check passed.
set -u
cd "$(dirname "$0")/.."
deb=$(ls build/release/package/tearsheet_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no package: run bash scripts/package.sh first" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (dpkg -i)" >&2; exit 2; }
. tests/cli/lib.sh
tmp=$(mktemp -d /tmp/ts-package-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# CMD...: run it, waiting while another apt-get or dpkg holds dpkg's
# lock (a shared machine), up to 10 minutes
locked() {
  local i rc
  for i in $(seq 120); do
    "$@" >"$tmp/locked.out" 2>&1
    rc=$?
    grep -q "lock" "$tmp/locked.out" && [ $rc -ne 0 ] || break
    sleep 5
  done
  cat "$tmp/locked.out"
  return $rc
}
echo "# dpkg -i $deb"
locked dpkg -i "$deb"
check "dpkg -i" test $? -eq 0 || { finish; exit 1; }
echo "# apt-get -f install"
locked env DEBIAN_FRONTEND=noninteractive apt-get -f install -y
cp "$tmp/locked.out" "$tmp/apt"
check "apt-get -f install: nothing missing" grep -q "0 newly installed, 0 to remove" "$tmp/apt"
dpkg -L tearsheet | sort >"$tmp/files"
echo "# dpkg -L tearsheet (files)"
while read -r f; do [ -f "$f" ] && echo "$f"; done <"$tmp/files"

echo "# /usr/bin/tearsheet --version"
(cd / && env -i PATH=/usr/bin:/bin tearsheet --version)
check "tearsheet --version from /usr/bin" test $? -eq 0
check "the module is /usr/lib/tearsheet/tearsheet-vips.so" \
  sh -c 'cd / && env -i PATH=/usr/bin:/bin tearsheet --version | grep -q "image module /usr/lib/tearsheet/tearsheet-vips.so"'

echo "# tearsheet build (a copy of the example site)"
cp -r examples/site "$tmp/site"
rm -rf "$tmp/site/public" "$tmp/site/.tearsheet"
if [ ! -f "$tmp/site/stories/kim-ryon-hui/kim-ryon-hui-01.jpg" ]; then
  build/release/tools/standin "$tmp/site/stories/kim-ryon-hui" >/dev/null
fi
(cd "$tmp" && env -i PATH=/usr/bin:/bin HOME="$tmp" tearsheet build site)
check "tearsheet build: exit 0" test $? -eq 0
(cd "$tmp" && env -i PATH=/usr/bin:/bin tearsheet verify --trust site/.tearsheet/keys/trust-anchor.pem \
  site/public/kim-ryon-hui/kim-ryon-hui-01.*-480.jpg)
check "tearsheet verify: the derivative is signed" test $? -eq 0

echo "# man tearsheet | head"
MANWIDTH=80 man tearsheet 2>"$tmp/man.err" | head -12
check "man tearsheet renders without a message" test ! -s "$tmp/man.err"
MANWIDTH=80 man tearsheet-site.yaml 2>"$tmp/man5.err" >/dev/null
check "man tearsheet-site.yaml renders without a message" test ! -s "$tmp/man5.err"
check "man -w finds both pages under /usr/share/man" \
  sh -c 'man -w tearsheet | grep -q ^/usr/share/man/man1/ && man -w 5 tearsheet-site.yaml | grep -q ^/usr/share/man/man5/'

echo "# bash completion, as bash-completion loads it"
got=$(bash -c '. /usr/share/bash-completion/completions/tearsheet
  COMP_WORDS=(tearsheet build --); COMP_CWORD=2; _tearsheet; echo "${COMPREPLY[*]}"')
echo "tearsheet build --<Tab>: $got"
check "completion of build's options" test "$got" = "--output --jobs --stats --help"

echo "# dpkg -r tearsheet"
locked dpkg -r tearsheet
check "dpkg -r" test $? -eq 0
left=$(while read -r f; do [ -f "$f" ] && echo "$f"; done <"$tmp/files")
check "dpkg -r left no file of the package" test -z "$left"
[ -n "$left" ] && echo "$left"
for d in /usr/lib/tearsheet /usr/share/tearsheet /usr/share/doc/tearsheet; do
  check "no $d left" test ! -e "$d"
done
check "dpkg knows no tearsheet" sh -c '! dpkg-query -W -f="\${Status}" tearsheet 2>/dev/null | grep -q installed'
finish
