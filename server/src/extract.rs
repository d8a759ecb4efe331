//! Extractors whose rejections are JSON [`ApiError`]s rather than axum's plain text.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// Largest request body any API route accepts.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Json(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(error) => ApiError::Unprocessable(error.body_text()),
                JsonRejection::JsonSyntaxError(error) => ApiError::BadRequest(error.body_text()),
                JsonRejection::MissingJsonContentType(error) => ApiError::UnsupportedMediaType(error.body_text()),
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge { limit: BODY_LIMIT },
                other => ApiError::BadRequest(other.body_text()),
            }),
        }
    }
}

pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection: QueryRejection| ApiError::BadRequest(rejection.body_text()))
    }
}

pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|rejection: PathRejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// A raw body of at most `limit` bytes; a larger one is a JSON 413, not a cut-off read.
pub async fn body_bytes(body: axum::body::Body, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let too_large = std::error::Error::source(&error).is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
        if too_large {
            ApiError::PayloadTooLarge { limit }
        } else {
            ApiError::BadRequest(format!("the request body could not be read: {error}"))
        }
    })
}

/// A text body of type `expected` (or `text/plain`), UTF-8, at most [`BODY_LIMIT`] bytes.
pub async fn body_text(headers: &axum::http::HeaderMap, body: axum::body::Body, expected: &str) -> Result<String, ApiError> {
    let declared = headers.get(axum::http::header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let essence = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence != expected && essence != "text/plain" {
        return Err(ApiError::UnsupportedMediaType(format!("send the file as {expected}")));
    }
    let bytes = body_bytes(body, BODY_LIMIT).await?;
    String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::Unprocessable("the file is not UTF-8 text".into()))
}
