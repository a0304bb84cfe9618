#!/bin/bash
# swa.sh RUN OUT: the means of the width-256 motion DiT's EMA snapshots beside RUN (session 38's m-w256) written as
# OUT-ema-6000 (steps 4,000-6,000), OUT-ema-7000 (4,000-7,000) and OUT-ema-12000 (8,000-12,000), then scored as
# curve-eval.sh scores a curve (256 held-out clips, seeds 0 1 2, anchored) into curve-swa/
cd "$(dirname "$0")/../../.."
R=$1-ema; O=$2
wb() { dotnet run --no-build --project src/Workbench.Cli -c Release -- "$@"; }
wb export --from $R-4000.safetensors $R-5000.safetensors $R-6000.safetensors --out $O-ema-6000.safetensors
wb export --from $R-{4,5,6,7}000.safetensors --out $O-ema-7000.safetensors
wb export --from $R-{8,9,10,11,12}000.safetensors --out $O-ema-12000.safetensors
results/small-pipeline/session39/curve-eval.sh $O swa "6000 7000 12000"
