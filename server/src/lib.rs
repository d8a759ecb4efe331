#![recursion_limit = "256"]
//! Chidao's server: configuration, database, accounts and access, the sync service and
//! the HTTP routes that serve the Leptos app and the JSON API.

pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod extract;
pub mod reports;
pub mod review;
pub mod routes;
pub mod sync_service;

use leptos::prelude::LeptosOptions;
use routes::{AppState, CookiePolicy};

/// Builds the whole HTTP app around an open store.
pub fn app(store: db::Store, leptos: LeptosOptions, cookies: CookiePolicy) -> axum::Router {
    routes::router(AppState { store, leptos, cookies })
}
