#!/bin/bash
# samples.sh MOTION OUT: session 30's shipped samples (sampling.json: content DDPM 250, CFG 10 at 200 < t <= 600;
# motion DDIM 100, anchored as shipped (--anchor final: sample anchors only the shipped file by itself); 200
# videos, seed 0) with another motion DiT, then eval samples into OUT/eval.txt
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
M=$1; O=$2
/usr/bin/time -f "%e s" $W sample --motion $M --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 \
  --dtype float16 --anchor final --out $O || exit 1
$W eval samples --samples $O/samples.safetensors 2>&1 | tee $O/eval.txt
