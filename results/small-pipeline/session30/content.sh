#!/bin/bash
# content.sh TAG SEED [ARGS..]: 200 videos of the shipped set (sampling.json's settings unless ARGS change them, e.g.
# --cfg-interval 200 600) at sampler seed SEED, scored by eval samples
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
S=results/small-pipeline/session30; R=/work/runs/s30/samp-$1
$W sample "${@:3}" --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed $2 \
  --dtype float16 --out $R && $W eval samples --samples $R/samples.safetensors | tee $S/samp-$1.eval.txt
