#!/bin/bash
# evals.sh CFG CONTENT...: each content DiT's frames scored by the detector (20 per class) against the held-out pairs
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
C=$1; shift
for c in "$@"; do n=$(basename $c .safetensors); echo "== $c (CFG $C)"
  $W eval content --content $c --pairs /work/runs/s26/heldout.safetensors --per-class 20 --cfg $C --png /work/runs/s26/content-$n-cfg$C.png
done
