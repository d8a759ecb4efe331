//! `surreal start …` as the official binary has it, with the community feature set. Tests
//! start it on loopback; `docs/deploy.md` shows it serving several app servers.

// The engine's async query evaluation is deeply nested; its layout needs more than the
// default depth in optimised builds (the official binary sets the same).
#![recursion_limit = "256"]

use std::process::ExitCode;

use surrealdb_server::core::CommunityComposer;

/// The allocator the official binary links on Linux. Not by the engine's `allocator`
/// feature: features unify across the workspace, so that would also choose the app's
/// allocator inside the engine crate the two share, where the app sets its own.
#[cfg(all(target_os = "linux", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    surrealdb_server::init(CommunityComposer())
}
