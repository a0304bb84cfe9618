#!/bin/bash
# probes.sh: what smoothing costs real motion. The 256 held-out clips' real shifts smoothed over the frames by a local
# line fit (--probe smooth:SIGMA, sigma in frames): bounces rounded, constant speeds kept
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
/usr/bin/time -f "%e s" dotnet run --no-build --project src/Workbench.Cli -c Release -- eval motion \
  --ae data/weights/small/autoencoder.safetensors --clips 256 --probe smooth:0.7 smooth:1 smooth:1.5 smooth:2 2>&1 \
  | tee results/small-pipeline/session43/probes.txt
