#!/bin/bash
# samp.sh AE MOTION CONTENT OUT: 200 videos (seed 0, CFG from sampling.json), then eval samples
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
$W sample --ae $1 --motion $2 --content $3 --ema --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --dtype float16 --out $4 ${EXTRA} &&
$W eval samples --samples $4/samples.safetensors | tee $4.eval.txt
