//! Sign-in, sign-out, "who am I", and the extractor that turns a cookie into a [`User`].

use super::AppState;
use crate::auth::{new_session_token, session_key, verify_password, User};
use crate::error::ApiError;
use crate::extract::Json;
use app::api::{SessionInfo, SignInRequest};
use app::domain::{Role, UnitCode};
use axum::extract::{FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub const SESSION_COOKIE: &str = "chidao_session";
const USERNAME_MAX: usize = 64;
const PASSWORD_MAX: usize = 1024;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.trim() == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn cookie(state: &AppState, value: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if state.cookies.secure { "; Secure" } else { "" };
    let text = format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}");
    HeaderValue::from_str(&text).expect("cookie text is ASCII")
}

async fn user_for(state: &AppState, username: &str) -> Result<Option<User>, ApiError> {
    let Some(account) = state.store.account(username).await? else { return Ok(None) };
    let role = Role::parse(&account.role).map_err(|e| crate::db::DbError::Shape { context: "reading an account", detail: e.to_string() })?;
    let unit = UnitCode::parse(&account.unit).map_err(|e| crate::db::DbError::Shape { context: "reading an account", detail: e.to_string() })?;
    Ok(Some(User { username: account.username, display_name: account.display_name, role, unit }))
}

impl FromRequestParts<AppState> for User {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let session = state.store.session(&session_key(&token)).await?.ok_or(ApiError::Unauthorized)?;
        if session.expires_at_ms <= now_ms() {
            return Err(ApiError::Unauthorized);
        }
        user_for(state, &session.username).await?.ok_or(ApiError::Unauthorized)
    }
}

async fn session_info(state: &AppState, user: &User) -> Result<SessionInfo, ApiError> {
    let unit_name = state.store.unit(&user.unit).await?.map_or_else(|| user.unit.to_string(), |unit| unit.name.to_string());
    Ok(user.session_info(unit_name))
}

pub async fn sign_in(State(state): State<AppState>, Json(request): Json<SignInRequest>) -> Result<Response, ApiError> {
    let username = request.username.trim();
    if username.is_empty() || username.chars().count() > USERNAME_MAX || request.password.len() > PASSWORD_MAX {
        return Err(ApiError::Unprocessable("username or password has an impossible length".into()));
    }
    let account = state.store.account(username).await?;
    let password = request.password;
    let stored_hash = account.as_ref().map(|account| account.password_hash.clone());
    // Argon2 is deliberately slow; keep it off the async workers.
    let verified = tokio::task::spawn_blocking(move || verify_password(&password, stored_hash.as_deref()))
        .await
        .unwrap_or(false);
    if !verified {
        tracing::info!(username, "sign-in refused");
        return Err(ApiError::WrongCredentials);
    }
    let user = user_for(&state, username).await?.ok_or(ApiError::WrongCredentials)?;
    let token = new_session_token();
    let max_age = i64::from(state.cookies.max_age_days) * 24 * 3600;
    state.store.create_session(&session_key(&token), &user.username, now_ms(), now_ms() + max_age * 1000).await?;
    tracing::info!(username = %user.username, "signed in");
    let info = session_info(&state, &user).await?;
    Ok(([(SET_COOKIE, cookie(&state, &token, max_age))], axum::Json(info)).into_response())
}

pub async fn current(State(state): State<AppState>, user: User) -> Result<axum::Json<SessionInfo>, ApiError> {
    Ok(axum::Json(session_info(&state, &user).await?))
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        state.store.delete_session(&session_key(&token)).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie(&state, "", 0))]).into_response())
}
