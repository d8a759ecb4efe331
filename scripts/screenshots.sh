#!/usr/bin/env bash
# Redraws docs/screenshots from the app as it is: the field page (list and checklist) at
# 1024x768, 768x1024 and 390x844, and a head's overview. Needs the tools of
# `scripts/setup.sh --with-browser`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser
source scripts/env.sh
build_site --frontend-only
cargo build --locked -p server --bin chidao
(cd end2end && CHIDAO_BIN="$CARGO_TARGET_DIR/debug/chidao" ../node_modules/.bin/playwright test -c screenshots.config.ts)
ls -l docs/screenshots
