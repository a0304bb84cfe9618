#!/bin/bash
# evalc.sh TAG CONTENT [ARGS..]: session 31's evalc.sh with its outputs in this folder
EVAL_DIR=results/small-pipeline/session32 exec "$(dirname "$0")/../session31/evalc.sh" "$@"
