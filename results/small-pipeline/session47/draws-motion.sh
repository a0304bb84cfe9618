#!/bin/bash
# draws-motion.sh WEIGHTS TAG K [ARGS..]: `eval motion` of one motion DiT as session 38's evalm.sh scores it (the
# shipped autoencoder, 256 held-out clips, sampler seeds 0 1 2, anchored after sampling), at K reference draws of the
# held-out clips (each its own real statistics and floor; draw 0 the usual one), into draws-m-TAG.txt here (session 47)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W=$1; T=$2; K=$3; shift 3
/usr/bin/time -f "%e s" dotnet ${CLI:-src/Workbench.Cli/bin/Release/net10.0}/workbench.dll eval motion \
  --ae data/weights/small/autoencoder.safetensors --motion $W --clips 256 --seeds 0 1 2 --anchor final \
  --reference-draws $K "$@" 2>&1 | tee results/small-pipeline/session47/draws-m-$T.txt
