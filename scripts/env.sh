# Sourced by the other scripts: one build directory that outlives clean clones, and the
# paths cargo-leptos and the server agree on.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/chidao/target}"
export PATH="$HOME/.cargo/bin:$PATH"
export LEPTOS_OUTPUT_NAME=chidao
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg

# The storage engine with our fix, which the workspace's `[patch.crates-io]` points to.
bash "$(dirname "${BASH_SOURCE[0]}")/engine.sh"

# The one way the site is built: `--split` puts the supervisors' and admins' pages in wasm
# chunks of their own (see app/src/pages/on_demand.rs); without it the page cannot load.
build_site() { cargo leptos build --split "$@"; }

# The server tests run the app on their own threads, whose stack Rust sizes from this; the
# server gives its runtime threads the same (see THREAD_STACK_BYTES in server/src/main.rs):
# SurrealDB's executor recurses deeply inside a push's transaction.
export RUST_MIN_STACK="${RUST_MIN_STACK:-16777216}"
