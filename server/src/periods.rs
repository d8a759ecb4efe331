//! Opening recurring work's periods on the server. A period's copies are made from the
//! task's templates with ids that depend only on the template and the period
//! (`ChecklistItem::id_in`), so this, a tablet offline and another app server all make the
//! same items; whoever writes second finds them there. The server opens every period
//! since the directive was issued (at most `KEPT_PERIODS` back) so that a period nobody
//! touched still counts, as overdue once its deadline passes.

use crate::db::retry::until_written;
use crate::db::{DbError, DueRow, PeriodRecords, Recorded, Store, ITEMS_PER_WRITE};
use chidao_core::domain::{ChecklistItem, Deadline, Period, Task, UnitCode};
use chidao_core::sync::MAX_FUTURE_SKEW_MS;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::BTreeMap;
use std::time::Duration;
use uuid::Uuid;

/// How often a running server opens the periods that have begun.
pub const OPEN_EVERY: Duration = Duration::from_secs(10 * 60);

/// Due rows kept per transaction: each moves the assignment of every unit its task
/// reaches (a whole province's, ~200), so this many stay far inside the write buffer.
const DUES_PER_WRITE: usize = 10;

/// The last day periods are open for at `now`: today in Vietnam, or tomorrow while a
/// device's clock may be ahead by the skew the sync allows, so a tablet a few minutes
/// ahead at midnight finds its new period's items on the server.
fn open_through(now: DateTime<Utc>) -> NaiveDate {
    Deadline::today_in_vietnam(now + chrono::Duration::milliseconds(MAX_FUTURE_SKEW_MS))
}

/// How far back opening looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every period kept since the directive was issued: on publishing.
    SinceIssue,
    /// The current period and the one before: on the timer and on a push, when the
    /// earlier ones were opened long ago, so the check stays small for a whole province.
    Latest,
}

/// The periods of a recurring task to open at `now`, oldest first; none for other tasks.
fn to_open(task: &Task, issued_on: NaiveDate, now: DateTime<Utc>, reach: Reach) -> Vec<Period> {
    let mut periods =
        task.recurrence.as_ref().map(|recurrence| recurrence.periods_to_open(issued_on, open_through(now))).unwrap_or_default();
    if reach == Reach::Latest {
        periods.drain(..periods.len().saturating_sub(2));
    }
    periods
}

/// Every period a recurring task may have been opened for by `now` (some long ago, by an
/// earlier run), oldest first; none for other tasks.
pub fn periods_so_far(task: &Task, issued_on: NaiveDate, now: DateTime<Utc>) -> Vec<Period> {
    task.recurrence.as_ref().map(|recurrence| recurrence.periods(issued_on, open_through(now))).unwrap_or_default()
}

/// The copies to write: each template's copy for each open period that does not exist.
/// A period that is over and whose checklist was opened keeps the lines it had: a line
/// added to the task since is owed from the current period on, not in months already
/// judged. (A period over but never opened, as after a server stopped across its end, is
/// opened whole.)
fn missing_copies(
    started: &BTreeMap<Uuid, (&Task, NaiveDate)>,
    records: &PeriodRecords,
    now: DateTime<Utc>,
    reach: Reach,
) -> Vec<ChecklistItem> {
    let today = Deadline::today_in_vietnam(now);
    let owed: Vec<(&ChecklistItem, Vec<Period>)> = records
        .templates
        .iter()
        .filter_map(|template| {
            let (task, issued_on) = started.get(&template.task)?;
            Some((template, to_open(task, *issued_on, now, reach)))
        })
        .collect();
    let opened_checklists: std::collections::HashSet<(Uuid, &UnitCode, Period)> = owed
        .iter()
        .flat_map(|(template, periods)| {
            periods
                .iter()
                .filter(|period| records.opened.contains(&ChecklistItem::id_in(template.id, **period)))
                .map(|period| (template.task, &template.unit, *period))
        })
        .collect();
    let mut copies = Vec::new();
    for (template, periods) in &owed {
        for period in periods {
            let over_and_opened = period.last_day() < today && opened_checklists.contains(&(template.task, &template.unit, *period));
            if !over_and_opened && !records.opened.contains(&ChecklistItem::id_in(template.id, *period)) {
                copies.push(template.in_period(*period));
            }
        }
    }
    copies
}

/// Opens the periods begun by `now`, as far back as `reach`, of the recurring tasks among
/// `tasks` (all when `None`) for `units` (all when `None`). Returns how many items it wrote.
pub async fn open(
    store: &Store,
    tasks: Option<&[Uuid]>,
    units: Option<&[UnitCode]>,
    now: DateTime<Utc>,
    reach: Reach,
) -> Result<usize, DbError> {
    let recurring: Vec<Task> = store.directives.tasks(tasks).await?.into_iter().filter(|task| task.recurrence.is_some()).collect();
    if recurring.is_empty() {
        return Ok(0);
    }
    let directive_ids: Vec<Uuid> = recurring.iter().map(|task| task.directive).collect();
    let issued: BTreeMap<Uuid, NaiveDate> =
        store.directives.directives(Some(&directive_ids)).await?.into_iter().map(|directive| (directive.id, directive.issued_on)).collect();
    let started: BTreeMap<Uuid, (&Task, NaiveDate)> =
        recurring.iter().filter_map(|task| Some((task.id, (task, *issued.get(&task.directive)?)))).collect();
    let task_ids: Vec<Uuid> = started.keys().copied().collect();
    let periods: Vec<Period> = started
        .values()
        .flat_map(|(task, issued_on)| to_open(task, *issued_on, now, reach))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    until_written("opening periods", || async {
        let records = store.periods.period_records(&task_ids, units, &periods).await?;
        let copies = missing_copies(&started, &records, now, reach);
        for chunk in copies.chunks(ITEMS_PER_WRITE) {
            let opened: std::collections::BTreeSet<(Uuid, Option<Period>)> = chunk.iter().map(|copy| (copy.task, copy.period)).collect();
            let dues: Vec<DueRow> = opened
                .into_iter()
                .filter_map(|(task, period)| {
                    let (task, issued_on) = started.get(&task)?;
                    Some(DueRow::of(task, *issued_on, period))
                })
                .collect();
            if store.periods.open_copies(chunk, &dues).await? == Recorded::Stale {
                return Ok(None);
            }
        }
        if !copies.is_empty() {
            tracing::info!(items = copies.len(), "recurring periods opened");
        }
        Ok(Some(copies.len()))
    })
    .await
}

/// Every due row of `tasks` at `now`: a task's own, or one per period so far of a
/// recurring task. Tasks whose directive is not in `issued` are left out.
pub fn due_rows(tasks: &[Task], issued: &BTreeMap<Uuid, NaiveDate>, now: DateTime<Utc>) -> Vec<DueRow> {
    let mut rows = Vec::new();
    for task in tasks {
        let Some(issued_on) = issued.get(&task.directive) else { continue };
        if task.recurrence.is_some() {
            rows.extend(periods_so_far(task, *issued_on, now).into_iter().map(|period| DueRow::of(task, *issued_on, Some(period))));
        } else {
            rows.push(DueRow::of(task, *issued_on, None));
        }
    }
    rows
}

/// Writes the due rows that are missing or differ from this version's calendar, and brings
/// their kept assignments into line: at start-up, so a database written by an older
/// version (or under an older rule) is judged by this one's. A database already right
/// costs one read of the due rows.
pub async fn keep_dues(store: &Store, now: DateTime<Utc>) -> Result<(), DbError> {
    let tasks = store.directives.tasks(None).await?;
    let issued: BTreeMap<Uuid, NaiveDate> =
        store.directives.directives(None).await?.into_iter().map(|directive| (directive.id, directive.issued_on)).collect();
    let kept = store.periods.kept_dues().await?;
    let rows: Vec<DueRow> =
        due_rows(&tasks, &issued, now).into_iter().filter(|row| kept.get(&row.key()) != Some(&(row.end_ms, row.opened_ms))).collect();
    if !rows.is_empty() {
        tracing::info!(rows = rows.len(), "due instants written again");
    }
    for chunk in rows.chunks(DUES_PER_WRITE) {
        store.periods.keep_dues(chunk).await?;
    }
    if !rows.is_empty() {
        store.progress.retally_everything().await?;
    }
    Ok(())
}

/// Opens new periods as they begin, for as long as the server runs. A failure is logged
/// and tried again next time: devices open their periods themselves meanwhile.
pub async fn keep_open(store: Store) {
    let mut every = tokio::time::interval(OPEN_EVERY);
    loop {
        every.tick().await;
        if let Err(error) = open(&store, None, None, Utc::now(), Reach::Latest).await {
            tracing::warn!(%error, "opening recurring periods failed; trying again later");
        }
    }
}
