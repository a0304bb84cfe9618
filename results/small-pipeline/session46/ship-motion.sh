#!/bin/bash
# ship-motion.sh EMA RUN [STEP]: ships a motion DiT's EMA weights of step STEP (default 6,000) as
# data/weights/small/motion.safetensors (float16, as every shipped model), its run's loss log to that step (every 10th
# step) as motion-loss.csv, and regenerates results/small-pipeline's samples from the shipped weights (200 videos,
# sampler seed 0, sampling.json's settings) and scores them.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
wb="dotnet run --no-build --project src/Workbench.Cli -c Release --"
E=$1; R=$2; S=${3:-6000}
$wb export --from "$E" --out data/weights/small/motion.safetensors --dtype float16
awk -F, -v s="$S" 'NR == 1 || ($1 % 10 == 0 && $1 <= s)' "$R/loss.csv" > data/weights/small/motion-loss.csv
/usr/bin/time -f "%e s" $wb sample --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --dtype float16 \
  --out results/small-pipeline
$wb eval samples --samples results/small-pipeline/samples.safetensors
