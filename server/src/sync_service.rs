//! Applying pushed changes and answering pulls: the server's half of the sync rules.
//! Routes call these after the request has been parsed; the rules themselves are the
//! shared `app::sync` functions (sequence check, clock clamp, merge).

use crate::auth::{may_change_item, read_scope, ReadScope, User};
use crate::db::{DbError, Decision, DeviceRow, Recorded, Store};
use app::domain::UnitCode;
use app::sync::{apply, check_sequence, Change, ChangeResult, ChangeStatus, Outcome, PullResponse, Sequence, MAX_PULL_LIMIT};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// How often a write that lost a race (same device or same item) is retried.
const MAX_ATTEMPTS: usize = 8;

fn answer(change: &Change, status: ChangeStatus) -> ChangeResult {
    ChangeResult { id: change.id, status, reason: None, expected_seq: None }
}

/// Applies each change on its own, in order: one refused change leaves the rest alone.
pub async fn push(store: &Store, user: &User, changes: &[Change]) -> Result<Vec<ChangeResult>, DbError> {
    let mut devices: HashMap<Uuid, DeviceRow> = HashMap::new();
    let mut results = Vec::with_capacity(changes.len());
    for change in changes {
        let device = match devices.get(&change.device()) {
            Some(row) => row.clone(),
            None => store.device(change.device(), &user.username).await?,
        };
        let (result, device) = push_one(store, user, change, device).await?;
        devices.insert(change.device(), device);
        results.push(result);
    }
    Ok(results)
}

async fn push_one(store: &Store, user: &User, change: &Change, mut device: DeviceRow) -> Result<(ChangeResult, DeviceRow), DbError> {
    if device.owner != user.username {
        let refused = ChangeResult { reason: Some("this device is registered to another account".into()), ..answer(change, ChangeStatus::Rejected) };
        return Ok((refused, device));
    }
    for _ in 0..MAX_ATTEMPTS {
        match check_sequence(device.last_seq, change.seq) {
            Sequence::Replay => return Ok((answer(change, ChangeStatus::Duplicate), device)),
            Sequence::Gap { expected } => {
                let gap = ChangeResult { expected_seq: Some(expected), reason: Some(format!("send change {expected} first")), ..answer(change, ChangeStatus::Gap) };
                return Ok((gap, device));
            }
            Sequence::Next => {}
        }
        let read = store.item(change.item).await?;
        let (stamp, clamped) = change.stamp.clamped(chrono::Utc::now().timestamp_millis());
        let kept = Change { stamp, ..change.clone() };
        let mut merged = None;
        let decision = match &read {
            None => Decision::Refuse { reason: "this checklist item no longer exists" },
            Some(read) if !may_change_item(user, &read.item.unit) => Decision::Refuse { reason: "this checklist item belongs to another unit" },
            Some(read) => {
                let mut item = read.item.clone();
                let outcome = apply(&mut item, &kept, &user.username);
                let item = merged.insert(item);
                Decision::Merge { read, merged: item, outcome, stamp, clamped }
            }
        };
        let reason = match &decision {
            Decision::Refuse { reason } => Some((*reason).to_owned()),
            Decision::Merge { .. } => None,
        };
        let status = match store.record_change(change, &user.username, device.last_seq, decision).await? {
            Recorded::Merged(Outcome::Applied) => ChangeStatus::Applied,
            Recorded::Merged(Outcome::Superseded) => ChangeStatus::Superseded,
            Recorded::Refused => ChangeStatus::Rejected,
            Recorded::Duplicate => ChangeStatus::Duplicate,
            Recorded::Stale => {
                device = store.device(change.device(), &user.username).await?;
                continue;
            }
        };
        if status != ChangeStatus::Duplicate {
            device.last_seq = change.seq;
        }
        return Ok((ChangeResult { reason, ..answer(change, status) }, device));
    }
    tracing::warn!(change = %change.id, "gave up after repeated write conflicts");
    // Not a refusal: the device keeps the change and sends it again later.
    Err(DbError::Contended)
}

/// Items the user may see that changed after `since`, at most `limit` of them, with the
/// tasks, directives and units they need to be shown.
pub async fn pull(store: &Store, user: &User, since: u64, limit: usize) -> Result<PullResponse, DbError> {
    let limit = limit.clamp(1, MAX_PULL_LIMIT);
    let units: Option<Vec<UnitCode>> = match read_scope(user) {
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
