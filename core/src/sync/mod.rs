//! The sync rules and the wire shapes of the sync API, shared by browser and server: the
//! merge rule, the server's push decision, the device's outbox and snapshot.

mod clock;
mod decide;
mod engine;
mod group;
mod memory;
mod merge;
mod outbox;
mod photos;
mod review;
mod schedule;
mod sequence;
mod snapshot;
mod wire;

#[cfg(test)]
mod simulation;

pub use clock::{Stamp, MAX_FUTURE_SKEW_MS};
pub use decide::{decide, DeviceMove, DeviceState, LogRecord, LoggedAnswer, Push, PushDecision, PushReads, Refusal};
pub use engine::{record_edit, DeviceStore, RejectedChange, SyncEngine, SyncObserver, Transport, Unobserved, PUSH_BATCH};
pub use group::{decide_group, GroupDecision};
pub use memory::{MemoryStore, StoredWork};
pub use merge::{apply, clashes, replay, unaccounted_edit, Base, LoggedOutcome, Mark};
pub use outbox::{waiting, Outbox, Settled};
pub use photos::{photo_refused_for_good, KeptPhoto, PhotoAnswer, PhotoState};
pub use review::{contests, resolve, Contest, Field, LoggedEdit, ReviewError, REVIEW_DEVICE};
pub use schedule::{next_sync_in_ms, MAX_RETRY_MS, SYNC_INTERVAL_MS};
pub use sequence::{check_sequence, Sequence};
pub use snapshot::{DirectiveView, PeriodTally, Snapshot, TaskView};
pub use wire::{Change, ChangeResult, ChangeStatus, Edit, PullResponse, PushRequest, PushResponse, MAX_CHANGES_PER_PUSH, MAX_PULL_LIMIT};

/// Runs a future that never waits (every store and transport in the tests answers at once)
/// to its end, without an executor.
#[cfg(test)]
pub(crate) fn resolve_now<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("a future in the tests waited for something"),
    }
}
