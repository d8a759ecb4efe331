use super::{require, AppState};
use crate::auth::{Action, User};
use crate::error::ApiError;
use app::api::ProgressReport;
use axum::extract::State;

/// The province-wide report is for those who may read everything.
pub async fn progress(State(state): State<AppState>, user: User) -> Result<axum::Json<ProgressReport>, ApiError> {
    require(&state, &user, Action::OverseeProvince, "the progress report is for supervisors").await?;
    Ok(axum::Json(crate::reports::progress(&state.store).await?))
}
