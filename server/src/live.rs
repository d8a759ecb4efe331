//! Live changes for open dashboards, as server-sent events. Each connection follows the
//! assignments' write order in the database (`seq`, taken in the write's transaction), so
//! a write through any app server sharing the database reaches every dashboard, which a
//! database live query would not promise across nodes. A connection costs one indexed
//! query per beat.

use crate::db::{DbError, ProgressStore, Store};
use crate::limits::StreamLimits;
use axum::response::sse::Event;
use chidao_core::api::{AssignmentKey, LiveChanges};
use chidao_core::domain::UnitCode;
use futures_util::Stream;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// At most this many changed assignments in one event; the rest come in the next.
pub const LIVE_BATCH: usize = 1000;

/// An open stream with no event asks this often whether its session still stands (one
/// with events asks before each).
const SESSION_CHECK_EVERY: Duration = Duration::from_secs(10);

/// Why a stream was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamRefused {
    SessionFull,
    ServerFull,
}

/// The live streams open on this app server, by session.
#[derive(Debug, Default)]
pub struct OpenStreams {
    limits: StreamLimits,
    by_session: Mutex<HashMap<String, u32>>,
}

/// One open stream, counted until it is dropped.
#[derive(Debug)]
pub struct StreamSlot {
    streams: Arc<OpenStreams>,
    session_key: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.streams.by_session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.session_key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.session_key);
            }
        }
    }
}

impl OpenStreams {
    pub fn new(limits: StreamLimits) -> Arc<Self> {
        Arc::new(Self { limits, by_session: Mutex::default() })
    }

    /// A slot for one more stream of `session_key`, if both limits allow it.
    pub fn open(self: &Arc<Self>, session_key: &str) -> Result<StreamSlot, StreamRefused> {
        let mut open = self.by_session.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if open.values().sum::<u32>() >= self.limits.per_server {
            return Err(StreamRefused::ServerFull);
        }
        let count = open.entry(session_key.to_owned()).or_default();
        if *count >= self.limits.per_session {
            return Err(StreamRefused::SessionFull);
        }
        *count += 1;
        Ok(StreamSlot { streams: Arc::clone(self), session_key: session_key.to_owned() })
    }
}

/// The session a stream was opened by, asked again while the stream stays open.
pub struct StreamSession {
    pub key: String,
    pub idle_days: u32,
    pub slot: StreamSlot,
}

impl StreamSession {
    async fn stands(&self, store: &Store) -> Result<bool, DbError> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        Ok(store
            .people
            .session(&self.key)
            .await?
            .is_some_and(|(session, account)| crate::auth::session_stands(&session, account.as_ref(), self.idle_days, now_ms)))
    }
}

struct Follow {
    store: Store,
    units: Option<Vec<UnitCode>>,
    cursor: u64,
    beat: tokio::time::Interval,
    session: StreamSession,
    checked_at: Instant,
}

impl Follow {
    async fn next_changes(&mut self) -> Result<Option<LiveChanges>, DbError> {
        let changed = self.store.progress.assignments_after(self.cursor, self.units.as_deref(), LIVE_BATCH).await?;
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
/// keeps its connection and loses nothing, since the cursor has not moved. The stream
/// ends once its session no longer stands (signed out, expired, account disabled): asked
/// before every event and every [`SESSION_CHECK_EVERY`] without one.
pub fn follow(
    store: Store,
    units: Option<Vec<UnitCode>>,
    cursor: u64,
    every: Duration,
    session: StreamSession,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let mut beat = tokio::time::interval(every);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let state = Follow { store, units, cursor, beat, session, checked_at: Instant::now() };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            state.beat.tick().await;
            let before = state.cursor;
            let changes = match state.next_changes().await {
                Ok(changes) => changes,
                Err(error) => {
                    tracing::warn!(%error, cursor = state.cursor, "live changes could not be read; trying again");
                    continue;
                }
            };
            if changes.is_some() || state.checked_at.elapsed() >= SESSION_CHECK_EVERY {
                match state.session.stands(&state.store).await {
                    Ok(true) => state.checked_at = Instant::now(),
                    Ok(false) => return None,
                    // Not known to have ended: the next beat asks again before sending.
                    Err(error) => {
                        tracing::warn!(%error, "a live stream's session could not be read");
                        state.cursor = before;
                        continue;
                    }
                }
            }
            if let Some(changes) = changes {
                return Some((Ok(event(&changes)), state));
            }
        }
    })
}

/// Writes again, every `every`, the kept tallies that writes have marked stale, so that a
/// dashboard's read after a push rarely has any left to write itself. An error is logged
/// and the next beat tries again: the marks stay until their tallies are written.
pub async fn keep_tallies(progress: ProgressStore, every: Duration) {
    let mut beat = tokio::time::interval(every);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        beat.tick().await;
        if let Err(error) = progress.retally_stale().await {
            tracing::warn!(%error, "the stale tallies could not be written again; trying at the next beat");
        }
    }
}
