#!/bin/bash
# content.sh PAIRS OUT STEPS DECAY LR HIDDEN DEPTH MINUTES: a content DiT from scratch (patch 4, v, min-SNR 5, batch 16)
# in 15-minute processes resumed with --resume, until STEPS or MINUTES of wall time (session 31)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
P=$1; O=$2; S=$3; D=$4; LR=$5; H=$6; L=$7; M=$8
end=$(( $(date +%s) + M * 60 ))
while (( $(date +%s) + 60 < end )); do
  left=$(( (end - $(date +%s)) / 60 )); (( left > 15 )) && left=15
  a=""; [ -f $O/checkpoint.safetensors ] && a="--resume"
  $W train content --preset small --patch 4 --predict v --min-snr 5 --hidden $H --depth $L --lr $LR --warmup 500 \
    --decay-start $D --pairs $P --steps $S --batch 16 --checkpoint-every 500 --max-minutes $left $a --out $O || exit 1
  s=$(tail -1 $O/loss.csv | cut -d, -f1); echo "chunk ended at step $s"
  (( s + 1 >= S )) && break
done
