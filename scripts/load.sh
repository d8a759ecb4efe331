#!/usr/bin/env bash
# The load runs docs/measurements.md reports. The province's shape (issue 37): a province
# built through the API — 150 communes and 30 departments, each with its own account, five
# tablets per commune each working its own items, 20 dashboards on the live stream — on
# one app server (embedded SurrealKV) and on two over a SurrealDB server; the morning
# reconnect (every tablet back within 60 s with 40 offline changes); and the knee (tablets
# per commune until push p99 passes 1 s). For comparison only, the older shape: 1,000
# tablets on three demo accounts (`compare-one`, `compare-two`, `compare-knee`).
# Release builds, loopback only, every run bounded in devices and seconds.
#   bash scripts/load.sh                   # province, morning, province-two, province-knee
#   LOAD_SECONDS=20 bash scripts/load.sh province
#   LOAD_COMMUNES=50 LOAD_TABLETS=3 bash scripts/load.sh morning
#   bash scripts/load.sh compare           # the three comparison runs
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
communes="${LOAD_COMMUNES:-150}"
tablets="${LOAD_TABLETS:-5}"
compare() { "$bin/chidao-load" accounts --accounts official,official2,official3 --seconds "$seconds" "$@"; }
province() { "$bin/chidao-load" province --communes "$communes" --seconds "$seconds" "$@"; }

# One step of a knee sweep: shows the run, prints its figures from the JSON last line,
# and fails once push p99 has passed 1 s.
below_knee() { # step-output-file's last line, tablets
  cat "$work/step.txt"
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); q=r["requests"]; print("knee-point tablets=%d push_p99_ms=%.0f pull_p99_ms=%.0f changes_per_s=%.0f errors=%d" % (int(sys.argv[2]), q["push"]["p99"], q["pull"]["p99"], r["changes_per_s"], r["errors"])); sys.exit(1 if q["push"]["p99"] > 1000 else 0)' "$1" "$2"
}

province_one() {
  echo "== the province: $communes communes × $tablets tablets and 20 live dashboards, one app server, embedded SurrealKV"
  local port; port=$(free_port)
  app "$port" "surrealkv://$work/province" --demo --demo-scope seed
  province --ports "$port" --tablets-per-commune "$tablets" --watch "app=${pids[-1]}"
  stop_all
}

province_morning() {
  echo "== the morning: $communes communes × $tablets tablets back within 60 s with 40 offline changes each, one app server, embedded"
  local port; port=$(free_port)
  app "$port" "surrealkv://$work/morning" --demo --demo-scope seed
  province --ports "$port" --tablets-per-commune "$tablets" --dashboards 0 --morning --watch "app=${pids[-1]}"
  stop_all
}

province_two() {
  echo "== the province on two app servers over one SurrealDB server (SurrealKV)"
  start_shared
  province --ports "$a,$b" --tablets-per-commune "$tablets" --watch "app-a=$a_pid,app-b=$b_pid,surreal=$surreal_pid"
  unset CHIDAO_DB CHIDAO_DB_USER CHIDAO_DB_PASS
  stop_all
}

province_knee() {
  echo "== the province's knee: tablets per commune on one app server (embedded) until push p99 passes 1 s"
  local port; port=$(free_port)
  app "$port" "surrealkv://$work/province-knee" --demo --demo-scope seed
  local seconds="${LOAD_KNEE_SECONDS:-30}" per
  for per in ${LOAD_KNEE_TABLETS:-2 5 8 12 16 20}; do
    province --ports "$port" --tablets-per-commune "$per" --seconds "$seconds" --watch "app=${pids[-1]}" >"$work/step.txt"
    below_knee "$(tail -1 "$work/step.txt")" "$((per * communes))" || break
  done
  stop_all
}

one_server() {
  echo "== comparison shape: $devices tablets on three demo accounts, one app server, embedded SurrealKV"
  local port; port=$(free_port)
  app "$port" "surrealkv://$work/one" --demo --demo-scope seed
  compare --ports "$port" --devices "$devices" --watch "app=${pids[-1]}"
  stop_all
}

# Two app servers over a SurrealDB server: sets a, b and their pids, and surreal_pid.
start_shared() {
  local db_port; db_port=$(free_port); a=$(free_port); b=$(free_port)
  SURREAL_PASS=load-root "$bin/surreal" start --log warn --user root --bind "127.0.0.1:$db_port" "surrealkv://$work/shared" >"$work/surreal.log" 2>&1 &
  pids+=($!); surreal_pid=$!
  wait_for "$db_port" /health
  export CHIDAO_DB="ws://127.0.0.1:$db_port" CHIDAO_DB_USER=root CHIDAO_DB_PASS=load-root
  "$bin/chidao" migrate
  metrics_a=$(free_port); metrics_b=$(free_port)
  app "$a" "$CHIDAO_DB" --demo --demo-scope seed --metrics-addr "127.0.0.1:$metrics_a"; a_pid=${pids[-1]}
  app "$b" "$CHIDAO_DB" --migrations check --metrics-addr "127.0.0.1:$metrics_b"; b_pid=${pids[-1]}
}

two_servers() {
  echo "== comparison shape: $devices tablets on three demo accounts, two app servers over one SurrealDB server (SurrealKV)"
  start_shared
  compare --ports "$a,$b" --devices "$devices" --watch "app-a=$a_pid,app-b=$b_pid,surreal=$surreal_pid"
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
  echo "== comparison shape's knee: tablets on three demo accounts, one app server (embedded), until push p99 passes 1 s"
  local port; port=$(free_port)
  app "$port" "surrealkv://$work/knee" --demo --demo-scope seed
  local seconds="${LOAD_KNEE_SECONDS:-30}" devices
  for devices in ${LOAD_KNEE_STEPS:-250 500 1000 1500 2000 3000 4000}; do
    compare --ports "$port" --devices "$devices" --watch "app=${pids[-1]}" >"$work/step.txt"
    below_knee "$(tail -1 "$work/step.txt")" "$devices" || break
  done
  stop_all
}

case "${1:-all}" in
  province) province_one ;;
  morning) province_morning ;;
  province-two) province_two ;;
  province-knee) province_knee ;;
  all) province_one; province_morning; province_two; province_knee ;;
  compare-one) one_server ;;
  compare-two) two_servers ;;
  compare-knee) knee ;;
  compare) one_server; two_servers; knee ;;
  *) echo "usage: scripts/load.sh [province|morning|province-two|province-knee|all|compare-one|compare-two|compare-knee|compare]" >&2; exit 2 ;;
esac
