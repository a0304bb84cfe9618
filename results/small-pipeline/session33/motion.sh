#!/bin/bash
# motion.sh PAIRS OUT STEPS DECAY MINUTES [ARGS..]: the shipped motion DiT's recipe (small, width 128, lr 1e-3, warm-up
# 200, batch 16) from scratch in processes of MINUTES, with ARGS added (e.g. --z-velocity 2); session 28's script with
# the process length free (libtorch's kernels now run at AVX2 here, and long processes no longer turn slow)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
P=$1; O=$2; S=$3; D=$4; M=$5; shift 5
while true; do
  a=""; [ -f $O/checkpoint.safetensors ] && a="--resume"
  $W train motion --preset small --hidden 128 --lr 1e-3 --warmup 200 --decay-start $D --pairs $P --steps $S \
    --batch 16 --checkpoint-every 500 --max-minutes $M $a "$@" --out $O || exit 1
  s=$(tail -1 $O/loss.csv | cut -d, -f1); echo "chunk ended at step $s"
  (( s + 1 >= S )) && break
done
