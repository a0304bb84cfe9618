#!/bin/bash
# training pairs (seed 7) and held-out pairs of the shipped autoencoder
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
AE=data/weights/small/autoencoder.safetensors; R=/work/runs/s26
$W ae encode --checkpoint $AE --split test --clips 256 --data-seed 50000 --batch 32 --out $R/heldout.safetensors
$W ae encode --checkpoint $AE --split train --clips 16384 --batch 32 --data-seed 7 --out $R/pairs-seed7.safetensors
