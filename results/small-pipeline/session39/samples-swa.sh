#!/bin/bash
# samples-swa.sh MOTION OUT: the shipped samples' command (200 videos, seed 0, sampling.json's settings) with another
# motion DiT in place of the shipped one, then scored as the shipped samples are (eval samples)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
wb="dotnet run --no-build --project src/Workbench.Cli -c Release --"
/usr/bin/time -f "%e s" $wb sample --motion $1 --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 \
  --dtype float16 --out $2
$wb eval samples --samples $2/samples.safetensors
