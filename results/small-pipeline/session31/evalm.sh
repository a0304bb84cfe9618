#!/bin/bash
# evalm.sh MOTION TAG [ARGS..]: eval motion (EMA, 256 held-out clips, sampler seeds 0 1 2, anchored after sampling as
# shipped, trajectories) of a motion DiT with the shipped autoencoder, ARGS added (e.g. --cfg 4), to eval-m-TAG.txt
# in EVAL_DIR (default: this folder)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
D=${EVAL_DIR:-results/small-pipeline/session31}
M=$1; T=$2; shift 2
/usr/bin/time -f "%e s" $W eval motion --ae data/weights/small/autoencoder.safetensors --motion $M --ema true --clips 256 \
  --seeds 0 1 2 --anchor final "$@" 2>&1 | tee $D/eval-m-$T.txt
