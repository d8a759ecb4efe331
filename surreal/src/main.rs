//! `surreal start …` as the official binary has it, with the community feature set. Tests
//! start it on loopback; `docs/deploy.md` shows it serving several app servers.

use std::process::ExitCode;

use surrealdb_server::core::CommunityComposer;

fn main() -> ExitCode {
    surrealdb_server::init(CommunityComposer())
}
