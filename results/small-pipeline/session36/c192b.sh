#!/bin/bash
# c192b.sh MINUTES: the width-192, depth-8 content DiT of sessions 33-35 (ended at 15,000 steps, its rate decayed to
# zero) resumed with a warm restart: constant 3e-4 from 15,000, cosine decay from 19,000 to zero at 25,000; EMA kept
# every 1,000 steps as /work/runs/s33/c192-ema-<step>.safetensors for the content curve (session 36)
cd "$(dirname "$0")/../../.."
R=/work/runs/s33
(results/small-pipeline/session31/keepema.sh $R/c192 1000 >> $R/keepema.log 2>&1 &)
results/small-pipeline/session31/content.sh $R/pairs-seed11.safetensors $R/c192 25000 19000 3e-4 192 8 ${1:-100}
