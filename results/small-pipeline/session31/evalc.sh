#!/bin/bash
# evalc.sh TAG CONTENT [ARGS..]: eval content (200 frames, 20 per class, against the shipped autoencoder's 256 held-out
# content frames; DDIM 50 at CFG 4 unless ARGS say otherwise) to eval-c-TAG.txt in EVAL_DIR (default: this folder)
cd "$(dirname "$0")/../../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
D=${EVAL_DIR:-results/small-pipeline/session31}
T=$1; C=$2; shift 2
$W eval content --content $C --pairs /work/runs/s26/heldout.safetensors --per-class 20 \
  --png $D/content-$T.png "$@" | tee $D/eval-c-$T.txt
