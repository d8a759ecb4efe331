//! What the field page shows: a unit's work as a list of assignments (a task for one unit,
//! in the current period for recurring work), each judged by the same rule as the office's
//! dashboard, filtered the way an official asks ("what is left", "what is late"), sorted by
//! the last day, and, for a head, summed per unit.

use crate::api::StateCounts;
use crate::domain::text::fold_str;
use crate::domain::{checklist_done_at_ms, standing, ChecklistItem, Deadline, Period, Standing, TaskState, UnitCode, UnitRole};
use crate::sync::DirectiveView;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which assignments the list shows. "Open" first: it is what a day of work starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum WorkFilter {
    /// Not done yet, on time or late.
    #[default]
    Open,
    /// Not done, with the last day on time within the next few days.
    DueSoon,
    /// Not done and past the last day.
    Overdue,
    /// Done, on time or late.
    Done,
    All,
}

impl WorkFilter {
    /// In the order the page offers them.
    pub const EVERY: [WorkFilter; 5] = [WorkFilter::Open, WorkFilter::DueSoon, WorkFilter::Overdue, WorkFilter::Done, WorkFilter::All];

    pub fn admits(self, standing: &Standing) -> bool {
        match self {
            WorkFilter::Open => !standing.state.is_done(),
            WorkFilter::DueSoon => standing.state == TaskState::InProgress && standing.due_soon,
            WorkFilter::Overdue => standing.state == TaskState::Overdue,
            WorkFilter::Done => standing.state.is_done(),
            WorkFilter::All => true,
        }
    }
}

/// One unit's checklist for one task, as a row of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub directive: Uuid,
    pub task: Uuid,
    pub unit: UnitCode,
    pub role: UnitRole,
    /// For recurring work, the period shown.
    pub period: Option<Period>,
    /// The last day as the directive words it (for recurring work, this period's).
    pub deadline: Option<Deadline>,
    pub standing: Standing,
    pub items_done: usize,
    pub items_total: usize,
    /// The checklist's items, in their written order.
    pub items: Vec<Uuid>,
}

/// The list the page draws: the assignments the filter and search admit, soonest last day
/// first, with how many each filter would show (so the filter buttons carry counts).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkList {
    pub shown: Vec<Assignment>,
    /// In the order of [`WorkFilter::EVERY`].
    pub counts: [usize; 5],
}

/// A unit's work summed, for a head's overview of the units below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSummary {
    pub unit: UnitCode,
    pub counts: StateCounts,
    pub items_done: usize,
    pub items_total: usize,
}

/// Every assignment in `views` (the device's screen: server state with pending changes),
/// judged at `now`. A task with several units' checklists (a head's view) gives one
/// assignment per unit.
pub fn assignments(views: &[DirectiveView], now: DateTime<Utc>, due_soon_days: u32) -> Vec<Assignment> {
    let mut found = Vec::new();
    for view in views {
        for (_, tasks) in &view.sections {
            for task_view in tasks {
                let deadline = task_view.period.map(|(_, deadline)| deadline).or(task_view.task.deadline);
                for (unit, items) in runs_by_unit(&task_view.items) {
                    let done_at = checklist_done_at_ms(items.iter().copied()).and_then(DateTime::from_timestamp_millis);
                    found.push(Assignment {
                        directive: view.directive.id,
                        task: task_view.task.id,
                        role: UnitRole::of(&task_view.task, &unit),
                        unit,
                        period: task_view.period.map(|(period, _)| period),
                        deadline,
                        standing: standing(deadline, done_at, now, due_soon_days),
                        items_done: items.iter().filter(|item| item.done).count(),
                        items_total: items.len(),
                        items: items.iter().map(|item| item.id).collect(),
                    });
                }
            }
        }
    }
    found
}

/// The items of a task, which the snapshot sorts by unit, as one run per unit.
fn runs_by_unit(items: &[ChecklistItem]) -> Vec<(UnitCode, Vec<&ChecklistItem>)> {
    let mut runs: Vec<(UnitCode, Vec<&ChecklistItem>)> = Vec::new();
    for item in items {
        match runs.last_mut() {
            Some((unit, run)) if *unit == item.unit => run.push(item),
            _ => runs.push((item.unit.clone(), vec![item])),
        }
    }
    runs
}

/// The assignments of `units` that `filter` admits and whose task or directive contains
/// `search` (letter case and tone placement aside), soonest last day first; work without
/// a last day after all dated work.
pub fn work_list(
    all: &[Assignment],
    units: &[UnitCode],
    filter: WorkFilter,
    search: &str,
    text_of: impl Fn(&Assignment) -> String,
) -> WorkList {
    let wanted = fold_str(search.trim());
    let matching: Vec<&Assignment> = all
        .iter()
        .filter(|assignment| units.contains(&assignment.unit))
        .filter(|assignment| wanted.is_empty() || fold_str(&text_of(assignment)).contains(&wanted))
        .collect();
    let mut counts = [0; 5];
    for (slot, each) in counts.iter_mut().zip(WorkFilter::EVERY) {
        *slot = matching.iter().filter(|assignment| each.admits(&assignment.standing)).count();
    }
    let mut shown: Vec<Assignment> = matching.into_iter().filter(|assignment| filter.admits(&assignment.standing)).cloned().collect();
    shown.sort_by(|a, b| {
        let last_day = |assignment: &Assignment| assignment.deadline.and_then(|deadline| deadline.last_day_on_time());
        match (last_day(a), last_day(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.task.cmp(&b.task))
        .then_with(|| a.unit.cmp(&b.unit))
    });
    WorkList { shown, counts }
}

/// Each unit's assignments summed, in the order of `units`; units with no work left out.
pub fn unit_summaries(all: &[Assignment], units: &[UnitCode]) -> Vec<UnitSummary> {
    units
        .iter()
        .filter_map(|unit| {
            let mine: Vec<&Assignment> = all.iter().filter(|assignment| assignment.unit == *unit).collect();
            if mine.is_empty() {
                return None;
            }
            let mut counts = StateCounts::default();
            for assignment in &mine {
                counts.add(assignment.standing.state, assignment.standing.due_soon, 1);
            }
            Some(UnitSummary {
                unit: unit.clone(),
                counts,
                items_done: mine.iter().map(|assignment| assignment.items_done).sum(),
                items_total: mine.iter().map(|assignment| assignment.items_total).sum(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeadlineKind, Directive, Party, Task};
    use crate::sync::TaskView;
    use chrono::NaiveDate;

    fn unit(code: &str) -> UnitCode {
        UnitCode::parse(code).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Noon in Vietnam on the day given.
    fn noon(date: NaiveDate) -> DateTime<Utc> {
        crate::domain::vietnam_day_start(date) + chrono::Duration::hours(12)
    }

    fn task(n: u128, lead: &str, last_day: Option<NaiveDate>) -> Task {
        Task {
            id: Uuid::from_u128(n),
            directive: Uuid::from_u128(1),
            section: 0,
            text: crate::domain::text::BoundedText::parse("text", &format!("Nhiệm vụ số {n}: rà soát điểm giao cắt")).unwrap(),
            lead: Party::Unit(unit(lead)),
            coordinating: vec![],
            deadline: last_day.map(|date| Deadline { date, kind: DeadlineKind::NoLaterThan }),
            target: None,
            recurrence: None,
        }
    }

    fn items(task: &Task, unit_code: &str, done: &[bool], done_on: NaiveDate) -> Vec<ChecklistItem> {
        done.iter()
            .enumerate()
            .map(|(i, &ticked)| {
                let id = Uuid::from_u128(task.id.as_u128() * 1000 + i as u128 + unit_code.len() as u128 * 100);
                let mut item = ChecklistItem::new(id, task.id, unit(unit_code), "Việc cần làm", i as u32).unwrap();
                item.done = ticked;
                if ticked {
                    item.done_since_ms = Some(noon(done_on).timestamp_millis());
                }
                item
            })
            .collect()
    }

    fn view(tasks: Vec<(Task, Vec<ChecklistItem>)>) -> Vec<DirectiveView> {
        let directive = Directive::new(Uuid::from_u128(1), "Chỉ đạo", "UBND tỉnh", day(2026, 11, 1), vec![], &["Giao thông"]).unwrap();
        let tasks = tasks.into_iter().map(|(task, items)| TaskView { task, items, period: None, earlier: vec![] }).collect();
        vec![DirectiveView { directive, sections: vec![(0, tasks)] }]
    }

    const TODAY: (i32, u32, u32) = (2026, 12, 7);

    fn today() -> NaiveDate {
        day(TODAY.0, TODAY.1, TODAY.2)
    }

    fn sample() -> Vec<Assignment> {
        let late = task(1, "XA-A", Some(day(2026, 12, 1)));
        let soon = task(2, "XA-A", Some(day(2026, 12, 9)));
        let later = task(3, "XA-A", Some(day(2027, 1, 15)));
        let undated = task(4, "XA-A", None);
        let finished = task(5, "XA-A", Some(day(2026, 11, 20)));
        let other = task(6, "XA-B", Some(day(2026, 12, 2)));
        let views = view(vec![
            (later.clone(), items(&later, "XA-A", &[false, true], today())),
            (undated.clone(), items(&undated, "XA-A", &[false], today())),
            (late.clone(), items(&late, "XA-A", &[true, false, false], today())),
            (finished.clone(), items(&finished, "XA-A", &[true, true], day(2026, 11, 25))),
            (soon.clone(), items(&soon, "XA-A", &[false], today())),
            (other.clone(), items(&other, "XA-B", &[false], today())),
        ]);
        assignments(&views, noon(today()), crate::domain::DUE_SOON_DAYS)
    }

    fn tasks_of(list: &WorkList) -> Vec<u128> {
        list.shown.iter().map(|assignment| assignment.task.as_u128()).collect()
    }

    #[test]
    fn what_is_left_comes_first_soonest_last_day_first_undated_last() {
        let all = sample();
        let list = work_list(&all, &[unit("XA-A")], WorkFilter::default(), "", |_| String::new());
        assert_eq!(tasks_of(&list), [1, 2, 3, 4], "open work only, by last day, undated last; another unit's left out");
        let late = &list.shown[0];
        assert_eq!((late.standing.state, late.items_done, late.items_total), (TaskState::Overdue, 1, 3));
        assert_eq!(late.role, UnitRole::Lead);
    }

    #[test]
    fn each_filter_admits_its_own_and_counts_are_given_for_all() {
        let all = sample();
        let only = |filter| tasks_of(&work_list(&all, &[unit("XA-A")], filter, "", |_| String::new()));
        assert_eq!(only(WorkFilter::DueSoon), [2]);
        assert_eq!(only(WorkFilter::Overdue), [1]);
        assert_eq!(only(WorkFilter::Done), [5]);
        assert_eq!(only(WorkFilter::All), [5, 1, 2, 3, 4]);
        let list = work_list(&all, &[unit("XA-A")], WorkFilter::Open, "", |_| String::new());
        assert_eq!(list.counts, [4, 1, 1, 1, 5]);
    }

    #[test]
    fn the_search_ignores_case_and_tone_placement() {
        let all = sample();
        let text = |assignment: &Assignment| {
            if assignment.task.as_u128() == 3 {
                "Kiểm tra QUÝ IV hoà giải".to_owned()
            } else {
                "Báo cáo".to_owned()
            }
        };
        let list = work_list(&all, &[unit("XA-A")], WorkFilter::All, "  hòa giải ", text);
        assert_eq!(tasks_of(&list), [3]);
        assert_eq!(list.counts[4], 1, "counts follow the search");
    }

    #[test]
    fn a_done_checklist_is_judged_by_when_its_last_item_was_ticked() {
        let all = sample();
        let finished = all.iter().find(|assignment| assignment.task.as_u128() == 5).unwrap();
        assert_eq!(finished.standing.state, TaskState::DoneLate, "finished on 25/11, due 20/11");
        assert_eq!(finished.standing.days_late, 5);
    }

    #[test]
    fn a_heads_summary_sums_each_units_assignments_and_items() {
        let all = sample();
        let summaries = unit_summaries(&all, &[unit("XA-B"), unit("XA-A"), unit("XA-C")]);
        assert_eq!(summaries.len(), 2, "a unit without work is left out");
        assert_eq!(summaries[0].unit, unit("XA-B"));
        assert_eq!(summaries[0].counts.overdue, 1);
        let a = &summaries[1].counts;
        assert_eq!((a.done_on_time, a.done_late, a.in_progress, a.overdue, a.due_soon), (0, 1, 3, 1, 1));
        assert_eq!((summaries[1].items_done, summaries[1].items_total), (4, 9));
    }
}
