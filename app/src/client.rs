//! The browser's half of the API: plain JSON over fetch, same-origin cookies.

use crate::api::{
    self, AccountSummary, AccountUpdate, ApiErrorBody, AssignmentDetail, Dashboard, DashboardFilter, DirectivePublished, DirectiveRevised,
    ErrorCode, NewAccount, PasswordChange, ProgressReport, ReviewQueue, ReviewRequest, SessionInfo, SignInRequest, TemporaryPassword,
    UnitChanges, UnitsWritten, ADMIN_ACCOUNTS_PATH, ADMIN_UNITS_IMPORT_PATH, ADMIN_UNITS_PATH, ALL_SESSIONS_PATH, DIRECTIVES_PATH,
    DIRECTIVE_IMPORT_PATH, PASSWORD_PATH, PROGRESS_PATH, PULL_PATH, PUSH_PATH, REVIEW_PATH, SESSION_PATH, TASK_REPORTS_PATH, UNITS_PATH,
};
use crate::domain::authoring::DirectiveInput;
use crate::domain::{ChecklistItem, Period, PhotoId, TaskReport, Unit, UnitCode};
use crate::import::Draft;
use crate::sync::{PullResponse, PushRequest, PushResponse};
use leptos::prelude::{StoredValue, UpdateValue};
use serde::de::DeserializeOwned;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// No answer at all: offline, DNS, connection reset.
    #[error("network: {0}")]
    Network(String),
    /// 401: the session is missing or expired.
    #[error("not signed in")]
    Unauthorized,
    /// Any other non-success answer: what kind (when the server said), and the server's
    /// own reason in detail.
    #[error("{status}: {message}")]
    Refused { status: u16, code: Option<ErrorCode>, message: String },
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

/// A request body: its content type and bytes.
struct Body<'a> {
    content_type: &'a str,
    bytes: std::borrow::Cow<'a, [u8]>,
}

impl<'a> Body<'a> {
    fn text(content_type: &'a str, text: String) -> Self {
        Self { content_type, bytes: std::borrow::Cow::Owned(text.into_bytes()) }
    }
}

/// One request through the browser's `fetch`, same-origin cookies (fetch's default). We
/// call it directly rather than through an HTTP crate: the crate and the stream support
/// it brings would sit in the offline shell for these few lines.
async fn send(method: &str, path: &str, body: Option<Body<'_>>) -> Result<Answer, ClientError> {
    answer_of(begin(method, path, body)?).await
}

/// The request sent, its answer still to come.
fn begin(method: &str, path: &str, body: Option<Body<'_>>) -> Result<js_sys::Promise, ClientError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        let headers = web_sys::Headers::new().map_err(network)?;
        headers.set("Content-Type", body.content_type).map_err(network)?;
        init.set_headers(&headers);
        init.set_body(&js_sys::Uint8Array::from(body.bytes.as_ref()).into());
    }
    let window = web_sys::window().ok_or_else(|| ClientError::Network("no window".into()))?;
    Ok(window.fetch_with_str_and_init(path, &init))
}

async fn answer_of(request: js_sys::Promise) -> Result<Answer, ClientError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let response: web_sys::Response = JsFuture::from(request).await.map_err(network)?.unchecked_into();
    let body = JsFuture::from(response.text().map_err(network)?).await.map_err(network)?;
    Ok(Answer { status: response.status(), status_text: response.status_text(), body: body.as_string().unwrap_or_default() })
}

/// A GET sent before the page that reads it has loaded, taken once by that page: the
/// office's first dashboard is asked for while the dashboard's chunk is still coming, so
/// the server counts while the browser fetches and compiles the page's code.
#[derive(Clone, Copy)]
pub struct EarlyRequest {
    sent: StoredValue<Option<(String, js_sys::Promise)>, leptos::prelude::LocalStorage>,
}

impl EarlyRequest {
    /// Sends the GET of `path` now (in the browser; the server renders no page that reads it).
    pub fn begin(path: String) -> Self {
        Self { sent: StoredValue::new_local(begin("GET", &path, None).ok().map(|request| (path, request))) }
    }

    /// The request of `path` if it was sent early and not taken yet.
    fn take(self, path: &str) -> Option<js_sys::Promise> {
        let mut taken = None;
        self.sent.update_value(|sent| {
            if sent.as_ref().is_some_and(|(sent, _)| sent == path) {
                taken = sent.take().map(|(_, request)| request);
            }
        });
        taken
    }
}

/// The pages also compile into the server, which renders only the page shell and never
/// runs a page's loads; a load started there answers as a client with no network would.
async fn send_json<B: serde::Serialize>(method: &str, path: &str, body: &B) -> Result<Answer, ClientError> {
    let json = serde_json::to_string(body).map_err(|error| ClientError::Network(error.to_string()))?;
    send(method, path, Some(Body::text("application/json", json))).await
}

/// A failed fetch: offline, DNS, connection reset. The browser says which in the error.
fn network(error: wasm_bindgen::JsValue) -> ClientError {
    ClientError::Network(js_sys::Object::from(error).to_string().into())
}

/// What every call reads of a refused answer ([`ApiErrorBody`] without its details): the
/// rows and problems a refused unit file or directive carries are read only by the calls
/// that send those ([`with_details`]), so their types stay out of the tablet's shell.
#[derive(serde::Deserialize)]
struct RefusalHead {
    /// Read as text and looked up by [`ErrorCode::from_word`]: the same words, without a
    /// second, derived parser in the shell.
    error: String,
    message: String,
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
    Some(match serde_json::from_str::<RefusalHead>(&answer.body) {
        Ok(head) => match ErrorCode::from_word(&head.error) {
            // A reset password is dealt with on the sign-in path, like an expired session:
            // the outbox waits until the new password is set.
            Some(ErrorCode::PasswordChangeRequired) => ClientError::Unauthorized,
            code => ClientError::Refused { status, code, message: head.message },
        },
        Err(_) => ClientError::Refused { status, code: None, message: answer.status_text.clone() },
    })
}

/// [`decode`] for the desk calls whose refusal may list what is wrong, row by row or
/// field by field.
fn with_details<T: DeserializeOwned>(answer: Answer) -> Result<T, ClientError> {
    if !(200..300).contains(&answer.status) {
        if let Ok(body) = serde_json::from_str::<ApiErrorBody>(&answer.body) {
            if !body.rows.is_empty() {
                return Err(ClientError::InvalidRows(body.rows));
            }
            if !body.problems.is_empty() {
                return Err(ClientError::InvalidDirective(body.problems));
            }
        }
    }
    decode(answer)
}

fn decode<T: DeserializeOwned>(answer: Answer) -> Result<T, ClientError> {
    if let Some(error) = refusal(&answer) {
        return Err(error);
    }
    serde_json::from_str(&answer.body).map_err(|error| ClientError::Refused {
        status: answer.status,
        code: None,
        message: error.to_string(),
    })
}

/// For answers with no body (204).
fn succeeded(answer: Answer) -> Result<(), ClientError> {
    match refusal(&answer) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ClientError> {
    decode(send("GET", path, None).await?)
}

async fn post_json<B: serde::Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ClientError> {
    decode(send_json("POST", path, body).await?)
}

async fn post_text<T: DeserializeOwned>(path: &str, content_type: &str, text: String) -> Result<T, ClientError> {
    decode(send("POST", path, Some(Body::text(content_type, text))).await?)
}

// One function per endpoint: pages never build a path or pick a method.

pub async fn sign_in(request: &SignInRequest) -> Result<SessionInfo, ClientError> {
    post_json(SESSION_PATH, request).await
}

pub async fn current_session() -> Result<SessionInfo, ClientError> {
    get_json(SESSION_PATH).await
}

/// Signing out of a session the server already forgot is still signing out.
pub async fn sign_out() -> Result<(), ClientError> {
    let answer = send("DELETE", SESSION_PATH, None).await?;
    match answer.status {
        200..=299 | 401 => Ok(()),
        status => Err(ClientError::Refused { status, code: None, message: answer.status_text }),
    }
}

pub async fn sign_out_everywhere() -> Result<(), ClientError> {
    succeeded(send("DELETE", ALL_SESSIONS_PATH, None).await?)
}

pub async fn change_password(change: &PasswordChange) -> Result<SessionInfo, ClientError> {
    post_json(PASSWORD_PATH, change).await
}

pub async fn push(request: &PushRequest) -> Result<PushResponse, ClientError> {
    post_json(PUSH_PATH, request).await
}

pub async fn pull(since: u64) -> Result<PullResponse, ClientError> {
    get_json(&format!("{PULL_PATH}?since={since}")).await
}

/// Sends a photo of `item`; the item as the server now has it comes back.
pub async fn put_photo(id: &PhotoId, item: Uuid, bytes: &[u8]) -> Result<ChecklistItem, ClientError> {
    let url = format!("{}?item={item}", api::photo_url(id));
    decode(send("PUT", &url, Some(Body { content_type: "image/jpeg", bytes: std::borrow::Cow::Borrowed(bytes) })).await?)
}

pub async fn unit_tree() -> Result<Vec<Unit>, ClientError> {
    get_json(UNITS_PATH).await
}

pub async fn progress_report() -> Result<ProgressReport, ClientError> {
    get_json(PROGRESS_PATH).await
}

pub async fn weekly(filter: &DashboardFilter) -> Result<api::WeeklyStates, ClientError> {
    get_json(&api::weekly_url(filter)).await
}

/// The dashboard of `filter`: the answer to the early request when it asked for the same.
pub async fn dashboard(filter: &DashboardFilter, early: Option<EarlyRequest>) -> Result<Dashboard, ClientError> {
    let path = api::dashboard_url(filter);
    if let Some(request) = early.and_then(|early| early.take(&path)) {
        return decode(answer_of(request).await?);
    }
    get_json(&path).await
}

pub async fn assignment(task: Uuid, unit: &UnitCode, period: Option<crate::domain::Period>) -> Result<AssignmentDetail, ClientError> {
    get_json(&api::assignment_path(task, unit, period)).await
}

pub async fn task_reports() -> Result<Vec<TaskReport>, ClientError> {
    get_json(TASK_REPORTS_PATH).await
}

/// A head signs off `unit`'s report on `task`.
/// `unfinished`: the head was told items are still open and signs off all the same.
pub async fn sign_off(task: Uuid, unit: &UnitCode, period: Option<Period>, unfinished: bool) -> Result<TaskReport, ClientError> {
    let path = api::task_report_path(task, unit, period);
    let path = if unfinished { format!("{path}{}unfinished=true", if path.contains('?') { '&' } else { '?' }) } else { path };
    decode(send("PUT", &path, None).await?)
}

pub async fn withdraw_sign_off(task: Uuid, unit: &UnitCode, period: Option<Period>) -> Result<(), ClientError> {
    succeeded(send("DELETE", &api::task_report_path(task, unit, period), None).await?)
}

pub async fn review_queue() -> Result<ReviewQueue, ClientError> {
    get_json(REVIEW_PATH).await
}

pub async fn review(request: &ReviewRequest) -> Result<ChecklistItem, ClientError> {
    post_json(REVIEW_PATH, request).await
}

/// A published directive as the compose form edits it.
pub async fn directive_input(directive: Uuid) -> Result<DirectiveInput, ClientError> {
    get_json(&api::directive_path(directive)).await
}

/// Reads a pasted summary into a draft; nothing is stored.
pub async fn import_directive(summary: String) -> Result<Draft, ClientError> {
    post_text(DIRECTIVE_IMPORT_PATH, "text/plain; charset=utf-8", summary).await
}

pub async fn publish_directive(input: &DirectiveInput) -> Result<DirectivePublished, ClientError> {
    with_details(send_json("POST", DIRECTIVES_PATH, input).await?)
}

pub async fn revise_directive(directive: Uuid, input: &DirectiveInput) -> Result<DirectiveRevised, ClientError> {
    with_details(send_json("PUT", &api::directive_path(directive), input).await?)
}

pub async fn admin_units() -> Result<Vec<Unit>, ClientError> {
    get_json(ADMIN_UNITS_PATH).await
}

pub async fn write_units(changes: &UnitChanges) -> Result<UnitsWritten, ClientError> {
    with_details(send_json("POST", ADMIN_UNITS_PATH, changes).await?)
}

pub async fn import_units(csv: String) -> Result<UnitsWritten, ClientError> {
    with_details(send("POST", ADMIN_UNITS_IMPORT_PATH, Some(Body::text("text/csv", csv))).await?)
}

pub async fn accounts() -> Result<Vec<AccountSummary>, ClientError> {
    get_json(ADMIN_ACCOUNTS_PATH).await
}

pub async fn create_account(account: &NewAccount) -> Result<TemporaryPassword, ClientError> {
    post_json(ADMIN_ACCOUNTS_PATH, account).await
}

pub async fn update_account(username: &str, update: &AccountUpdate) -> Result<(), ClientError> {
    succeeded(send_json("PATCH", &api::account_path(username), update).await?)
}

pub async fn reset_password(username: &str) -> Result<TemporaryPassword, ClientError> {
    post_json(&api::account_password_path(username), &()).await
}

/// The engine's network in the browser: the sync calls over `fetch`.
pub struct FetchTransport;

impl crate::sync::Transport for FetchTransport {
    type Error = ClientError;

    async fn push(&self, changes: Vec<crate::sync::Change>) -> Result<PushResponse, ClientError> {
        push(&PushRequest { changes }).await
    }

    async fn pull(&self, since: u64) -> Result<PullResponse, ClientError> {
        pull(since).await
    }

    async fn put_photo(&self, id: &PhotoId, item: Uuid, bytes: Vec<u8>) -> Result<crate::sync::PhotoAnswer, ClientError> {
        match put_photo(id, item, &bytes).await {
            Ok(item) => Ok(crate::sync::PhotoAnswer::Attached(Box::new(item))),
            // The refusal's code is kept, so the page says it in the reader's language;
            // the server's English detail only when there is no code.
            Err(ClientError::Refused { status, code, message }) if crate::sync::photo_refused_for_good(status) => {
                Ok(crate::sync::PhotoAnswer::Refused(code.map_or(message, |code| code.as_str().to_owned())))
            }
            Err(error) => Err(error),
        }
    }
}
