use super::{require, AppState};
use crate::auth::{Action, User};
use crate::error::ApiError;
use crate::extract::Json;
use crate::review::{self, ReviewFailure};
use axum::extract::State;
use chidao_core::api::{ReviewQueue, ReviewRequest};
use chidao_core::domain::ChecklistItem;
use chidao_core::sync::ReviewError;

async fn reviewers_only(state: &AppState, user: &User) -> Result<(), ApiError> {
    require(state, user, Action::ReviewConflicts, "conflict review is for supervisors and unit heads").await
}

pub async fn queue(State(state): State<AppState>, user: User) -> Result<axum::Json<ReviewQueue>, ApiError> {
    reviewers_only(&state, &user).await?;
    Ok(axum::Json(review::queue(&state.store, &user).await?))
}

pub async fn decide(
    State(state): State<AppState>,
    user: User,
    Json(request): Json<ReviewRequest>,
) -> Result<axum::Json<ChecklistItem>, ApiError> {
    reviewers_only(&state, &user).await?;
    match review::review(&state.store, &user, request.item, &request.keep).await {
        Ok(item) => Ok(axum::Json(item)),
        Err(ReviewFailure::UnknownItem(id)) => Err(ApiError::NotFound(format!("no checklist item has id {id}"))),
        Err(failure @ ReviewFailure::Forbidden) => Err(ApiError::Forbidden(failure.to_string())),
        Err(ReviewFailure::Refused(refusal @ ReviewError::NothingToReview)) => Err(ApiError::Conflict(refusal.to_string())),
        Err(ReviewFailure::Refused(refusal)) => Err(ApiError::Unprocessable(refusal.to_string())),
        Err(ReviewFailure::Db(error)) => Err(error.into()),
    }
}
