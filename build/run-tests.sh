#!/usr/bin/env bash
# Runs every test project of the solution (already built) and ends with the totals alone on a line.
set -uo pipefail
config="${1:-Release}"; out="${2:-.test-results}"
# One libtorch thread per process unless the caller sets OMP_NUM_THREADS: the test hosts (several at once) and the
# workbench processes they start share 2 cores, and with 2 threads each OpenMP's waits at every small op made tiny
# models crawl whenever another CPU-heavy job held a core (5 cubic-DiT training steps: 17 s with 2 threads, 0.13 s with 1).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
rm -rf "$out"
# Every temporary file of the tests (and of the processes they start) in one folder of this run, removed at the end:
# the tests leave their folders behind (13 GB had built up in this machine's /tmp). CMD_KEEP_TEST_TMP=1 keeps it.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/wb-tests.XXXXXX")"
trap 'if [ "${CMD_KEEP_TEST_TMP:-0}" = 1 ]; then echo "test files kept in $tmp"; else rm -rf "$tmp"; fi' EXIT
export TMPDIR="$tmp"
dotnet test Workbench.sln -c "$config" --no-build --logger trx --logger "console;verbosity=normal" \
  --results-directory "$out" 2>&1 | grep -vE '^\s+Passed ' 
status=${PIPESTATUS[0]}
bash "$(dirname "$0")/test-summary.sh" "$out"; summary=$?
[ "$status" -eq 0 ] && [ "$summary" -eq 0 ]
