#!/usr/bin/env bash
# Command 2 of README: every test. Unit and property tests of the shared crate, server
# tests against embedded SurrealDB, then end-to-end tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser
source scripts/env.sh

# Property tests run many cases in CI; locally the default keeps the loop quick.
if [[ "${CI:-}" == "true" ]]; then export PROPTEST_CASES="${PROPTEST_CASES:-10000}"; fi

echo "== unit, property and server tests"
cargo test --workspace --locked

echo "== building the app for the browser tests"
# A debug build shares its compiled dependencies with the tests above, which keeps CI
# well inside its time; scripts/wasm-size.sh measures the release build.
cargo leptos build

echo "== end-to-end tests in Chromium"
cd end2end
CHIDAO_BIN="$CARGO_TARGET_DIR/debug/chidao" ../node_modules/.bin/playwright test
