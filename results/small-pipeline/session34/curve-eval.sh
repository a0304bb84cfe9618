#!/bin/bash
# curve-eval.sh OUT TAG "STEPS" [ARGS..]: motion prediction against training step over the EMA snapshots curve-train.sh
# kept beside OUT (OUT-ema-<step>.safetensors) at STEPS (e.g. "1000 2000 4000"), the shipped autoencoder, 256
# held-out clips, seeds 0 1 2, anchored after sampling as shipped; writes motion-curve.{csv,md,html,png} into
# curve-TAG/ here
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
O=$1; T=$2; S=""; for s in $3; do S="$S $O-ema-$s.safetensors"; done; shift 3
/usr/bin/time -f "%e s" $W eval motion-curve --ae data/weights/small/autoencoder.safetensors --snapshots $S \
  --clips 256 --seeds 0 1 2 --anchor final --out results/small-pipeline/session34/curve-$T "$@" 2>&1 \
  | tee results/small-pipeline/session34/curve-$T.txt
