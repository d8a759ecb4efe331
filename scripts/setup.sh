#!/usr/bin/env bash
# Installs what building (and, with --with-browser, testing) Chidao needs. Each step runs
# only when its tool is missing or at the wrong version, so running it again is cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

with_browser=false
[[ "${1:-}" == "--with-browser" ]] && with_browser=true

step() { printf '\n== %s\n' "$*"; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

command -v cargo >/dev/null || { echo "Rust is missing: install rustup's stable toolchain first (https://rustup.rs)." >&2; exit 1; }
command -v npm >/dev/null || { echo "Node.js and npm are missing: install Node 20 or newer first." >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^${component}"; then
    step "adding the ${component} component"
    rustup component add "${component}"
  fi
done

if ! command -v cargo-leptos >/dev/null; then
  # Its lock file asks for a newer rustc than stable sometimes has; it builds fine anyway.
  # no_downloads: a missing tool is an error rather than a download from GitHub.
  step "installing cargo-leptos (about 15 minutes on 2 cores)"
  cargo install cargo-leptos --locked --ignore-rust-version --features no_downloads
fi

# wasm-bindgen's CLI must match the crate in Cargo.lock exactly.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${wbg_version}\$"; then
  step "installing wasm-bindgen-cli ${wbg_version}"
  # Not --locked: its locked tree names a crate version the registry may not serve.
  cargo install wasm-bindgen-cli --version "${wbg_version}" --force
fi

# wasm-opt (binaryen) and Playwright come from package.json; cargo-leptos finds
# ./node_modules/.bin first on its PATH.
if [[ ! -x node_modules/.bin/wasm-opt || ! -d node_modules/@playwright/test || package-lock.json -nt node_modules/.package-lock.json ]]; then
  step "installing npm packages"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

if $with_browser && [[ ! -x /usr/bin/chromium ]]; then
  step "installing Debian's Chromium"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
