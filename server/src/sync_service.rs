//! Applying pushed changes and answering pulls: the server's half of the sync rules.
//! Routes call these after the request has been parsed; the rules themselves are the
//! shared `app::sync` merge functions.

use crate::auth::{may_change_item, read_scope, ReadScope, User};
use crate::db::{ApplyOutcome, DbError, Store};
use app::domain::UnitCode;
use app::sync::{apply, Change, ChangeResult, ChangeStatus, Outcome, PullResponse, MAX_PULL_LIMIT};
use std::collections::BTreeSet;

/// How often a write that lost a race for the same item is retried before giving up.
const MAX_ATTEMPTS: usize = 8;

fn rejected(change: &Change, reason: &str) -> ChangeResult {
    ChangeResult { id: change.id, status: ChangeStatus::Rejected, reason: Some(reason.to_owned()) }
}

/// Applies each change on its own: one refused change leaves the rest of the batch alone.
pub async fn push(store: &Store, user: &User, changes: &[Change]) -> Result<Vec<ChangeResult>, DbError> {
    let mut results = Vec::with_capacity(changes.len());
    for change in changes {
        results.push(push_one(store, user, change).await?);
    }
    Ok(results)
}

async fn push_one(store: &Store, user: &User, change: &Change) -> Result<ChangeResult, DbError> {
    for _ in 0..MAX_ATTEMPTS {
        let Some(read) = store.item(change.item).await? else {
            return Ok(rejected(change, "this checklist item no longer exists"));
        };
        if !may_change_item(user, &read.item.unit) {
            return Ok(rejected(change, "this checklist item belongs to another unit"));
        }
        let mut merged = read.item.clone();
        let outcome = apply(&mut merged, change, &user.username);
        let status = match store.apply_change(change, &user.username, &read, &merged, outcome).await? {
            ApplyOutcome::Written(Outcome::Applied) => ChangeStatus::Applied,
            ApplyOutcome::Written(Outcome::Superseded) => ChangeStatus::Superseded,
            ApplyOutcome::Duplicate => ChangeStatus::Duplicate,
            ApplyOutcome::Stale => continue,
        };
        return Ok(ChangeResult { id: change.id, status, reason: None });
    }
    tracing::warn!(change = %change.id, "gave up after repeated write conflicts");
    // Not a refusal: the device keeps the change and sends it again later.
    Err(DbError::Contended)
}

/// Items the user may see that changed after `since`, at most `limit` of them, with the
/// tasks, directives and units they need to be shown.
pub async fn pull(store: &Store, user: &User, since: u64, limit: usize) -> Result<PullResponse, DbError> {
    let limit = limit.clamp(1, MAX_PULL_LIMIT);
    let scope = read_scope(user);
    let units: Option<Vec<UnitCode>> = match scope {
        ReadScope::Everything => None,
        ReadScope::Units(units) => Some(units),
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
