#!/bin/bash
# motion-seeds.sh: session 44's seed-2 averaged frame-difference motion DiT and the shipped one scored at six sampler
# seeds (evalm.sh passes --seeds 0 1 2 and the --seeds 3 4 5 here adds to them: seeds 0-5), about 10 min each
cd "$(dirname "$0")/../../.."
export D=results/small-pipeline/session45
results/small-pipeline/session38/evalm.sh /work/runs/s44/m-fd-s2-swa-4-6k.safetensors fd1-seed2-swa-4-6k-seeds0-5 \
  --seeds 3 4 5
results/small-pipeline/session38/evalm.sh data/weights/small/motion.safetensors shipped-seeds0-5 --seeds 3 4 5
