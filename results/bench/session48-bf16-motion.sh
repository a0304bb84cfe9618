#!/bin/bash
# session48-bf16-motion.sh: does a motion DiT train as well with bf16 products? The shipped motion DiT's recipe
# (session 45's content-noise.sh: session 33's pairs, --frame-diff-loss 1 --content-noise 0.5, training seed 0, the
# schedule of a 12,000-step run, its EMA at step 6,000) once more with `--fp32-matmul bf16`, then `eval motion` at the
# six reference draws the shipped (exact) one was scored on
# (results/small-pipeline/session47/draws-m-cn05-6000-fp16.txt: 1.92x the mean floor). CLI= picks workbench.dll;
# OUT= the run folder.
cd "$(dirname "$0")/../.."
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 DOTNET_JITMinOpts=1
W="dotnet ${CLI:-src/Workbench.Cli/bin/Release/net10.0}/workbench.dll"
O=${OUT:-/work/runs/s48/m-bf16}
step() { python3 -c "import json,struct,sys; f=open(sys.argv[1],'rb'); n=struct.unpack('<Q',f.read(8))[0]
print(json.loads(f.read(n))['__metadata__']['step'])" "$1"; }
if [ ! -f $O-ema-6000.safetensors ]; then
  a=""; [ -f $O/checkpoint.safetensors ] && a="--resume"
  setsid $W train motion --preset small --hidden 128 --lr 1e-3 --warmup 200 --decay-start 4000 \
    --pairs /work/runs/s33/pairs-seed7.safetensors --steps 12000 --batch 16 --checkpoint-every 500 --max-minutes 60 \
    --frame-diff-loss 1 --content-noise 0.5 --fp32-matmul bf16 $a --out $O > $O.log 2>&1 &
  pid=$!
  until [ -f $O/checkpoint.safetensors ] && (( $(step $O/checkpoint.safetensors) >= 6000 )); do
    kill -0 $pid 2>/dev/null || { echo "training stopped before step 6000: $O.log"; exit 1; }; sleep 5
  done
  sleep 5; cp $O/ema.safetensors $O-ema-6000.safetensors; kill -- -$pid 2>/dev/null; sleep 3
fi
/usr/bin/time -f "%e s" $W eval motion --ae data/weights/small/autoencoder.safetensors \
  --motion $O-ema-6000.safetensors --clips 256 --seeds 0 1 2 --anchor final --reference-draws 6 2>&1 \
  | tee results/bench/session48-bf16-motion.txt
