#!/bin/bash
# seeds.sh: eval motion (256 held-out clips) of the shipped, fine-tuned and long motion DiTs at motion-sampler seeds 1 and 2
cd /work/main
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="nice -n -15 dotnet run --no-build --project src/Workbench.Cli -c Release --"
E="$W eval motion --ae data/weights/small/autoencoder.safetensors --clips 256"
for s in 1 2; do
  for m in data/weights/small/motion.safetensors "/work/runs/s27/m-ft --ema true" "/work/runs/s27/m-long --ema true"; do
    [ "$s $m" = "1 data/weights/small/motion.safetensors" ] && continue   # in sweep.txt
    echo "== seed $s $m"; $E --motion $m --seed $s | tail -1
  done
done
