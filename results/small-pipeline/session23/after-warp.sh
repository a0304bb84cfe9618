#!/bin/bash
# after a warp autoencoder AE (arg 1), tag (arg 2): held-out z, recon/swap, pairs, a width-128 motion DiT, samples, scores
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
R=/work/runs/s23; AE=$1; T=$2
$W ae swap --checkpoint $AE --clips 256 | tee $R/swap-$T.txt
$W eval motion --ae $AE --clips 256 | tee $R/eval-$T.txt
[ -f $R/pairs-$T.safetensors ] || $W ae encode --checkpoint $AE --split train --clips 8192 --batch 32 --out $R/pairs-$T.safetensors
/work/runs/s19/motion-lr.sh $R/pairs-$T.safetensors $R/m-$T ${STEPS:-12000} ${DECAY:-4000} 1e-3
$W eval motion --ae $AE --motion $R/m-$T --ema true --clips 256 | tee $R/eval-m-$T.txt
$W sample --ae $AE --content data/weights/small/content.safetensors --motion $R/m-$T --ema \
  --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --dtype float16 --out $R/samples-$T
$W eval samples --samples $R/samples-$T/samples.safetensors | tee $R/evals-$T.txt
