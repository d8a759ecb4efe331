//! Admin endpoints: the unit tree and the accounts. Each asks `auth` first.

use super::{require, AppState};
use crate::admin::{self, AdminError};
use crate::auth::{Action, User};
use crate::error::ApiError;
use crate::extract::{body_text, Json, Path};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chidao_core::api::{AccountSummary, AccountUpdate, NewAccount, TemporaryPassword, UnitChanges, UnitsWritten};
use chidao_core::domain::Unit;

impl From<AdminError> for ApiError {
    fn from(error: AdminError) -> Self {
        match error {
            AdminError::Invalid(reason) => ApiError::Unprocessable(reason),
            AdminError::Password(reason) => ApiError::Unprocessable(reason.to_string()),
            AdminError::Rows(rows) => ApiError::InvalidRows(rows),
            AdminError::NoAccount(_) => ApiError::NotFound(error.to_string()),
            AdminError::Taken(_) => ApiError::Conflict(error.to_string()),
            AdminError::Db(source) => ApiError::Internal(source),
        }
    }
}

async fn admins_only(state: &AppState, user: &User) -> Result<(), ApiError> {
    require(state, user, Action::Administer, "this is for administrators").await
}

pub async fn units(State(state): State<AppState>, user: User) -> Result<axum::Json<Vec<Unit>>, ApiError> {
    admins_only(&state, &user).await?;
    Ok(axum::Json(state.store.units.units().await?))
}

pub async fn change_units(
    State(state): State<AppState>,
    user: User,
    Json(changes): Json<UnitChanges>,
) -> Result<axum::Json<UnitsWritten>, ApiError> {
    admins_only(&state, &user).await?;
    let rows: Vec<_> = changes.rows.into_iter().enumerate().map(|(index, row)| (index + 1, row)).collect();
    Ok(axum::Json(UnitsWritten { written: admin::change_units(&state.store, &rows).await? }))
}

pub async fn import_units(
    State(state): State<AppState>,
    user: User,
    headers: HeaderMap,
    body: Body,
) -> Result<axum::Json<UnitsWritten>, ApiError> {
    admins_only(&state, &user).await?;
    let text = body_text(&headers, body, "text/csv").await?;
    Ok(axum::Json(UnitsWritten { written: admin::import_units_csv(&state.store, &text).await? }))
}

pub async fn accounts(State(state): State<AppState>, user: User) -> Result<axum::Json<Vec<AccountSummary>>, ApiError> {
    admins_only(&state, &user).await?;
    Ok(axum::Json(admin::accounts(&state.store).await?))
}

pub async fn create_account(
    State(state): State<AppState>,
    user: User,
    Json(new): Json<NewAccount>,
) -> Result<(StatusCode, axum::Json<TemporaryPassword>), ApiError> {
    admins_only(&state, &user).await?;
    Ok((StatusCode::CREATED, axum::Json(admin::create_account(&state.store, &new, None).await?)))
}

pub async fn update_account(
    State(state): State<AppState>,
    user: User,
    Path(username): Path<String>,
    Json(update): Json<AccountUpdate>,
) -> Result<StatusCode, ApiError> {
    admins_only(&state, &user).await?;
    admin::update_account(&state.store, &user, &username, &update).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn reset_password(
    State(state): State<AppState>,
    user: User,
    Path(username): Path<String>,
) -> Result<axum::Json<TemporaryPassword>, ApiError> {
    admins_only(&state, &user).await?;
    Ok(axum::Json(admin::reset_password(&state.store, &username).await?))
}
