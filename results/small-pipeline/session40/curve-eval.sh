#!/bin/bash
# curve-eval.sh OUT TAG "STEPS": session 37's curve-eval.sh (the EMA snapshots beside OUT scored as `eval motion`
# scores one: the shipped autoencoder, 256 held-out clips, seeds 0 1 2, anchored as shipped) into curve-TAG/ here
D=results/small-pipeline/session40 exec "$(dirname "$0")/../session37/curve-eval.sh" "$@"
