use super::AppState;
use crate::error::ApiError;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

/// The service worker, always revalidated so that a deploy is seen on the next check.
pub async fn worker(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let shell = state.shell.as_ref().ok_or_else(|| ApiError::NotFound("this server has no offline shell (the site is not built)".into()))?;
    Ok((
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        shell.worker_script(),
    ))
}
