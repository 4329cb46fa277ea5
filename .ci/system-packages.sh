#!/usr/bin/env bash
# Debian packages the test suite needs, installed once on a fresh machine (CI runs as root):
#   chromium, chromium-driver  the browser tests of the built book (tests/book)
#   postgresql                 the grader's PostgreSQL gradebook test (a server the test starts itself)
#   bubblewrap                 the grader's sandbox
# Quick when everything is already there: apt is not touched at all.
set -euo pipefail
PACKAGES=(chromium chromium-driver postgresql bubblewrap)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages present: ${PACKAGES[*]}"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
