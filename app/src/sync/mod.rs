//! The sync rules and the wire shapes of the sync API, shared by browser and server.
//!
//! `merge` is pure; `client` (browser only) moves changes between the local store and the
//! server.

mod merge;
mod snapshot;
mod wire;

#[cfg(feature = "hydrate")]
pub mod client;

pub use merge::{apply, replay, Outcome, Stamp};
pub use snapshot::{DirectiveView, Snapshot, TaskView};
pub use wire::{
    Change, ChangeResult, ChangeStatus, Edit, PullResponse, PushRequest, PushResponse, MAX_CHANGES_PER_PUSH,
    MAX_PULL_LIMIT,
};
