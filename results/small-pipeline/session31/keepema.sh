#!/bin/bash
# keepema.sh OUT EVERY: copy OUT/ema.safetensors to OUT-ema-<step>.safetensors when it was written at a step that is a
# multiple of EVERY (loss.csv's last step; a --max-minutes stop in between is not kept)
O=$1; E=${2:-1000}; last=""
while true; do
  f=$O/ema.safetensors
  if [ -f $f ]; then m=$(stat -c %Y $f); if [ "$m" != "$last" ]; then sleep 5; last=$m
    s=$(tail -1 $O/loss.csv | cut -d, -f1)
    if (( s % E == 0 && s > 0 )); then cp $f $O-ema-$s.safetensors; echo "kept $s"; fi; fi; fi
  sleep 10
done
