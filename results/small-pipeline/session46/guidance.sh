#!/bin/bash
# guidance.sh MOTION CFG LOW HIGH SEED TAG: the full pipeline (200 videos, 20 per class) with the shipped autoencoder
# and content DiT, the motion DiT MOTION, and the content frames guided at scale CFG only at LOW < t <= HIGH (DDPM 250
# as sampling.json); scored by eval samples. Output in session46/samples-TAG.txt.
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
wb="dotnet run --no-build --project src/Workbench.Cli -c Release --"
M=$1; C=$2; L=$3; H=$4; S=$5; T=$6; O=${RUNS:-/work/runs/s46}/samples-$T
/usr/bin/time -f "%e s" $wb sample --motion $M --cfg $C --cfg-interval $L $H --class 0 1 2 3 4 5 6 7 8 9 --count 20 \
  --batch 50 --seed $S --dtype float16 --out $O 2>&1 | tail -2
$wb eval samples --samples $O/samples.safetensors
