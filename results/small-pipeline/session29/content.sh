#!/bin/bash
# content.sh TAG SAMPLER STEPS CFG [ARGS..]: 200 videos of the shipped set with its content frames drawn by SAMPLER (ddim, ddpm)
# in STEPS steps at guidance CFG, with ARGS (e.g. --cfg-interval 0 600) (motion as shipped: DDIM 100, anchored), scored
# by eval samples
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
S=results/small-pipeline/session29; R=/work/runs/s29/samp-$1
$W sample --content-sampler $2 --content-steps $3 --cfg $4 "${@:5}" --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 \
  --dtype float16 --out $R && $W eval samples --samples $R/samples.safetensors | tee $S/samp-$1.eval.txt
