#!/usr/bin/env bash
# The crash test at length: CHIDAO_CRASH_ROUNDS rounds (default 20) of writes past the
# 16 MiB write buffer, the holder of the data SIGKILLed at the end of each (once mid-push),
# every push ever answered sent again after each restart. Both holders: the app server
# with its embedded SurrealKV, and the SurrealDB server under an app server. Prints each
# round and the totals; docs/measurements.md, "Crash soak", has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
rounds="${CHIDAO_CRASH_ROUNDS:-20}"
# Through the workspace, as CI builds: a package built alone gets other features and would
# compile SurrealDB again.
cargo build --workspace --locked --bins
started=$(date +%s)
CHIDAO_CRASH_ROUNDS="$rounds" cargo test --workspace --locked --test server acknowledged_changes_survive_sigkill \
  -- --nocapture --test-threads=1 2>&1 | tee /tmp/chidao-crash-soak.log | grep --line-buffered -E 'round|^test '
elapsed=$(( $(date +%s) - started ))
# The first round of each holder shares its line with the test's name.
kills=$(grep -o 'round [0-9]*: ' /tmp/chidao-crash-soak.log | wc -l)
last=$(grep -o 'round [0-9]*: .*' /tmp/chidao-crash-soak.log | tail -n 1)
echo "crash soak: ${kills} kills over two holders in ${elapsed} s; last round: ${last}"
grep -q 'test result: ok. 2 passed' /tmp/chidao-crash-soak.log
