#!/bin/bash
# curve-videos.sh RUN TAG "STEPS" [ARGS..]: the content curve with full videos (`eval content-curve --videos`) over the
# EMA snapshots keepema.sh kept beside RUN (RUN-ema-<step>.safetensors) at STEPS, the shipped content DiT as the
# reference: 200 content frames (20 per class) by DDIM 50 at CFG 10, seed 0, scored as still clips against the shipped
# autoencoder's 256 held-out content frames, then animated by the shipped motion DiT (DDIM 100, anchored as shipped)
# and decoded, scored as `eval samples` scores 200 videos; into curve-TAG/ here (session 36)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
H=${HELDOUT:-/work/runs/s35/heldout.safetensors}
[ -f $H ] || $W ae encode --checkpoint data/weights/small/autoencoder.safetensors --split test --clips 256 \
  --data-seed 50000 --batch 32 --out $H || exit 1
R=$1; T=$2; S=""; for s in $3; do S="$S $R-ema-$s.safetensors"; done; shift 3
D=results/small-pipeline/session36
/usr/bin/time -f "%e s" $W eval content-curve --snapshots $S --reference data/weights/small/content.safetensors \
  --pairs $H --cfg 10 --videos --out $D/curve-$T "$@" 2>&1 | tee $D/curve-$T.txt
