//! Directives and their tasks as read for reports, forms and edits.

use super::{DirectiveStore, StoredItem, DIRECTIVE_FIELDS, ITEM_FIELDS, TASK_FIELDS};
use crate::db::DbError;
use chidao_core::domain::{ChecklistItem, Directive, Task};
use serde_json::json;
use uuid::Uuid;

impl DirectiveStore {
    pub async fn tasks(&self, ids: Option<&[Uuid]>) -> Result<Vec<Task>, DbError> {
        self.db.select_by_ids("reading tasks", "task", TASK_FIELDS, ids, "directive", "").await
    }

    /// A directive with all its tasks and all their items, removed ones too.
    pub async fn directive_records(&self, id: Uuid) -> Result<Option<(Directive, Vec<Task>, Vec<ChecklistItem>)>, DbError> {
        let Some(directive) = self.directives(Some(&[id])).await?.into_iter().next() else { return Ok(None) };
        let tasks: Vec<Task> = self
            .db
            .select("reading a directive's tasks", &format!("SELECT {TASK_FIELDS} FROM task WHERE directive = $id;"), json!({"id": id}))
            .await?;
        let task_ids: Vec<Uuid> = tasks.iter().map(|task| task.id).collect();
        let items: Vec<StoredItem> = self
            .db
            .select(
                "reading a directive's items",
                &format!("SELECT {ITEM_FIELDS} FROM item WHERE task IN $tasks;"),
                json!({"tasks": task_ids}),
            )
            .await?;
        Ok(Some((directive, tasks, items.into_iter().map(|stored| stored.item).collect())))
    }

    pub async fn directives(&self, ids: Option<&[Uuid]>) -> Result<Vec<Directive>, DbError> {
        self.db.select_by_ids("reading directives", "directive", DIRECTIVE_FIELDS, ids, "title", "ORDER BY issued_on DESC").await
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::province;
    use uuid::Uuid;

    #[tokio::test]
    async fn a_directive_reads_back_with_its_tasks_and_every_units_items() {
        let province = province().await;
        let directives = &province.store.directives;
        let (directive, tasks, items) = directives.directive_records(province.directive.id).await.unwrap().unwrap();
        assert_eq!(directive, province.directive);
        assert_eq!(tasks, std::slice::from_ref(&province.task));
        assert_eq!(items.len(), province.items.len());
        assert!(directives.directive_records(Uuid::new_v4()).await.unwrap().is_none());
        assert_eq!(directives.tasks(Some(&[Uuid::new_v4()])).await.unwrap(), []);
        assert_eq!(directives.directives(None).await.unwrap(), std::slice::from_ref(&province.directive));
    }
}
