#![recursion_limit = "256"]
use chidao_server::config::{Cli, Command, ServeArgs};
use chidao_server::routes::CookiePolicy;
use chidao_server::shell::Shell;
use chidao_server::{db, demo};
use clap::Parser;
use leptos::config::get_configuration;
use rand::distributions::{Alphanumeric, DistString};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,surrealdb=warn,surrealkv=warn")))
        .init();
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Serve(args)) => args,
        None => cli.serve,
    };
    match serve(args).await {
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
}

async fn serve(args: ServeArgs) -> Result<(), StartError> {
    let mut leptos = get_configuration(None).map_err(|error| StartError::Leptos(error.to_string()))?.leptos_options;
    if leptos.output_name.is_empty() {
        // Built without cargo-leptos (plain `cargo build`): use the names it would set.
        leptos.output_name = "chidao".into();
    }
    let addr = args.addr.unwrap_or(leptos.site_addr);
    leptos.site_addr = addr;
    if let Some(dir) = args.db.url.strip_prefix("surrealkv://") {
        if let Some(parent) = std::path::Path::new(dir).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StartError::Listen { addr, source })?;
        }
    }
    tracing::info!(db = %args.db.url, "opening database");
    let store = db::open(&args.db).await?;
    if args.demo {
        let (password, generated) = match &args.demo_password {
            Some(secret) => (secret.expose().to_owned(), false),
            None => (Alphanumeric.sample_string(&mut rand::thread_rng(), 16), true),
        };
        let created = demo::seed_if_empty(&store, &password).await?;
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
    let cookies = CookiePolicy { secure: args.secure_cookies, max_age_days: args.session_days };
    let site_root = std::path::PathBuf::from(leptos.site_root.as_ref());
    let shell = Shell::load(&site_root, args.shell_version.clone()).map_err(StartError::Shell)?;
    match &shell {
        Some(shell) => {
            tracing::info!(version = %shell.version, "offline shell ready");
            shell.precompress();
        }
        None => tracing::warn!(site_root = %site_root.display(), "no service worker in the site root: the app will not start offline"),
    }
    let router = chidao_server::app(store, leptos, cookies, shell);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| StartError::Listen { addr, source })?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, router).with_graceful_shutdown(shutdown()).await.map_err(StartError::Serve)
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
