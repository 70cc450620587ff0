#!/usr/bin/env bash
# Installs the Debian 12 packages tearsheet needs to build, test and
# benchmark, but only those that are missing (so a second run is quick
# and needs no network). Run as root, or as a user with sudo.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libvips-dev libjpeg62-turbo-dev libwebp-dev libmd4c-dev libyaml-dev libexpat1-dev libjansson-dev
  libmicrohttpd-dev libssl-dev libcbor-dev libbrotli-dev libsqlite3-dev libcmocka-dev
  libimage-exiftool-perl libvips-tools python3 fonts-dejavu-core
  trang libxml2-utils
)
if [ "${1:-}" = "--bench" ]; then
  packages+=(imagemagick graphicsmagick hugo libjpeg-turbo-progs webp libavif-bin time)
fi
if [ "${1:-}" = "--browser" ] || [ "${2:-}" = "--browser" ]; then
  packages+=(chromium)
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
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
