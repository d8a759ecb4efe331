use super::AppState;
use crate::auth::User;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use axum::extract::State;
use chidao_core::sync::{PullResponse, PushRequest, PushResponse, MAX_CHANGES_PER_PUSH, MAX_PULL_LIMIT, REVIEW_DEVICE};
use serde::Deserialize;
use std::collections::HashSet;

pub async fn push(
    State(state): State<AppState>,
    user: User,
    Json(request): Json<PushRequest>,
) -> Result<axum::Json<PushResponse>, ApiError> {
    if request.changes.len() > MAX_CHANGES_PER_PUSH {
        return Err(ApiError::Unprocessable(format!("at most {MAX_CHANGES_PER_PUSH} changes per push")));
    }
    let mut seen = HashSet::new();
    if let Some(repeated) = request.changes.iter().find(|change| !seen.insert(change.id)) {
        return Err(ApiError::Unprocessable(format!("change {} appears twice in one push", repeated.id)));
    }
    if let Some(bad) = request.changes.iter().find(|change| change.seq == 0 || change.stamp.wall_ms < 0) {
        return Err(ApiError::Unprocessable(format!("change {}: seq starts at 1 and the stamp's time cannot be negative", bad.id)));
    }
    if let Some(bad) = request.changes.iter().find(|change| change.device() == REVIEW_DEVICE) {
        return Err(ApiError::Unprocessable(format!("change {}: the device id {REVIEW_DEVICE} is reserved for conflict reviews", bad.id)));
    }
    let results = state.sync.push(&user, &request.changes).await?;
    Ok(axum::Json(PushResponse { results }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PullParams {
    /// The cursor: the `next` of the last pull, 0 at first.
    #[serde(default)]
    since: u64,
    /// At most this many items (1 to 1000, the most by default).
    limit: Option<usize>,
}

pub async fn pull(
    State(state): State<AppState>,
    user: User,
    Query(params): Query<PullParams>,
) -> Result<axum::Json<PullResponse>, ApiError> {
    let limit = params.limit.unwrap_or(MAX_PULL_LIMIT);
    if limit == 0 || limit > MAX_PULL_LIMIT {
        return Err(ApiError::BadRequest(format!("limit must be between 1 and {MAX_PULL_LIMIT}")));
    }
    Ok(axum::Json(state.sync.pull(&user, params.since, limit).await?))
}
