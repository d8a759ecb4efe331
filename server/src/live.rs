//! Live changes for open dashboards, as server-sent events. Each connection follows the
//! assignments' write order in the database (`seq`, taken in the write's transaction), so
//! a write through any app server sharing the database reaches every dashboard, which a
//! database live query would not promise across nodes. A connection costs one indexed
//! query per beat.

use crate::db::{DbError, Store};
use axum::response::sse::Event;
use chidao_core::api::{AssignmentKey, LiveChanges};
use chidao_core::domain::UnitCode;
use futures_util::Stream;
use std::convert::Infallible;
use std::time::Duration;

/// At most this many changed assignments in one event; the rest come in the next.
pub const LIVE_BATCH: usize = 1000;

struct Follow {
    store: Store,
    units: Option<Vec<UnitCode>>,
    cursor: u64,
    beat: tokio::time::Interval,
}

impl Follow {
    async fn next_changes(&mut self) -> Result<Option<LiveChanges>, DbError> {
        let changed = self.store.assignments_after(self.cursor, self.units.as_deref(), LIVE_BATCH).await?;
        let Some(last) = changed.last() else { return Ok(None) };
        self.cursor = last.seq;
        Ok(Some(LiveChanges {
            cursor: self.cursor,
            changed: changed.into_iter().map(|row| AssignmentKey { task: row.task, unit: row.unit, period: row.period }).collect(),
        }))
    }
}

fn event(changes: &LiveChanges) -> Event {
    let event = Event::default().event("changed").id(changes.cursor.to_string());
    event.json_data(changes).unwrap_or_else(|error| {
        tracing::error!(%error, "a live change did not serialise");
        Event::default().comment("skipped")
    })
}

/// Every change to the assignments of `units` (all when `None`) after `cursor`, checked
/// every `every`. A database error is logged and the next beat tries again: the browser
/// keeps its connection and loses nothing, since the cursor has not moved.
pub fn follow(store: Store, units: Option<Vec<UnitCode>>, cursor: u64, every: Duration) -> impl Stream<Item = Result<Event, Infallible>> {
    let mut beat = tokio::time::interval(every);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let state = Follow { store, units, cursor, beat };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            state.beat.tick().await;
            match state.next_changes().await {
                Ok(Some(changes)) => return Some((Ok(event(&changes)), state)),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, cursor = state.cursor, "live changes could not be read; trying again"),
            }
        }
    })
}

/// Writes again, every `every`, the kept tallies that writes have marked stale, so that a
/// dashboard's read after a push rarely has any left to write itself. An error is logged
/// and the next beat tries again: the marks stay until their tallies are written.
pub async fn keep_tallies(store: Store, every: Duration) {
    let mut beat = tokio::time::interval(every);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        beat.tick().await;
        if let Err(error) = store.retally_stale().await {
            tracing::warn!(%error, "the stale tallies could not be written again; trying at the next beat");
        }
    }
}
