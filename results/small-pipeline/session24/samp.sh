#!/bin/bash
# samples.sh AE MOTION OUT: 200 videos at the shipped content DiT and CFG, then eval samples
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
$W sample --ae $1 --motion $2 --ema --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --dtype float16 --out $3 ${EXTRA} &&
$W eval samples --samples $3/samples.safetensors | tee $3.eval.txt
