use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;

/// Our own description of the API, kept beside the routes it describes; a test checks that
/// it parses and that every path it names is served.
pub const OPENAPI: &str = include_str!("openapi.json");

pub async fn document() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], OPENAPI)
}
