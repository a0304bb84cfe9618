#!/bin/bash
# probes.sh: real z of the 256 held-out clips changed one way each and scored as motion prediction is (session 28's
# probes): another clip's shifts with the clip's own places (borrow:1), beside a slower and an offset motion
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
/usr/bin/time -f "%e s" dotnet run --no-build --project src/Workbench.Cli -c Release -- eval motion \
  --ae data/weights/small/autoencoder.safetensors --clips 256 --probe borrow:1 borrow:2 slow:0.87 offset:4 2>&1 \
  | tee results/small-pipeline/session41/probes.txt
