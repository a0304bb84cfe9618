#!/bin/bash
# motion.sh PAIRS OUT STEPS DECAY [ARGS..]: the shipped motion DiT's recipe (small, width 128, lr 1e-3, warm-up 200) from
# scratch in 8-minute processes, with ARGS (e.g. --input-scale 0.25) added
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n 5 dotnet run --no-build --project src/Workbench.Cli -c Release --"
P=$1; O=$2; S=$3; D=$4; shift 4
while true; do
  a=""; [ -f $O/checkpoint.safetensors ] && a="--resume"
  $W train motion --preset small --hidden 128 --lr 1e-3 --warmup 200 --decay-start $D --pairs $P --steps $S \
    --batch 16 --checkpoint-every 500 --max-minutes 8 $a "$@" --out $O || exit 1
  s=$(tail -1 $O/loss.csv | cut -d, -f1); echo "chunk ended at step $s"
  (( s + 1 >= S )) && break
done
