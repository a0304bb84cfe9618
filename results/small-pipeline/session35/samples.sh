#!/bin/bash
# samples.sh CONTENT OUT [CFG [ARGS..]]: 200 videos (20 per class, seed 0) with another content DiT at DDIM 50, CFG 10 on
# every step, and the shipped motion DiT (DDIM 100, anchored as shipped), then eval samples into OUT/eval.txt: the
# shipped content DiT scored 81.5% / 5.54x at these settings (session 28). (The shipped DDPM 250 sampler would take
# the width-192 DiT about 20 minutes; sampling.json's settings are only the default with the shipped content DiT.)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
C=$1; O=$2; G=${3:-10}; shift 2; shift $(( $# > 0 ? 1 : 0 ))
/usr/bin/time -f "%e s" $W sample --content $C --content-sampler ddim --content-steps 50 --cfg $G --anchor final \
  --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --dtype float16 --out $O "$@" || exit 1
$W eval samples --samples $O/samples.safetensors 2>&1 | tee $O/eval.txt
