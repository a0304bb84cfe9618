#!/bin/bash
# experts.sh LOW HIGH T TAG: `eval motion` of the motion DiT LOW with HIGH denoising the steps at t > T (NoiseExpert;
# e.g. two EMA snapshots of one run), scored as session 34's curve (the shipped autoencoder, 256 held-out clips,
# seeds 0 1 2, anchored after sampling); output to experts-TAG.txt here
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
/usr/bin/time -f "%e s" dotnet run --no-build --project src/Workbench.Cli -c Release -- eval motion \
  --ae data/weights/small/autoencoder.safetensors --motion $1 --high-noise $2 --above-t $3 --clips 256 \
  --seeds 0 1 2 --anchor final 2>&1 | tee results/small-pipeline/session37/experts-$4.txt
