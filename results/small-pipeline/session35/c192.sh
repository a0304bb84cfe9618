#!/bin/bash
# c192.sh MINUTES: session 33's width-192, depth-8 content DiT (32,768 pairs of the shipped autoencoder, data seed 11)
# resumed on a shorter schedule that fits one session: 15,000 steps, cosine decay from 9,000 (was 40,000 / 20,000);
# its EMA kept every 1,000 steps as /work/runs/s33/c192-ema-<step>.safetensors for the content curve
cd "$(dirname "$0")/../../.."
R=/work/runs/s33
(results/small-pipeline/session31/keepema.sh $R/c192 1000 >> $R/keepema.log 2>&1 &)
results/small-pipeline/session31/content.sh $R/pairs-seed11.safetensors $R/c192 15000 9000 5e-4 192 8 ${1:-150}
