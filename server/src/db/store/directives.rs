//! Directives and their tasks: read for reports and forms, revised in one transaction.

use super::{to_json, Recorded, Store, StoredItem, DIRECTIVE_FIELDS, ITEM_FIELDS, TASK_FIELDS};
use crate::db::DbError;
use chidao_core::domain::{ChecklistItem, Directive, Task};
use serde_json::{json, Value};
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

    /// Writes an edit of a published directive in one transaction: the directive and its
    /// tasks as they now are, new items, and items marked removed. New and removed items
    /// take fresh numbers, so every device pulls them. Stale when a concurrent write got
    /// in first; nothing is then written.
    pub async fn revise_directive(
        &self,
        directive: &Directive,
        tasks: &[Task],
        new_items: &[ChecklistItem],
        removed: &[Uuid],
        dues: &[super::DueRow],
    ) -> Result<Recorded, DbError> {
        let context = "revising a directive";
        let without_id = |value: Value| match value {
            Value::Object(mut map) => {
                map.remove("id");
                Value::Object(map)
            }
            other => other,
        };
        let task_rows = tasks
            .iter()
            .map(|t| Ok(json!({"key": t.id, "content": without_id(to_json(t, context)?)})))
            .collect::<Result<Vec<_>, DbError>>()?;
        let item_rows = new_items
            .iter()
            .enumerate()
            .map(|(n, i)| Ok(json!({"key": i.id, "n": n + 1, "content": without_id(to_json(i, context)?)})))
            .collect::<Result<Vec<_>, DbError>>()?;
        let removed_rows: Vec<Value> = removed.iter().enumerate().map(|(n, id)| json!({"id": id, "n": new_items.len() + n + 1})).collect();
        let query = format!(
            r#"
            BEGIN TRANSACTION;
            UPSERT type::record('directive', $directive.key) CONTENT $directive.content RETURN NONE;
            FOR $t IN $tasks {{ UPSERT type::record('task', $t.key) CONTENT $t.content RETURN NONE; }};
            LET $count = array::len($items) + array::len($removed);
            LET $first = (UPDATE ONLY counter:items SET value += $count RETURN AFTER).value - $count;
            FOR $i IN $items {{
                CREATE type::record('item', $i.key) CONTENT object::extend($i.content, {{ seq: $first + $i.n, version: 1 }}) RETURN NONE;
            }};
            FOR $r IN $removed {{
                UPDATE type::record('item', $r.id) SET removed = true, seq = $first + $r.n, version = version + 1 RETURN NONE;
            }};
            {write_dues}
            LET $groups = (SELECT task, unit, period FROM item WHERE task IN $tasks.key GROUP BY task, unit, period);
            {recount}
            COMMIT TRANSACTION;
        "#,
            write_dues = super::dues::WRITE_DUES,
            recount = super::RECOUNT_GROUPS
        );
        let vars = json!({
            "directive": {"key": directive.id, "content": without_id(to_json(directive, context)?)},
            "tasks": task_rows,
            "items": item_rows,
            "removed": removed_rows,
            "dues": to_json(&dues, context)?,
        });
        self.write_transaction(context, &query, vars).await
    }

    pub async fn directives(&self, ids: Option<&[Uuid]>) -> Result<Vec<Directive>, DbError> {
        self.select_by_ids("reading directives", "directive", DIRECTIVE_FIELDS, ids, "title", "ORDER BY issued_on DESC").await
    }
}
