#![recursion_limit = "256"]
//! Chidao's server: configuration, database, accounts and access, the sync service and
//! the HTTP routes that serve the Leptos app and the JSON API.

pub mod acknowledged;
pub mod admin;
pub mod auth;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod directives;
pub mod error;
pub mod evidence;
pub mod export;
pub mod extract;
pub mod limits;
pub mod live;
pub mod operations;
pub mod periods;
pub mod push_writer;
pub mod reports;
mod retry;
pub mod review;
pub mod routes;
pub mod scale;
pub mod shell;
pub mod store_guard;
pub mod sync_service;
pub mod web_security;

/// The engine allocates and frees many small values per statement; on glibc's allocator
/// that was a quarter of the database's CPU and pushes queued behind it (README, load).
/// Set here rather than in `main` so that the server tests and the in-process benchmarks
/// run on the allocator the binary ships with.
#[cfg(all(target_os = "linux", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use leptos::prelude::LeptosOptions;
use routes::{AppState, CookiePolicy, ReportPolicy};

/// Builds the whole HTTP app around an open store. Without a `shell` (the site was not
/// built) there is no service worker and the app works online only.
pub fn app(
    store: db::Store,
    leptos: LeptosOptions,
    cookies: CookiePolicy,
    reports: ReportPolicy,
    shell: Option<shell::Shell>,
) -> axum::Router {
    app_with_limits(store, leptos, cookies, reports, shell, limits::SignInLimits::default())
}

/// [`app`] with sign-in limits of the caller's choosing (tests use small ones).
pub fn app_with_limits(
    store: db::Store,
    leptos: LeptosOptions,
    cookies: CookiePolicy,
    reports: ReportPolicy,
    shell: Option<shell::Shell>,
    limits: limits::SignInLimits,
) -> axum::Router {
    app_observed(store, leptos, cookies, reports, shell, limits, operations::Operations::new())
}

/// [`app_with_limits`] reporting to `operations`, which the caller keeps: to drain on
/// shutdown and to serve the metrics.
pub fn app_observed(
    store: db::Store,
    leptos: LeptosOptions,
    cookies: CookiePolicy,
    reports: ReportPolicy,
    shell: Option<shell::Shell>,
    limits: limits::SignInLimits,
    operations: std::sync::Arc<operations::Operations>,
) -> axum::Router {
    let throttle = std::sync::Arc::new(limits::SignInThrottle::new(limits));
    let live_streams = live::OpenStreams::new(reports.live_streams);
    routes::router(AppState { store, leptos, cookies, reports, shell: shell.map(std::sync::Arc::new), throttle, operations, live_streams })
}
