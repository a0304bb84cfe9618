#!/bin/bash
# draws-samples.sh OUT SAMPLES..: `eval samples` of sample sets of one size at 20 reference draws of held-out clips
# (each its own real statistics and floor; draw 0 the usual one), into OUT here (session 47; the shipped set at
# sampler seeds 0, 2 and 3: draws-samples-shipped-seeds023.txt, 50 s)
cd "$(dirname "$0")/../../.."
O=$1; shift
dotnet ${CLI:-src/Workbench.Cli/bin/Release/net10.0}/workbench.dll eval samples --samples "$@" --reference-draws 20 \
  2>&1 | tee results/small-pipeline/session47/$O
