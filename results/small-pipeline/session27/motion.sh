#!/bin/bash
# motion.sh PAIRS OUT STEPS DECAY LR INIT: motion DiT (small, width 128) fine-tune in 8-minute processes
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
P=$1; O=$2; S=$3; D=$4; LR=$5; I=$6
while true; do
  if [ -f $O/checkpoint.safetensors ]; then a="--resume"; else a="--init $I"; fi
  $W train motion --preset small --hidden 128 --lr $LR --warmup 200 --decay-start $D --pairs $P --steps $S \
    --batch 16 --checkpoint-every 500 --max-minutes 8 $a --out $O || exit 1
  s=$(tail -1 $O/loss.csv | cut -d, -f1); echo "chunk ended at step $s"
  (( s + 1 >= S )) && break
done
