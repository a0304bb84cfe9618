#!/bin/bash
# keepema.sh OUT EVERY: copy OUT/ema.safetensors to OUT-ema-<step>.safetensors when the checkpoint written with it is
# at a step that is a multiple of EVERY (the step from the checkpoint's metadata; a --max-minutes stop is not kept)
O=$1; E=${2:-1000}; last=""
step() { python3 -c "import json,struct,sys; f=open(sys.argv[1],'rb'); n=struct.unpack('<Q',f.read(8))[0]
print(json.loads(f.read(n))['__metadata__']['step'])" "$1"; }
while true; do
  f=$O/ema.safetensors
  if [ -f $f ]; then m=$(stat -c %Y $f); if [ "$m" != "$last" ]; then sleep 5; last=$m
    s=$(step $O/checkpoint.safetensors)
    if (( s % E == 0 && s > 0 )) && [ ! -f $O-ema-$s.safetensors ]; then cp $f $O-ema-$s.safetensors; echo "kept $s"; fi
  fi; fi
  sleep 10
done
