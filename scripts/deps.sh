#!/usr/bin/env bash
# Installs the Debian 12 packages tearsheet needs to build, test,
# package (--package) and benchmark (--bench), but only those that are missing (so a second run is quick
# and needs no network). Run as root, or as a user with sudo.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libvips-dev libjpeg62-turbo-dev libwebp-dev libmd4c-dev libyaml-dev libexpat1-dev libjansson-dev
  libmicrohttpd-dev libssl-dev libcbor-dev libbrotli-dev libsqlite3-dev libcmocka-dev
  libcurl4-openssl-dev
  libpq-dev  # the inquiry store's PostgreSQL engine (src/serve/store_pg.c)
  libimage-exiftool-perl libvips-tools python3 fonts-dejavu-core openssl
  libgs-common  # a98.icc: the Adobe RGB photos of unit_image and bench/run.sh
  mandoc        # tests/cli/docs.sh: mandoc -T lint on the man pages
  nginx  # serve_kill_load_nginx: two servers behind it (never started as a service by the test)
  postgresql-15  # store_pg, serve_kill_load_pg: a throw-away cluster (initdb in a temp folder; the service is not used)
  trang libxml2-utils  # share_site: Atom validated against RFC 4287's RELAX NG schema
)
if [ "${1:-}" = "--package" ]; then
  # scripts/package.sh: CPack's Depends (dpkg-shlibdeps, file), lintian
  packages+=(dpkg-dev file lintian man-db)
fi
if [ "${1:-}" = "--bench" ]; then
  # linux-perf: the profiles in docs/performance.md (perf record -g)
  packages+=(imagemagick graphicsmagick hugo libjpeg-turbo-progs webp libavif-bin time wrk linux-perf)
fi
if [ "${1:-}" = "--browser" ] || [ "${2:-}" = "--browser" ]; then
  # fonts-noto-cjk: Hangul in the Korean pages' tests and screenshots (tests/browser/languages.mjs)
  packages+=(chromium fonts-noto-cjk)
  # Node.js for playwright-core: Debian's, unless a node is already there
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}" >&2
# wait for another apt (an unattended upgrade, a second shell) instead of failing
lock=(-o DPkg::Lock::Timeout=600)
$sudo apt-get "${lock[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2
