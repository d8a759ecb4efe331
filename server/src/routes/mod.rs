//! HTTP: thin handlers that parse, authorise through `auth`, and call a service.

mod admin;
mod directives;
mod health;
mod openapi;
mod page;
mod photos;
mod reports;
mod review;
mod session;
mod shell;
mod sync;

pub use session::{SignedIn, SESSION_COOKIE};

use crate::auth::{authorize, Action, User};
use crate::db::Store;
use crate::error::ApiError;
use crate::extract::BODY_LIMIT;
use crate::limits::SignInThrottle;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{get, MethodFilter};
use axum::Router;
use leptos::prelude::LeptosOptions;
use openapi::Doc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

#[derive(Debug, Clone)]
pub struct CookiePolicy {
    pub secure: bool,
    /// Absolute lifetime of a session.
    pub max_age_days: u32,
    /// A session unused this long ends earlier.
    pub idle_days: u32,
}

/// How the office's reports judge work.
#[derive(Debug, Clone, Copy)]
pub struct ReportPolicy {
    /// Work not done whose last day on time is within this many days is due soon.
    pub due_soon_days: u32,
    /// How often an open dashboard's live stream looks for new writes.
    pub live_beat: std::time::Duration,
    /// How many live streams may be open.
    pub live_streams: crate::limits::StreamLimits,
}

impl Default for ReportPolicy {
    fn default() -> Self {
        Self {
            due_soon_days: chidao_core::domain::DUE_SOON_DAYS,
            live_beat: std::time::Duration::from_millis(500),
            live_streams: crate::limits::StreamLimits::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub sync: crate::sync_service::SyncService,
    pub push_writer: std::sync::Arc<crate::push_writer::PushWriter>,
    pub leptos: LeptosOptions,
    pub cookies: CookiePolicy,
    pub reports: ReportPolicy,
    pub shell: Option<std::sync::Arc<crate::shell::Shell>>,
    pub throttle: std::sync::Arc<SignInThrottle>,
    pub operations: std::sync::Arc<crate::operations::Operations>,
    pub live_streams: std::sync::Arc<crate::live::OpenStreams>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// Refuses with 403 unless the one access function allows `action`.
pub(crate) async fn require(state: &AppState, user: &User, action: Action<'_>, refusal: &str) -> Result<(), ApiError> {
    if authorize(&state.store.units, user, action).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden(refusal.to_owned()))
    }
}

/// One method on one path of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub method: Method,
    pub path: String,
}

/// Builds the API router and its documentation from the same calls, so the access tests
/// and the OpenAPI document cover exactly the endpoints that exist.
struct Api {
    router: Router<AppState>,
    documented: Vec<(Method, String, Doc)>,
}

impl Api {
    fn on<H, T>(mut self, method: Method, path: &str, handler: H, doc: Doc) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("API methods are standard ones");
        self.router = self.router.route(path, axum::routing::on(filter, handler));
        self.documented.push((method, path.to_owned(), doc));
        self
    }
}

fn api() -> Api {
    use chidao_core::api::*;
    use chidao_core::domain::authoring::DirectiveInput;
    use chidao_core::domain::{ChecklistItem, TaskReport, Unit, PHOTO_TYPES};
    use chidao_core::import::Draft;
    use chidao_core::sync::{PullResponse, PushRequest, PushResponse};
    let account = format!("{ADMIN_ACCOUNTS_PATH}/{{username}}");
    let account_password = format!("{ADMIN_ACCOUNTS_PATH}/{{username}}/password");
    let photo = format!("{PHOTOS_PATH}/{{id}}");
    let task_report = format!("{TASK_REPORTS_PATH}/{{task}}/{{unit}}");
    let directive = format!("{DIRECTIVES_PATH}/{{id}}");
    let assignment = format!("{ASSIGNMENTS_PATH}/{{task}}/{{unit}}");
    let signed_in = [401];
    let permitted = [401, 403];
    Api { router: Router::new(), documented: Vec::new() }
        .on(
            Method::GET,
            "/healthz",
            health::healthz,
            Doc::new("Whether this app server is up and taking requests (for a load balancer's liveness check)")
                .answers::<health::Health>(200, "Up")
                .answers::<health::Health>(503, "Shutting down: send requests elsewhere"),
        )
        .on(
            Method::GET,
            "/readyz",
            health::readyz,
            Doc::new("Whether this app server can do its work: taking requests, its database answering, the schema at its version")
                .answers::<health::Health>(200, "Ready")
                .answers::<health::Health>(503, "Not ready, with the reason"),
        )
        .on(Method::GET, OPENAPI_PATH, openapi::serve, Doc::new("This document").answers_openapi(200, "The OpenAPI 3.1 document"))
        .on(
            Method::POST,
            SESSION_PATH,
            session::sign_in,
            Doc::new("Sign in; sets the session cookie (HttpOnly, SameSite=Strict)")
                .takes::<SignInRequest>()
                .answers::<SessionInfo>(200, "Signed in")
                .refuses(&[401, 422, 429]),
        )
        .on(
            Method::GET,
            SESSION_PATH,
            session::current,
            Doc::new("Who is signed in").answers::<SessionInfo>(200, "The session's person").refuses(&signed_in),
        )
        .on(Method::DELETE, SESSION_PATH, session::sign_out, Doc::new("Sign out").answers_empty(204, "Signed out, or was not signed in"))
        .on(
            Method::DELETE,
            ALL_SESSIONS_PATH,
            session::sign_out_everywhere,
            Doc::new("Sign out on every device").answers_empty(204, "Every session of the account has ended").refuses(&signed_in),
        )
        .on(
            Method::POST,
            PASSWORD_PATH,
            session::change_password,
            Doc::new("Change one's own password; every other session of the account ends")
                .takes::<PasswordChange>()
                .answers::<SessionInfo>(200, "Changed")
                .refuses(&[401, 403, 422]),
        )
        .on(
            Method::POST,
            PUSH_PATH,
            sync::push,
            Doc::new("Send changes in the order the device made them; one answer per change (see docs/sync.md)")
                .takes::<PushRequest>()
                .answers::<PushResponse>(200, "Each change answered")
                .refuses(&[400, 401, 413, 415, 422, 503]),
        )
        .on(
            Method::GET,
            PULL_PATH,
            sync::pull,
            Doc::new("Items the person may see written after the cursor, oldest first")
                .query::<sync::PullParams>()
                .answers::<PullResponse>(200, "Items, `cursor` (the `since` of the next pull) and `more`")
                .refuses(&[400, 401]),
        )
        .on(
            Method::GET,
            PROGRESS_PATH,
            reports::progress,
            Doc::new("Supervisors: every task's checklist completion per unit (heads follow their units on the dashboard)")
                .answers::<ProgressReport>(200, "The report")
                .refuses(&permitted),
        )
        .on(
            Method::GET,
            DASHBOARD_PATH,
            reports::dashboard,
            Doc::new(
                "Where every assignment the reader follows stands: totals by state, per directive, task and unit, and the work to chase",
            )
            .query::<DashboardFilter>()
            .answers::<Dashboard>(200, "The dashboard, judged now in Vietnam's calendar")
            .refuses(&[400, 401, 403, 404, 422]),
        )
        .on(
            Method::GET,
            WEEKLY_PATH,
            reports::weekly,
            Doc::new("How the view's work stood at the end of each of the last twelve weeks: work begun by then, in the state it was in then")
                .query::<DashboardFilter>()
                .answers::<WeeklyStates>(200, "Oldest week first")
                .refuses(&[400, 401, 403, 404, 422]),
        )
        .on(
            Method::GET,
            &assignment,
            reports::assignment,
            Doc::new("One unit's work on one task (in one period, for recurring work): where it stands, every item, and every change with device and sync times")
                .query::<reports::AssignmentParams>()
                .answers::<AssignmentDetail>(200, "The assignment")
                .refuses(&[400, 401, 404, 422]),
        )
        .on(
            Method::GET,
            REPORT_CSV_PATH,
            reports::report_csv,
            Doc::new("The dashboard's view as CSV (UTF-8 with a byte-order mark, RFC 4180), a row per assignment, in the reader's language")
                .query::<DashboardFilter>()
                .answers_bytes(200, "The file", &["text/csv"])
                .refuses(&[400, 401, 403, 404, 422]),
        )
        .on(
            Method::GET,
            REPORT_XLSX_PATH,
            reports::report_xlsx,
            Doc::new("The dashboard's view as an Excel workbook: titled and dated, a sheet per directive, real dates, states in words")
                .query::<DashboardFilter>()
                .answers_bytes(200, "The file", &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])
                .refuses(&[400, 401, 403, 404, 422]),
        )
        .on(
            Method::GET,
            LIVE_PATH,
            reports::live,
            Doc::new("Server-sent events: a `changed` event (LiveChanges, its id the cursor) whenever assignments the reader follows are written")
                .query::<reports::LiveParams>()
                .answers_events::<LiveChanges>(200, "An event stream that stays open until the session ends")
                .refuses(&[400, 401, 403, 429]),
        )
        .on(
            Method::GET,
            TASK_REPORTS_PATH,
            reports::task_reports,
            Doc::new("Heads' sign-offs of unit reports on tasks, in the reader's units")
                .answers_list::<TaskReport>(200, "The sign-offs")
                .refuses(&signed_in),
        )
        .on(
            Method::PUT,
            &task_report,
            reports::sign_off,
            Doc::new("Heads: sign off a unit's report on a task (own unit or below); ?period= for one period of recurring work; with items still open only with ?unfinished=true, and the sign-off says how many")
                .query::<reports::SignOffParams>()
                .answers::<TaskReport>(200, "Signed off")
                .refuses(&[401, 403, 404, 409, 422]),
        )
        .on(
            Method::DELETE,
            &task_report,
            reports::take_back,
            Doc::new("Heads: take a sign-off back")
                .query::<reports::AssignmentParams>()
                .answers_empty(204, "Taken back")
                .refuses(&[401, 403, 404, 422]),
        )
        .on(
            Method::GET,
            UNITS_PATH,
            directives::units,
            Doc::new("The unit tree, for forms that choose units").answers_list::<Unit>(200, "Every unit").refuses(&signed_in),
        )
        .on(
            Method::POST,
            DIRECTIVES_PATH,
            directives::publish,
            Doc::new("Supervisors: publish a directive; each assigned unit gets its own checklist")
                .takes::<DirectiveInput>()
                .answers::<DirectivePublished>(201, "Published")
                .refuses(&[401, 403, 422]),
        )
        .on(
            Method::POST,
            DIRECTIVE_IMPORT_PATH,
            directives::import,
            Doc::new("Supervisors: read a pasted directive summary into a draft; nothing is stored")
                .takes_bytes(&["text/plain"])
                .answers::<Draft>(200, "The draft")
                .refuses(&[401, 403, 413, 415, 422]),
        )
        .on(
            Method::GET,
            &directive,
            directives::editable,
            Doc::new("Supervisors: a published directive as the form edits it")
                .answers::<DirectiveInput>(200, "The directive")
                .refuses(&[401, 403, 404]),
        )
        .on(
            Method::PUT,
            &directive,
            directives::revise,
            Doc::new("Supervisors: edit a published directive; kept labels keep their ticks, dropped ones stay as history")
                .takes::<DirectiveInput>()
                .answers::<DirectiveRevised>(200, "Revised")
                .refuses(&[401, 403, 404, 422]),
        )
        .on(
            Method::GET,
            REVIEW_PATH,
            review::queue,
            Doc::new("Supervisors and heads: items flagged as conflicts, with the edits in contention")
                .answers::<ReviewQueue>(200, "The flagged items")
                .refuses(&permitted),
        )
        .on(
            Method::POST,
            REVIEW_PATH,
            review::decide,
            Doc::new("Keep one edit per contested field; it becomes an ordinary edit every device pulls")
                .takes::<ReviewRequest>()
                .answers::<ChecklistItem>(200, "The item as it now stands")
                .refuses(&[401, 403, 404, 409, 422]),
        )
        .on(
            Method::GET,
            &photo,
            photos::download,
            Doc::new("A photo, for those who may see an item it is attached to; kept by the browser but asked for again each time (ETag)")
                .answers_bytes(200, "The image", &PHOTO_TYPES)
                .answers_empty(304, "The browser's copy (If-None-Match) may be shown: this person may see the photo")
                .refuses(&[401, 404]),
        )
        .on(
            Method::PUT,
            &photo,
            photos::upload,
            Doc::new("Attach a photo to an item: the image is the body, its id the SHA-256 of its bytes")
                .query::<photos::UploadParams>()
                .takes_bytes(&PHOTO_TYPES)
                .answers::<ChecklistItem>(201, "Stored and attached")
                .answers::<ChecklistItem>(200, "Already attached; nothing changed")
                .refuses(&[401, 403, 404, 413, 415, 422, 429]),
        )
        .on(
            Method::GET,
            ADMIN_UNITS_PATH,
            admin::units,
            Doc::new("Admins: the unit tree").answers_list::<Unit>(200, "Every unit").refuses(&permitted),
        )
        .on(
            Method::POST,
            ADMIN_UNITS_PATH,
            admin::change_units,
            Doc::new("Admins: add or change units, all rows or none")
                .takes::<UnitChanges>()
                .answers::<UnitsWritten>(200, "Written")
                .refuses(&[401, 403, 422]),
        )
        .on(
            Method::POST,
            ADMIN_UNITS_IMPORT_PATH,
            admin::import_units,
            Doc::new("Admins: a CSV file of units with the header code,name,kind,parent_code")
                .takes_bytes(&["text/csv"])
                .answers::<UnitsWritten>(200, "Written")
                .refuses(&[401, 403, 413, 415, 422]),
        )
        .on(
            Method::GET,
            ADMIN_ACCOUNTS_PATH,
            admin::accounts,
            Doc::new("Admins: every account, with its last sign-in")
                .answers_list::<AccountSummary>(200, "Every account")
                .refuses(&permitted),
        )
        .on(
            Method::POST,
            ADMIN_ACCOUNTS_PATH,
            admin::create_account,
            Doc::new("Admins: create an account with a temporary password")
                .takes::<NewAccount>()
                .answers::<TemporaryPassword>(201, "Created; the password is shown once")
                .refuses(&[401, 403, 409, 422]),
        )
        .on(
            Method::PATCH,
            &account,
            admin::update_account,
            Doc::new("Admins: change an account's name, unit or roles, or disable or enable it")
                .takes::<AccountUpdate>()
                .answers_empty(204, "Changed")
                .refuses(&[401, 403, 404, 422]),
        )
        .on(
            Method::POST,
            &account_password,
            admin::reset_password,
            Doc::new("Admins: reset to a temporary password its owner must replace")
                .answers::<TemporaryPassword>(200, "Reset; the password is shown once")
                .refuses(&[401, 403, 404]),
        )
}

/// The JSON API alone.
pub fn api_router() -> Router<AppState> {
    api().router.layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// Every method and path the API serves, as the router was built.
pub fn api_endpoints() -> Vec<Endpoint> {
    api().documented.into_iter().map(|(method, path, _)| Endpoint { method, path }).collect()
}

/// Everything the server answers: health, the API, the pages and the static site.
pub fn router(state: AppState) -> Router {
    // Rendering the page spawns tasks; already started is fine (tests build many routers).
    let _ = any_spawner::Executor::init_tokio();
    let leptos = state.leptos.clone();
    Router::new()
        .route("/sw.js", get(shell::worker))
        .merge(api_router())
        // The one page; the app renders in the browser and switches views there.
        .route("/", get(leptos_axum::render_app_to_stream_with_context(provide_script_nonce, move || page::shell(leptos.clone()))))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(page::shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), shell::shell_files))
        .layer(axum::middleware::from_fn_with_state(state.push_writer.clone(), crate::push_writer::hand_on))
        .layer(axum::middleware::from_fn(crate::web_security::reject_cross_origin))
        .layer(axum::middleware::from_fn_with_state(
            crate::web_security::Transport { https: state.cookies.secure },
            crate::web_security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(state.operations.clone(), crate::operations::observe))
        .with_state(state)
        // Brotli or gzip as the browser asks: the wasm shell is most of a first visit on
        // a weak link. Images are left as they are.
        .layer(tower_http::compression::CompressionLayer::new())
        // Every log line of a request carries its id, which the answer carries too
        // (`x-request-id`), so a person's report of a failure finds its log lines. Only
        // the method and path are logged: never cookies, bodies or queries.
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(REQUEST_ID).and_then(|value| value.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// The header that names a request in the logs and in its answer.
const REQUEST_ID: axum::http::HeaderName = axum::http::HeaderName::from_static("x-request-id");

/// Hands the page renderer the nonce the security headers name, so Leptos puts it on the
/// inline hydration script.
fn provide_script_nonce() {
    let nonce = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::web_security::ScriptNonce>().cloned());
    if let Some(crate::web_security::ScriptNonce(nonce)) = nonce {
        leptos::prelude::provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}
