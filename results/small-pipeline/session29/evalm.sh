#!/bin/bash
# evalm.sh MOTION TAG ANCHOR: eval motion (EMA, 256 held-out clips, sampler seeds 0 1 2, trajectories) of a motion DiT
# with the shipped autoencoder, its keypoint z anchored as ANCHOR says (off, final, denoised)
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
$W eval motion --ae data/weights/small/autoencoder.safetensors --motion $1 --ema true --clips 256 --seeds 0 1 2 \
  --anchor $3 | tee results/small-pipeline/session29/eval-m-$2.txt
