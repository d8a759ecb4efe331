//! The office's dashboard: its filter, its counts by state, the work to chase, the
//! drill-down to one unit's work on one task, the weekly chart and the live stream.

use crate::domain::{ChecklistItem, Task, TaskReport, TaskState, Unit, UnitCode, UnitRole};
use serde::{Deserialize, Serialize};

/// Assignments written since the last event; the event's id is `cursor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveChanges {
    pub cursor: u64,
    pub changed: Vec<AssignmentKey>,
}

/// A task for one unit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentKey {
    pub task: uuid::Uuid,
    pub unit: UnitCode,
    /// The period, for a recurring task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<crate::domain::Period>,
}

/// One logged change of an item, as the drill-down shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// The change's id, as its device sent it (a photo's: the server's), to check the log
    /// change by change.
    pub change: uuid::Uuid,
    pub item: uuid::Uuid,
    /// The tick as set, when the change was a tick.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    /// The note as written, when the change was a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The photo attached, when the change was a photo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<String>,
    pub author: String,
    pub device: uuid::Uuid,
    /// When it was done, on the device's clock.
    pub made_at_ms: i64,
    /// When the server received it.
    pub synced_at_ms: i64,
    pub outcome: crate::sync::LoggedOutcome,
}

/// One unit's work on one task: where it stands, every item, and who did what when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentDetail {
    pub task: Task,
    /// The period shown, for a recurring task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<crate::domain::Period>,
    /// When this work is due: the task's deadline, or the period's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<crate::domain::Deadline>,
    pub directive_title: String,
    pub unit: Unit,
    pub role: UnitRole,
    pub state: TaskState,
    pub due_soon: bool,
    pub days_late: i64,
    /// When the last open item was ticked, on the device's clock.
    #[serde(default)]
    pub done_at_ms: Option<i64>,
    pub items: Vec<ChecklistItem>,
    /// Newest first.
    pub history: Vec<HistoryEntry>,
    /// The head's sign-off, if given.
    #[serde(default)]
    pub report: Option<TaskReport>,
}

/// What the dashboard and its exports show; every filter is optional and they combine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct DashboardFilter {
    /// One directive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directive: Option<uuid::Uuid>,
    /// A unit and every unit below it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<TaskState>,
    /// What the task asks of the unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<UnitRole>,
    /// Deadlines on or after this day.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::domain::iso_date::option")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, format = Date), schema(value_type = Option<String>, format = Date))]
    pub due_from: Option<chrono::NaiveDate>,
    /// Deadlines on or before this day.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::domain::iso_date::option")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, format = Date), schema(value_type = Option<String>, format = Date))]
    pub due_to: Option<chrono::NaiveDate>,
    /// The dashboard's long lists (tasks, units, work to chase) cut to their first this
    /// many rows, for a first view that sends and draws little; every row when absent.
    /// Exports and the weekly chart always count every row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u32>,
}

impl DashboardFilter {
    /// The filter as a query string (`?state=overdue&unit=…`), empty when nothing is asked.
    /// Every value is a code, an id or a date, none of which needs escaping.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(directive) = self.directive {
            parts.push(format!("directive={directive}"));
        }
        if let Some(unit) = &self.unit {
            parts.push(format!("unit={unit}"));
        }
        if let Some(state) = self.state {
            parts.push(format!("state={}", state.as_str()));
        }
        if let Some(role) = self.role {
            parts.push(format!("role={}", role.as_str()));
        }
        if let Some(from) = self.due_from {
            parts.push(format!("due_from={from}"));
        }
        if let Some(to) = self.due_to {
            parts.push(format!("due_to={to}"));
        }
        if let Some(rows) = self.rows {
            parts.push(format!("rows={rows}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// How many assignments (a task for one unit) are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateCounts {
    pub done_on_time: u32,
    pub done_late: u32,
    pub in_progress: u32,
    pub overdue: u32,
    /// In progress with the last day on time within the next few days (a flag, not a state).
    pub due_soon: u32,
}

impl StateCounts {
    pub fn add(&mut self, state: TaskState, due_soon: bool, count: u32) {
        let slot = match state {
            TaskState::DoneOnTime => &mut self.done_on_time,
            TaskState::DoneLate => &mut self.done_late,
            TaskState::InProgress => &mut self.in_progress,
            TaskState::Overdue => &mut self.overdue,
        };
        *slot += count;
        if due_soon {
            self.due_soon += count;
        }
    }

    pub fn of(&self, state: TaskState) -> u32 {
        match state {
            TaskState::DoneOnTime => self.done_on_time,
            TaskState::DoneLate => self.done_late,
            TaskState::InProgress => self.in_progress,
            TaskState::Overdue => self.overdue,
        }
    }

    pub fn total(&self) -> u32 {
        self.done_on_time + self.done_late + self.in_progress + self.overdue
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveStanding {
    pub directive: uuid::Uuid,
    pub title: String,
    pub counts: StateCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskStanding {
    pub task: uuid::Uuid,
    pub directive: uuid::Uuid,
    pub text: String,
    pub deadline: Option<crate::domain::Deadline>,
    pub counts: StateCounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitStanding {
    pub unit: UnitCode,
    pub name: String,
    pub counts: StateCounts,
    /// Checklist items ticked and on the checklists, over the unit's assignments.
    pub items_done: u32,
    pub items_total: u32,
}

/// One assignment that needs chasing: overdue, or due soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attention {
    pub task: uuid::Uuid,
    /// The period, for a recurring task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<crate::domain::Period>,
    pub directive: uuid::Uuid,
    pub unit: UnitCode,
    pub unit_name: String,
    pub task_text: String,
    pub role: UnitRole,
    pub state: TaskState,
    pub due_soon: bool,
    /// The last day on time.
    #[serde(default, with = "crate::domain::iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub last_day: Option<chrono::NaiveDate>,
    pub days_late: i64,
    pub done: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// When the states were judged (they move with the clock: work becomes overdue).
    pub as_of_ms: i64,
    /// The newest write counted; the stream's events carry later ones.
    pub cursor: u64,
    pub due_soon_days: u32,
    pub totals: StateCounts,
    pub directives: Vec<DirectiveStanding>,
    pub tasks: Vec<TaskStanding>,
    pub units: Vec<UnitStanding>,
    /// Overdue work, most days late first, then work due soon, soonest first; at most
    /// [`Dashboard::ATTENTION_MAX`] rows.
    pub attention: Vec<Attention>,
    /// How many rows each long list has in full, when the filter's `rows` cut it.
    pub full_lengths: ListLengths,
}

impl Dashboard {
    pub const ATTENTION_MAX: usize = 500;
    /// How many rows of each long list a page asks for first: a province's 400 tasks, 180
    /// units and 500 assignments to chase, sent and drawn at once, cost the first view
    /// most of its second.
    pub const FIRST_ROWS: u32 = 30;

    /// Whether every row of every list is here (no `rows` cut any of them).
    pub fn is_whole(&self) -> bool {
        let ListLengths { tasks, units, attention } = self.full_lengths;
        (self.tasks.len(), self.units.len(), self.attention.len()) == (tasks as usize, units as usize, attention as usize)
    }
}

/// The full lengths of a dashboard's long lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListLengths {
    pub tasks: u32,
    pub units: u32,
    pub attention: u32,
}

/// The work of a view as it stood at the end of each week, oldest first: what the chart of
/// states over time draws.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklyStates {
    pub weeks: Vec<WeekStates>,
}

impl WeeklyStates {
    /// How many weeks the chart shows, this one included.
    pub const WEEKS: usize = 12;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekStates {
    /// The week's Sunday; for this week, counted as of now.
    #[serde(with = "crate::domain::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub ends_on: chrono::NaiveDate,
    /// The work that had begun by then, in the state it was in then, counted at the week's
    /// end: 00:00 on the Monday after `ends_on` in Vietnam (17:00 UTC on the Sunday), or now
    /// for this week. `due_soon` is always 0 here: "due soon" looks ahead from a moment, and
    /// the chart records how work stood, not what was about to fall due.
    pub counts: StateCounts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dashboard_filter_reads_back_from_its_query_string() {
        assert_eq!(DashboardFilter::default().query(), "");
        let filter = DashboardFilter {
            directive: Some(uuid::Uuid::from_u128(7)),
            unit: Some(UnitCode::parse("HUYEN-BINH-SON").unwrap()),
            state: Some(TaskState::Overdue),
            role: Some(UnitRole::Lead),
            due_from: chrono::NaiveDate::from_ymd_opt(2024, 2, 29),
            due_to: chrono::NaiveDate::from_ymd_opt(2024, 3, 31),
            rows: Some(30),
        };
        let query = filter.query();
        let pairs: serde_json::Map<String, serde_json::Value> = query
            .trim_start_matches('?')
            .split('&')
            .map(|pair| pair.split_once('=').unwrap())
            // A query string's numbers arrive as text; the web framework reads them as numbers.
            .map(|(key, value)| {
                let value = value.parse::<u32>().map_or_else(|_| serde_json::Value::String(value.to_owned()), serde_json::Value::from);
                (key.to_owned(), value)
            })
            .collect();
        let read: DashboardFilter = serde_json::from_value(serde_json::Value::Object(pairs)).unwrap();
        assert_eq!(read, filter);
    }
}
