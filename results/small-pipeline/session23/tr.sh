#!/bin/bash
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
O=${OUT:-/work/runs/s23/ae-tr}
r=""; [ -f $O/checkpoint.safetensors ] && r="--resume"
nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release -- ae train --preset small --importance frame \
  --importance-entropy 0.01 --init ${INIT:-/work/runs/s23/peek.safetensors} \
  --warp 2 --sprites --keypoints --track ${MS:---multi-scale 3} --lr ${LR:-5e-4} --steps 40000 \
  --checkpoint-every 500 --max-minutes ${MIN:-40} $r --out $O
