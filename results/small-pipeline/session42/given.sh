#!/bin/bash
# given.sh: the shipped motion recipe (session 37's curve-train.sh: 12,000 steps from scratch, decay from 4,000, EMA kept
# every 1,000 steps) with --given-places: the DiT learns the shifts with the places given, clean in x_t and out of the
# loss; sampling reads them off x̄ with the autoencoder. Then its snapshots scored as the curves here.
cd "$(dirname "$0")/../../.."
O=/work/runs/s42/m-given
results/small-pipeline/session37/curve-train.sh /work/runs/s33/pairs-seed7.safetensors $O 4000 --given-places \
  > $O.log 2>&1
D=results/small-pipeline/session42 results/small-pipeline/session37/curve-eval.sh $O given "${1:-4000 8000 12000}"
