//! Directives and their tasks as read for reports, forms and edits.

use super::{Store, StoredItem, DIRECTIVE_FIELDS, ITEM_FIELDS, TASK_FIELDS};
use crate::db::DbError;
use chidao_core::domain::{ChecklistItem, Directive, Task};
use serde_json::json;
use uuid::Uuid;

impl Store {
    pub async fn tasks(&self, ids: Option<&[Uuid]>) -> Result<Vec<Task>, DbError> {
        self.select_by_ids("reading tasks", "task", TASK_FIELDS, ids, "directive", "").await
    }

    /// A directive with all its tasks and all their items, removed ones too.
    pub async fn directive_records(&self, id: Uuid) -> Result<Option<(Directive, Vec<Task>, Vec<ChecklistItem>)>, DbError> {
        let Some(directive) = self.directives(Some(&[id])).await?.into_iter().next() else { return Ok(None) };
        let tasks: Vec<Task> = self
            .select("reading a directive's tasks", &format!("SELECT {TASK_FIELDS} FROM task WHERE directive = $id;"), json!({"id": id}))
            .await?;
        let task_ids: Vec<Uuid> = tasks.iter().map(|task| task.id).collect();
        let items: Vec<StoredItem> = self
            .select(
                "reading a directive's items",
                &format!("SELECT {ITEM_FIELDS} FROM item WHERE task IN $tasks;"),
                json!({"tasks": task_ids}),
            )
            .await?;
        Ok(Some((directive, tasks, items.into_iter().map(|stored| stored.item).collect())))
    }

    pub async fn directives(&self, ids: Option<&[Uuid]>) -> Result<Vec<Directive>, DbError> {
        self.select_by_ids("reading directives", "directive", DIRECTIVE_FIELDS, ids, "title", "ORDER BY issued_on DESC").await
    }
}
