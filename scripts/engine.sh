#!/usr/bin/env bash
# Puts the storage engine the workspace builds with in engine/surrealkv-<version>: SurrealKV
# as published on crates.io (checked against its checksum) with engine/surrealkv.patch, our
# fix for acknowledged commits lost after a crash (docs/engine-surrealkv.md). The root
# Cargo.toml points `[patch.crates-io]` there, so every cargo command needs it: env.sh runs
# this, and it does nothing when the copy is already made from the same patch.
#
# `--published` puts the crate there as published, without the patch, to watch the engine's
# own test fail (docs/engine-surrealkv.md); the next run without it patches it again. Build
# that with a CARGO_TARGET_DIR of its own: cargo names a path dependency's build by its path
# inside the workspace, so every clone's engine shares one build in a shared target folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

version=0.21.4
checksum=7e57275d2ec60b2b73294d5b3de12efd9f84ff5ce6f738866a35d52301918ce7
patch_file="$root/engine/surrealkv.patch"
target="$root/engine/surrealkv-$version"
stamp="$target/.chidao-patch"

patch_hash=$(sha256sum "$patch_file" | cut -d' ' -f1)
published=false
if [[ "${1:-}" == "--published" ]]; then
  published=true
  patch_hash=published
fi
previous=$(cat "$stamp" 2>/dev/null || true)
if [[ "$previous" == "$patch_hash" ]]; then
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
crate="$work/surrealkv-$version.crate"

# Cargo's own download, when this machine has one; otherwise the registry's.
cached=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"surrealkv-$version.crate" 2>/dev/null | head -n 1 || true)
if [[ -n "$cached" ]]; then
  cp "$cached" "$crate"
else
  echo "== downloading surrealkv $version from crates.io" >&2
  curl --fail --silent --show-error --location --retry 3 \
    --output "$crate" "https://static.crates.io/crates/surrealkv/surrealkv-$version.crate"
fi
if [[ "$(sha256sum "$crate" | cut -d' ' -f1)" != "$checksum" ]]; then
  echo "surrealkv-$version.crate does not match its crates.io checksum; nothing changed" >&2
  exit 1
fi

tar -xzf "$crate" -C "$work"
# Outside any git repository, `git apply` works as `patch` does (which a fresh Debian lacks).
if ! $published; then
  (cd "$work/surrealkv-$version" && git apply -p1 "$patch_file")
fi
echo "$patch_hash" > "$work/surrealkv-$version/.chidao-patch"

# Cargo rebuilds a path dependency when its files are newer than its last build. A fresh
# clone's copy of an unchanged engine is dated when the patch was committed, so a build
# folder that outlives clones is not made to rebuild SurrealDB for nothing; a copy that
# replaces another (a new patch, or the published crate) is dated now, so it is rebuilt.
when=$(date +%s)
if [[ -z "$previous" ]] && ! $published; then
  committed=$(git -C "$root" log -1 --format=%ct -- engine/surrealkv.patch 2>/dev/null || true)
  if [[ -n "$committed" ]] && git -C "$root" diff --quiet HEAD -- engine/surrealkv.patch 2>/dev/null; then
    when=$committed
  fi
fi
find "$work/surrealkv-$version" -exec touch -h -d "@$when" {} +

rm -rf "$target"
mv "$work/surrealkv-$version" "$target"
if $published; then
  echo "== storage engine: surrealkv $version AS PUBLISHED (without our fix) in engine/surrealkv-$version" >&2
else
  echo "== storage engine: surrealkv $version with engine/surrealkv.patch in engine/surrealkv-$version" >&2
fi
