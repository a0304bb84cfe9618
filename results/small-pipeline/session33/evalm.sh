#!/bin/bash
# evalm.sh MOTION TAG [ARGS..]: session 31's evalm.sh with its outputs in this folder
EVAL_DIR=results/small-pipeline/session33 exec "$(dirname "$0")/../session31/evalm.sh" "$@"
