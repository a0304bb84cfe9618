#!/bin/bash
# curve-train.sh PAIRS OUT DECAY [ARGS..]: session 34's curve-train.sh with the decay's start free (0 = the rate stays
# at 1e-3 to the last step): the shipped motion recipe from scratch, 12,000 steps, its EMA kept every 1,000 steps
# beside OUT for session34/curve-eval.sh; is the speeds' drift below the data's the decay's doing?
cd "$(dirname "$0")/../../.."
P=$1; O=$2; D=$3; shift 3
(results/small-pipeline/session31/keepema.sh $O 1000 > $O-keepema.log 2>&1 &)
results/small-pipeline/session33/motion.sh $P $O 12000 $D 60 "$@"
sleep 30; pkill -f "keepema.sh $O" || true   # after keepema.sh has seen the last checkpoint
s=$(tail -1 $O/loss.csv | cut -d, -f1); cp $O/ema.safetensors $O-ema-$s.safetensors   # the last one
