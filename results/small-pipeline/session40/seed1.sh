#!/bin/bash
# seed1.sh: the frame-difference loss (W = 1) at training seed 1, session 34's recipe and its 12,000-step schedule,
# stopped once the 6,000-step EMA is kept; then its 4,000 and 6,000-step EMAs scored as the curves here
cd "$(dirname "$0")/../../.."
# the frame-difference loss at a second training seed, to 6,000 steps (the schedule of 12,000 kept)
O=/work/runs/s40/m-fd-s1
setsid results/small-pipeline/session37/curve-train.sh /work/runs/s33/pairs-seed7.safetensors $O 4000 \
  --frame-diff-loss 1 --seed 1 > $O.log 2>&1 &
while [ ! -f $O-ema-6000.safetensors ]; do sleep 5; done; sleep 10
kill -- -$(ps -o pgid= -p $! | tr -d ' ') 2>/dev/null; pkill -f "keepema.sh $O" ; sleep 5
results/small-pipeline/session40/curve-eval.sh $O fd1-seed1 "4000 6000"

