#!/bin/bash
# seed1.sh: the shipped setting (DDPM 250, CFG 10 at t <= 600) and session 28's (DDIM 50, CFG 10 at every step) at
# sampler seed 1, 200 videos each, scored by eval samples
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
S=results/small-pipeline/session29; R=/work/runs/s29
$W sample --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 1 --dtype float16 --content-sampler ddim \
  --content-steps 50 --cfg-interval -1 999 --out $R/samp-ddim50-seed1 &&
  $W eval samples --samples $R/samp-ddim50-seed1/samples.safetensors | tee $S/samp-ddim50-seed1.eval.txt
$W sample --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 1 --dtype float16 --out $R/samp-shipped-seed1 &&
  $W eval samples --samples $R/samp-shipped-seed1/samples.safetensors | tee $S/samp-shipped-seed1.eval.txt
