#!/usr/bin/env bash
# Command 2 of README: every test. Unit and property tests of the shared crate, server
# tests against embedded SurrealDB, then end-to-end tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser
source scripts/env.sh

# Property tests run many cases in CI; locally the default keeps the loop quick.
if [[ "${CI:-}" == "true" ]]; then export PROPTEST_CASES="${PROPTEST_CASES:-10000}"; fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

echo "== formatting and lints (server build, and the browser build for wasm)"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p app --target wasm32-unknown-unknown --locked -- -D warnings

echo "== unit, property and server tests"
cargo test --workspace --locked 2>&1 | tee "$logs/cargo.txt"

echo "== building the app for the browser tests"
# Only the browser side: the server binary is the one `cargo test --workspace` built above.
# Built by cargo-leptos for the server package alone, its dependencies would take other
# features than in the workspace build (the `surreal` member's) and SurrealDB would
# compile a second time. scripts/wasm-size.sh measures the release build.
build_site --frontend-only

echo "== end-to-end tests in Chromium"
(cd end2end && CHIDAO_BIN="$CARGO_TARGET_DIR/debug/chidao" ../node_modules/.bin/playwright test) 2>&1 | tee "$logs/e2e.txt"

# One closing line for all suites together.
rust_passed=$(awk '/^test result:/ { sum += $4 } END { print sum + 0 }' "$logs/cargo.txt")
rust_failed=$(awk '/^test result:/ { sum += $6 } END { print sum + 0 }' "$logs/cargo.txt")
e2e_passed=$(sed -E 's/\x1b\[[0-9;]*m//g' "$logs/e2e.txt" | awk '$2 == "passed" && $1 ~ /^[0-9]+$/ { n = $1 } END { print n + 0 }')
echo "all suites: $((rust_passed + e2e_passed)) passed, ${rust_failed} failed"
