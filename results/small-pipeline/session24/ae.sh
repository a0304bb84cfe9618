#!/bin/bash
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
O=${OUT:-/work/runs/s24/ae-dec}
r=""; [ -f $O/checkpoint.safetensors ] && r="--resume"
nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release -- ae train --preset small --importance frame \
  --importance-entropy ${ENT:-0.01} --init ${INIT:-/work/runs/s23/ae-tr-2500.safetensors} \
  --warp 2 --sprites --keypoints --track --lr ${LR:-5e-4} --steps ${STEPS:-8000} --decay-start ${DS:-500} \
  --checkpoint-every 500 --max-minutes ${MIN:-40} $r --out $O
