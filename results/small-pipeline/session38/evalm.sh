#!/bin/bash
# evalm.sh WEIGHTS TAG [ARGS..]: `eval motion` of one motion DiT as session 37's evalm.sh scores it (the shipped
# autoencoder, 256 held-out clips, seeds 0 1 2, anchored after sampling), ARGS added (e.g. --magnitudes own);
# output to eval-m-TAG.txt here (or in $D, session 40's)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W=$1; T=$2; shift 2
/usr/bin/time -f "%e s" dotnet run --no-build --project src/Workbench.Cli -c Release -- eval motion \
  --ae data/weights/small/autoencoder.safetensors --motion $W --clips 256 --seeds 0 1 2 --anchor final "$@" 2>&1 \
  | tee ${D:-results/small-pipeline/session38}/eval-m-$T.txt
