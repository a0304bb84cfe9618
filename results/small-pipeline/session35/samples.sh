#!/bin/bash
# samples.sh CONTENT OUT [ARGS..]: session 30's shipped samples (content DDPM 250, CFG 10 at 200 < t <= 600; the
# shipped motion DiT, DDIM 100, anchored; 200 videos, seed 0) with another content DiT, then eval samples into
# OUT/eval.txt (sampling.json's settings are only the default with the shipped content DiT, so they are given here)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
C=$1; O=$2; shift 2
/usr/bin/time -f "%e s" $W sample --content $C --content-sampler ddpm --content-steps 250 --cfg 10 \
  --cfg-interval 200 600 --anchor final --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --dtype float16 \
  --out $O "$@" || exit 1
$W eval samples --samples $O/samples.safetensors 2>&1 | tee $O/eval.txt
