#!/bin/bash
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
for a in "$@"; do echo "== $a"; nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release -- eval motion --ae $a --clips 256; done
