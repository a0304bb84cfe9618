#!/usr/bin/env bash
# Installs what the workbench needs and is missing on this machine: the Debian packages listed in
# build/apt-packages.txt (or in the file given), then, as the tests run every notebook in Jupyter, what `make jupyter`
# installs (build/jupyter.sh). Safe to run again: it only installs what is not already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
list="${1:-$here/apt-packages.txt}"
mapfile -t wanted < <(sed -e 's/#.*//' -e '/^\s*$/d' "$list")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup: done"
else
  echo "setup: Debian packages present (${#wanted[@]} listed in $(basename "$list"))"
fi
[ $# -eq 0 ] && bash "$here/jupyter.sh"
exit 0
