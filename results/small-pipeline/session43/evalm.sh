#!/bin/bash
# evalm.sh WEIGHTS TAG [ARGS..]: session 38's evalm.sh (`eval motion` of one motion DiT: the shipped autoencoder, 256
# held-out clips, seeds 0 1 2, anchored; with its trajectory table) writing eval-m-TAG.txt here
D=results/small-pipeline/session43 exec "$(dirname "$0")/../session38/evalm.sh" "$@"
