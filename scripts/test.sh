#!/usr/bin/env bash
# Install what the tests need on a fresh Debian machine, then run the whole suite.
# The browser tests use Debian's chromium (Playwright must never download one)
# and fonts-noto-cjk (without it every Chinese character renders as a box).
set -euo pipefail
cd "$(dirname "$0")/.."

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
need_apt=()
for package in chromium fonts-noto-cjk; do
  installed "$package" || need_apt+=("$package")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing Debian packages: ${need_apt[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt

python3 -m pytest "$@"
