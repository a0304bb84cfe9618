#!/bin/bash
# fd-seed2.sh: session 40's frame-difference recipe (W = 1) at training seed 2 on session 33's 16,384 pairs (as
# session40/seed1.sh, stopped once the 6,000-step EMA is kept), then the mean of its 4,000-6,000 EMAs scored: a third
# run of session 43's averaged-snapshot probe
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
O=/work/runs/s44/m-fd-s2
setsid results/small-pipeline/session37/curve-train.sh /work/runs/s33/pairs-seed7.safetensors $O 4000 \
  --frame-diff-loss 1 --seed 2 > $O.log 2>&1 &
while [ ! -f $O-ema-6000.safetensors ]; do sleep 5; done; sleep 10
kill -- -$(ps -o pgid= -p $! | tr -d ' ') 2>/dev/null; pkill -f "keepema.sh $O"; sleep 5
$W export --from $O-ema-4000.safetensors $O-ema-5000.safetensors $O-ema-6000.safetensors --out $O-swa-4-6k.safetensors
D=results/small-pipeline/session44 results/small-pipeline/session38/evalm.sh $O-swa-4-6k.safetensors fd1-seed2-swa-4-6k
