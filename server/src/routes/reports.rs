use super::{require, AppState};
use crate::auth::{Action, User};
use crate::dashboard::DashboardError;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::reports::{SignOffError, SignOffRequest};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chidao_core::api::{Dashboard, DashboardFilter, ProgressReport};
use chidao_core::domain::access::ReadScope;
use chidao_core::domain::{TaskReport, UnitCode};
use uuid::Uuid;

/// The province-wide report is for those who may read everything.
pub async fn progress(State(state): State<AppState>, user: User) -> Result<axum::Json<ProgressReport>, ApiError> {
    require(&state, &user, Action::OverseeProvince, "the progress report is for supervisors").await?;
    Ok(axum::Json(crate::reports::progress(&state.store).await?))
}

impl From<DashboardError> for ApiError {
    fn from(error: DashboardError) -> Self {
        match error {
            DashboardError::NoUnits => ApiError::Forbidden(error.to_string()),
            DashboardError::UnitNotFollowed(_) | DashboardError::NoSuchDirective(_) | DashboardError::NotAssigned { .. } => {
                ApiError::NotFound(error.to_string())
            }
            DashboardError::EmptyRange => ApiError::Unprocessable(error.to_string()),
            DashboardError::Db(source) => ApiError::Internal(source),
        }
    }
}

/// Where every assignment the reader follows stands, judged now in Vietnam's calendar.
pub async fn dashboard(
    State(state): State<AppState>,
    user: User,
    Query(filter): Query<DashboardFilter>,
) -> Result<axum::Json<Dashboard>, ApiError> {
    let now = chrono::Utc::now();
    Ok(axum::Json(crate::dashboard::dashboard(&state.store, &user, &filter, now, state.reports.due_soon_days).await?))
}

/// How the view's work stood week by week: the chart of states over time.
pub async fn weekly(
    State(state): State<AppState>,
    user: User,
    Query(filter): Query<DashboardFilter>,
) -> Result<axum::Json<chidao_core::api::WeeklyStates>, ApiError> {
    Ok(axum::Json(crate::dashboard::weekly(&state.store, &user, &filter, chrono::Utc::now()).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LiveParams {
    /// Report writes after this cursor (a dashboard's); a reconnecting browser's
    /// `Last-Event-ID` wins. Without either, from now on.
    since: Option<u64>,
}

/// A stream of the writes to the assignments the reader follows, for open dashboards.
pub async fn live(
    State(state): State<AppState>,
    signed_in: super::SignedIn,
    headers: axum::http::HeaderMap,
    Query(params): Query<LiveParams>,
) -> Result<impl IntoResponse, ApiError> {
    let super::SignedIn { user, session_key } = signed_in;
    if user.must_change_password {
        return Err(ApiError::PasswordChangeRequired);
    }
    let slot = state.live_streams.open(&session_key).map_err(ApiError::TooManyStreams)?;
    let units = match crate::auth::read_scope(&state.store.units, &user).await? {
        ReadScope::Everything => None,
        ReadScope::Units(units) if units.is_empty() => return Err(DashboardError::NoUnits.into()),
        ReadScope::Units(units) => Some(units.into_iter().collect()),
    };
    let resumed = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|text| text.parse::<u64>().ok())
                .ok_or_else(|| ApiError::BadRequest("Last-Event-ID must be a cursor from an earlier event".into()))?,
        ),
        None => None,
    };
    let cursor = match resumed.or(params.since) {
        Some(cursor) => cursor,
        None => state.store.progress.assignment_cursor().await?,
    };
    let session = crate::live::StreamSession { key: session_key, idle_days: state.cookies.idle_days, slot };
    let stream = crate::live::follow(state.store.clone(), units, cursor, state.reports.live_beat, session);
    Ok(axum::response::sse::Sse::new(stream).keep_alive(axum::response::sse::KeepAlive::default()))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AssignmentParams {
    /// For a recurring task, the period: 2026-11 (a month), 2026-Q4, 2026-W48 or 2026.
    #[param(value_type = Option<String>)]
    period: Option<chidao_core::domain::Period>,
}

/// One unit's work on one task: the dashboard's drill-down.
pub async fn assignment(
    State(state): State<AppState>,
    user: User,
    Path((task, unit)): Path<(Uuid, String)>,
    Query(params): Query<AssignmentParams>,
) -> Result<axum::Json<chidao_core::api::AssignmentDetail>, ApiError> {
    let unit = unit_code(&unit)?;
    let now = chrono::Utc::now();
    let due_soon_days = state.reports.due_soon_days;
    Ok(axum::Json(crate::dashboard::assignment(&state.store, &user, task, &unit, params.period, now, due_soon_days).await?))
}

/// The reader's language for a file: the language cookie, Vietnamese without it.
fn locale_of(headers: &axum::http::HeaderMap) -> chidao_core::i18n::Locale {
    headers
        .get(axum::http::header::COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(chidao_core::i18n::Locale::from_cookie_header)
        .unwrap_or_default()
}

async fn report_file(
    state: &AppState,
    user: &User,
    filter: &DashboardFilter,
) -> Result<(Vec<crate::dashboard::ReportRow>, crate::export::Heading), ApiError> {
    let now = chrono::Utc::now();
    let crate::dashboard::ReportRows { rows, issuer } =
        crate::dashboard::report_rows(&state.store, user, filter, now, state.reports.due_soon_days).await?;
    Ok((rows, crate::export::Heading { issuer, made_at: now, due_from: filter.due_from, due_to: filter.due_to }))
}

fn attachment(content_type: &'static str, name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(axum::http::header::CONTENT_TYPE, content_type.to_owned()), (axum::http::header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

/// The dashboard's view, every assignment a row, as CSV.
pub async fn report_csv(
    State(state): State<AppState>,
    user: User,
    headers: axum::http::HeaderMap,
    Query(filter): Query<DashboardFilter>,
) -> Result<Response, ApiError> {
    let (rows, _) = report_file(&state, &user, &filter).await?;
    let bytes =
        crate::export::csv(locale_of(&headers), &rows).map_err(|error| ApiError::FileFailed(format!("writing the CSV report: {error}")))?;
    Ok(attachment("text/csv; charset=utf-8", "bao-cao-tien-do.csv", bytes))
}

/// The dashboard's view as an Excel workbook, titled and dated, a sheet per directive.
pub async fn report_xlsx(
    State(state): State<AppState>,
    user: User,
    headers: axum::http::HeaderMap,
    Query(filter): Query<DashboardFilter>,
) -> Result<Response, ApiError> {
    let (rows, heading) = report_file(&state, &user, &filter).await?;
    let bytes = crate::export::xlsx(locale_of(&headers), &heading, &rows)
        .map_err(|error| ApiError::FileFailed(format!("writing the Excel report: {error}")))?;
    Ok(attachment("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "bao-cao-tien-do.xlsx", bytes))
}

pub async fn task_reports(State(state): State<AppState>, user: User) -> Result<axum::Json<Vec<TaskReport>>, ApiError> {
    Ok(axum::Json(crate::reports::task_reports(&state.store, &user).await?))
}

fn sign_off_refused(error: SignOffError) -> ApiError {
    match error {
        SignOffError::Forbidden => ApiError::Forbidden(error.to_string()),
        SignOffError::NotAssigned { .. } => ApiError::NotFound(error.to_string()),
        SignOffError::Unfinished { .. } => ApiError::Unfinished(error.to_string()),
        SignOffError::Db(source) => ApiError::Internal(source),
    }
}

fn unit_code(raw: &str) -> Result<UnitCode, ApiError> {
    UnitCode::parse(raw).map_err(|error| ApiError::Unprocessable(error.to_string()))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SignOffParams {
    /// For a recurring task, the period: 2026-11 (a month), 2026-Q4, 2026-W48 or 2026.
    #[param(value_type = Option<String>)]
    period: Option<chidao_core::domain::Period>,
    /// The head knows items are still open and signs off all the same; without it such a
    /// sign-off is refused with 409 `unfinished`.
    #[serde(default)]
    unfinished: bool,
}

pub async fn sign_off(
    State(state): State<AppState>,
    user: User,
    Path((task, unit)): Path<(Uuid, String)>,
    Query(params): Query<SignOffParams>,
) -> Result<axum::Json<TaskReport>, ApiError> {
    let unit = unit_code(&unit)?;
    let request = if params.unfinished { SignOffRequest::EvenIfUnfinished } else { SignOffRequest::Finished };
    match crate::reports::sign_off(&state.store, &user, task, &unit, params.period, request).await.map_err(sign_off_refused)? {
        Some(report) => Ok(axum::Json(report)),
        None => Err(ApiError::Conflict("the sign-off was not recorded".into())),
    }
}

pub async fn take_back(
    State(state): State<AppState>,
    user: User,
    Path((task, unit)): Path<(Uuid, String)>,
    Query(params): Query<AssignmentParams>,
) -> Result<Response, ApiError> {
    let unit = unit_code(&unit)?;
    crate::reports::sign_off(&state.store, &user, task, &unit, params.period, SignOffRequest::TakeBack).await.map_err(sign_off_refused)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
