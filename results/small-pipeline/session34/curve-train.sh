#!/bin/bash
# curve-train.sh PAIRS OUT: the shipped motion DiT's recipe from scratch (session 33's motion.sh: width 128, lr 1e-3,
# warm-up 200, decay from 4,000 to 0 at 12,000, batch 16) with its EMA kept every 1,000 steps beside OUT, for the
# curve of motion prediction against training step (curve-eval.sh scores the kept weights)
cd "$(dirname "$0")/../../.."
P=$1; O=$2
(results/small-pipeline/session31/keepema.sh $O 1000 > $O-keepema.log 2>&1 &)
results/small-pipeline/session33/motion.sh $P $O 12000 4000 60
sleep 30; pkill -f "keepema.sh $O" || true   # after keepema.sh has seen the last checkpoint
s=$(tail -1 $O/loss.csv | cut -d, -f1); cp $O/ema.safetensors $O-ema-$s.safetensors   # the last one
