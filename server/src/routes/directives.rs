//! Supervisors: read a pasted directive into a draft, and publish a directive.

use super::{require, AppState};
use crate::auth::{Action, User};
use crate::directives::{self, DraftError, PublishError};
use crate::error::ApiError;
use crate::extract::Path;
use crate::extract::{body_text, Json};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chidao_core::api::{DirectivePublished, DirectiveRevised};
use chidao_core::domain::authoring::DirectiveInput;
use chidao_core::domain::Unit;
use chidao_core::import::Draft;
use uuid::Uuid;

async fn supervisors_only(state: &AppState, user: &User) -> Result<(), ApiError> {
    require(state, user, Action::WriteDirectives, "directives are written by supervisors").await
}

pub async fn import(State(state): State<AppState>, user: User, headers: HeaderMap, body: Body) -> Result<axum::Json<Draft>, ApiError> {
    supervisors_only(&state, &user).await?;
    let text = body_text(&headers, body, "text/plain").await?;
    match directives::draft(&state.store, &text).await {
        Ok(draft) => Ok(axum::Json(draft)),
        Err(DraftError::Text(error)) => Err(ApiError::Unprocessable(error.to_string())),
        Err(DraftError::Db(source)) => Err(ApiError::Internal(source)),
    }
}

pub async fn publish(
    State(state): State<AppState>,
    user: User,
    Json(input): Json<DirectiveInput>,
) -> Result<(StatusCode, axum::Json<DirectivePublished>), ApiError> {
    supervisors_only(&state, &user).await?;
    match directives::publish(&state.store, &input, &user.username).await {
        Ok(published) => Ok((StatusCode::CREATED, axum::Json(published))),
        Err(error) => Err(refused(error)),
    }
}

fn refused(error: PublishError) -> ApiError {
    match error {
        PublishError::Invalid(problems) => ApiError::InvalidDirective(problems),
        PublishError::Unknown(_) => ApiError::NotFound(error.to_string()),
        PublishError::Unfinished { .. } => ApiError::StillWriting(error.to_string()),
        PublishError::Db(source) => ApiError::Internal(source),
    }
}

pub async fn editable(State(state): State<AppState>, user: User, Path(id): Path<Uuid>) -> Result<axum::Json<DirectiveInput>, ApiError> {
    supervisors_only(&state, &user).await?;
    directives::editable(&state.store, id).await?.map(axum::Json).ok_or_else(|| ApiError::NotFound(format!("no directive has id {id}")))
}

pub async fn revise(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<Uuid>,
    Json(input): Json<DirectiveInput>,
) -> Result<axum::Json<DirectiveRevised>, ApiError> {
    supervisors_only(&state, &user).await?;
    directives::revise(&state.store, id, &input, &user.username).await.map(axum::Json).map_err(refused)
}

/// The unit tree, for choosing units in forms: names and codes are not secret inside the
/// province's own app.
pub async fn units(State(state): State<AppState>, _user: User) -> Result<axum::Json<Vec<Unit>>, ApiError> {
    Ok(axum::Json(state.store.units.units().await?))
}
