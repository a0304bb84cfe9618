#!/bin/bash
# CFG sweep of the full pipeline: the shipped set, and the rigid warp AE with its motion DiT
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
R=/work/runs/s21; AE=$R/ae-rigid-20000.safetensors
while pgrep -f after-warp.sh > /dev/null; do sleep 10; done
for c in 7 10; do
  $W sample --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --cfg $c --dtype float16 --out $R/samples-ship-cfg$c
  $W eval samples --samples $R/samples-ship-cfg$c/samples.safetensors | tee $R/evals-ship-cfg$c.txt
  $W sample --ae $AE --content data/weights/small/content.safetensors --motion $R/m-rigid --ema \
    --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 --cfg $c --dtype float16 --out $R/samples-rigid-cfg$c
  $W eval samples --samples $R/samples-rigid-cfg$c/samples.safetensors | tee $R/evals-rigid-cfg$c.txt
done
