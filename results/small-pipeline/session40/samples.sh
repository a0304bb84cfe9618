#!/bin/bash
# samples.sh MOTION OUT SEED: session 39's samples-swa.sh at another sampler seed (the shipped samples' command:
# 200 videos, sampling.json's settings, MOTION in place of the shipped motion DiT), then eval samples
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
wb="dotnet run --no-build --project src/Workbench.Cli -c Release --"
/usr/bin/time -f "%e s" $wb sample --motion $1 --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed $3 \
  --dtype float16 --out $2
$wb eval samples --samples $2/samples.safetensors
