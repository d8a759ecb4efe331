//! Supervisors' directives: a draft read from pasted text, and publishing a directive
//! with its tasks and each assigned unit's checklist in one transaction.

use crate::db::Recorded;
use crate::db::{DbError, Store};
use crate::retry::until_written;
use chidao_core::api::{DirectivePublished, DirectiveRevised};
use chidao_core::domain::authoring::{self, DirectiveInput, InputProblem};
use chidao_core::import::{Draft, ImportError};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{} problems in the directive; nothing was published", .0.len())]
    Invalid(Vec<InputProblem>),
    #[error("no directive has id {0}")]
    Unknown(Uuid),
    #[error(transparent)]
    Db(#[from] DbError),
}

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error(transparent)]
    Text(#[from] ImportError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Reads `text` against the database's unit tree; nothing is written.
pub async fn draft(store: &Store, text: &str) -> Result<Draft, DraftError> {
    let units = store.units().await?;
    Ok(chidao_core::import::extract(text, &units)?)
}

pub async fn publish(store: &Store, input: &DirectiveInput, by: &str) -> Result<DirectivePublished, PublishError> {
    let units = store.units().await?;
    let publication = authoring::plan(input, &units, chidao_core::domain::new_id).map_err(PublishError::Invalid)?;
    // The same all-or-nothing write that loads a data set: directive, tasks, and items
    // numbered from the item counter, so devices pull them after their cursor.
    store.seed(&[], std::slice::from_ref(&publication.directive), &publication.tasks, &publication.items, &[]).await?;
    tracing::info!(directive = %publication.directive.id, tasks = publication.tasks.len(), items = publication.items.len(), by, "directive published");
    let task_ids: Vec<Uuid> = publication.tasks.iter().map(|task| task.id).collect();
    crate::periods::open(store, Some(&task_ids), None, chrono::Utc::now(), crate::periods::Reach::SinceIssue).await?;
    Ok(DirectivePublished { directive: publication.directive.id, tasks: publication.tasks.len(), items: publication.items.len() })
}

/// The published directive as an editable form.
pub async fn editable(store: &Store, id: Uuid) -> Result<Option<DirectiveInput>, DbError> {
    Ok(store
        .directive_records(id)
        .await?
        .map(|(directive, tasks, items)| authoring::editable(&authoring::Published { directive, tasks, items })))
}

/// Applies an edit; items taken off a checklist are kept, marked removed, with what was
/// ticked and written on them. Retried when a sync write to the same items got in first.
pub async fn revise(store: &Store, id: Uuid, input: &DirectiveInput, by: &str) -> Result<DirectiveRevised, PublishError> {
    until_written("revising a directive", || revise_once(store, id, input, by)).await
}

/// One attempt; `None` when a sync write to the same items got in first.
async fn revise_once(store: &Store, id: Uuid, input: &DirectiveInput, by: &str) -> Result<Option<DirectiveRevised>, PublishError> {
    let (directive, tasks, items) = store.directive_records(id).await?.ok_or(PublishError::Unknown(id))?;
    let published = authoring::Published { directive, tasks, items };
    let units = store.units().await?;
    let now = chrono::Utc::now();
    let today = chidao_core::domain::Deadline::today_in_vietnam(now);
    let revision = authoring::revise(&published, input, &units, today, chidao_core::domain::new_id).map_err(PublishError::Invalid)?;
    let issued = std::collections::BTreeMap::from([(revision.directive.id, revision.directive.issued_on)]);
    let dues = crate::periods::due_rows(&revision.tasks, &issued, now);
    match store.revise_directive(&revision.directive, &revision.tasks, &revision.new_items, &revision.removed_items, &dues).await? {
        Recorded::Written => {
            tracing::info!(directive = %id, added = revision.new_items.len(), removed = revision.removed_items.len(), by, "directive revised");
            // Lines and units added to recurring work are owed from now on, not in the
            // periods already behind us.
            let task_ids: Vec<Uuid> = revision.tasks.iter().map(|task| task.id).collect();
            crate::periods::open(store, Some(&task_ids), None, now, crate::periods::Reach::Latest).await?;
            Ok(Some(DirectiveRevised { directive: id, added_items: revision.new_items.len(), removed_items: revision.removed_items.len() }))
        }
        Recorded::Stale => Ok(None),
    }
}

impl crate::retry::MaybeRace for PublishError {
    fn is_race(&self) -> bool {
        matches!(self, PublishError::Db(error) if error.is_transient())
    }
}
