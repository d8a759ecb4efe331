#!/usr/bin/env bash
# Builds the release app and measures the field page for a commune with 50 tasks of 20
# items in Chromium slowed 4×: offline reload to interactive, filter change, tap to
# storage. Numbers go in docs/measurements.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser
source scripts/env.sh
build_site --release
CHIDAO_BIN="$CARGO_TARGET_DIR/release/chidao" node scripts/measure-field.mjs
