//! The API's one error type: each variant knows its HTTP status, and every answer is JSON
//! with a stable code and a readable reason. Database details are logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chidao_core::api::{ApiErrorBody, ErrorCode};

/// How long a client waits before sending again a request the database was too busy to
/// settle (`Retry-After` on 503).
pub const BUSY_RETRY_AFTER_S: u64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("sign in first")]
    Unauthorized,
    #[error("wrong username or password")]
    WrongCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The request was sound but the thing it acts on has moved on (already reviewed…).
    #[error("{0}")]
    Conflict(String),
    #[error("this request must come from a page of this site")]
    CrossOrigin,
    #[error("too many failed sign-ins; try again in {retry_after_s} seconds")]
    TooManyAttempts { retry_after_s: u64 },
    #[error("change your password before going on")]
    PasswordChangeRequired,
    #[error("too many live views are open {}; close some and try again", match .0 {
        crate::live::StreamRefused::SessionFull => "for this sign-in",
        crate::live::StreamRefused::ServerFull => "on this server",
    })]
    TooManyStreams(crate::live::StreamRefused),
    #[error("{0}")]
    WeakPassword(String),
    /// Photos past a bound: an item's (for good, 422) or a unit's of the day (429 until
    /// the next day in Vietnam).
    #[error("{message}")]
    PhotoLimit { message: String, retry_after_s: Option<u64> },
    /// A head's sign-off of a checklist with open items, not acknowledged as such.
    #[error("{0}")]
    Unfinished(String),
    #[error("{} rows have errors; nothing was imported", .0.len())]
    InvalidRows(Vec<chidao_core::domain::unit_import::RowError>),
    #[error("{} problems in the directive; nothing was published", .0.len())]
    InvalidDirective(Vec<chidao_core::domain::authoring::InputProblem>),
    /// Saved, but not yet written whole; the server finishes it by itself.
    #[error("{0}")]
    StillWriting(String),
    #[error("the server could not finish this request")]
    Internal(#[from] crate::db::DbError),
    /// A file the server makes (a report) could not be written; the cause is logged.
    #[error("the server could not write this file")]
    FileFailed(String),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            ApiError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid),
            ApiError::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType),
            ApiError::PayloadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::TooLarge),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            ApiError::WrongCredentials => (StatusCode::UNAUTHORIZED, ErrorCode::WrongCredentials),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
            ApiError::CrossOrigin => (StatusCode::FORBIDDEN, ErrorCode::CrossOrigin),
            ApiError::TooManyAttempts { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts),
            ApiError::TooManyStreams(_) => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyStreams),
            ApiError::PasswordChangeRequired => (StatusCode::FORBIDDEN, ErrorCode::PasswordChangeRequired),
            ApiError::WeakPassword(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::WeakPassword),
            ApiError::Unfinished(_) => (StatusCode::CONFLICT, ErrorCode::Unfinished),
            ApiError::PhotoLimit { retry_after_s: None, .. } => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::PhotoLimit),
            ApiError::PhotoLimit { retry_after_s: Some(_), .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::PhotoLimit),
            ApiError::InvalidRows(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRows),
            ApiError::InvalidDirective(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidDirective),
            ApiError::StillWriting(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::StillWriting),
            ApiError::Internal(crate::db::DbError::Contended) => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Busy),
            ApiError::Internal(_) | ApiError::FileFailed(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        match &self {
            ApiError::Internal(source) => tracing::error!(error = %source, "request failed"),
            ApiError::FileFailed(cause) => tracing::error!(%cause, "request failed"),
            _ => {}
        }
        let message = self.to_string();
        let retry_after = match &self {
            ApiError::TooManyAttempts { retry_after_s } | ApiError::PhotoLimit { retry_after_s: Some(retry_after_s), .. } => {
                Some(retry_after_s.to_string())
            }
            ApiError::Internal(crate::db::DbError::Contended) | ApiError::TooManyStreams(_) => Some(BUSY_RETRY_AFTER_S.to_string()),
            _ => None,
        };
        let (rows, problems) = match self {
            ApiError::InvalidRows(rows) => (rows, Vec::new()),
            ApiError::InvalidDirective(problems) => (Vec::new(), problems),
            _ => (Vec::new(), Vec::new()),
        };
        let mut response = (status, Json(ApiErrorBody { error: code, message, rows, problems })).into_response();
        if let Some(seconds) = retry_after.and_then(|seconds| axum::http::HeaderValue::from_str(&seconds).ok()) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_is_a_503_that_says_when_to_come_back() {
        let response = ApiError::Internal(crate::db::DbError::Contended).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[axum::http::header::RETRY_AFTER], BUSY_RETRY_AFTER_S.to_string().as_str());
    }

    #[test]
    fn a_directive_still_being_written_is_a_503_of_its_own_kind() {
        assert_eq!(ApiError::StillWriting("saved".into()).status_and_code(), (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::StillWriting));
    }
}
