use super::{require, AppState};
use crate::auth::{Action, User};
use crate::dashboard::DashboardError;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::reports::SignOffError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chidao_core::api::{Dashboard, DashboardFilter, ProgressReport};
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
            DashboardError::UnitNotFollowed(_) | DashboardError::NoSuchDirective(_) => ApiError::NotFound(error.to_string()),
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

pub async fn task_reports(State(state): State<AppState>, user: User) -> Result<axum::Json<Vec<TaskReport>>, ApiError> {
    Ok(axum::Json(crate::reports::task_reports(&state.store, &user).await?))
}

fn sign_off_refused(error: SignOffError) -> ApiError {
    match error {
        SignOffError::Forbidden => ApiError::Forbidden(error.to_string()),
        SignOffError::NotAssigned { .. } => ApiError::NotFound(error.to_string()),
        SignOffError::Db(source) => ApiError::Internal(source),
    }
}

fn unit_code(raw: &str) -> Result<UnitCode, ApiError> {
    UnitCode::parse(raw).map_err(|error| ApiError::Unprocessable(error.to_string()))
}

pub async fn sign_off(
    State(state): State<AppState>,
    user: User,
    Path((task, unit)): Path<(Uuid, String)>,
) -> Result<axum::Json<TaskReport>, ApiError> {
    let unit = unit_code(&unit)?;
    match crate::reports::sign_off(&state.store, &user, task, &unit, true).await.map_err(sign_off_refused)? {
        Some(report) => Ok(axum::Json(report)),
        None => Err(ApiError::Conflict("the sign-off was not recorded".into())),
    }
}

pub async fn take_back(State(state): State<AppState>, user: User, Path((task, unit)): Path<(Uuid, String)>) -> Result<Response, ApiError> {
    let unit = unit_code(&unit)?;
    crate::reports::sign_off(&state.store, &user, task, &unit, false).await.map_err(sign_off_refused)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
