#!/bin/bash
# content-noise.sh: session 40's frame-difference recipe (W = 1, training seed 0, session 33's 16,384 pairs) with
# conditioning augmentation (`train motion --content-noise 0.5`), stopped once its 6,000-step EMA is kept; that EMA
# scored by eval motion (seeds 0 1 2), then in the full pipeline (samples-swa.sh: 200 videos, seed 0). Session 40's
# run without it: 2.15x / 2.19x at 4,000 / 6,000 steps, its 6,000-step EMA 80.5% and 4.19x in the full pipeline
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
O=/work/runs/s45/m-fd-cn05
setsid results/small-pipeline/session37/curve-train.sh /work/runs/s33/pairs-seed7.safetensors $O 4000 \
  --frame-diff-loss 1 --content-noise 0.5 > $O.log 2>&1 &
while [ ! -f $O-ema-6000.safetensors ]; do sleep 5; done; sleep 10
kill -- -$(ps -o pgid= -p $! | tr -d ' ') 2>/dev/null; pkill -f "keepema.sh $O"; sleep 5
D=results/small-pipeline/session45 results/small-pipeline/session38/evalm.sh $O-ema-6000.safetensors fd1-cn05-6000
results/small-pipeline/session39/samples-swa.sh $O-ema-6000.safetensors /work/runs/s45/samples-fd1-cn05-6000 \
  2>&1 | tail -3 | tee results/small-pipeline/session45/samples-fd1-cn05-6000.txt
