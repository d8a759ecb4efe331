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
pub mod metrics;
pub mod operations;
pub mod periods;
pub mod push_writer;
pub mod reports;
pub mod review;
pub mod routes;
pub mod scale;
pub mod secret;
pub mod shell;
pub mod store_guard;
pub mod sync_service;
pub mod web_security;

/// The engine allocates and frees many small values per statement; on glibc's allocator
/// that was a quarter of the database's CPU and pushes queued behind it (docs/measurements.md, "Load").
/// Set here rather than in `main` so that the server tests and the in-process benchmarks
/// run on the allocator the binary ships with.
#[cfg(all(target_os = "linux", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use leptos::prelude::LeptosOptions;
use routes::{AppState, CookiePolicy, ReportPolicy};

/// How an app server answers, besides its database: the site's options, cookies, how
/// reports judge work, the offline shell, sign-in limits. `default()` is one machine's
/// defaults without a built site (the tests'); `serve` sets every one from its flags.
pub struct AppSettings {
    pub leptos: LeptosOptions,
    pub cookies: CookiePolicy,
    pub reports: ReportPolicy,
    /// Without it (the site was not built) there is no service worker and the app works
    /// online only.
    pub shell: Option<shell::Shell>,
    pub limits: limits::SignInLimits,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            leptos: LeptosOptions::builder().output_name("chidao").build(),
            cookies: CookiePolicy { secure: false, max_age_days: 30, idle_days: 14 },
            reports: ReportPolicy::default(),
            shell: None,
            limits: limits::SignInLimits::default(),
        }
    }
}

/// What an app server runs over its database, made once and shared by the router and the
/// tasks `serve` starts beside it (the push writer's lease, the watch of what was
/// acknowledged, the metrics).
#[derive(Clone)]
pub struct Services {
    pub sync: sync_service::SyncService,
    pub push_writer: std::sync::Arc<push_writer::PushWriter>,
    pub operations: std::sync::Arc<operations::Operations>,
}

impl Services {
    /// The services over `store`, their acknowledged mark in memory only.
    pub fn new(store: db::Store) -> Self {
        Self::over(sync_service::SyncService::new(store))
    }

    pub fn over(sync: sync_service::SyncService) -> Self {
        Services { sync, push_writer: Default::default(), operations: operations::Operations::new() }
    }

    pub fn store(&self) -> &db::Store {
        self.sync.store()
    }

    /// Everything the services count, for the metrics listener.
    pub fn metrics(&self) -> String {
        let mut reported = self.sync.metrics();
        reported.extend(self.push_writer.totals().metrics());
        self.operations.render(&reported)
    }
}

/// The whole HTTP app: one constructor for `serve` and the tests alike.
pub fn app(services: &Services, settings: AppSettings) -> axum::Router {
    let AppSettings { leptos, cookies, reports, shell, limits } = settings;
    let throttle = std::sync::Arc::new(limits::SignInThrottle::new(limits));
    let live_streams = live::OpenStreams::new(reports.live_streams);
    routes::router(AppState {
        store: services.store().clone(),
        sync: services.sync.clone(),
        push_writer: services.push_writer.clone(),
        leptos,
        cookies,
        reports,
        shell: shell.map(std::sync::Arc::new),
        throttle,
        operations: services.operations.clone(),
        live_streams,
    })
}
