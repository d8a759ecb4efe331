//! The browser's half of the API: plain JSON over fetch, same-origin cookies.

use crate::api::{ApiErrorBody, SessionInfo, SignInRequest, PULL_PATH, PUSH_PATH, SESSION_PATH};
use crate::sync::{PullResponse, PushRequest, PushResponse};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

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

/// What the server answered: status and body, read whole (our answers are small JSON).
struct Answer {
    status: u16,
    status_text: String,
    body: String,
}

/// One request through the browser's `fetch`, same-origin cookies (fetch's default). We
/// call it directly rather than through an HTTP crate: the crate and the stream support
/// it brings would sit in the offline shell for these few lines.
async fn send(method: &str, path: &str, body: Option<(&str, JsValue)>) -> Result<Answer, ClientError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some((content_type, body)) = body {
        let headers = web_sys::Headers::new().map_err(network)?;
        headers.set("Content-Type", content_type).map_err(network)?;
        init.set_headers(&headers);
        init.set_body(&body);
    }
    let window = web_sys::window().ok_or_else(|| ClientError::Network("no window".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(path, &init)).await.map_err(network)?.unchecked_into();
    let body = JsFuture::from(response.text().map_err(network)?).await.map_err(network)?;
    Ok(Answer { status: response.status(), status_text: response.status_text(), body: body.as_string().unwrap_or_default() })
}

async fn send_json<B: serde::Serialize>(method: &str, path: &str, body: &B) -> Result<Answer, ClientError> {
    let json = serde_json::to_string(body).map_err(|error| ClientError::Network(error.to_string()))?;
    send(method, path, Some(("application/json", JsValue::from_str(&json)))).await
}

/// A failed fetch: offline, DNS, connection reset. The browser says which in the error.
fn network(error: JsValue) -> ClientError {
    ClientError::Network(js_sys::Object::from(error).to_string().into())
}

/// The error of a non-success answer, `None` for a success.
fn refusal(answer: &Answer) -> Option<ClientError> {
    let status = answer.status;
    if (200..300).contains(&status) {
        return None;
    }
    if status == 401 {
        return Some(ClientError::Unauthorized);
    }
    Some(match serde_json::from_str::<ApiErrorBody>(&answer.body) {
        // A reset password is dealt with on the sign-in path, like an expired session:
        // the outbox waits until the new password is set.
        Ok(body) if body.error == "password_change_required" => ClientError::Unauthorized,
        Ok(body) if !body.rows.is_empty() => ClientError::InvalidRows(body.rows),
        Ok(body) if !body.problems.is_empty() => ClientError::InvalidDirective(body.problems),
        Ok(body) => ClientError::Refused { status, message: body.message },
        Err(_) => ClientError::Refused { status, message: answer.status_text.clone() },
    })
}

fn decode<T: DeserializeOwned>(answer: Answer) -> Result<T, ClientError> {
    if let Some(error) = refusal(&answer) {
        return Err(error);
    }
    serde_json::from_str(&answer.body).map_err(|error| ClientError::Refused { status: answer.status, message: error.to_string() })
}

/// For answers with no body (204).
fn succeeded(answer: Answer) -> Result<(), ClientError> {
    match refusal(&answer) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

pub async fn patch_json<B: serde::Serialize>(path: &str, body: &B) -> Result<(), ClientError> {
    succeeded(send_json("PATCH", path, body).await?)
}

pub async fn put_json_body<B: serde::Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ClientError> {
    decode(send_json("PUT", path, body).await?)
}

/// `PUT` with no body, for actions named by their path.
pub async fn put_empty<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    decode(send("PUT", path, None).await?)
}

pub async fn delete(path: &str) -> Result<(), ClientError> {
    succeeded(send("DELETE", path, None).await?)
}

pub async fn post_text<T: DeserializeOwned>(path: &str, content_type: &str, text: String) -> Result<T, ClientError> {
    decode(send("POST", path, Some((content_type, JsValue::from_str(&text)))).await?)
}

pub async fn sign_in(request: &SignInRequest) -> Result<SessionInfo, ClientError> {
    decode(send_json("POST", SESSION_PATH, request).await?)
}

pub async fn current_session() -> Result<SessionInfo, ClientError> {
    get_json(SESSION_PATH).await
}

pub async fn sign_out() -> Result<(), ClientError> {
    let answer = send("DELETE", SESSION_PATH, None).await?;
    match answer.status {
        200..=299 | 401 => Ok(()),
        status => Err(ClientError::Refused { status, message: answer.status_text }),
    }
}

pub async fn push(request: &PushRequest) -> Result<PushResponse, ClientError> {
    post_json(PUSH_PATH, request).await
}

pub async fn pull(since: u64) -> Result<PullResponse, ClientError> {
    get_json(&format!("{PULL_PATH}?since={since}")).await
}

pub async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    decode(send("GET", path, None).await?)
}

pub async fn post_json<B: serde::Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ClientError> {
    decode(send_json("POST", path, body).await?)
}

/// Sends a photo of `item`; the item as the server now has it comes back.
pub async fn put_photo(id: &crate::domain::PhotoId, item: uuid::Uuid, bytes: &[u8]) -> Result<crate::domain::ChecklistItem, ClientError> {
    let url = format!("{}?item={item}", crate::api::photo_url(id));
    decode(send("PUT", &url, Some(("image/jpeg", js_sys::Uint8Array::from(bytes).into()))).await?)
}

/// The engine's network in the browser: the two sync calls over `fetch`.
pub struct FetchTransport;

impl crate::sync::Transport for FetchTransport {
    type Error = ClientError;

    async fn push(&self, changes: Vec<crate::sync::Change>) -> Result<PushResponse, ClientError> {
        push(&PushRequest { changes }).await
    }

    async fn pull(&self, since: u64) -> Result<PullResponse, ClientError> {
        pull(since).await
    }
}
