#!/bin/bash
# session43-bf16-train.sh: does the small autoencoder train as well with bfloat16 products? The same seed, data and
# 2,000 steps with --fp32-matmul ieee and bf16, one after the other (SEED, default 0), then their losses side by side
# over windows of steps and each run's held-out reconstructions (64 test clips, scored at IEEE)
cd "$(dirname "$0")/../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
OUT=${OUT:-/work/runs/s43}; SEED=${SEED:-0}; S=$([ "$SEED" = 0 ] && echo "" || echo "-seed$SEED")
for p in ieee bf16; do
  /usr/bin/time -f "$p: %e s" dotnet run --no-build --project src/Workbench.Cli -c Release -- ae train --preset small \
    --steps 2000 --seed $SEED --checkpoint-every 1000 --fp32-matmul $p --out $OUT/ae-$p$S > $OUT/ae-$p$S.log 2>&1
  tail -1 $OUT/ae-$p$S.log
done
/usr/bin/python3 - "$OUT/ae-ieee$S/loss.csv" "$OUT/ae-bf16$S/loss.csv" <<'PY'
import csv, sys
a, b = ([float(r["loss"]) for r in csv.DictReader(open(p))] for p in sys.argv[1:3])
for lo, hi in [(0, 200), (200, 500), (500, 1000), (1000, 1500), (1500, 1800), (1800, 2000)]:
    ma, mb = sum(a[lo:hi]) / (hi - lo), sum(b[lo:hi]) / (hi - lo)
    print(f"steps {lo + 1}-{hi}: mean loss ieee {ma:.5f}, bf16 {mb:.5f}, bf16 / ieee {mb / ma:.3f}")
PY
for p in ieee bf16; do
  echo -n "$p: "; dotnet run --no-build --project src/Workbench.Cli -c Release -- ae reconstruct \
    --checkpoint $OUT/ae-$p$S/checkpoint.safetensors --out $OUT/rec-$p$S 2>&1 | grep PSNR
done
