//! The supervisors' progress report: each task's checklist completion per unit.

use crate::db::{DbError, Store};
use app::api::{DirectiveProgress, ProgressReport, TaskProgress, UnitProgress};
use app::domain::{ChecklistItem, Party, UnitCode};
use std::collections::BTreeMap;
use uuid::Uuid;

pub async fn progress(store: &Store) -> Result<ProgressReport, DbError> {
    let units = store.units().await?;
    let directives = store.directives(None).await?;
    let tasks = store.tasks(None).await?;
    let mut items_by_task: BTreeMap<Uuid, BTreeMap<UnitCode, Vec<ChecklistItem>>> = BTreeMap::new();
    for stored in store.all_items().await? {
        let item = stored.item;
        items_by_task.entry(item.task).or_default().entry(item.unit.clone()).or_default().push(item);
    }
    let unit_names: Vec<(UnitCode, String)> = units.iter().map(|unit| (unit.code.clone(), unit.name.to_string())).collect();
    let report = directives
        .into_iter()
        .map(|directive| {
            let mut directive_tasks: Vec<_> = tasks.iter().filter(|task| task.directive == directive.id).cloned().collect();
            directive_tasks.sort_by_key(|task| (task.section, task.id));
            let task_progress = directive_tasks
                .into_iter()
                .map(|task| {
                    let by_unit = items_by_task.remove(&task.id).unwrap_or_default();
                    let units_progress = by_unit
                        .into_iter()
                        .filter_map(|(code, mut items)| {
                            let unit = units.iter().find(|unit| unit.code == code)?.clone();
                            items.sort_by_key(|item| item.position);
                            let done = items.iter().filter(|item| item.done).count() as u32;
                            Some(UnitProgress { unit, done, total: items.len() as u32, items })
                        })
                        .collect();
                    TaskProgress { task, units: units_progress }
                })
                .collect();
            let mentioned = |code: &UnitCode| tasks.iter().any(|task| {
                task.directive == directive.id
                    && std::iter::once(&task.lead).chain(task.coordinating.iter()).any(|party| matches!(party, Party::Unit(c) if c == code))
            });
            DirectiveProgress {
                unit_names: unit_names.iter().filter(|(code, _)| mentioned(code)).cloned().collect(),
                directive,
                tasks: task_progress,
            }
        })
        .collect();
    Ok(ProgressReport { directives: report })
}
