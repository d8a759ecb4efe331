use super::AppState;
use crate::auth::User;
use crate::error::ApiError;
use crate::evidence::{self, EvidenceError};
use crate::extract::{body_bytes, Path, Query};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use chidao_core::domain::{ChecklistItem, PhotoAttach, PhotoId, PHOTO_MAX_BYTES};
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
        EvidenceError::ItemFull => ApiError::PhotoLimit { message: error.to_string(), retry_after_s: None },
        EvidenceError::UnitDayFull { retry_after_s } => {
            ApiError::PhotoLimit { message: error.to_string(), retry_after_s: Some(retry_after_s) }
        }
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
    let status = if attached == PhotoAttach::Add { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, axum::Json(item)))
}

/// A photo never changes under its id, so a browser may keep it, but must ask each time
/// whether it may still show it (`no-cache`): the answer is 304 only after this person's
/// access was checked, so after a sign-out another person on the same browser gets a
/// photo only if they may see it. The tablet sends just its id again, not the picture.
pub async fn download(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<axum::response::Response, ApiError> {
    let id = photo_id(&id)?;
    let (content_type, bytes) = evidence::fetch(&state.store, &user, &id).await.map_err(refused)?;
    let tag = format!("\"{id}\"");
    let caching = [(header::CACHE_CONTROL, "private, no-cache".to_owned()), (header::ETAG, tag.clone())];
    let known = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|candidate| candidate.trim().trim_start_matches("W/") == tag));
    if known {
        return Ok((StatusCode::NOT_MODIFIED, caching).into_response());
    }
    Ok((caching, [(header::CONTENT_TYPE, content_type), (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned())], bytes).into_response())
}
