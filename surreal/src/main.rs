//! `surreal start …` as the official binary has it, with the community feature set. Tests
//! start it on loopback; `docs/deploy.md` shows it serving several app servers.

// The engine's async query evaluation is deeply nested; its layout needs more than the
// default depth in optimised builds (the official binary sets the same).
#![recursion_limit = "256"]

use std::process::ExitCode;

use surrealdb_server::core::CommunityComposer;

fn main() -> ExitCode {
    surrealdb_server::init(CommunityComposer())
}
