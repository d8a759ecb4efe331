//! HTTP: thin handlers that parse, authorise through `auth`, and call a service.

mod health;
mod openapi;
mod photos;
mod reports;
mod review;
mod session;
mod shell;
mod sync;

pub use session::SESSION_COOKIE;

use crate::db::Store;
use crate::extract::BODY_LIMIT;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};

#[derive(Debug, Clone)]
pub struct CookiePolicy {
    pub secure: bool,
    pub max_age_days: u32,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub leptos: LeptosOptions,
    pub cookies: CookiePolicy,
    pub shell: Option<std::sync::Arc<crate::shell::Shell>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// The JSON API alone; the path list is what the access tests walk.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .route(app::api::SESSION_PATH, post(session::sign_in).get(session::current).delete(session::sign_out))
        .route(app::api::PUSH_PATH, post(sync::push))
        .route(app::api::PULL_PATH, get(sync::pull))
        .route(app::api::PROGRESS_PATH, get(reports::progress))
        .route(app::api::REVIEW_PATH, get(review::queue).post(review::decide))
        .route(&format!("{}/{{id}}", app::api::PHOTOS_PATH), get(photos::download).put(photos::upload))
        .route(app::api::OPENAPI_PATH, get(openapi::document))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// Everything the server answers: health, the API, the pages and the static site.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let leptos = state.leptos.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/sw.js", get(shell::worker))
        .merge(api_router())
        .leptos_routes(&state, routes, move || app::shell(leptos.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), shell::precompressed))
        .with_state(state)
        // Brotli or gzip as the browser asks: the wasm shell is most of a first visit on
        // a weak link. Images are left as they are.
        .layer(tower_http::compression::CompressionLayer::new())
}
