#!/bin/bash
# wide-train.sh PAIRS OUT WIDTH [ARGS..]: session 34's motion recipe (lr 1e-3, warm-up 200, decay from 4,000 to 12,000
# steps, batch 16, from scratch) at another width of the small preset (the shipped DiT is 128 wide), its EMA kept every
# 1,000 steps beside OUT for curve-eval.sh; one process of at most 60 minutes
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
P=$1; O=$2; H=$3; shift 3
(results/small-pipeline/session31/keepema.sh $O 1000 > $O-keepema.log 2>&1 &)
dotnet run --no-build --project src/Workbench.Cli -c Release -- train motion --preset small --hidden $H --lr 1e-3 \
  --warmup 200 --decay-start 4000 --pairs $P --steps 12000 --batch 16 --checkpoint-every 500 --max-minutes 60 "$@" \
  --out $O
sleep 30; pkill -f "keepema.sh $O" || true   # after keepema.sh has seen the last checkpoint
