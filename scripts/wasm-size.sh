#!/usr/bin/env bash
# Builds the release app and prints the browser bundle's size, raw and compressed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
build_site --release
wasm="target/site/pkg/chidao.wasm"
js="target/site/pkg/chidao.js"
# Node (needed for the tools anyway) ships brotli in its zlib module.
brotli_size() { node -e 'const z = require("zlib"); const b = require("fs").readFileSync(process.argv[1]);
  console.log(z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }).length)' "$1"; }
gzip_size() { gzip -c -9 "$1" | wc -c; }
printf '%-12s %10s %10s %10s\n' file raw gzip brotli
for f in "$wasm" "$js" target/site/pkg/chidao.css; do
  printf '%-12s %10s %10s %10s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip_size "$f")" "$(brotli_size "$f")"
done
