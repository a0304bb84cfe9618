#!/usr/bin/env bash
# Runs every test project of the solution (already built) and ends with the totals alone on a line.
set -uo pipefail
config="${1:-Release}"; out="${2:-.test-results}"
rm -rf "$out"
dotnet test Workbench.sln -c "$config" --no-build --logger trx --logger "console;verbosity=normal" \
  --results-directory "$out" 2>&1 | grep -vE '^\s+Passed ' 
status=${PIPESTATUS[0]}
bash "$(dirname "$0")/test-summary.sh" "$out"; summary=$?
[ "$status" -eq 0 ] && [ "$summary" -eq 0 ]
