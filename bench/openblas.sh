#!/usr/bin/env bash
# Prints a folder holding Debian's OpenBLAS (OpenMP build, libblas.so.3) for the PyTorch side of `make bench`: the
# installed libopenblas0-openmp if there is one, else that package unpacked (not installed: the system's BLAS choice is
# left alone) under .cache/openblas. Prints nothing if neither works; the benchmark then says PyTorch ran on its default BLAS.
set -euo pipefail
installed=/usr/lib/x86_64-linux-gnu/openblas-openmp
if [ -e "$installed/libblas.so.3" ]; then echo "$installed"; exit 0; fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="$repo/.cache/openblas"
dir="$cache/usr/lib/x86_64-linux-gnu/openblas-openmp"
if [ ! -e "$dir/libblas.so.3" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  if (cd "$tmp" && apt-get download -q libopenblas0-openmp >/dev/null 2>&1); then
    mkdir -p "$cache" && dpkg -x "$tmp"/libopenblas0-openmp_*.deb "$cache"
  else
    echo "bench/openblas.sh: could not download libopenblas0-openmp (apt-get update first?)" >&2
  fi
fi
[ -e "$dir/libblas.so.3" ] && echo "$dir"
exit 0
