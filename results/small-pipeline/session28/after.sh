#!/bin/bash
# after.sh RUN TAG [SAMPLE]: eval motion (EMA, 256 held-out clips, sampler seeds 0 1 2, with the trajectories), the
# denoising error with and without the real content frame, then with SAMPLE=1 200 videos of the shipped autoencoder
# and content DiT (CFG 10 from sampling.json) and this motion DiT, scored by eval samples
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
R=/work/runs/s28; M=$1; T=$2; S=results/small-pipeline/session28
$W eval motion --ae data/weights/small/autoencoder.safetensors --motion $M --ema true --clips 256 --seeds 0 1 2 \
  | tee $S/eval-m-$T.txt
$W train eval --run $M --pairs /work/runs/s26/heldout.safetensors --count 128 --timesteps 100 500 800 900 950 990 \
  | tee $S/denoise-$T.txt
[ "$3" = 1 ] || exit 0
$W sample --motion $M --ema --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --dtype float16 --out $R/samp-$T &&
$W eval samples --samples $R/samp-$T/samples.safetensors | tee $S/samp-$T.eval.txt
