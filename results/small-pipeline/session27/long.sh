#!/bin/bash
# long.sh: 32,768 fresh pairs of the shipped autoencoder, then a width-128 motion DiT from scratch, 30,000 steps
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
R=/work/runs/s27; P=$R/pairs-seed11.safetensors; O=$R/m-long
[ -f $P ] || $W ae encode --checkpoint data/weights/small/autoencoder.safetensors --split train --clips 32768 --batch 32 \
  --data-seed 11 --out $P || exit 1
while true; do
  [ -f $R/PAUSE ] && { echo "paused"; exit 0; }
  if [ -f $O/checkpoint.safetensors ]; then a="--resume"; else a=""; fi
  $W train motion --preset small --hidden 128 --lr 1e-3 --warmup 200 --decay-start 10000 --pairs $P --steps 30000 \
    --batch 16 --checkpoint-every 500 --max-minutes 8 $a --out $O || exit 1
  s=$(tail -1 $O/loss.csv | cut -d, -f1); echo "chunk ended at step $s"
  (( s + 1 >= 30000 )) && break
done
