//! The supervisors' progress report (each task's checklist completion per unit, with the
//! heads' sign-offs), and the sign-offs themselves.

use crate::auth::{authorize, read_scope, Action, ReadScope, User};
use crate::db::{DbError, Store};
use chidao_core::api::{DirectiveProgress, ProgressReport, TaskProgress, UnitProgress};
use chidao_core::domain::{ChecklistItem, Party, Period, TaskReport, UnitCode};
use std::collections::BTreeMap;
use uuid::Uuid;

pub async fn progress(store: &Store) -> Result<ProgressReport, DbError> {
    let units = store.units.units().await?;
    let directives = store.directives.directives(None).await?;
    let tasks = store.directives.tasks(None).await?;
    let mut items_by_task: BTreeMap<Uuid, BTreeMap<UnitCode, Vec<ChecklistItem>>> = BTreeMap::new();
    // Items a later edit took off the checklist are history, not work.
    for stored in store.sync.all_items().await?.into_iter().filter(|stored| !stored.item.removed) {
        let item = stored.item;
        items_by_task.entry(item.task).or_default().entry(item.unit.clone()).or_default().push(item);
    }
    let mut reports: BTreeMap<(Uuid, UnitCode), TaskReport> =
        // One period's sign-off is not the task's: this page shows work as a whole.
        store
            .reports.task_reports(None)
            .await?
            .into_iter()
            .filter(|report| report.period.is_none())
            .map(|report| ((report.task, report.unit.clone()), report))
            .collect();
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
                            let report = reports.remove(&(task.id, code));
                            Some(UnitProgress { unit, done, total: items.len() as u32, items, report })
                        })
                        .collect();
                    TaskProgress { task, units: units_progress }
                })
                .collect();
            let mentioned = |code: &UnitCode| {
                tasks.iter().any(|task| {
                    task.directive == directive.id
                        && std::iter::once(&task.lead)
                            .chain(task.coordinating.iter())
                            .any(|party| matches!(party, Party::Unit(c) if c == code))
                })
            };
            DirectiveProgress {
                unit_names: unit_names.iter().filter(|(code, _)| mentioned(code)).cloned().collect(),
                directive,
                tasks: task_progress,
            }
        })
        .collect();
    Ok(ProgressReport { directives: report })
}

#[derive(Debug, thiserror::Error)]
pub enum SignOffError {
    #[error("only the head of this unit or of a unit above it signs off its report")]
    Forbidden,
    #[error("unit {unit} was not assigned this task")]
    NotAssigned { unit: UnitCode },
    #[error("{open} of the checklist's items are not done; sign off anyway only after saying so (unfinished=true)")]
    Unfinished { open: u32 },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What a head asks for: a sign-off (knowing, or not, that items are still open), or
/// taking one back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOffRequest {
    /// Refused while items are open.
    Finished,
    /// Given even though items are open; the sign-off says how many.
    EvenIfUnfinished,
    TakeBack,
}

/// Signs off (or takes back) `unit`'s report on `task`, in `period` for recurring work.
pub async fn sign_off(
    store: &Store,
    user: &User,
    task: Uuid,
    unit: &UnitCode,
    period: Option<Period>,
    request: SignOffRequest,
) -> Result<Option<TaskReport>, SignOffError> {
    if !authorize(&store.units, user, Action::SignOffReport(unit)).await? {
        return Err(SignOffError::Forbidden);
    }
    if !store.reports.task_assigned_to(task, unit, period).await? {
        return Err(SignOffError::NotAssigned { unit: unit.clone() });
    }
    let period_name = period.map(|period| period.to_string()).unwrap_or_default();
    if request == SignOffRequest::TakeBack {
        store.reports.delete_task_report(task, unit, period).await?;
        tracing::info!(%task, %unit, period = period_name, by = %user.username, "task report sign-off taken back");
        return Ok(None);
    }
    let open_items = store.progress.assignment_items(task, unit, period).await?.iter().filter(|item| !item.removed && !item.done).count();
    let open_items = u32::try_from(open_items).unwrap_or(u32::MAX);
    if open_items > 0 && request == SignOffRequest::Finished {
        return Err(SignOffError::Unfinished { open: open_items });
    }
    let at_ms = chrono::Utc::now().timestamp_millis();
    let report = TaskReport { task, unit: unit.clone(), period, by: user.username.clone(), at_ms, open_items };
    store.reports.put_task_report(&report).await?;
    tracing::info!(%task, %unit, period = period_name, by = %user.username, "task report signed off");
    Ok(Some(report))
}

/// The sign-offs in the units `user` may read.
pub async fn task_reports(store: &Store, user: &User) -> Result<Vec<TaskReport>, DbError> {
    match read_scope(&store.units, user).await? {
        ReadScope::Everything => store.reports.task_reports(None).await,
        ReadScope::Units(units) => store.reports.task_reports(Some(&units.into_iter().collect::<Vec<_>>())).await,
    }
}
