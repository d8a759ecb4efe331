use super::AppState;
use crate::auth::{oversees_everything, User};
use crate::error::ApiError;
use app::api::ProgressReport;
use axum::extract::State;

/// The province-wide report is for those who may read everything.
pub async fn progress(State(state): State<AppState>, user: User) -> Result<axum::Json<ProgressReport>, ApiError> {
    if !oversees_everything(&user) {
        return Err(ApiError::Forbidden("the progress report is for supervisors".into()));
    }
    Ok(axum::Json(crate::reports::progress(&state.store).await?))
}
