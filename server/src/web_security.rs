//! What every answer carries and every state-changing request must show: security headers
//! with a per-response script nonce, and a same-origin check.

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::RngCore;

/// The nonce this response's inline scripts carry; the page renderer reads it from the
/// request so that the hydration script and the header agree.
#[derive(Debug, Clone)]
pub struct ScriptNonce(pub String);

fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Scripts only from this origin or with this response's nonce; wasm may compile; photos
/// are shown from `blob:` URLs of IndexedDB data; nothing may frame the app.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether the app is served over HTTPS (`--secure-cookies`): then browsers are told to
/// come back over HTTPS only (HSTS).
#[derive(Debug, Clone, Copy)]
pub struct Transport {
    pub https: bool,
}

/// A year, as HSTS is usually given.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Adds the security headers to every response, and hands the page renderer its nonce.
/// API answers are never kept by the browser's HTTP cache unless they say how themselves
/// (photos do): after a sign-out the next person on the tablet must not be shown the
/// previous person's pull from it.
pub async fn headers(State(transport): State<Transport>, mut request: Request, next: Next) -> Response {
    let nonce = new_nonce();
    request.extensions_mut().insert(ScriptNonce(nonce.clone()));
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if is_api && !headers.contains_key(axum::http::header::CACHE_CONTROL) {
        headers.insert(axum::http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if transport.https {
        headers.insert(axum::http::header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    let mut set = |name: HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set(axum::http::header::CONTENT_SECURITY_POLICY, &content_security_policy(&nonce));
    set(axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(axum::http::header::X_FRAME_OPTIONS, "DENY");
    set(axum::http::header::REFERRER_POLICY, "same-origin");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(HeaderName::from_static("permissions-policy"), "camera=(self), geolocation=(), microphone=()");
    response
}

/// Whether a request that changes state comes from a page of this very site. Browsers
/// send `Sec-Fetch-Site` (and `Origin`) on such requests; a request with neither is not
/// from a browser page (a script, the command line) and carries no ambient cookie risk.
pub fn same_origin(method: &Method, headers: &axum::http::HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|value| value.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|value| value.to_str().ok()) else { return true };
    let host = headers.get(HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
    !host.is_empty() && origin_host == host
}

/// Refuses state-changing requests from other sites with a JSON 403.
pub async fn reject_cross_origin(request: Request, next: Next) -> Response {
    if same_origin(request.method(), request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), path = %request.uri().path(), "cross-origin request refused");
        ApiError::CrossOrigin.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn with(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn reads_pass_and_writes_must_come_from_this_site() {
        assert!(same_origin(&Method::GET, &with(&[("sec-fetch-site", "cross-site")])));
        assert!(same_origin(&Method::POST, &with(&[("sec-fetch-site", "same-origin")])));
        assert!(!same_origin(&Method::POST, &with(&[("sec-fetch-site", "cross-site")])));
        assert!(!same_origin(&Method::PUT, &with(&[("sec-fetch-site", "same-site")])));
        assert!(same_origin(&Method::POST, &with(&[("origin", "http://chidao.example:3000"), ("host", "chidao.example:3000")])));
        assert!(!same_origin(&Method::DELETE, &with(&[("origin", "https://evil.example"), ("host", "chidao.example")])));
        assert!(same_origin(&Method::POST, &HeaderMap::new()), "no browser, no ambient cookie");
    }

    #[test]
    fn each_policy_names_its_own_nonce_and_forbids_framing() {
        let (a, b) = (new_nonce(), new_nonce());
        assert_ne!(a, b);
        let policy = content_security_policy(&a);
        assert!(
            policy.contains(&format!("'nonce-{a}'")) && policy.contains("frame-ancestors 'none'") && policy.contains("'wasm-unsafe-eval'")
        );
    }
}
