#!/usr/bin/env bash
# Builds the release app and prints the browser bundle's size, raw and compressed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
cargo leptos build --release
wasm="target/site/pkg/chidao.wasm"
js="target/site/pkg/chidao.js"
brotli_size() { python3 -c 'import sys, brotli; print(len(brotli.compress(open(sys.argv[1], "rb").read(), quality=11)))' "$1" 2>/dev/null \
  || (command -v brotli >/dev/null && brotli -c -q 11 "$1" | wc -c) || echo "n/a (install python3-brotli or brotli)"; }
gzip_size() { gzip -c -9 "$1" | wc -c; }
printf '%-12s %10s %10s %10s\n' file raw gzip brotli
for f in "$wasm" "$js"; do
  printf '%-12s %10s %10s %10s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip_size "$f")" "$(brotli_size "$f")"
done
