//! JSON bodies of the session and report endpoints, shared by browser and server.

use crate::domain::unit_import::{RowError, UnitRow};
use crate::domain::{ChecklistItem, Directive, Roles, Task, TaskReport, TaskState, Unit, UnitCode, UnitRole};
use serde::{Deserialize, Serialize};

/// The id of the loading line in the page the server sends, which the app removes when it
/// starts.
pub const PAGE_LOADING_ID: &str = "boot";
pub const SESSION_PATH: &str = "/api/v1/session";
pub const PUSH_PATH: &str = "/api/v1/sync/push";
pub const PULL_PATH: &str = "/api/v1/sync/pull";
pub const PROGRESS_PATH: &str = "/api/v1/reports/progress";
/// `GET` the dashboard's view as a CSV file (UTF-8 with BOM), same filters as the dashboard.
pub const REPORT_CSV_PATH: &str = "/api/v1/reports/progress.csv";
/// `GET` the dashboard's view as an Excel workbook, same filters as the dashboard.
pub const REPORT_XLSX_PATH: &str = "/api/v1/reports/progress.xlsx";
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";
/// `PUT {PHOTOS_PATH}/{id}?item={item}` with the image as the body attaches a photo;
/// `GET {PHOTOS_PATH}/{id}` returns it.
pub const PHOTOS_PATH: &str = "/api/v1/photos";
/// `GET`: the items flagged as conflicts, with the values in contention. `POST`: a review.
pub const REVIEW_PATH: &str = "/api/v1/review";
/// `GET` the task reports signed off in the reader's units; `PUT`/`DELETE`
/// `{TASK_REPORTS_PATH}/{task}/{unit}` signs one off or takes the sign-off back (heads).
pub const TASK_REPORTS_PATH: &str = "/api/v1/reports/tasks";
/// `GET` the unit tree (anyone signed in), for forms that choose units.
pub const UNITS_PATH: &str = "/api/v1/units";
/// `POST` a [`crate::domain::authoring::DirectiveInput`] to publish it (supervisors).
pub const DIRECTIVES_PATH: &str = "/api/v1/directives";
/// `POST` a directive summary as `text/plain`; the answer is the draft read from it.
pub const DIRECTIVE_IMPORT_PATH: &str = "/api/v1/directives/import";
/// `POST` a [`PasswordChange`].
pub const PASSWORD_PATH: &str = "/api/v1/session/password";
/// `DELETE`: sign out on every device.
pub const ALL_SESSIONS_PATH: &str = "/api/v1/session/all";
/// `GET` the unit tree; `POST` [`UnitChanges`] (the admin form).
pub const ADMIN_UNITS_PATH: &str = "/api/v1/admin/units";
/// `POST` a CSV file (`text/csv`) of units.
pub const ADMIN_UNITS_IMPORT_PATH: &str = "/api/v1/admin/units/import";
/// `GET` every account; `POST` a [`NewAccount`].
pub const ADMIN_ACCOUNTS_PATH: &str = "/api/v1/admin/accounts";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

/// Who is signed in. The browser keeps a copy so the field page opens offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub username: String,
    pub display_name: String,
    #[serde(alias = "role")]
    pub roles: Roles,
    pub unit: UnitCode,
    pub unit_name: String,
    /// An admin reset the password: the app asks for a new one before anything else.
    #[serde(default)]
    pub must_change_password: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// An account as admins see it: never its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountSummary {
    pub username: String,
    pub display_name: String,
    pub roles: Roles,
    pub unit: UnitCode,
    pub disabled: bool,
    pub must_change_password: bool,
    pub last_sign_in_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub roles: Roles,
    pub unit: UnitCode,
}

/// Fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Roles>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// A password made by the server for a new or reset account, shown to the admin once;
/// its owner must replace it at the first sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemporaryPassword {
    pub username: String,
    pub temporary_password: String,
}

/// Units to add or change, as rows of the CSV would give them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitChanges {
    pub rows: Vec<UnitRow>,
}

/// What publishing a directive wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectivePublished {
    pub directive: uuid::Uuid,
    pub tasks: usize,
    pub items: usize,
}

/// What an edit of a published directive wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveRevised {
    pub directive: uuid::Uuid,
    pub added_items: usize,
    pub removed_items: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitsWritten {
    pub written: usize,
}

crate::domain::worded::worded_enum! {
    /// What kind of refusal an error answer is: pages say it in the reader's language;
    /// the answer's `message` says it in detail, in English, for other systems.
    pub enum ErrorCode {
        BadRequest = "bad_request",
        Invalid = "invalid",
        UnsupportedMediaType = "unsupported_media_type",
        TooLarge = "too_large",
        Unauthorized = "unauthorized",
        WrongCredentials = "wrong_credentials",
        Forbidden = "forbidden",
        NotFound = "not_found",
        Conflict = "conflict",
        CrossOrigin = "cross_origin",
        TooManyAttempts = "too_many_attempts",
        TooManyStreams = "too_many_streams",
        PasswordChangeRequired = "password_change_required",
        WeakPassword = "weak_password",
        Unfinished = "unfinished",
        PhotoLimit = "photo_limit",
        InvalidRows = "invalid_rows",
        InvalidDirective = "invalid_directive",
        Busy = "busy",
        StillWriting = "still_writing",
        Internal = "internal",
    }
}

/// Every error body the API sends: a stable machine code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    pub error: ErrorCode,
    pub message: String,
    /// For a refused unit import: what is wrong on which line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
    /// For a refused directive: each problem and where it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<crate::domain::authoring::InputProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitProgress {
    pub unit: Unit,
    pub done: u32,
    pub total: u32,
    pub items: Vec<ChecklistItem>,
    /// The head's sign-off of this unit's report on the task, if given.
    #[serde(default)]
    pub report: Option<TaskReport>,
}

impl UnitProgress {
    /// Whole percent, rounded down so 99.6% never reads as finished.
    pub fn percent(&self) -> u32 {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskProgress {
    pub task: Task,
    pub units: Vec<UnitProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveProgress {
    pub directive: Directive,
    pub tasks: Vec<TaskProgress>,
    /// Names of every unit a task mentions (lead and coordinating), for display.
    pub unit_names: Vec<(UnitCode, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressReport {
    pub directives: Vec<DirectiveProgress>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UnitKind;

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

    #[test]
    fn percent_rounds_down_and_survives_empty_checklists() {
        let unit = Unit::new(UnitCode::parse("TINH").unwrap(), "UBND tỉnh", UnitKind::Province, None).unwrap();
        let mut progress = UnitProgress { unit, done: 0, total: 0, items: vec![], report: None };
        assert_eq!(progress.percent(), 0);
        progress.done = 6;
        progress.total = 7;
        assert_eq!(progress.percent(), 85);
    }
}

/// `GET` the office's dashboard: totals by state, per directive, task and unit, and the
/// work that needs chasing, for the reader's units and the filters in the query.
pub const DASHBOARD_PATH: &str = "/api/v1/reports/dashboard";

/// `GET` server-sent events: each `changed` event is a [`LiveChanges`] for the reader's
/// units, after `?since=` (a dashboard's cursor) or the `Last-Event-ID` the browser resends.
pub const LIVE_PATH: &str = "/api/v1/reports/live";

/// `GET {WEEKLY_PATH}?{DashboardFilter}`: how the view's work stood at the end of each of
/// the last weeks (a [`WeeklyStates`]).
pub const WEEKLY_PATH: &str = "/api/v1/reports/weekly";

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

/// `GET {ASSIGNMENTS_PATH}/{task}/{unit}`: one unit's work on one task, item by item, with
/// its history (an [`AssignmentDetail`]).
pub const ASSIGNMENTS_PATH: &str = "/api/v1/reports/assignments";

/// A recurring task's period is asked as `?period=2026-11`.
pub fn assignment_path(task: uuid::Uuid, unit: &UnitCode, period: Option<crate::domain::Period>) -> String {
    match period {
        Some(period) => format!("{ASSIGNMENTS_PATH}/{task}/{unit}?period={period}"),
        None => format!("{ASSIGNMENTS_PATH}/{task}/{unit}"),
    }
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

/// One flagged item as a supervisor reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictCase {
    pub item: ChecklistItem,
    pub unit_name: String,
    pub task_text: String,
    pub contests: Vec<crate::sync::Contest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewQueue {
    pub cases: Vec<ConflictCase>,
}

/// Keep these edits (change ids from the item's contests, one per contested field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub item: uuid::Uuid,
    pub keep: Vec<uuid::Uuid>,
}

pub fn photo_url(id: &crate::domain::PhotoId) -> String {
    format!("{PHOTOS_PATH}/{id}")
}

/// Where a unit's report on a task is signed off; for recurring work, one period's.
pub fn task_report_path(task: uuid::Uuid, unit: &UnitCode, period: Option<crate::domain::Period>) -> String {
    match period {
        Some(period) => format!("{TASK_REPORTS_PATH}/{task}/{unit}?period={period}"),
        None => format!("{TASK_REPORTS_PATH}/{task}/{unit}"),
    }
}

pub fn directive_path(directive: uuid::Uuid) -> String {
    format!("{DIRECTIVES_PATH}/{directive}")
}

/// Usernames are checked to be path-safe (letters, digits, `.`, `_`, `-`) before an
/// account exists, so they go into the path as they are.
pub fn account_path(username: &str) -> String {
    format!("{ADMIN_ACCOUNTS_PATH}/{username}")
}

pub fn account_password_path(username: &str) -> String {
    format!("{}/password", account_path(username))
}
