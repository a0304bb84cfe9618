#!/bin/bash
# curve-content.sh RUN TAG "STEPS" [ARGS..]: the content curve over the EMA snapshots keepema.sh kept beside RUN
# (RUN-ema-<step>.safetensors) at STEPS, the shipped content DiT as the reference; 200 frames (20 per class), DDIM 50
# at CFG 4, seed 0, against the shipped autoencoder's 256 held-out content frames (HELDOUT, made if missing); writes
# content-curve.{csv,md,html,png} and each point's frames into curve-TAG/ here
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
H=${HELDOUT:-/work/runs/s35/heldout.safetensors}
[ -f $H ] || $W ae encode --checkpoint data/weights/small/autoencoder.safetensors --split test --clips 256 \
  --data-seed 50000 --batch 32 --out $H || exit 1
R=$1; T=$2; S=""; for s in $3; do S="$S $R-ema-$s.safetensors"; done; shift 3
/usr/bin/time -f "%e s" $W eval content-curve --snapshots $S --reference data/weights/small/content.safetensors \
  --pairs $H --out results/small-pipeline/session35/curve-$T "$@" 2>&1 | tee results/small-pipeline/session35/curve-$T.txt
