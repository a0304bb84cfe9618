#!/bin/bash
# fd32k.sh: session 40's frame-difference recipe (W = 1) on twice the pairs: 32,768 fresh pairs of the shipped
# autoencoder (data seed 11, as sessions 27 and 34), the 12,000-step schedule stopped after 8,000 steps, its EMAs at
# 4,000-8,000 scored as the curves here, then the mean of the 4,000-6,000 EMAs (session 43's best probe) scored
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
R=/work/runs/s44; P=$R/pairs-seed11.safetensors; O=$R/m-fd-32k
[ -f $P ] || /usr/bin/time -f "encode %e s" $W ae encode --checkpoint data/weights/small/autoencoder.safetensors \
  --split train --clips 32768 --batch 32 --data-seed 11 --out $P || exit 1
setsid results/small-pipeline/session37/curve-train.sh $P $O 4000 --frame-diff-loss 1 > $O.log 2>&1 &
while [ ! -f $O-ema-8000.safetensors ]; do sleep 5; done; sleep 10
kill -- -$(ps -o pgid= -p $! | tr -d ' ') 2>/dev/null; pkill -f "keepema.sh $O"; sleep 5
D=results/small-pipeline/session44 results/small-pipeline/session37/curve-eval.sh $O fd1-32k "4000 5000 6000 7000 8000"
$W export --from $O-ema-4000.safetensors $O-ema-5000.safetensors $O-ema-6000.safetensors --out $O-swa-4-6k.safetensors
D=results/small-pipeline/session44 results/small-pipeline/session38/evalm.sh $O-swa-4-6k.safetensors fd1-32k-swa-4-6k
