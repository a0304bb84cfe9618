#!/bin/bash
# probes.sh: are the places the autoencoder reads off x̄ the clip's? The 256 held-out clips' real shifts with those
# places (--probe read), beside another clip's shifts with the own places (borrow:1, session 41)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
/usr/bin/time -f "%e s" dotnet run --no-build --project src/Workbench.Cli -c Release -- eval motion \
  --ae data/weights/small/autoencoder.safetensors --clips 256 --probe read borrow:1 2>&1 \
  | tee results/small-pipeline/session42/probes.txt
