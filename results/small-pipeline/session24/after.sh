#!/bin/bash
# pairs of an autoencoder, a width-128 motion DiT on them, eval motion: after.sh AE TAG [CLIPS STEPS DECAY]
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
R=/work/runs/s24; AE=$1; T=$2; N=${3:-8192}; STEPS=${4:-8000}; DECAY=${5:-3000}
[ -f $R/pairs-$T.safetensors ] || $W ae encode --checkpoint $AE --split train --clips $N --batch 32 --out $R/pairs-$T.safetensors
nice -n -15 /work/runs/s19/motion-lr.sh $R/pairs-$T.safetensors $R/m-$T $STEPS $DECAY 1e-3
$W eval motion --ae $AE --motion $R/m-$T --ema true --clips 256 | tee $R/eval-m-$T.txt
