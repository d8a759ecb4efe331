//! HTTP: thin handlers that parse, authorise through `auth`, and call a service.

mod admin;
mod directives;
mod health;
mod openapi;
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

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub leptos: LeptosOptions,
    pub cookies: CookiePolicy,
    pub shell: Option<std::sync::Arc<crate::shell::Shell>>,
    pub throttle: std::sync::Arc<SignInThrottle>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// Refuses with 403 unless the one access function allows `action`.
pub(crate) async fn require(state: &AppState, user: &User, action: Action<'_>, refusal: &str) -> Result<(), ApiError> {
    if authorize(&state.store, user, action).await? {
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

/// Builds the API router and the list of what it serves from the same calls, so the
/// access tests walk exactly the endpoints that exist.
struct Api {
    router: Router<AppState>,
    endpoints: Vec<Endpoint>,
}

impl Api {
    fn on<H, T>(mut self, method: Method, path: &str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("API methods are standard ones");
        self.router = self.router.route(path, axum::routing::on(filter, handler));
        self.endpoints.push(Endpoint { method, path: path.to_owned() });
        self
    }
}

fn api() -> Api {
    use chidao_core::api::*;
    let account = format!("{ADMIN_ACCOUNTS_PATH}/{{username}}");
    let account_password = format!("{ADMIN_ACCOUNTS_PATH}/{{username}}/password");
    let photo = format!("{PHOTOS_PATH}/{{id}}");
    let task_report = format!("{TASK_REPORTS_PATH}/{{task}}/{{unit}}");
    let directive = format!("{DIRECTIVES_PATH}/{{id}}");
    Api { router: Router::new(), endpoints: Vec::new() }
        .on(Method::GET, "/healthz", health::healthz)
        .on(Method::GET, OPENAPI_PATH, openapi::document)
        .on(Method::POST, SESSION_PATH, session::sign_in)
        .on(Method::GET, SESSION_PATH, session::current)
        .on(Method::DELETE, SESSION_PATH, session::sign_out)
        .on(Method::DELETE, ALL_SESSIONS_PATH, session::sign_out_everywhere)
        .on(Method::POST, PASSWORD_PATH, session::change_password)
        .on(Method::POST, PUSH_PATH, sync::push)
        .on(Method::GET, PULL_PATH, sync::pull)
        .on(Method::GET, PROGRESS_PATH, reports::progress)
        .on(Method::GET, TASK_REPORTS_PATH, reports::task_reports)
        .on(Method::PUT, &task_report, reports::sign_off)
        .on(Method::DELETE, &task_report, reports::take_back)
        .on(Method::GET, UNITS_PATH, directives::units)
        .on(Method::POST, DIRECTIVES_PATH, directives::publish)
        .on(Method::POST, DIRECTIVE_IMPORT_PATH, directives::import)
        .on(Method::GET, &directive, directives::editable)
        .on(Method::PUT, &directive, directives::revise)
        .on(Method::GET, REVIEW_PATH, review::queue)
        .on(Method::POST, REVIEW_PATH, review::decide)
        .on(Method::GET, &photo, photos::download)
        .on(Method::PUT, &photo, photos::upload)
        .on(Method::GET, ADMIN_UNITS_PATH, admin::units)
        .on(Method::POST, ADMIN_UNITS_PATH, admin::change_units)
        .on(Method::POST, ADMIN_UNITS_IMPORT_PATH, admin::import_units)
        .on(Method::GET, ADMIN_ACCOUNTS_PATH, admin::accounts)
        .on(Method::POST, ADMIN_ACCOUNTS_PATH, admin::create_account)
        .on(Method::PATCH, &account, admin::update_account)
        .on(Method::POST, &account_password, admin::reset_password)
}

/// The JSON API alone.
pub fn api_router() -> Router<AppState> {
    api().router.layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// Every method and path the API serves, as the router was built.
pub fn api_endpoints() -> Vec<Endpoint> {
    api().endpoints
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
        .route("/", get(leptos_axum::render_app_to_stream_with_context(provide_script_nonce, move || app::shell(leptos.clone()))))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), shell::shell_files))
        .layer(axum::middleware::from_fn(crate::web_security::reject_cross_origin))
        .layer(axum::middleware::from_fn(crate::web_security::headers))
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
