#!/bin/bash
# after.sh RUN TAG: eval motion (EMA, 256 held-out clips), then 200 videos with the shipped autoencoder and content DiT
# (CFG 10 from sampling.json) and this motion DiT, scored by eval samples
# (session 27: for runs/s27/m-long only the eval motion step ran; the sampling was stopped once that scored 4.11x)
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
R=/work/runs/s27; M=$1; T=$2
$W eval motion --ae data/weights/small/autoencoder.safetensors --motion $M --ema true --clips 256 | tee $R/eval-m-$T.txt
$W sample --motion $M --ema --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --dtype float16 --out $R/samp-$T &&
$W eval samples --samples $R/samp-$T/samples.safetensors | tee $R/samp-$T.eval.txt
