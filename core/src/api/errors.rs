//! The one shape of every error answer, and its kinds.

use crate::domain::unit_import::RowError;
use serde::{Deserialize, Serialize};

crate::domain::worded::worded_enum! {
    /// What kind of refusal an error answer is: pages say it in the reader's language;
    /// the answer's `message` says it in detail, in English, for other systems.
    pub enum ErrorCode {
        BadRequest = "bad_request",
        Invalid = "invalid",
        UnsupportedMediaType = "unsupported_media_type",
        TooLarge = "too_large",
        Unauthorized = "unauthorized",
        WrongCredentials = "wrong_credentials",
        Forbidden = "forbidden",
        NotFound = "not_found",
        Conflict = "conflict",
        CrossOrigin = "cross_origin",
        TooManyAttempts = "too_many_attempts",
        TooManyStreams = "too_many_streams",
        PasswordChangeRequired = "password_change_required",
        WeakPassword = "weak_password",
        Unfinished = "unfinished",
        PhotoLimit = "photo_limit",
        InvalidRows = "invalid_rows",
        InvalidDirective = "invalid_directive",
        Busy = "busy",
        StillWriting = "still_writing",
        Internal = "internal",
    }
}

/// Every error body the API sends: a stable machine code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    pub error: ErrorCode,
    pub message: String,
    /// For a refused unit import: what is wrong on which line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
    /// For a refused directive: each problem and where it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<crate::domain::authoring::InputProblem>,
}
