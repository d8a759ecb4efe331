//! Supervisors' directives: a draft read from pasted text, and publishing a directive
//! with its tasks and each assigned unit's checklist in one transaction.

use crate::db::{DbError, Store};
use app::domain::authoring::{self, DirectiveInput, InputProblem};
use app::import::{Draft, ImportError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{} problems in the directive; nothing was published", .0.len())]
    Invalid(Vec<InputProblem>),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What publishing wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub directive: Uuid,
    pub tasks: usize,
    pub items: usize,
}

pub async fn draft(store: &Store, text: &str) -> Result<Result<Draft, ImportError>, DbError> {
    let units = store.units().await?;
    Ok(app::import::extract(text, &units))
}

pub async fn publish(store: &Store, input: &DirectiveInput, by: &str) -> Result<Published, PublishError> {
    let units = store.units().await?;
    let publication = authoring::plan(input, &units, app::domain::new_id).map_err(PublishError::Invalid)?;
    // The same all-or-nothing write that loads a data set: directive, tasks, and items
    // numbered from the item counter, so devices pull them after their cursor.
    store.seed(&[], std::slice::from_ref(&publication.directive), &publication.tasks, &publication.items, &[]).await?;
    tracing::info!(directive = %publication.directive.id, tasks = publication.tasks.len(), items = publication.items.len(), by, "directive published");
    Ok(Published { directive: publication.directive.id, tasks: publication.tasks.len(), items: publication.items.len() })
}
