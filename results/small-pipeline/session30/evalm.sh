#!/bin/bash
# evalm.sh MOTION TAG [ARGS..]: eval motion (EMA, 256 held-out clips, sampler seeds 0 1 2, anchored after sampling as
# shipped, trajectories) of a motion DiT with the shipped autoencoder, ARGS added (e.g. --from-t 50 100 200)
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
$W eval motion --ae data/weights/small/autoencoder.safetensors --motion $1 --ema true --clips 256 --seeds 0 1 2 \
  --anchor final "${@:3}" | tee results/small-pipeline/session30/eval-m-$2.txt
