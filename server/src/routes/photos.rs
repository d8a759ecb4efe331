use super::AppState;
use crate::auth::User;
use crate::error::ApiError;
use crate::evidence::{self, Attached, EvidenceError};
use crate::extract::{body_bytes, Path, Query};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chidao_core::domain::{ChecklistItem, PhotoId, PHOTO_MAX_BYTES};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// The item the photo is of.
    item: Uuid,
}

fn refused(error: EvidenceError) -> ApiError {
    match error {
        EvidenceError::TooLarge => ApiError::PayloadTooLarge { limit: PHOTO_MAX_BYTES },
        EvidenceError::UnsupportedType => ApiError::UnsupportedMediaType(error.to_string()),
        EvidenceError::UnknownItem(_) | EvidenceError::UnknownPhoto(_) => ApiError::NotFound(error.to_string()),
        EvidenceError::Forbidden => ApiError::Forbidden(error.to_string()),
        EvidenceError::Db(source) => ApiError::Internal(source),
        EvidenceError::NotAnImage | EvidenceError::TypeMismatch { .. } | EvidenceError::TooManyPixels { .. } | EvidenceError::WrongId => {
            ApiError::Unprocessable(error.to_string())
        }
    }
}

fn photo_id(raw: &str) -> Result<PhotoId, ApiError> {
    PhotoId::parse(raw).map_err(|error| ApiError::Unprocessable(error.to_string()))
}

/// 201 when the photo was added to the item, 200 when it was there already (a retry).
pub async fn upload(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, axum::Json<ChecklistItem>), ApiError> {
    let id = photo_id(&id)?;
    let declared = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    let bytes = body_bytes(body, PHOTO_MAX_BYTES).await?;
    let photo = evidence::check_photo(&id, &declared, &bytes).map_err(refused)?;
    let (attached, item) = evidence::attach(&state.store, &user, params.item, &photo).await.map_err(refused)?;
    let status = if attached == Attached::Added { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(item)))
}

/// Photos never change under their id, so browsers may keep them for good.
pub async fn download(State(state): State<AppState>, user: User, Path(id): Path<String>) -> Result<impl IntoResponse, ApiError> {
    let id = photo_id(&id)?;
    let (content_type, bytes) = evidence::fetch(&state.store, &user, &id).await.map_err(refused)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=31536000, immutable".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    ))
}
