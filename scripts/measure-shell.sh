#!/usr/bin/env bash
# Builds the release app and measures its offline shell in Chromium: size as served
# (brotli), offline reload to interactive, tap to browser storage. Numbers go in docs/measurements.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser
source scripts/env.sh
build_site --release
CHIDAO_BIN="$CARGO_TARGET_DIR/release/chidao" node scripts/measure-shell.mjs
