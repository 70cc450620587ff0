#!/usr/bin/env bash
# Builds the Debian package of tearsheet, tearsheet_<version>_<arch>.deb,
# from a release build with CPack (cmake/install.cmake: the same files
# `cmake --install` installs, under /usr; Depends computed by
# dpkg-shlibdeps from the binary and the image module), checks it with
# lintian, and prints where it is. Install it with
#   sudo apt-get install ./build/release/package/tearsheet_<version>_<arch>.deb
# (docs/install.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --package
cmake --preset release >/dev/null
cmake --build build/release -j"$(nproc)"
rm -f build/release/package/tearsheet_*.deb
(cd build/release && cpack -G DEB >/dev/null)
deb=$(ls build/release/package/tearsheet_*.deb)
dpkg-deb --field "$deb" Package Version Architecture Depends Suggests Section
echo "lintian $deb:"
# errors fail the script; warnings and notes are shown
lintian --fail-on error --display-info "$deb"
echo "Built $deb"
