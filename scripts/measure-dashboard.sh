#!/usr/bin/env bash
# Builds the release app, writes a generated province of real size (180 units, 400 tasks,
# about 500,000 items and a year of ticks) and measures the office's dashboard over it in
# Chromium. Numbers go in docs/measurements.md; nothing is asserted. Takes about ten minutes once built.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser
source scripts/env.sh
build_site --release
CHIDAO_BIN="$CARGO_TARGET_DIR/release/chidao" node scripts/measure-dashboard.mjs
