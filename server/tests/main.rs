//! The server's tests, one binary with a module per feature: every module drives the real
//! router (or the real binary) against real embedded SurrealDB. One binary links SurrealDB
//! once instead of once per feature.

// Tests and benchmarks stop at the first failure, and an unwrap says where: the lint
// that keeps unwraps out of the app and the server does not apply here.
#![allow(clippy::unwrap_used)]

mod common;

mod access;
mod api;
mod backup;
mod bounded_writes;
mod cli;
mod cluster;
mod crash;
mod dashboard;
mod demo_office;
mod directive_import;
mod durability;
mod group_commit;
mod layers;
mod periods;
mod random_sync;
mod schema;
mod security;
