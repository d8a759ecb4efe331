//! The browser's half of the API: plain JSON over fetch, same-origin cookies.

use super::{PullResponse, PushRequest, PushResponse};
use crate::api::{ApiErrorBody, SessionInfo, SignInRequest, PULL_PATH, PUSH_PATH, SESSION_PATH};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// No answer at all: offline, DNS, connection reset.
    #[error("network: {0}")]
    Network(String),
    /// 401: the session is missing or expired.
    #[error("not signed in")]
    Unauthorized,
    /// Any other non-success answer, with the server's own reason.
    #[error("{status}: {message}")]
    Refused { status: u16, message: String },
    /// A unit import refused, with what is wrong on each line.
    #[error("{} rows have errors", .0.len())]
    InvalidRows(Vec<crate::domain::unit_import::RowError>),
    /// A directive refused, with each problem and where it is.
    #[error("{} problems in the directive", .0.len())]
    InvalidDirective(Vec<crate::domain::authoring::InputProblem>),
}

/// The error of a non-success answer, `None` for a success.
async fn refusal(response: &Response) -> Option<ClientError> {
    let status = response.status();
    if (200..300).contains(&status) {
        return None;
    }
    if status == 401 {
        return Some(ClientError::Unauthorized);
    }
    Some(match response.json::<ApiErrorBody>().await {
        // A reset password is dealt with on the sign-in path, like an expired session:
        // the outbox waits until the new password is set.
        Ok(body) if body.error == "password_change_required" => ClientError::Unauthorized,
        Ok(body) if !body.rows.is_empty() => ClientError::InvalidRows(body.rows),
        Ok(body) if !body.problems.is_empty() => ClientError::InvalidDirective(body.problems),
        Ok(body) => ClientError::Refused { status, message: body.message },
        Err(_) => ClientError::Refused { status, message: response.status_text() },
    })
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    if let Some(error) = refusal(&response).await {
        return Err(error);
    }
    let status = response.status();
    response.json::<T>().await.map_err(|error| ClientError::Refused { status, message: error.to_string() })
}

/// For answers with no body (204).
async fn succeeded(response: Response) -> Result<(), ClientError> {
    match refusal(&response).await {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

pub async fn patch_json<B: serde::Serialize>(path: &str, body: &B) -> Result<(), ClientError> {
    succeeded(Request::patch(path).json(body).map_err(network)?.send().await.map_err(network)?).await
}

pub async fn put_json_body<B: serde::Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ClientError> {
    decode(Request::put(path).json(body).map_err(network)?.send().await.map_err(network)?).await
}

/// `PUT` with no body, for actions named by their path.
pub async fn put_empty<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    decode(Request::put(path).send().await.map_err(network)?).await
}

pub async fn delete(path: &str) -> Result<(), ClientError> {
    succeeded(Request::delete(path).send().await.map_err(network)?).await
}

pub async fn post_text<T: DeserializeOwned>(path: &str, content_type: &str, text: String) -> Result<T, ClientError> {
    let response = Request::post(path).header("Content-Type", content_type).body(text).map_err(network)?.send().await.map_err(network)?;
    decode(response).await
}

fn network(error: gloo_net::Error) -> ClientError {
    ClientError::Network(error.to_string())
}

pub async fn sign_in(request: &SignInRequest) -> Result<SessionInfo, ClientError> {
    let response = Request::post(SESSION_PATH).json(request).map_err(network)?.send().await.map_err(network)?;
    decode(response).await
}

pub async fn current_session() -> Result<SessionInfo, ClientError> {
    decode(Request::get(SESSION_PATH).send().await.map_err(network)?).await
}

pub async fn sign_out() -> Result<(), ClientError> {
    let response = Request::delete(SESSION_PATH).send().await.map_err(network)?;
    match response.status() {
        200..=299 | 401 => Ok(()),
        status => Err(ClientError::Refused { status, message: response.status_text() }),
    }
}

pub async fn push(request: &PushRequest) -> Result<PushResponse, ClientError> {
    let response = Request::post(PUSH_PATH).json(request).map_err(network)?.send().await.map_err(network)?;
    decode(response).await
}

pub async fn pull(since: u64) -> Result<PullResponse, ClientError> {
    let url = format!("{PULL_PATH}?since={since}");
    decode(Request::get(&url).send().await.map_err(network)?).await
}

pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    decode(Request::get(path).send().await.map_err(network)?).await
}

pub async fn post_json<B: serde::Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ClientError> {
    decode(Request::post(path).json(body).map_err(network)?.send().await.map_err(network)?).await
}

/// Sends a photo of `item`; the item as the server now has it comes back.
pub async fn put_photo(id: &crate::domain::PhotoId, item: uuid::Uuid, bytes: &[u8]) -> Result<crate::domain::ChecklistItem, ClientError> {
    let url = format!("{}?item={item}", crate::api::photo_url(id));
    let body = js_sys::Uint8Array::from(bytes);
    let response = Request::put(&url).header("Content-Type", "image/jpeg").body(body).map_err(network)?.send().await.map_err(network)?;
    decode(response).await
}
