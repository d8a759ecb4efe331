//! Conflict review for supervisors (every unit) and heads (their units and those below):
//! the queue of flagged items with the values in
//! contention, and applying a review through the same log and counter as any push. The
//! rules are `chidao_core::sync::{contests, resolve}`.

use crate::auth::{authorize, Access, Action, User};
use crate::db::retry::{until_written, MaybeRace};
use crate::db::{Batch, DbError, ItemWrite, LogEntry, Recorded, Store};
use chidao_core::api::{ConflictCase, ReviewQueue};
use chidao_core::domain::ChecklistItem;
use chidao_core::sync::{contests, resolve, LoggedEdit, LoggedOutcome, ReviewError};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ReviewFailure {
    #[error("no checklist item has id {0}")]
    UnknownItem(Uuid),
    #[error("this item's unit is not one you review")]
    Forbidden,
    #[error(transparent)]
    Refused(#[from] ReviewError),
    #[error(transparent)]
    Db(#[from] DbError),
}

fn history_by_item(log: Vec<(Uuid, LoggedEdit)>) -> HashMap<Uuid, Vec<LoggedEdit>> {
    let mut by_item: HashMap<Uuid, Vec<LoggedEdit>> = HashMap::new();
    for (item, edit) in log {
        by_item.entry(item).or_default().push(edit);
    }
    by_item
}

/// The flagged items `reviewer` may settle.
pub async fn queue(store: &Store, reviewer: &User) -> Result<ReviewQueue, DbError> {
    let mut access = Access::new(&store.units, reviewer);
    let mut items: Vec<ChecklistItem> = Vec::new();
    for stored in store.sync.conflicted_items().await? {
        if access.permits(Action::ReviewItemOf(&stored.item.unit)).await? {
            items.push(stored.item);
        }
    }
    if items.is_empty() {
        return Ok(ReviewQueue { cases: Vec::new() });
    }
    let ids: Vec<Uuid> = items.iter().map(|item| item.id).collect();
    let mut history = history_by_item(store.sync.logged_edits(&ids).await?);
    let task_ids: Vec<Uuid> = items.iter().map(|item| item.task).collect::<BTreeSet<_>>().into_iter().collect();
    let tasks: HashMap<Uuid, String> =
        store.directives.tasks(Some(&task_ids)).await?.into_iter().map(|task| (task.id, task.text.to_string())).collect();
    let units: HashMap<_, String> = store.units.units().await?.into_iter().map(|unit| (unit.code, unit.name.to_string())).collect();
    let cases = items
        .into_iter()
        .map(|item| ConflictCase {
            unit_name: units.get(&item.unit).cloned().unwrap_or_else(|| item.unit.to_string()),
            task_text: tasks.get(&item.task).cloned().unwrap_or_default(),
            contests: contests(&history.remove(&item.id).unwrap_or_default()),
            item,
        })
        .collect();
    Ok(ReviewQueue { cases })
}

/// Keeps the chosen values; answers the item as it now stands. Retried when a push wrote
/// the item meanwhile, so a review never overwrites an edit it did not see.
pub async fn review(store: &Store, reviewer: &User, item: Uuid, keep: &[Uuid]) -> Result<ChecklistItem, ReviewFailure> {
    until_written("recording a review", || review_once(store, reviewer, item, keep)).await
}

/// One attempt; `None` when a push wrote the item meanwhile.
async fn review_once(store: &Store, reviewer: &User, item: Uuid, keep: &[Uuid]) -> Result<Option<ChecklistItem>, ReviewFailure> {
    let stored = store.sync.item(item).await?.ok_or(ReviewFailure::UnknownItem(item))?;
    if !authorize(&store.units, reviewer, Action::ReviewItemOf(&stored.item.unit)).await? {
        return Err(ReviewFailure::Forbidden);
    }
    let history = store.sync.logged_edits(&[item]).await?.into_iter().map(|(_, edit)| edit).collect::<Vec<_>>();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let (reviewed, edits) = resolve(&stored.item, &history, keep, &reviewer.username, now_ms)?;
    let reasons: Vec<String> = edits.iter().map(|(_, kept)| format!("conflict review: kept the value of change {kept}")).collect();
    let log = edits
        .iter()
        .zip(&reasons)
        .map(|((change, _), reason)| LogEntry {
            change,
            author: &reviewer.username,
            outcome: LoggedOutcome::Reviewed,
            stamp: change.stamp,
            adjusted: false,
            reason: Some(reason.clone()),
            conflict: false,
        })
        .collect();
    let write = ItemWrite { item: reviewed.clone(), read_version: stored.version, read_done: stored.item.done };
    let batch = Batch { devices: &[], log, items: vec![write] };
    match store.sync.record_batch(&batch).await? {
        Recorded::Written => {
            tracing::info!(%item, reviewer = %reviewer.username, kept = keep.len(), "conflict reviewed");
            Ok(Some(reviewed))
        }
        Recorded::Stale => Ok(None),
    }
}

impl MaybeRace for ReviewFailure {
    fn is_race(&self) -> bool {
        matches!(self, ReviewFailure::Db(error) if error.is_race())
    }
}
