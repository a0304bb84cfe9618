#!/bin/bash
# curve-eval.sh OUT TAG "STEPS": session 34's curve-eval.sh (the EMA snapshots beside OUT scored as `eval motion`
# scores one: the shipped autoencoder, 256 held-out clips, seeds 0 1 2, anchored as shipped) into curve-TAG/ here
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
O=$1; T=$2; S=""; for s in $3; do S="$S $O-ema-$s.safetensors"; done
D=${D:-results/small-pipeline/session37}   # where curve-TAG goes (session 38 sets its own)
/usr/bin/time -f "%e s" dotnet run --no-build --project src/Workbench.Cli -c Release -- eval motion-curve \
  --ae data/weights/small/autoencoder.safetensors --snapshots $S --clips 256 --seeds 0 1 2 --anchor final \
  --out $D/curve-$T 2>&1 | tee $D/curve-$T.txt
