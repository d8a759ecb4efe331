//! The office's dashboard: where every assignment (a task for one unit) stands, counted in
//! the database from the kept assignments, for the units the reader may see and the
//! filters asked for.

use crate::auth::{read_scope, User};
use crate::db::{AssignmentScope, ClassifiedAssignment, DbError, LoggedChange, StateCount, Store};
use chidao_core::api::{
    Attention, Dashboard, DashboardFilter, DirectiveStanding, ListLengths, StateCounts, TaskStanding, UnitStanding, WeekStates,
    WeeklyStates,
};
use chidao_core::domain::access::subtree;
use chidao_core::domain::access::ReadScope;
use chidao_core::domain::{due_ends_between, standing, Period, Task, Thresholds, UnitCode};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error("this account follows no unit's work")]
    NoUnits,
    #[error("unit {0} is not among the units this account follows")]
    UnitNotFollowed(UnitCode),
    #[error("directive {0} does not exist")]
    NoSuchDirective(Uuid),
    #[error("the deadline range ends before it starts")]
    EmptyRange,
    #[error("unit {unit} was not given task {task} (in the period asked, for recurring work)")]
    NotAssigned { task: Uuid, unit: UnitCode },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The units to count: those the reader may see, narrowed to the asked unit's subtree.
fn units_in_view(
    scope: &ReadScope,
    filter: &DashboardFilter,
    tree: &[chidao_core::domain::Unit],
) -> Result<Option<Vec<UnitCode>>, DashboardError> {
    let asked = filter.unit.as_ref().map(|unit| {
        if tree.iter().any(|known| &known.code == unit) {
            Ok(subtree(unit, tree))
        } else {
            Err(DashboardError::UnitNotFollowed(unit.clone()))
        }
    });
    let asked = asked.transpose()?;
    Ok(match (scope, asked) {
        (ReadScope::Everything, None) => None,
        (ReadScope::Everything, Some(asked)) => Some(asked.into_iter().collect()),
        (ReadScope::Units(units), _) if units.is_empty() => return Err(DashboardError::NoUnits),
        (ReadScope::Units(units), None) => Some(units.iter().cloned().collect()),
        (ReadScope::Units(units), Some(asked)) => {
            let unit = filter.unit.clone().expect("asked only with a unit");
            if !units.contains(&unit) {
                return Err(DashboardError::UnitNotFollowed(unit));
            }
            Some(asked.intersection(units).cloned().collect())
        }
    })
}

fn counts(rows: &[StateCount]) -> BTreeMap<String, (StateCounts, u32, u32)> {
    let mut by_key: BTreeMap<String, (StateCounts, u32, u32)> = BTreeMap::new();
    for row in rows {
        let entry = by_key.entry(row.key.clone()).or_default();
        entry.0.add(row.state, false, row.count);
        entry.0.due_soon += row.soon;
        entry.1 += row.items_done;
        entry.2 += row.items_total;
    }
    by_key
}

fn millis(at_ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(at_ms).single().unwrap_or_default()
}

/// What a view of the assignments needs: which to count, and the records to name them with.
struct Prepared {
    scope: AssignmentScope,
    tasks: Vec<Task>,
    directives: Vec<chidao_core::domain::Directive>,
    tree: Vec<chidao_core::domain::Unit>,
}

async fn prepare(store: &Store, user: &User, filter: &DashboardFilter) -> Result<Prepared, DashboardError> {
    if let (Some(from), Some(to)) = (filter.due_from, filter.due_to) {
        if to < from {
            return Err(DashboardError::EmptyRange);
        }
    }
    let scope = read_scope(&store.units, user).await?;
    let tree = store.units.units().await?;
    let units = units_in_view(&scope, filter, &tree)?;
    let directives = store.directives.directives(None).await?;
    if let Some(asked) = filter.directive {
        if !directives.iter().any(|directive| directive.id == asked) {
            return Err(DashboardError::NoSuchDirective(asked));
        }
    }
    let tasks: Vec<Task> = store
        .directives
        .tasks(None)
        .await?
        .into_iter()
        .filter(|task| filter.directive.is_none_or(|asked| task.directive == asked))
        .collect();
    let ranged = filter.due_from.is_some() || filter.due_to.is_some();
    let scope = AssignmentScope {
        units,
        directive: filter.directive,
        due_end_ms: ranged.then(|| due_ends_between(filter.due_from, filter.due_to)),
        role: filter.role,
        state: filter.state,
    };
    Ok(Prepared { scope, tasks, directives, tree })
}

/// How the view's work stood at the end of each of the last [`WeeklyStates::WEEKS`] weeks
/// (this week: now), counting only work that had begun by then. The state filter is not
/// applied: the chart shows how all states moved.
pub async fn weekly(store: &Store, user: &User, filter: &DashboardFilter, now: DateTime<Utc>) -> Result<WeeklyStates, DashboardError> {
    use chrono::Datelike;
    let Prepared { mut scope, .. } = prepare(store, user, filter).await?;
    scope.state = None;
    let today = chidao_core::domain::Deadline::today_in_vietnam(now);
    let this_sunday = today + chrono::Days::new(u64::from(6 - today.weekday().num_days_from_monday()));
    let sundays: Vec<chrono::NaiveDate> =
        (0..WeeklyStates::WEEKS as u64).rev().map(|weeks_back| this_sunday - chrono::Days::new(7 * weeks_back)).collect();
    let instants: Vec<i64> = sundays
        .iter()
        .map(|sunday| {
            let week_end = chidao_core::domain::vietnam_day_start(*sunday + chrono::Days::new(1));
            week_end.min(now).timestamp_millis()
        })
        .collect();
    let counted = store.progress.count_as_of(&scope, &instants).await?;
    let weeks = sundays
        .into_iter()
        .zip(counted)
        .map(|(ends_on, rows)| {
            let mut counts = StateCounts::default();
            for row in rows {
                counts.add(row.state, false, row.count);
            }
            WeekStates { ends_on, counts }
        })
        .collect();
    Ok(WeeklyStates { weeks })
}

/// One assignment as a report lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub directive: String,
    pub task: String,
    /// For a recurring task, the period this row is about.
    pub period: Option<Period>,
    pub unit: String,
    pub unit_code: UnitCode,
    pub role: chidao_core::domain::UnitRole,
    pub last_day: Option<chrono::NaiveDate>,
    pub state: chidao_core::domain::TaskState,
    pub due_soon: bool,
    /// When the last item was ticked, on the device.
    pub done_at: Option<DateTime<Utc>>,
    pub days_late: i64,
    pub done: u32,
    pub total: u32,
}

/// The rows of a report and the province that makes it.
pub struct ReportRows {
    pub rows: Vec<ReportRow>,
    /// The top of the unit tree.
    pub issuer: String,
}

/// Every assignment of the view, by directive, task and unit, judged at `now`.
pub async fn report_rows(
    store: &Store,
    user: &User,
    filter: &DashboardFilter,
    now: DateTime<Utc>,
    due_soon_days: u32,
) -> Result<ReportRows, DashboardError> {
    let Prepared { scope, tasks, directives, tree } = prepare(store, user, filter).await?;
    let listed = store.progress.list_assignments(&scope, Thresholds::at(now, due_soon_days)).await?;
    let task_of: BTreeMap<Uuid, &Task> = tasks.iter().map(|task| (task.id, task)).collect();
    let title_of: BTreeMap<Uuid, String> = directives.iter().map(|d| (d.id, d.title.to_string())).collect();
    let name_of =
        |code: &UnitCode| tree.iter().find(|unit| &unit.code == code).map_or_else(|| code.to_string(), |unit| unit.name.to_string());
    let issuer = tree.iter().find(|unit| unit.parent.is_none()).map(|unit| unit.name.to_string()).unwrap_or_default();
    let rows = listed
        .into_iter()
        .filter_map(|row| {
            let task = task_of.get(&row.task)?;
            let done_at = row.done_at_ms.map(millis);
            let deadline = task.deadline_in(row.period);
            let judged = standing(deadline, done_at, now, due_soon_days);
            Some(ReportRow {
                directive: title_of.get(&row.directive).cloned().unwrap_or_default(),
                task: task.text.to_string(),
                period: row.period,
                unit: name_of(&row.unit),
                unit_code: row.unit.clone(),
                role: row.role,
                last_day: deadline.and_then(|deadline| deadline.last_day_on_time()),
                state: judged.state,
                due_soon: judged.due_soon,
                done_at,
                days_late: judged.days_late,
                done: row.done,
                total: row.total,
            })
        })
        .collect();
    Ok(ReportRows { rows, issuer })
}

/// One unit's work on one task, for those who follow the unit.
pub async fn assignment(
    store: &Store,
    user: &User,
    task_id: Uuid,
    unit: &UnitCode,
    period: Option<Period>,
    now: DateTime<Utc>,
    due_soon_days: u32,
) -> Result<chidao_core::api::AssignmentDetail, DashboardError> {
    let scope = read_scope(&store.units, user).await?;
    if !scope.includes(unit) {
        return Err(DashboardError::UnitNotFollowed(unit.clone()));
    }
    let not_assigned = || DashboardError::NotAssigned { task: task_id, unit: unit.clone() };
    let task = store.directives.tasks(Some(&[task_id])).await?.into_iter().next().ok_or_else(not_assigned)?;
    let items = store.progress.assignment_items(task_id, unit, period).await?;
    let live: Vec<&chidao_core::domain::ChecklistItem> = items.iter().filter(|item| !item.removed).collect();
    if live.is_empty() {
        return Err(not_assigned());
    }
    let done_at_ms = chidao_core::domain::checklist_done_at_ms(live.iter().copied());
    let deadline = task.deadline_in(period);
    let judged = standing(deadline, done_at_ms.map(millis), now, due_soon_days);
    let ids: Vec<Uuid> = items.iter().map(|item| item.id).collect();
    let history = store.progress.item_history(&ids).await?.into_iter().map(history_entry).collect();
    let unit_record = store.units.unit(unit).await?.ok_or_else(not_assigned)?;
    let directive_title =
        store.directives.directives(Some(&[task.directive])).await?.into_iter().next().map(|d| d.title.to_string()).unwrap_or_default();
    let report = store
        .reports
        .task_reports(Some(std::slice::from_ref(unit)))
        .await?
        .into_iter()
        .find(|report| report.task == task_id && report.period == period);
    Ok(chidao_core::api::AssignmentDetail {
        role: chidao_core::domain::UnitRole::of(&task, unit),
        period,
        deadline,
        task,
        directive_title,
        unit: unit_record,
        state: judged.state,
        due_soon: judged.due_soon,
        days_late: judged.days_late,
        done_at_ms,
        items,
        history,
        report,
    })
}

pub async fn dashboard(
    store: &Store,
    user: &User,
    filter: &DashboardFilter,
    now: DateTime<Utc>,
    due_soon_days: u32,
) -> Result<Dashboard, DashboardError> {
    let Prepared { scope: assignment_scope, tasks, directives, tree } = prepare(store, user, filter).await?;
    let at = Thresholds::at(now, due_soon_days);
    let attention_max = filter.rows.map_or(Dashboard::ATTENTION_MAX, |rows| (rows as usize).min(Dashboard::ATTENTION_MAX));
    let counted = store.progress.count_assignments(&assignment_scope, at, attention_max).await?;

    let by_task = counts(&counted.by_task);
    let by_unit = counts(&counted.by_unit);
    // A directive's counts are its tasks' counts.
    let directive_of: BTreeMap<String, String> = tasks.iter().map(|task| (task.id.to_string(), task.directive.to_string())).collect();
    let by_directive_rows: Vec<StateCount> =
        counted.by_task.iter().filter_map(|row| Some(StateCount { key: directive_of.get(&row.key)?.clone(), ..row.clone() })).collect();
    let by_directive = counts(&by_directive_rows);
    let mut totals = StateCounts::default();
    for (counts, _, _) in by_directive.values() {
        for state in chidao_core::domain::TaskState::ALL {
            totals.add(*state, false, counts.of(*state));
        }
        totals.due_soon += counts.due_soon;
    }
    let task_of: BTreeMap<Uuid, &Task> = tasks.iter().map(|task| (task.id, task)).collect();
    let unit_name = |code: &UnitCode| tree.iter().find(|unit| &unit.code == code).map(|unit| unit.name.to_string()).unwrap_or_default();
    let attention = counted
        .attention
        .iter()
        .filter_map(|row: &ClassifiedAssignment| {
            let task = task_of.get(&row.task)?;
            // The query chose these rows; the core's rule says exactly how late each is.
            let deadline = task.deadline_in(row.period);
            let judged = standing(deadline, row.done_at_ms.map(millis), now, due_soon_days);
            Some(Attention {
                task: row.task,
                period: row.period,
                directive: row.directive,
                unit: row.unit.clone(),
                unit_name: unit_name(&row.unit),
                task_text: task.text.to_string(),
                role: row.role,
                state: judged.state,
                due_soon: judged.due_soon,
                last_day: deadline.and_then(|deadline| deadline.last_day_on_time()),
                days_late: judged.days_late,
                done: row.done,
                total: row.total,
            })
        })
        .collect();
    let mut directive_rows: Vec<DirectiveStanding> = directives
        .iter()
        .filter_map(|directive| {
            let (counts, _, _) = by_directive.get(&directive.id.to_string())?;
            Some(DirectiveStanding { directive: directive.id, title: directive.title.to_string(), counts: *counts })
        })
        .collect();
    directive_rows.sort_by(|a, b| b.counts.overdue.cmp(&a.counts.overdue).then_with(|| a.title.cmp(&b.title)));
    let mut task_rows: Vec<TaskStanding> = tasks
        .iter()
        .filter_map(|task| {
            let (counts, _, _) = by_task.get(&task.id.to_string())?;
            Some(TaskStanding {
                task: task.id,
                directive: task.directive,
                text: task.text.to_string(),
                deadline: task.deadline,
                counts: *counts,
            })
        })
        .collect();
    task_rows.sort_by_key(|row| (std::cmp::Reverse(row.counts.overdue), row.deadline.and_then(|d| d.last_day_on_time())));
    let followed: BTreeSet<&UnitCode> = tree.iter().map(|unit| &unit.code).collect();
    let mut unit_rows: Vec<UnitStanding> = by_unit
        .iter()
        .filter_map(|(code, (counts, done, total))| {
            let code = UnitCode::parse(code).ok().filter(|code| followed.contains(code))?;
            Some(UnitStanding { name: unit_name(&code), unit: code, counts: *counts, items_done: *done, items_total: *total })
        })
        .collect();
    unit_rows.sort_by(|a, b| b.counts.overdue.cmp(&a.counts.overdue).then_with(|| a.name.cmp(&b.name)));
    // The work to chase is the overdue and the due-soon work, as many as the list holds.
    let attention_in_full = (totals.overdue + totals.due_soon).min(Dashboard::ATTENTION_MAX as u32);
    let full_lengths = ListLengths { tasks: task_rows.len() as u32, units: unit_rows.len() as u32, attention: attention_in_full };
    if let Some(rows) = filter.rows {
        task_rows.truncate(rows as usize);
        unit_rows.truncate(rows as usize);
    }
    Ok(Dashboard {
        as_of_ms: now.timestamp_millis(),
        cursor: counted.cursor,
        due_soon_days,
        totals,
        directives: directive_rows,
        tasks: task_rows,
        units: unit_rows,
        attention,
        full_lengths,
    })
}

/// A logged change as the office reads it: which of tick, note or photo it set.
fn history_entry(logged: LoggedChange) -> chidao_core::api::HistoryEntry {
    let LoggedChange { change, item, field, value, author, device, at_ms, synced_s, outcome } = logged;
    let text = || value.as_str().map(str::to_owned);
    chidao_core::api::HistoryEntry {
        change,
        item,
        done: (field == "done").then(|| value.as_bool()).flatten(),
        note: (field == "note").then(text).flatten(),
        photo: (field == "photo").then(text).flatten(),
        author,
        device,
        made_at_ms: at_ms,
        synced_at_ms: synced_s * 1000,
        outcome,
    }
}
