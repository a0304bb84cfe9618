#!/bin/bash
# content-noise-pair.sh: session 45's conditioning augmentation (`train motion --content-noise S`) on session 40's
# frame-difference recipe (W = 1, session 33's 16,384 pairs) at another training seed or noise level, stopped once
# its 6,000-step EMA is kept; that EMA scored by eval motion (seeds 0 1 2), then in the full pipeline (samples-swa.sh:
# 200 videos, sampler seed 0, so the content frames are the shipped samples' own and only the motion DiT differs).
#   usage: content-noise-pair.sh SEED S TAG     e.g. content-noise-pair.sh 1 0.5 fd1-s1-cn05
# Without the augmentation (session 40, AMD EPYC): training seed 0 80.5%, 4.19x; training seed 1 78.0%, 4.24x.
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
SEED=$1; S=$2; T=$3; R=${RUNS:-/work/runs/s46}; O=$R/m-$T; D=results/small-pipeline/session46
mkdir -p $R $D
setsid results/small-pipeline/session37/curve-train.sh /work/runs/s33/pairs-seed7.safetensors $O 4000 \
  --frame-diff-loss 1 --seed $SEED --content-noise $S > $O.log 2>&1 &
while [ ! -f $O-ema-6000.safetensors ]; do sleep 5; done; sleep 10
kill -- -$(ps -o pgid= -p $! | tr -d ' ') 2>/dev/null; pkill -f "keepema.sh $O"; sleep 5
D=$D results/small-pipeline/session38/evalm.sh $O-ema-6000.safetensors $T-6000
results/small-pipeline/session39/samples-swa.sh $O-ema-6000.safetensors $R/samples-$T-6000 \
  2>&1 | tail -3 | tee $D/samples-$T-6000.txt
