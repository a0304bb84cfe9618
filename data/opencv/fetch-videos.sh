#!/usr/bin/env bash
# Extracts real test videos from Debian's opencv-doc package (4.6.0, BSD/Apache) into data/raw/opencv/ (git-ignored):
#   vtest.avi (768x576, 795 frames, pedestrians), Megamind.avi (720x528, 270 frames), Megamind_bugy.avi (a copy
#   with corrupted frames), tree.avi (320x240), box.mp4 and cup.mp4 (640x480 h264).
# Idempotent and fast when the files are present with the right checksums; otherwise `apt-get download opencv-doc`
# (~96 MB, no install) + extract the few files. Usage: bash data/opencv/fetch-videos.sh [target-dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-$here/../raw/opencv}"
mkdir -p "$target"
target="$(cd "$target" && pwd)"
declare -A sums=(
  [vtest.avi]=45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf
  [Megamind.avi]=0057387cb7e75c8fd1663b62cfdc51fa53f527795d0fe3c1fea2fd159d3130b5
  [Megamind_bugy.avi]=b82dd32d5444031d1a46a133e7554be7b80c54d12e3503a1b1332a540218e22c
  [tree.avi]=4666099d0f704e310047b2f0a5ec9f936cb76a7271de9a2e70a0c57f82ac82dc
  [box.mp4]=62b744b99403f899707c43398a3822441add6160379ab6dd6c12bde9e3075f8d
  [cup.mp4]=37db9cee98f70b1458985a15ad2e5b0183e90e24c281b534afcf812e5986154f
)
ok() { [ -f "$target/$1" ] && [ "$(sha256sum "$target/$1" | cut -d' ' -f1)" = "${sums[$1]}" ]; }
# Fast path: sizes and a stamp written after a verified extraction (checksums only when the stamp is missing).
all_present() { for f in "${!sums[@]}"; do [ -f "$target/$f" ] || return 1; done; }
if [ -f "$target/.verified" ] && all_present; then echo "fetch-videos: present in $target"; exit 0; fi
missing=(); for f in "${!sums[@]}"; do ok "$f" || missing+=("$f"); done
if ((${#missing[@]} == 0)); then touch "$target/.verified"; echo "fetch-videos: present in $target"; exit 0; fi
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
echo "fetch-videos: apt-get download opencv-doc (for ${missing[*]})"
apt-get download opencv-doc >/dev/null 2>"$work/apt.log" || {
  (apt-get update -qq >/dev/null 2>&1 || true); apt-get download opencv-doc >/dev/null 2>"$work/apt.log" || { cat "$work/apt.log" >&2; exit 1; }; }
deb="$(ls opencv-doc_*.deb)"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" \
  ./usr/share/doc/opencv-doc/examples/data/vtest.avi ./usr/share/doc/opencv-doc/examples/data/Megamind.avi \
  ./usr/share/doc/opencv-doc/examples/data/Megamind_bugy.avi ./usr/share/doc/opencv-doc/examples/data/tree.avi \
  ./usr/share/doc/opencv-doc/opencv4/html/box.mp4.gz ./usr/share/doc/opencv-doc/opencv4/html/cup.mp4.gz
src="$work/usr/share/doc/opencv-doc"
for f in vtest.avi Megamind.avi Megamind_bugy.avi tree.avi; do cp "$src/examples/data/$f" "$target/$f.tmp" && mv "$target/$f.tmp" "$target/$f"; done
for f in box.mp4 cup.mp4; do gunzip -c "$src/opencv4/html/$f.gz" > "$target/$f.tmp" && mv "$target/$f.tmp" "$target/$f"; done
for f in "${!sums[@]}"; do ok "$f" || { echo "fetch-videos: checksum mismatch for $f from $deb" >&2; exit 1; }; done
touch "$target/.verified"
echo "fetch-videos: extracted ${#sums[@]} videos from $deb into $target"
