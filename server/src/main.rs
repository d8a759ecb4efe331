#![recursion_limit = "256"]
use chidao_server::config::{Cli, Command, CreateUserArgs, DbArgs, ImportDirectiveArgs, ImportUnitsArgs, ServeArgs};
use chidao_server::routes::{CookiePolicy, ReportPolicy};
use chidao_server::shell::Shell;
use chidao_server::{db, demo};
use clap::Parser;
use leptos::config::get_configuration;
use rand::distributions::{Alphanumeric, DistString};
use std::process::ExitCode;
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
}

/// Opens the store, creating the folder of an on-disk database first.
async fn open_store(args: &DbArgs) -> Result<db::Store, StartError> {
    if let Some(dir) = args.url.strip_prefix("surrealkv://") {
        if let Some(parent) = std::path::Path::new(dir).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StartError::DataFolder { path: parent.display().to_string(), source })?;
        }
    }
    tracing::info!(db = %args.url, "opening database");
    Ok(db::open(args).await?)
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
        chidao_core::import::extract(&text, &store.units().await?).map_err(|error| StartError::Input(format!("{path}: {error}")))?;
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
    let store = open_store(&args.db).await?;
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
    let reports = ReportPolicy { due_soon_days: args.due_soon_days, live_beat: std::time::Duration::from_millis(args.live_beat_ms) };
    tokio::spawn(chidao_server::live::keep_tallies(store.clone(), reports.live_beat));
    let router = chidao_server::app(store, leptos, cookies, reports, shell);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| StartError::Listen { addr, source })?;
    tracing::info!("listening on http://{addr}");
    // The peer address feeds the per-address sign-in limit.
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(StartError::Serve)
}

/// Stops on Ctrl-C or SIGTERM, letting requests in flight finish.
async fn shutdown() {
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
    tracing::info!("shutting down");
}
