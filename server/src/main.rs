#![recursion_limit = "256"]
use chidao_server::config::{
    Cli, Command, CreateUserArgs, DbArgs, ExportArgs, ImportArgs, ImportDirectiveArgs, ImportUnitsArgs, MigrateArgs, ServeArgs,
};
use chidao_server::operations::Operations;
use chidao_server::routes::{CookiePolicy, ReportPolicy};
use chidao_server::shell::Shell;
use chidao_server::{db, demo};
use clap::Parser;
use leptos::config::get_configuration;
use rand::distributions::{Alphanumeric, DistString};
use std::process::ExitCode;
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

/// The stack of each runtime thread. SurrealDB runs a query by recursion, deeper for
/// functions and loops inside a transaction (a push recounts its assignments and tallies
/// that way) and deeper still unoptimised: the 2 MiB default is not enough there.
const THREAD_STACK_BYTES: usize = 16 * 1024 * 1024;

fn main() -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(THREAD_STACK_BYTES).build() {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("chidao: starting the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    // Logs go to stderr, so that `import-directive`'s JSON on stdout stays clean.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,surrealdb=warn,surrealkv=warn")))
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Serve(args)) => serve(args).await,
        None => serve(cli.serve).await,
        Some(Command::CreateUser(args)) => create_user(args).await,
        Some(Command::ImportUnits(args)) => import_units(args).await,
        Some(Command::ImportDirective(args)) => import_directive(args).await,
        Some(Command::Migrate(args)) => migrate(args).await,
        Some(Command::Export(args)) => export(args).await,
        Some(Command::Import(args)) => import(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("chidao: {error}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error("reading the Leptos configuration: {0}")]
    Leptos(String),
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("loading demo data: {0}")]
    Demo(#[from] demo::DemoError),
    #[error("loading the offline shell: {0}")]
    Shell(chidao_server::shell::ShellError),
    #[error("listening on {addr}: {source}")]
    Listen { addr: std::net::SocketAddr, source: std::io::Error },
    #[error("serving: {0}")]
    Serve(std::io::Error),
    #[error("creating the data folder {path}: {source}")]
    DataFolder { path: String, source: std::io::Error },
    #[error("reading {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{0}")]
    Admin(#[from] chidao_server::admin::AdminError),
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Guard(#[from] chidao_server::store_guard::GuardError),
}

/// Creates the folder an on-disk database lives in.
fn make_data_folder(args: &DbArgs) -> Result<(), StartError> {
    if let Some(dir) = args.url.strip_prefix("surrealkv://") {
        if let Some(parent) = std::path::Path::new(dir).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StartError::DataFolder { path: parent.display().to_string(), source })?;
        }
    }
    Ok(())
}

/// Opens the store, creating the folder of an on-disk database first.
async fn open_store(args: &DbArgs) -> Result<db::Store, StartError> {
    open_store_with(args, db::Migrations::Apply).await
}

async fn open_store_with(args: &DbArgs, migrations: db::Migrations) -> Result<db::Store, StartError> {
    make_data_folder(args)?;
    tracing::info!(db = %args.url, "opening database");
    Ok(db::open_with(&args.settings(), migrations).await?)
}

async fn migrate(args: MigrateArgs) -> Result<(), StartError> {
    open_store(&args.db).await?;
    println!("The schema is at version {}.", db::SCHEMA_VERSION);
    Ok(())
}

async fn export(args: ExportArgs) -> Result<(), StartError> {
    let path = args.file.display().to_string();
    if args.file.exists() {
        return Err(StartError::Input(format!("{path} exists already; name a new file")));
    }
    open_store_with(&args.db, db::Migrations::Check).await?.maintenance.export(&args.file).await?;
    println!("Exported to {path}.");
    Ok(())
}

async fn import(args: ImportArgs) -> Result<(), StartError> {
    let path = args.file.display().to_string();
    if !args.file.is_file() {
        return Err(StartError::Input(format!("{path} is not a file")));
    }
    make_data_folder(&args.db)?;
    db::import(&args.db.settings(), &args.file).await?;
    println!("Imported {path}; the schema is at version {}.", db::SCHEMA_VERSION);
    Ok(())
}

async fn create_user(args: CreateUserArgs) -> Result<(), StartError> {
    let store = open_store(&args.db).await?;
    let roles = args
        .roles
        .iter()
        .map(|role| chidao_core::domain::Role::parse(role.trim()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StartError::Input(e.to_string()))?;
    let roles = chidao_core::domain::Roles::new(roles).map_err(|e| StartError::Input(e.to_string()))?;
    let unit = chidao_core::domain::UnitCode::parse(&args.unit).map_err(|e| StartError::Input(e.to_string()))?;
    let password = match std::env::var("CHIDAO_NEW_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            eprintln!("Password for {} (at least {} characters), then Enter:", args.username, chidao_server::auth::MIN_PASSWORD_CHARS);
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|source| StartError::Read { path: "standard input".into(), source })?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let new = chidao_core::api::NewAccount { username: args.username, display_name: args.display_name, roles, unit };
    let created = chidao_server::admin::create_account(&store, &new, Some(password)).await?;
    println!("Account {} created.", created.username);
    Ok(())
}

async fn import_units(args: ImportUnitsArgs) -> Result<(), StartError> {
    let path = args.file.display().to_string();
    let text = std::fs::read(&args.file).map_err(|source| StartError::Read { path: path.clone(), source })?;
    let text = String::from_utf8(text).map_err(|_| StartError::Input(format!("{path} is not UTF-8 text")))?;
    let store = open_store(&args.db).await?;
    match chidao_server::admin::import_units_csv(&store, &text).await {
        Ok(written) => {
            println!("{written} units added or changed.");
            Ok(())
        }
        Err(chidao_server::admin::AdminError::Rows(rows)) => {
            for row in &rows {
                eprintln!(
                    "{path}:{}: {}{}",
                    row.line,
                    if row.code.is_empty() { String::new() } else { format!("{}: ", row.code) },
                    row.message
                );
            }
            Err(StartError::Input(format!("{} rows have errors; nothing was imported", rows.len())))
        }
        Err(error) => Err(error.into()),
    }
}

async fn import_directive(args: ImportDirectiveArgs) -> Result<(), StartError> {
    let path = args.file.display().to_string();
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map_err(|source| StartError::Read { path: path.clone(), source })?;
        bytes
    } else {
        std::fs::read(&args.file).map_err(|source| StartError::Read { path: path.clone(), source })?
    };
    let text = String::from_utf8(bytes).map_err(|_| StartError::Input(format!("{path} is not UTF-8 text")))?;
    let store = open_store(&args.db).await?;
    let draft =
        chidao_core::import::extract(&text, &store.units.units().await?).map_err(|error| StartError::Input(format!("{path}: {error}")))?;
    for name in draft.unmatched() {
        eprintln!("{path}: `{name}` is not a unit of the tree; kept as written");
    }
    let json = serde_json::to_string_pretty(&draft.exchange()).map_err(|error| StartError::Input(error.to_string()))?;
    println!("{json}");
    Ok(())
}

async fn serve(args: ServeArgs) -> Result<(), StartError> {
    let mut leptos = get_configuration(None).map_err(|error| StartError::Leptos(error.to_string()))?.leptos_options;
    if leptos.output_name.is_empty() {
        // Built without cargo-leptos (plain `cargo build`): use the names it would set.
        leptos.output_name = "chidao".into();
    }
    let addr = args.addr.unwrap_or(leptos.site_addr);
    leptos.site_addr = addr;
    let store = open_store_with(&args.db, args.migrations).await?;
    let mark = match args.acknowledged_path() {
        Some(path) => chidao_server::acknowledged::AcknowledgedMark::at(&path).map_err(chidao_server::store_guard::GuardError::from)?,
        None => chidao_server::acknowledged::AcknowledgedMark::in_memory(),
    };
    chidao_server::store_guard::check_at_start(&store, &mark, args.accept_store_behind).await?;
    let services = chidao_server::Services::over(chidao_server::sync_service::SyncService::with_acknowledged(store.clone(), mark));
    if args.demo {
        let (password, generated) = match &args.demo_password {
            Some(secret) => (secret.expose().to_owned(), false),
            None => (Alphanumeric.sample_string(&mut rand::thread_rng(), 16), true),
        };
        let created = demo::seed_if_empty(&store, &password, args.demo_scope).await?;
        if created.is_empty() {
            println!("Demo data already present; existing accounts and passwords are unchanged.");
        } else {
            println!("Demo data loaded. Sign in at http://{addr}/ with:");
            for username in &created {
                if generated {
                    println!("  {username:<12} password: {password}");
                } else {
                    println!("  {username:<12} password: (the value of CHIDAO_DEMO_PASSWORD)");
                }
            }
        }
    }
    let cookies = CookiePolicy { secure: args.secure_cookies, max_age_days: args.session_days, idle_days: args.session_idle_days };
    let site_root = std::path::PathBuf::from(leptos.site_root.as_ref());
    let shell = Shell::load(&site_root, args.shell_version.clone()).map_err(StartError::Shell)?;
    match &shell {
        Some(shell) => {
            tracing::info!(version = %shell.version, "offline shell ready");
            shell.precompress();
        }
        None => tracing::warn!(site_root = %site_root.display(), "no service worker in the site root: the app will not start offline"),
    }
    chidao_server::periods::keep_dues(&store, chrono::Utc::now()).await?;
    tokio::spawn(chidao_server::periods::keep_open(store.clone()));
    tokio::spawn(chidao_server::store_guard::keep_watching(store.clone(), services.sync.acknowledged_shared()));
    tokio::spawn(chidao_server::directives::keep_finishing(store.clone()));
    let reports = ReportPolicy {
        due_soon_days: args.due_soon_days,
        live_beat: std::time::Duration::from_millis(args.live_beat_ms),
        live_streams: chidao_server::limits::StreamLimits { per_session: args.live_streams_per_session, per_server: args.live_streams_max },
    };
    tokio::spawn(chidao_server::live::keep_tallies(store.progress.clone(), reports.live_beat));
    let operations = services.operations.clone();
    if store.is_shared() {
        let draining = operations.clone();
        let writer = services.push_writer.clone();
        tokio::spawn(chidao_server::push_writer::keep(store.sync.clone(), writer, args.push_writer_address(addr), move || {
            draining.is_draining()
        }));
    }
    let limits = chidao_server::limits::SignInLimits::default();
    let router = chidao_server::app(&services, chidao_server::AppSettings { leptos, cookies, reports, shell, limits });
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| StartError::Listen { addr, source })?;
    if let Some(metrics_addr) = args.metrics_addr {
        serve_metrics(metrics_addr, services).await?;
    }
    tracing::info!("listening on http://{addr}");
    let drain = std::time::Duration::from_millis(args.drain_ms);
    // The peer address feeds the per-address sign-in limit.
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(drain_then_stop(operations, drain))
        .await
        .map_err(StartError::Serve)?;
    tracing::info!("every request answered; stopped");
    Ok(())
}

/// Prometheus metrics on their own listener, so that only who can reach that address
/// (the operator's network) reads them.
async fn serve_metrics(addr: std::net::SocketAddr, services: chidao_server::Services) -> Result<(), StartError> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| StartError::Listen { addr, source })?;
    let metrics = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let text = services.metrics();
            async move { ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], text) }
        }),
    );
    tracing::info!("metrics at http://{addr}/metrics");
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, metrics).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    });
    Ok(())
}

/// On Ctrl-C or SIGTERM: say 503 on `/healthz` and `/readyz` for `drain` while still
/// answering everything, so a load balancer moves away; then stop taking connections.
/// The server then waits for every request in flight, pushes in the writer's group
/// included, to be answered.
async fn drain_then_stop(operations: Arc<Operations>, drain: std::time::Duration) {
    stop_signal().await;
    operations.start_draining();
    tracing::info!(drain_ms = drain.as_millis() as u64, "draining: health checks say 503");
    tokio::time::sleep(drain).await;
    tracing::info!("no longer taking connections; finishing the requests in flight");
}

/// Ctrl-C or SIGTERM.
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}
