#!/bin/bash
# queue.sh: session 29's measurements, one CPU job at a time, after the v-prediction motion run ends
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet run --no-build --project src/Workbench.Cli -c Release --"
S=results/small-pipeline/session29; R=/work/runs/s29
while pgrep -f "session28/motion[.]sh" > /dev/null; do sleep 20; done
bash $S/evalm.sh data/weights/small/motion.safetensors shipped-denoised denoised
bash $S/evalm.sh /work/runs/s28/m-v v-final final
bash $S/evalm.sh /work/runs/s28/m-v v-denoised denoised
$W sample --content-sampler ddpm --content-steps 250 --class 0 1 2 3 4 5 6 7 8 9 --count 20 --batch 50 --seed 0 \
  --dtype float16 --out $R/samp-ddpm250 && $W eval samples --samples $R/samp-ddpm250/samples.safetensors | tee $S/samp-ddpm250.eval.txt
