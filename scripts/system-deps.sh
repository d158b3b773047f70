#!/usr/bin/env bash
# Installs the Debian packages the product and its tests need, once. Needs root (or sudo) only when
# something is missing, so a second run on a set-up machine asks for nothing.
set -euo pipefail
packages=(
  python3-venv                 # `python3 -m venv` on Debian: the .venv of `make run` / `make test`
  fonts-dejavu-core fonts-liberation fonts-wqy-zenhei fonts-freefont-ttf  # synthetic card generator
  chromium chromium-driver     # the browser tests drive Debian's Chromium through Playwright
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Missing Debian packages (${missing[*]}): run as root or install sudo." >&2; exit 1; }
  sudo="sudo"
fi
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
