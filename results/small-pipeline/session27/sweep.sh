#!/bin/bash
# sweep.sh: the shipped motion DiT under other sampler settings (eval motion, 256 held-out clips)
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
E="$W eval motion --ae data/weights/small/autoencoder.safetensors --motion data/weights/small/motion.safetensors --clips 256"
for a in "--seed 1" "--sampler ddpm" "--steps 250" "--steps 25"; do echo "== $a"; $E $a | tail -1; done
