#!/bin/bash
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
O=${OUT:-/work/runs/s23/ae-kp}
r=""; [ -f $O/checkpoint.safetensors ] && r="--resume"
nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release -- ae train --preset small --importance frame \
  --importance-entropy 0.01 --init /work/runs/s21/ae-rigid-20000.safetensors --init-fresh keypoint_head motion_warp motion_head \
  --warp 2 --sprites --keypoints ${MS:---multi-scale 3} --lr ${LR:-5e-4} --steps 40000 \
  --checkpoint-every 500 --max-minutes ${MIN:-40} $r --out $O
