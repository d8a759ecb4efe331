//! Applying pushed changes and answering pulls: the server's half of the sync rules.
//! Routes call these after the request has been parsed; the rules themselves are the
//! shared `app::sync` functions (sequence check, clock clamp, merge).

use crate::auth::{read_scope, Access, Action, ReadScope, User};
use crate::db::{Batch, DbError, DeviceRow, LogEntry, Recorded, Store, StoredItem};
use app::domain::{ChecklistItem, UnitCode};
use app::sync::{apply, check_sequence, clashes, Change, ChangeResult, ChangeStatus, Outcome, PullResponse, Sequence, MAX_PULL_LIMIT};
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// How often a push that lost a race (same device, same item, or another server taking the
/// same number) is worked out again, with a growing, jittered pause between tries.
pub(crate) const MAX_ATTEMPTS: u32 = 12;

pub(crate) async fn back_off(attempt: u32) {
    let ceiling_ms = 2u64.saturating_pow(attempt.min(8));
    let jitter = rand::random::<u64>() % ceiling_ms.max(1);
    tokio::time::sleep(std::time::Duration::from_millis(jitter)).await;
}

fn answer(change: &Change, status: ChangeStatus, reason: Option<String>) -> ChangeResult {
    ChangeResult { id: change.id, status, reason, expected_seq: None }
}

/// Decides every change of a push in order, then writes them all in one transaction. A
/// refused change is logged and answered without affecting the others.
pub async fn push(store: &Store, user: &User, changes: &[Change]) -> Result<Vec<ChangeResult>, DbError> {
    for attempt in 0..MAX_ATTEMPTS {
        if let Some(results) = push_once(store, user, changes).await? {
            return Ok(results);
        }
        back_off(attempt).await;
    }
    tracing::warn!(changes = changes.len(), "gave up a push after repeated write conflicts");
    // Not a refusal: the device keeps its changes and sends them again later.
    Err(DbError::Contended)
}

/// One attempt; `None` when something moved under it and it must be worked out again.
async fn push_once(store: &Store, user: &User, changes: &[Change]) -> Result<Option<Vec<ChangeResult>>, DbError> {
    let now_ms = chrono::Utc::now().timestamp_millis();
    // Per device: its number as read, and its row as this push moves it on.
    let mut devices: HashMap<Uuid, (u64, DeviceRow)> = HashMap::new();
    // Per item: as read, and as this push changes it.
    let wanted: Vec<Uuid> = changes.iter().map(|change| change.item).collect::<BTreeSet<_>>().into_iter().collect();
    let mut found: HashMap<Uuid, StoredItem> = store.items(&wanted).await?.into_iter().map(|read| (read.item.id, read)).collect();
    let mut items: HashMap<Uuid, Option<(StoredItem, ChecklistItem)>> = wanted
        .iter()
        .map(|id| {
            let entry = found.remove(id).map(|read| {
                let working = read.item.clone();
                (read, working)
            });
            (*id, entry)
        })
        .collect();
    // Asked once per unit the push touches, not once per change.
    let mut access = Access::new(store, user);
    let mut writable: HashMap<UnitCode, bool> = HashMap::new();
    for (read, _) in items.values().flatten() {
        if let Entry::Vacant(slot) = writable.entry(read.item.unit.clone()) {
            let allowed = access.permits(Action::ChangeItemOf(&read.item.unit)).await?;
            slot.insert(allowed);
        }
    }
    let mut log = Vec::new();
    let mut results = Vec::with_capacity(changes.len());
    for change in changes {
        let device = match devices.entry(change.device()) {
            Entry::Occupied(known) => &mut known.into_mut().1,
            Entry::Vacant(slot) => {
                let row = store.device(change.device(), &user.username).await?;
                &mut slot.insert((row.last_seq, row)).1
            }
        };
        if device.owner != user.username {
            results.push(answer(change, ChangeStatus::Rejected, Some("this device is registered to another account".into())));
            continue;
        }
        match check_sequence(device.last_seq, change.seq) {
            Sequence::Replay => {
                // A number already used is a duplicate only if it is the same change. A
                // device that lost its numbering (storage cleared, a tab restored) reuses
                // numbers for new changes; calling those duplicates would drop them.
                let same = store.logged_change_at(change.device(), change.seq).await? == Some(change.id);
                if same {
                    results.push(answer(change, ChangeStatus::Duplicate, None));
                } else {
                    let expected = device.last_seq + 1;
                    let reason = Some(format!("number {} is taken by another change; send from {expected}", change.seq));
                    results.push(ChangeResult { expected_seq: Some(expected), ..answer(change, ChangeStatus::Gap, reason) });
                }
                continue;
            }
            Sequence::Gap { expected } => {
                let reason = Some(format!("send change {expected} first"));
                results.push(ChangeResult { expected_seq: Some(expected), ..answer(change, ChangeStatus::Gap, reason) });
                continue;
            }
            Sequence::Next => {}
        }
        let (stamp, clamped) = change.stamp.clamped(now_ms);
        let refuse = |reason: &str| LogEntry {
            change,
            author: &user.username,
            outcome: "rejected",
            stamp,
            clamped,
            reason: Some(reason.to_owned()),
            conflict: false,
        };
        let entry = match items.get_mut(&change.item).expect("just inserted") {
            None => refuse("this checklist item no longer exists"),
            Some((read, _)) if !writable[&read.item.unit] => refuse("this checklist item belongs to another unit"),
            Some((_, working)) => {
                let kept = Change { stamp, ..change.clone() };
                let clash = clashes(working, &kept, &user.username);
                let outcome = apply(working, &kept, &user.username);
                LogEntry {
                    change,
                    author: &user.username,
                    outcome: if outcome == Outcome::Applied { "applied" } else { "superseded" },
                    stamp,
                    clamped,
                    reason: None,
                    conflict: clash,
                }
            }
        };
        device.last_seq = change.seq;
        let status = match entry.outcome {
            "applied" => ChangeStatus::Applied,
            "superseded" => ChangeStatus::Superseded,
            _ => ChangeStatus::Rejected,
        };
        results.push(answer(change, status, entry.reason.clone()));
        log.push(entry);
    }
    let batch = Batch {
        devices: devices.iter().filter(|(_, (read, row))| row.last_seq != *read).map(|(id, (read, row))| (*id, *read, row.last_seq)).collect(),
        log,
        items: items
            .into_values()
            .flatten()
            .filter(|(read, working)| working != &read.item)
            .map(|(read, working)| (working, read.version))
            .collect(),
    };
    Ok(match store.record_batch(&batch).await? {
        Recorded::Written => Some(results),
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
