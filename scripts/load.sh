#!/usr/bin/env bash
# The load runs docs/measurements.md reports (issue 17): 1,000 simulated tablets against one app server
# on embedded SurrealKV, then against two app servers sharing a SurrealDB server, then
# more and more tablets on one server until push p99 passes 1 s (the knee). Release
# builds, loopback only, every run bounded in devices and seconds.
#   bash scripts/load.sh            # all three
#   LOAD_SECONDS=20 bash scripts/load.sh knee
#   LOAD_DEVICES=2000 bash scripts/load.sh two   # other than 1,000 tablets in `one` and `two`
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export CARGO_TARGET_DIR="${LOAD_TARGET_DIR:-$HOME/.cache/chidao/target-release}"
cargo build --release --locked --workspace --bins
bin="$CARGO_TARGET_DIR/release"
seconds="${LOAD_SECONDS:-60}"
devices="${LOAD_DEVICES:-1000}"
export CHIDAO_DEMO_PASSWORD=load-test-password RUST_LOG=warn
work=$(mktemp -d)
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}
trap 'stop_all; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # port path
  for _ in $(seq 600); do curl -sf "http://127.0.0.1:$1$2" >/dev/null && return 0; sleep 0.2; done
  echo "nothing answered on port $1" >&2; return 1
}
app() { # port db [serve flags...]
  local port=$1 db=$2; shift 2
  "$bin/chidao" serve --addr "127.0.0.1:$port" --db "$db" --drain-ms 0 "$@" >"$work/app-$port.log" 2>&1 &
  pids+=($!); wait_for "$port" /readyz
}
load() { "$bin/chidao-load" --accounts official,official2,official3 --seconds "$seconds" "$@"; }

one_server() {
  echo "== $devices tablets, one app server, embedded SurrealKV"
  local port; port=$(free_port)
  app "$port" "surrealkv://$work/one" --demo --demo-scope seed
  load --ports "$port" --devices "$devices" --watch "app=${pids[-1]}"
  stop_all
}

two_servers() {
  echo "== $devices tablets, two app servers over one SurrealDB server (SurrealKV)"
  local db_port a b; db_port=$(free_port); a=$(free_port); b=$(free_port)
  SURREAL_PASS=load-root "$bin/surreal" start --log warn --user root --bind "127.0.0.1:$db_port" "surrealkv://$work/shared" >"$work/surreal.log" 2>&1 &
  pids+=($!); local surreal_pid=$!
  wait_for "$db_port" /health
  export CHIDAO_DB="ws://127.0.0.1:$db_port" CHIDAO_DB_USER=root CHIDAO_DB_PASS=load-root
  "$bin/chidao" migrate
  local metrics_a metrics_b; metrics_a=$(free_port); metrics_b=$(free_port)
  app "$a" "$CHIDAO_DB" --demo --demo-scope seed --metrics-addr "127.0.0.1:$metrics_a"; local a_pid=${pids[-1]}
  app "$b" "$CHIDAO_DB" --migrations check --metrics-addr "127.0.0.1:$metrics_b"; local b_pid=${pids[-1]}
  load --ports "$a,$b" --devices "$devices" --watch "app-a=$a_pid,app-b=$b_pid,surreal=$surreal_pid"
  # Which server wrote the pushes, how many the other handed to it, and how often a group
  # write was done again after losing a race (for the item counter or a tally).
  for metrics in "$metrics_a" "$metrics_b"; do
    curl -sf "http://127.0.0.1:$metrics/metrics" \
      | grep -E '^chidao_(push_writer|push_groups_total|push_groups_written_again_total|pushes_handed_on_total|pushes_written_here_instead_total) ' \
      | tr '\n' ' '
    echo
  done
  unset CHIDAO_DB CHIDAO_DB_USER CHIDAO_DB_PASS
  stop_all
}

knee() {
  echo "== the knee: tablets on one app server (embedded) until push p99 passes 1 s"
  local port; port=$(free_port)
  app "$port" "surrealkv://$work/knee" --demo --demo-scope seed
  local seconds="${LOAD_KNEE_SECONDS:-30}" devices
  for devices in ${LOAD_KNEE_STEPS:-250 500 1000 1500 2000 3000 4000}; do
    load --ports "$port" --devices "$devices" --watch "app=${pids[-1]}" >"$work/step.txt"
    cat "$work/step.txt"
    local line; line=$(tail -1 "$work/step.txt")
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("knee-point devices=%d push_p99_ms=%.0f pull_p99_ms=%.0f changes_per_s=%.0f errors=%d" % (r["devices"], r["push_ms"]["p99"], r["pull_ms"]["p99"], r["changes_per_s"], r["errors"]))' "$line"
    if python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1])["push_ms"]["p99"] > 1000 else 1)' "$line"; then break; fi
  done
  stop_all
}

case "${1:-all}" in
  one) one_server ;;
  two) two_servers ;;
  knee) knee ;;
  all) one_server; two_servers; knee ;;
  *) echo "usage: scripts/load.sh [one|two|knee|all]" >&2; exit 2 ;;
esac
