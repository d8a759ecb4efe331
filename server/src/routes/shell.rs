use super::AppState;
use crate::error::ApiError;
use crate::shell::{compressible_type, VERSION_HEADER};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The service worker, always revalidated so that a deploy is seen on the next check.
pub async fn worker(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let shell =
        state.shell.as_ref().ok_or_else(|| ApiError::NotFound("this server has no offline shell (the site is not built)".into()))?;
    Ok(([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")], shell.worker_script()))
}

fn accepts_brotli(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()).flat_map(|value| value.split(',')).any(
        |coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next() == Some("br")
                && !parts.any(|parameter| matches!(parameter.replace(' ', "").as_str(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"))
        },
    )
}

/// Serves shell files compressed at their best when the browser takes brotli; everything
/// else goes on to the site's file handler (and per-request compression). Either way a
/// shell file or chunk carries the shell's version.
pub async fn shell_files(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(shell) = state.shell.clone() else { return next.run(request).await };
    let path = request.uri().path().to_owned();
    let precompressed = (request.method() == Method::GET && accepts_brotli(request.headers()))
        .then(|| shell.brotli(&path).zip(compressible_type(&path)))
        .flatten();
    let mut response = match precompressed {
        Some((body, content_type)) => {
            let headers = [
                (header::CONTENT_TYPE, content_type),
                (header::CONTENT_ENCODING, "br"),
                (header::VARY, "accept-encoding"),
                (header::CACHE_CONTROL, "no-cache"),
            ];
            (headers, body).into_response()
        }
        None => next.run(request).await,
    };
    if shell.serves(&path) {
        response.headers_mut().insert(VERSION_HEADER, shell.version_header.clone());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn brotli_is_used_only_when_offered() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
            accepts_brotli(&headers)
        };
        assert!(with("gzip, deflate, br, zstd"));
        assert!(with("br;q=0.8"));
        assert!(!with("gzip, deflate"));
        assert!(!with("br;q=0"));
        assert!(!accepts_brotli(&HeaderMap::new()));
    }
}
