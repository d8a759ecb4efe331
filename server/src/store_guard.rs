//! The checks that keep a database found behind what this server acknowledged from being
//! served silently: at start-up, after each write of pushes, on each pull, and every second
//! (see [`crate::acknowledged`] for why the item counter is the witness).

use crate::acknowledged::{AcknowledgedMark, Behind, MarkError, Witness};
use crate::db::{DbError, Store};
use std::time::Duration;

/// How often a serving app server compares the database with what it saw.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    #[error(
        "the database is behind what this server acknowledged: its item counter is at {holds}, but {acknowledged} was \
         seen committed (kept in {file}). Acknowledged changes were lost (an engine fault, a damaged disk, or a backup \
         loaded over newer data). Tablets keep their own copies of nothing they were told was saved. Restore the newest \
         backup if there is one newer than the data; to serve this data as it is, start once with \
         --accept-store-behind: numbers already handed out are then skipped, so no tablet misses a later write."
    )]
    Behind { holds: u64, acknowledged: u64, file: String },
    #[error(transparent)]
    Mark(#[from] MarkError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// At start-up, before anything is served: a database behind the mark is refused unless
/// `accept_behind`, which raises the counter past the mark and says so in the log.
pub async fn check_at_start(store: &Store, mark: &AcknowledgedMark, accept_behind: bool) -> Result<(), GuardError> {
    let holds = store.progress.assignment_cursor().await?;
    match mark.compare(holds) {
        Ok(()) => {}
        Err(Behind { holds, acknowledged }) => {
            mark.found_behind(Witness::File);
            let file = mark.path().map_or_else(|| "memory".to_owned(), |path| path.display().to_string());
            if !accept_behind {
                return Err(GuardError::Behind { holds, acknowledged, file });
            }
            tracing::error!(
                holds,
                acknowledged,
                %file,
                "serving a database behind what was acknowledged, as --accept-store-behind asks; the item counter \
                 moves past every number handed out"
            );
            store.sync.raise_item_counter(acknowledged).await?;
        }
    }
    mark.saw(store.progress.assignment_cursor().await?)?;
    Ok(())
}

/// After a write this server answers for: the counter as it is now is seen committed, in
/// the mark (and its file) before anyone is answered.
pub async fn saw_written(store: &Store, mark: &AcknowledgedMark) -> Result<(), GuardError> {
    let counter = store.progress.assignment_cursor().await?;
    note(store, mark, counter, Witness::Memory).await
}

/// A device pulling after `since`, while the database's counter is at `counter`. A cursor
/// past the counter was handed out by a database that has since gone back; a device can
/// also send any number, so this only says so (log and metric) and changes nothing.
pub fn pulled_past(mark: &AcknowledgedMark, since: u64, counter: u64) {
    if since > counter {
        mark.found_behind(Witness::PullCursor);
        tracing::error!(
            cursor = since,
            counter,
            "a device pulls after a number the database has not reached: the database may have lost acknowledged writes"
        );
    }
}

/// Compares `counter`, just read, with the mark: behind is an error in the log, a metric,
/// and the counter raised past every number handed out; otherwise the mark rises to it.
async fn note(store: &Store, mark: &AcknowledgedMark, counter: u64, witness: Witness) -> Result<(), GuardError> {
    match mark.compare(counter) {
        Ok(()) => Ok(mark.saw(counter)?),
        Err(Behind { holds, acknowledged }) => {
            mark.found_behind(witness);
            tracing::error!(
                holds,
                acknowledged,
                "the database is behind what this server saw committed: acknowledged changes were lost; the item \
                 counter moves past every number handed out so no tablet misses a later write"
            );
            store.sync.raise_item_counter(acknowledged).await?;
            Ok(())
        }
    }
}

/// Every [`WATCH_EVERY`] while serving: catches writes this server did not make itself
/// (another app server's, a publication's) into the mark, and a database that went back
/// (a restarted database server that lost writes).
pub async fn keep_watching(store: Store, mark: std::sync::Arc<AcknowledgedMark>) {
    let mut beat = tokio::time::interval(WATCH_EVERY);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        beat.tick().await;
        let checked = match store.progress.assignment_cursor().await {
            Ok(counter) => note(&store, &mark, counter, Witness::Memory).await,
            Err(error) => Err(error.into()),
        };
        if let Err(error) = checked {
            // The database may be restarting; the next beat tries again.
            tracing::warn!(%error, "comparing the database with what this server saw committed");
        }
    }
}
