//! Sign-in, sign-out, "who am I", password change, and the extractors that turn a cookie
//! into a signed-in [`User`].

use super::AppState;
use crate::auth::{hash_password_in_turn, new_session_token, session_key, verify_password_in_turn, PasswordError, User};
use crate::error::ApiError;
use crate::extract::Json;
use crate::limits::Attempt;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chidao_core::api::{PasswordChange, SessionInfo, SignInRequest};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "chidao_session";
const PASSWORD_MAX: usize = 1024;
/// A session's last use is written at most this often, not on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

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

fn cleared_cookie(state: &AppState) -> [(axum::http::HeaderName, HeaderValue); 1] {
    [(SET_COOKIE, cookie(state, "", 0))]
}

/// Anyone with a live session, even one who must change their password first.
pub struct SignedIn {
    pub user: User,
    pub session_key: String,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let key = session_key(&token);
        let (session, account) = state.store.people.session(&key).await?.ok_or(ApiError::Unauthorized)?;
        let now = now_ms();
        if !crate::auth::session_stands(&session, account.as_ref(), state.cookies.idle_days, now) {
            state.store.people.delete_session(&key).await?;
            return Err(ApiError::Unauthorized);
        }
        let account = account.ok_or(ApiError::Unauthorized)?;
        if now - session.last_seen_ms >= TOUCH_EVERY_MS {
            state.store.people.touch_session(&key, now).await?;
        }
        Ok(SignedIn { user: User::from_row(account)?, session_key: key })
    }
}

/// A signed-in user free to work: every route but the session's own asks for this.
impl FromRequestParts<AppState> for User {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let SignedIn { user, .. } = SignedIn::from_request_parts(parts, state).await?;
        if user.must_change_password {
            return Err(ApiError::PasswordChangeRequired);
        }
        Ok(user)
    }
}

/// The client's address as the socket saw it, for throttling. Behind a reverse proxy this
/// is the proxy; the per-username limit still holds there.
pub struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(address)| address.ip().to_string())))
    }
}

async fn session_info(state: &AppState, user: &User) -> Result<SessionInfo, ApiError> {
    let unit_name = state.store.units.unit(&user.unit).await?.map_or_else(|| user.unit.to_string(), |unit| unit.name.to_string());
    Ok(user.session_info(unit_name))
}

/// Counts an attempt at a password for `username` from `address` before it is checked;
/// 429 when too many were made.
async fn reserve_attempt(state: &AppState, username: &str, address: Option<&str>) -> Result<i64, ApiError> {
    match state.throttle.reserve(&state.store.people, username, address, now_ms()).await? {
        Attempt::Reserved { at_ms } => Ok(at_ms),
        Attempt::HeldBack(wait) => {
            tracing::warn!(username, "a password check held back after repeated failures");
            Err(ApiError::TooManyAttempts { retry_after_s: wait.as_secs().max(1) })
        }
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Json(request): Json<SignInRequest>,
) -> Result<Response, ApiError> {
    let username = request.username.trim().to_owned();
    if username.is_empty() || username.chars().count() > chidao_core::domain::Username::MAX_LEN || request.password.len() > PASSWORD_MAX {
        return Err(ApiError::Unprocessable("username or password has an impossible length".into()));
    }
    let attempt_at = reserve_attempt(&state, &username, address.as_deref()).await?;
    let account = state.store.people.account(&username).await?;
    // An unknown user costs the same hash as a known one, so timing tells nothing; a
    // disabled account's right password is answered as a wrong one, so the answer tells
    // nothing either.
    let verified = verify_password_in_turn(request.password, account.as_ref().map(|account| account.password_hash.clone())).await;
    let Some(account) = account.filter(|account| verified && !account.disabled) else {
        tracing::info!(username, "sign-in refused");
        return Err(ApiError::WrongCredentials);
    };
    state.throttle.succeeded(&state.store.people, &username, address.as_deref(), attempt_at).await?;
    // The cookie this sign-in replaces ends with it: on a shared tablet, a sign-out that
    // never reached the server must not leave the previous person's session alive.
    if let Some(replaced) = session_token(&headers) {
        state.store.people.delete_session(&session_key(&replaced)).await?;
    }
    let user = User::from_row(account)?;
    let token = new_session_token();
    let now = now_ms();
    let max_age = i64::from(state.cookies.max_age_days) * 24 * 3600;
    state.store.people.create_session(&session_key(&token), &user.username, now, now + max_age * 1000).await?;
    state.store.people.record_sign_in(&user.username, now).await?;
    tracing::info!(username = %user.username, "signed in");
    let info = session_info(&state, &user).await?;
    Ok(([(SET_COOKIE, cookie(&state, &token, max_age))], axum::Json(info)).into_response())
}

pub async fn current(State(state): State<AppState>, signed_in: SignedIn) -> Result<axum::Json<SessionInfo>, ApiError> {
    Ok(axum::Json(session_info(&state, &signed_in.user).await?))
}

pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        state.store.people.delete_session(&session_key(&token)).await?;
    }
    Ok((StatusCode::NO_CONTENT, cleared_cookie(&state)).into_response())
}

pub async fn sign_out_everywhere(State(state): State<AppState>, signed_in: SignedIn) -> Result<Response, ApiError> {
    state.store.people.delete_sessions_of(&signed_in.user.username).await?;
    tracing::info!(username = %signed_in.user.username, "signed out on every device");
    Ok((StatusCode::NO_CONTENT, cleared_cookie(&state)).into_response())
}

/// Replaces the password; every other session of the account ends.
pub async fn change_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    signed_in: SignedIn,
    Json(change): Json<PasswordChange>,
) -> Result<axum::Json<SessionInfo>, ApiError> {
    if change.current_password.len() > PASSWORD_MAX || change.new_password.len() > PASSWORD_MAX {
        return Err(ApiError::Unprocessable("a password may have at most 1024 bytes".into()));
    }
    if change.new_password == change.current_password {
        return Err(ApiError::Unprocessable("the new password must differ from the current one".into()));
    }
    let username = signed_in.user.username.clone();
    // The current password is checked like a sign-in's, and counted with them: a stolen
    // session must not become a way to guess it.
    let attempt_at = reserve_attempt(&state, &username, address.as_deref()).await?;
    let account = state.store.people.account(&username).await?.ok_or(ApiError::Unauthorized)?;
    if !verify_password_in_turn(change.current_password, Some(account.password_hash)).await {
        return Err(ApiError::Forbidden("the current password is wrong".into()));
    }
    state.throttle.succeeded(&state.store.people, &username, address.as_deref(), attempt_at).await?;
    let new_password = change.new_password;
    let hash = hash_password_in_turn(new_password).await.map_err(|error| match error {
        PasswordError::TooShort(_) | PasswordError::TooCommon => ApiError::WeakPassword(error.to_string()),
        PasswordError::Hashing(_) => ApiError::Unprocessable("the password could not be hashed".into()),
    })?;
    state.store.people.set_password(&username, &hash, false, Some(&signed_in.session_key)).await?;
    tracing::info!(username, "password changed");
    let user = User { must_change_password: false, ..signed_in.user };
    Ok(axum::Json(session_info(&state, &user).await?))
}
