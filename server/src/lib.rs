#![recursion_limit = "256"]
//! Chidao's server: configuration, database, accounts and access, the sync service and
//! the HTTP routes that serve the Leptos app and the JSON API.

pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod evidence;
pub mod extract;
pub mod reports;
pub mod review;
pub mod routes;
pub mod shell;
pub mod sync_service;

use leptos::prelude::LeptosOptions;
use routes::{AppState, CookiePolicy};

/// Builds the whole HTTP app around an open store. Without a `shell` (the site was not
/// built) there is no service worker and the app works online only.
pub fn app(store: db::Store, leptos: LeptosOptions, cookies: CookiePolicy, shell: Option<shell::Shell>) -> axum::Router {
    routes::router(AppState { store, leptos, cookies, shell: shell.map(std::sync::Arc::new) })
}
