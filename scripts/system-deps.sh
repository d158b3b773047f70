#!/usr/bin/env bash
# Installs the Debian packages the product and its tests need, once. Needs root (or sudo) only when
# something is missing.
set -euo pipefail
packages=(chromium chromium-driver fonts-dejavu-core fonts-liberation2 fonts-wqy-zenhei fonts-freefont-ttf)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
