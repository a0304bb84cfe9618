#!/bin/bash
# keepema.sh OUT EVERY: copy OUT/ema.safetensors to OUT-ema-<step>.safetensors when the checkpoint is at a multiple of EVERY
O=$1; E=${2:-1000}; last=""
while true; do
  f=$O/ema.safetensors
  if [ -f $f ]; then m=$(stat -c %Y $f); if [ "$m" != "$last" ]; then sleep 5; last=$m
    s=$(tail -1 $O/loss.csv | cut -d, -f1); k=$(( (s+250)/500*500 ))
    if (( k % E == 0 && k > 0 )); then cp $f $O-ema-$k.safetensors; echo "kept $k (log step $s)"; fi; fi; fi
  sleep 10
done
