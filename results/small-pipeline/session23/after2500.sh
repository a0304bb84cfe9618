#!/bin/bash
# the tracked autoencoder at step 2,500: pairs, a width-128 motion DiT (8,000 steps), eval motion
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
R=/work/runs/s23; AE=$R/ae-tr-2500.safetensors; T=tr2500
[ -f $R/pairs-$T.safetensors ] || $W ae encode --checkpoint $AE --split train --clips 8192 --batch 32 --out $R/pairs-$T.safetensors
/work/runs/s19/motion-lr.sh $R/pairs-$T.safetensors $R/m-$T ${STEPS:-8000} ${DECAY:-3000} 1e-3
$W eval motion --ae $AE --motion $R/m-$T --ema true --clips 256 | tee $R/eval-m-$T.txt
