//! Applying pushed changes and answering pulls: the server's half of the sync rules.
//! Routes call these after the request has been parsed; the rules themselves are the
//! shared `chidao_core::sync` functions (the push decision, the merge).

use crate::auth::{read_scope, Access, Action, ReadScope, User};
use crate::db::{Batch, DbError, LogEntry, Recorded, Store};
use crate::retry::until_written;
use chidao_core::domain::UnitCode;
use chidao_core::sync::{decide, Change, ChangeResult, PullResponse, PushReads, MAX_PULL_LIMIT};
use std::collections::{BTreeSet, HashMap, HashSet};
use uuid::Uuid;

/// Decides every change of a push with the shared rules ([`chidao_core::sync::decide`]) between
/// one read and one write, and writes them all in one transaction. A refused change is
/// logged and answered without affecting the others. A push that lost a race (another
/// push of the same device or item, or another server taking the same number) is read
/// and decided again; one that cannot settle is answered 503, and the device sends it
/// again later.
pub async fn push(store: &Store, user: &User, changes: &[Change]) -> Result<Vec<ChangeResult>, DbError> {
    until_written("recording a push", || push_once(store, user, changes)).await
}

/// One attempt; `None` when something moved under it and it must be worked out again.
async fn push_once(store: &Store, user: &User, changes: &[Change]) -> Result<Option<Vec<ChangeResult>>, DbError> {
    let item_ids: Vec<Uuid> = changes.iter().map(|change| change.item).collect::<BTreeSet<_>>().into_iter().collect();
    let device_ids: Vec<Uuid> = changes.iter().map(Change::device).collect::<BTreeSet<_>>().into_iter().collect();
    let change_ids: Vec<Uuid> = changes.iter().map(|change| change.id).collect();
    let mut read = store.items(&item_ids).await?;
    if read.len() < item_ids.len() {
        // A tablet opens a new period itself; if this server has not opened it yet, it
        // does now, for the units this person sees, and reads again.
        let units = match read_scope(store, user).await? {
            ReadScope::Everything => None,
            ReadScope::Units(units) => Some(units.into_iter().collect::<Vec<_>>()),
        };
        crate::periods::open(store, None, units.as_deref(), chrono::Utc::now(), crate::periods::Reach::Latest).await?;
        read = store.items(&item_ids).await?;
    }
    let mut access = Access::new(store, user);
    let mut writable = HashSet::new();
    for unit in read.iter().map(|stored| &stored.item.unit).collect::<BTreeSet<_>>() {
        if access.permits(Action::ChangeItemOf(unit)).await? {
            writable.insert(unit.clone());
        }
    }
    let versions: HashMap<Uuid, u64> = read.iter().map(|stored| (stored.item.id, stored.version)).collect();
    let reads = PushReads {
        devices: store.devices(&device_ids).await?,
        logged: store.logged_answers(&change_ids).await?,
        items: read.into_iter().map(|stored| (stored.item.id, stored.item)).collect(),
        writable,
    };
    let now_ms = chrono::Utc::now().timestamp_millis();
    let decision = decide(&user.username, now_ms, &reads, changes);
    let log = decision.log.iter().map(|record| LogEntry::decided(record, &user.username)).collect();
    let items = decision.items.into_iter().map(|item| {
        let version = versions[&item.id];
        (item, version)
    });
    let batch = Batch { devices: &decision.devices, log, items: items.collect() };
    Ok(match store.record_batch(&batch).await? {
        Recorded::Written => Some(decision.results),
        Recorded::Stale => None,
    })
}

/// Items the user may see that changed after `since`, at most `limit` of them, with the
/// tasks, directives and units they need to be shown.
pub async fn pull(store: &Store, user: &User, since: u64, limit: usize) -> Result<PullResponse, DbError> {
    let limit = limit.clamp(1, MAX_PULL_LIMIT);
    let units: Option<Vec<UnitCode>> = match read_scope(store, user).await? {
        ReadScope::Everything => None,
        ReadScope::Units(units) => Some(units.into_iter().collect()),
    };
    // One extra row tells whether another page follows.
    let mut stored = store.items_after(since, units.as_deref(), limit + 1).await?;
    let more = stored.len() > limit;
    stored.truncate(limit);
    let cursor = stored.last().map_or(since, |last| last.seq);
    let items: Vec<_> = stored.into_iter().map(|stored| stored.item).collect();
    let task_ids: Vec<_> = items.iter().map(|item| item.task).collect::<BTreeSet<_>>().into_iter().collect();
    let tasks = if task_ids.is_empty() { Vec::new() } else { store.tasks(Some(&task_ids)).await? };
    let directive_ids: Vec<_> = tasks.iter().map(|task| task.directive).collect::<BTreeSet<_>>().into_iter().collect();
    let directives = if directive_ids.is_empty() { Vec::new() } else { store.directives(Some(&directive_ids)).await? };
    let units = if items.is_empty() { Vec::new() } else { store.units().await? };
    Ok(PullResponse { cursor, more, items, tasks, directives, units })
}
