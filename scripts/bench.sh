#!/usr/bin/env bash
# Sync benchmark: our push/pull over HTTP on embedded SurrealKV, raw SurrealKV writes of the
# same records, and PouchDB replication of the same changes into pouchdb-server, all on this
# machine's loopback. Prints the numbers and the ratios; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
if [[ ! -d bench/node_modules/pouchdb-server || bench/package-lock.json -nt bench/node_modules/.package-lock.json ]]; then
  (cd bench && npm ci --no-audit --no-fund)
fi
# How fast the directive reader is, on a real summary and near its 1 MiB limit.
cargo bench -p server --bench import 2>/dev/null
# What schema checking costs per write, which bounds the push rate below raw SurrealKV.
cargo bench -p server --bench write_cost 2>/dev/null | head -n -1
ours=$(cargo bench -p server --bench sync 2>/dev/null | tee /dev/stderr | tail -n 1)
pouch=$(cd bench && node pouchdb.js)
echo "$pouch"
node -e '
const ours = JSON.parse(process.argv[1]);
const pouch = JSON.parse(process.argv[2]);
const f = (x) => x.toFixed(2);
console.log(`ratio to PouchDB replication: ${f(ours.push_changes_per_s / pouch.pouchdb_changes_per_s)}x (target 3x, stretch 5x)`);
console.log(`ratio to raw SurrealKV writes (FOR loop): ${f(ours.push_changes_per_s / ours.raw_records_per_s)}x`);
console.log(`ratio to raw SurrealKV array inserts: ${f(ours.push_changes_per_s / ours.raw_array_changes_per_s)}x (target 0.4x)`);
' "$ours" "$pouch"
