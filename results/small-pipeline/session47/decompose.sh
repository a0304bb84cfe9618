#!/bin/bash
# decompose.sh [CLIPS]: where the shipped pipeline's FVD-local goes, at the set size of the committed samples (200):
# `eval motion` of the shipped autoencoder and motion DiT on CLIPS held-out clips (reconstruction, another clip's real
# z, and motion from real content frames at sampler seeds 0-3, anchored as shipped), against the same real-vs-real
# floor `eval samples` divides the full pipeline's FVD-local by (session 47)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
N=${1:-200}
/usr/bin/time -f "%e s" dotnet run --no-build --project src/Workbench.Cli -c Release -- eval motion \
  --ae data/weights/small/autoencoder.safetensors --motion data/weights/small/motion.safetensors --clips $N \
  --seeds 0 1 2 3 --anchor final 2>&1 | tee results/small-pipeline/session47/eval-m-shipped-$N.txt
