#!/bin/bash
# batch.sh BATCH OUT [ARGS..]: session 40's frame-difference motion recipe (small, width 128, lr 1e-3, warm-up 200,
# cosine decay from 4,000 of a 12,000-step schedule, --frame-diff-loss 1, training seed 0 unless ARGS say) at another
# batch size, stopped once its 6,000-step EMA is kept; EMA kept every 1,000 steps beside OUT (session 47: every motion
# DiT since session 23 trained at batch 16)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
B=$1; O=$2; shift 2
(results/small-pipeline/session31/keepema.sh $O 1000 > $O-keepema.log 2>&1 &)
a=""; [ -f $O/checkpoint.safetensors ] && a="--resume"
setsid dotnet run --no-build --project src/Workbench.Cli -c Release -- train motion --preset small --hidden 128 \
  --lr 1e-3 --warmup 200 --decay-start 4000 --pairs /work/runs/s33/pairs-seed7.safetensors --steps 12000 --batch $B \
  --checkpoint-every 500 --frame-diff-loss 1 $a "$@" --out $O &
while [ ! -f $O-ema-6000.safetensors ] && kill -0 $! 2>/dev/null; do sleep 5; done; sleep 10
kill -- -$(ps -o pgid= -p $! | tr -d ' ') 2>/dev/null; pkill -f "keepema.sh $O"; echo "stopped at the 6,000-step EMA"
