#!/usr/bin/env bash
# Command 1 of README: install what is missing, build the release app, and run it at
# http://127.0.0.1:3000 with the embedded database under ./data and the demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
build_site --release
mkdir -p data
exec "$CARGO_TARGET_DIR/release/chidao" serve --demo "$@"
