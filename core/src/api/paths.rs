//! Every path of the HTTP API, and the functions that fill in the ones with ids, so the
//! server's router, the browser's client and the tests name each endpoint once.

use crate::domain::UnitCode;

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

/// `GET` the office's dashboard: totals by state, per directive, task and unit, and the
/// work that needs chasing, for the reader's units and the filters in the query.
pub const DASHBOARD_PATH: &str = "/api/v1/reports/dashboard";

/// `GET` server-sent events: each `changed` event is a [`LiveChanges`] for the reader's
/// units, after `?since=` (a dashboard's cursor) or the `Last-Event-ID` the browser resends.
pub const LIVE_PATH: &str = "/api/v1/reports/live";

/// `GET {WEEKLY_PATH}?{DashboardFilter}`: how the view's work stood at the end of each of
/// the last weeks (a [`WeeklyStates`]).
pub const WEEKLY_PATH: &str = "/api/v1/reports/weekly";

/// `GET {ASSIGNMENTS_PATH}/{task}/{unit}`: one unit's work on one task, item by item, with
/// its history (an [`AssignmentDetail`]).
pub const ASSIGNMENTS_PATH: &str = "/api/v1/reports/assignments";

/// The live stream of the reader's units after a dashboard's `cursor`.
pub fn live_url(cursor: u64) -> String {
    format!("{LIVE_PATH}?since={cursor}")
}

/// The dashboard's view under `filter` as an Excel workbook.
pub fn report_xlsx_url(filter: &super::DashboardFilter) -> String {
    format!("{REPORT_XLSX_PATH}{}", filter.query())
}

/// The dashboard's view under `filter` as a CSV file.
pub fn report_csv_url(filter: &super::DashboardFilter) -> String {
    format!("{REPORT_CSV_PATH}{}", filter.query())
}

/// The dashboard under `filter`.
pub fn dashboard_url(filter: &super::DashboardFilter) -> String {
    format!("{DASHBOARD_PATH}{}", filter.query())
}

/// The weekly states under `filter`.
pub fn weekly_url(filter: &super::DashboardFilter) -> String {
    format!("{WEEKLY_PATH}{}", filter.query())
}

/// A recurring task's period is asked as `?period=2026-11`.
pub fn assignment_path(task: uuid::Uuid, unit: &UnitCode, period: Option<crate::domain::Period>) -> String {
    match period {
        Some(period) => format!("{ASSIGNMENTS_PATH}/{task}/{unit}?period={period}"),
        None => format!("{ASSIGNMENTS_PATH}/{task}/{unit}"),
    }
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
