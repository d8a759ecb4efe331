//! Settings from flags and environment, with defaults that run the app on one machine.

use crate::db::EmbeddedLimits;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

pub use crate::secret::Secret;

/// How much of the demo to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoScope {
    /// The seed directive and its units and accounts: a quiet office (for tests that need
    /// to know every record).
    Seed,
    /// The seed, then the office at work: more directives, weeks of ticks, notes, a
    /// conflict (what a newcomer should see).
    Office,
    /// Instead of the seed, a generated province of real size (180 units, 400 tasks of
    /// seven items each, a year of ticks), with a supervisor and a commune official: for
    /// measuring the office's pages. Writing it takes minutes.
    Province,
}

/// Where other app servers reach this one: `http://HOST:PORT`, nothing after. Plain HTTP:
/// the app servers talk on the cluster's own network, and the build carries no TLS stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvertiseUrl(String);

impl AdvertiseUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for AdvertiseUrl {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = "expected http://HOST:PORT, e.g. http://10.0.0.5:3000";
        let uri: axum::http::Uri = text.parse().map_err(|_| format!("not a URL; {expected}"))?;
        if uri.scheme_str() != Some("http") {
            return Err(format!("only plain http is spoken between app servers; {expected}"));
        }
        let Some(authority) = uri.authority().filter(|authority| authority.port_u16().is_some()) else {
            return Err(format!("a host and a port are needed; {expected}"));
        };
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() || authority.as_str().contains('@') {
            return Err(format!("nothing may follow the port; {expected}"));
        }
        Ok(AdvertiseUrl(format!("http://{authority}")))
    }
}

#[derive(Debug, Parser)]
#[command(name = "chidao", version, about = "Chidao: directives turned into checklists, online and offline")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings for `serve`, which is also what runs when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web app and the sync API (the default).
    Serve(ServeArgs),
    /// Create an account, e.g. the first admin. The password is read from
    /// CHIDAO_NEW_PASSWORD or, when unset, asked for on the terminal.
    CreateUser(CreateUserArgs),
    /// Add or change units from a CSV file (`code,name,kind,parent_code`): all rows or none.
    ImportUnits(ImportUnitsArgs),
    /// Read a directive summary (UTF-8 text) and print the draft as JSON; units are
    /// matched against the database's unit tree. Nothing is written.
    ImportDirective(ImportDirectiveArgs),
    /// Bring the database's schema up to this build's version, then exit. Run it once
    /// before starting app servers started with `--migrations check`.
    Migrate(MigrateArgs),
    /// Write the whole database (every table and record, photos included) to a SurrealQL
    /// file, for backups.
    Export(ExportArgs),
    /// Load a file written by `chidao export` into an empty database.
    Import(ImportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The file to write; it must not exist yet.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A file written by `chidao export`.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ImportDirectiveArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The text file, or `-` for standard input.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct CreateUserArgs {
    #[command(flatten)]
    pub db: DbArgs,
    pub username: String,
    /// Name shown in the app, e.g. "Quản trị hệ thống".
    #[arg(long)]
    pub display_name: String,
    /// Code of the unit the account belongs to.
    #[arg(long)]
    pub unit: String,
    /// Roles, comma-separated: official, head, supervisor, admin.
    #[arg(long, value_delimiter = ',', default_value = "admin")]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ImportUnitsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The CSV file, UTF-8.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Where the data lives: `surrealkv://PATH` (embedded, on disk), `mem://` (embedded,
    /// gone on exit) or `ws://HOST:PORT` (a SurrealDB server shared by several app servers).
    #[arg(long = "db", env = "CHIDAO_DB", default_value = "surrealkv://data/chidao")]
    pub url: String,
    /// Root user for a remote server; embedded engines need none.
    #[arg(long = "db-user", env = "CHIDAO_DB_USER")]
    pub user: Option<String>,
    #[arg(long = "db-pass", env = "CHIDAO_DB_PASS", hide_env_values = true)]
    pub pass: Option<Secret>,
    #[arg(long = "db-namespace", env = "CHIDAO_DB_NAMESPACE", default_value = DbArgs::DEFAULT_NAMESPACE)]
    pub namespace: String,
    #[arg(long = "db-database", env = "CHIDAO_DB_DATABASE", default_value = DbArgs::DEFAULT_DATABASE)]
    pub database: String,
    /// Embedded SurrealKV only: MiB of changes buffered in memory before they are flushed
    /// to disk. The largest write must fit, or it is refused whole; below 16 not even the
    /// largest push group or step of a directive does (tests write them), so no less is taken.
    #[arg(long = "db-memtable-mib", env = "CHIDAO_DB_MEMTABLE_MIB", default_value_t = EmbeddedLimits::DEFAULT.memtable_mib,
          value_parser = clap::value_parser!(u32).range(DbArgs::LEAST_MEMTABLE_MIB as i64..=4096))]
    pub memtable_mib: u32,
    /// Embedded SurrealKV only: MiB of on-disk blocks kept in memory for reads.
    #[arg(long = "db-block-cache-mib", env = "CHIDAO_DB_BLOCK_CACHE_MIB", default_value_t = EmbeddedLimits::DEFAULT.block_cache_mib,
          value_parser = clap::value_parser!(u32).range(4..=65536))]
    pub block_cache_mib: u32,
}

impl DbArgs {
    pub const DEFAULT_NAMESPACE: &str = "chidao";
    pub const DEFAULT_DATABASE: &str = "main";
    pub const LEAST_MEMTABLE_MIB: u32 = 16;

    /// The database at `url` with every other setting at its default, and no credentials.
    pub fn at(url: impl Into<String>) -> Self {
        let limits = EmbeddedLimits::DEFAULT;
        DbArgs {
            url: url.into(),
            user: None,
            pass: None,
            namespace: Self::DEFAULT_NAMESPACE.into(),
            database: Self::DEFAULT_DATABASE.into(),
            memtable_mib: limits.memtable_mib,
            block_cache_mib: limits.block_cache_mib,
        }
    }

    pub fn embedded_limits(&self) -> EmbeddedLimits {
        EmbeddedLimits { memtable_mib: self.memtable_mib, block_cache_mib: self.block_cache_mib }
    }

    /// What the database layer opens.
    pub fn settings(&self) -> crate::db::Settings {
        crate::db::Settings {
            url: self.url.clone(),
            user: self.user.clone(),
            pass: self.pass.clone(),
            namespace: self.namespace.clone(),
            database: self.database.clone(),
            limits: self.embedded_limits(),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on; defaults to Leptos's site address (127.0.0.1:3000).
    #[arg(long, env = "CHIDAO_ADDR")]
    pub addr: Option<SocketAddr>,
    /// Fill an empty database with the Quảng Ngãi demo data and print the demo logins.
    #[arg(long, env = "CHIDAO_DEMO")]
    pub demo: bool,
    /// With --demo, how much to load: `office` (the seed, then more directives and weeks
    /// of field work in every state) or `seed` (the seed directive alone, a quiet office).
    #[arg(long, env = "CHIDAO_DEMO_SCOPE", value_enum, default_value_t = DemoScope::Office)]
    pub demo_scope: DemoScope,
    /// Password for all demo accounts; generated and printed once when unset.
    #[arg(long, env = "CHIDAO_DEMO_PASSWORD", hide_env_values = true)]
    pub demo_password: Option<Secret>,
    /// Mark the session cookie `Secure` (set this when served over HTTPS).
    #[arg(long, env = "CHIDAO_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// How long a sign-in lasts. Officials work offline for days, so this is long.
    #[arg(long, env = "CHIDAO_SESSION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub session_days: u32,
    /// A session unused for this long ends sooner. A tablet offline longer than this
    /// signs in again when it reconnects; its unsent changes wait and are sent after.
    #[arg(long, env = "CHIDAO_SESSION_IDLE_DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub session_idle_days: u32,
    /// Work not done counts as due soon when its last day on time is within this many days.
    #[arg(long, env = "CHIDAO_DUE_SOON_DAYS", default_value_t = chidao_core::domain::DUE_SOON_DAYS, value_parser = clap::value_parser!(u32).range(0..=60))]
    pub due_soon_days: u32,
    /// How often, in milliseconds, an open dashboard's live stream looks for new writes
    /// (one indexed query per open dashboard per beat).
    #[arg(long, env = "CHIDAO_LIVE_BEAT_MS", default_value_t = 500, value_parser = clap::value_parser!(u64).range(50..=60_000))]
    pub live_beat_ms: u64,
    /// Live streams (open dashboards) one sign-in may keep open at once.
    #[arg(long, env = "CHIDAO_LIVE_STREAMS_PER_SESSION", default_value_t = crate::limits::StreamLimits::default().per_session,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub live_streams_per_session: u32,
    /// Live streams this app server keeps open at once; each costs a query per beat. More
    /// are refused with 429 and `Retry-After`.
    #[arg(long, env = "CHIDAO_LIVE_STREAMS_MAX", default_value_t = crate::limits::StreamLimits::default().per_server,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub live_streams_max: u32,
    /// At start, `apply` brings an older schema up to date (each migration once, even when
    /// several app servers start together); `check` refuses to start until `chidao migrate`
    /// has run. Both refuse a schema newer than this build.
    #[arg(long, env = "CHIDAO_MIGRATIONS", value_enum, default_value_t = crate::db::Migrations::Apply)]
    pub migrations: crate::db::Migrations,
    /// On SIGTERM, how long (ms) `/healthz` answers 503 while requests are still served,
    /// so a load balancer moves away before the server stops taking connections.
    #[arg(long, env = "CHIDAO_DRAIN_MS", default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(0..=600_000))]
    pub drain_ms: u64,
    /// Serve Prometheus metrics at `/metrics` on this address (e.g. 127.0.0.1:9464); off
    /// when unset. A separate listener, so the public address never exposes them.
    #[arg(long, env = "CHIDAO_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// With a shared database (`--db ws://…`), the app servers elect one to write every
    /// push, and the others hand it theirs: this is where they reach this one, as
    /// `http://HOST:PORT`. By default `http://` and the listening address; listening on
    /// every interface (0.0.0.0) with this unset, the server hands its pushes on but is
    /// never chosen to write them.
    #[arg(long, env = "CHIDAO_ADVERTISE_URL")]
    pub advertise_url: Option<AdvertiseUrl>,
    /// The file holding the highest item number this server saw the database hold, to
    /// catch a database that lost acknowledged writes. By default `PATH.acknowledged` beside
    /// an embedded `surrealkv://PATH`; none for `mem://`, and none for a SurrealDB server
    /// unless set (then give each app server its own file on its own disk).
    #[arg(long, env = "CHIDAO_ACKNOWLEDGED_FILE")]
    pub acknowledged_file: Option<std::path::PathBuf>,
    /// Start even though the database holds less than the acknowledged file says (after
    /// loading an older backup, say). The item counter then moves past every number handed
    /// out, so no tablet misses a later write. Without it such a start is refused.
    #[arg(long, env = "CHIDAO_ACCEPT_STORE_BEHIND")]
    pub accept_store_behind: bool,
    /// Version of the offline app shell; by default a hash of the built site's files, so
    /// each deploy is picked up by the browsers. Set it only to force a new shell.
    #[arg(long, env = "CHIDAO_SHELL_VERSION")]
    pub shell_version: Option<String>,
}

impl ServeArgs {
    /// Where the acknowledged mark is kept, if anywhere: see [`ServeArgs::acknowledged_file`].
    pub fn acknowledged_path(&self) -> Option<std::path::PathBuf> {
        self.acknowledged_file.clone().or_else(|| crate::acknowledged::AcknowledgedMark::default_path(&self.db.url))
    }

    /// Where other app servers hand this one their pushes, when it writes them; see
    /// [`ServeArgs::advertise_url`].
    pub fn push_writer_address(&self, listening: SocketAddr) -> Option<String> {
        match &self.advertise_url {
            Some(url) => Some(url.as_str().to_owned()),
            None if listening.ip().is_unspecified() => None,
            None => Some(format!("http://{listening}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_push_writer_address_is_the_advertised_url_or_the_one_listening_address() {
        let serve = |args: &[&str]| Cli::try_parse_from([&["chidao"], args].concat()).map(|cli| cli.serve);
        let listening: SocketAddr = "127.0.0.1:3001".parse().unwrap();
        let everywhere: SocketAddr = "0.0.0.0:3001".parse().unwrap();
        assert_eq!(serve(&[]).unwrap().push_writer_address(listening).as_deref(), Some("http://127.0.0.1:3001"));
        assert_eq!(serve(&[]).unwrap().push_writer_address(everywhere), None);
        let advertised = serve(&["--advertise-url", "http://app-2.internal:3000/"]).unwrap();
        assert_eq!(advertised.push_writer_address(everywhere).as_deref(), Some("http://app-2.internal:3000"));
        for refused in
            ["app-2:3000", "https://app-2:3000", "http://app-2", "http://app-2:3000/api", "http://u:p@app-2:3000", "http://app-2:3000/?a=1"]
        {
            let error = serve(&["--advertise-url", refused]).expect_err(refused);
            assert!(error.to_string().contains("http://HOST:PORT"), "{refused}: {error}");
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let secret: Secret = "hunter2".parse().unwrap();
        assert!(!format!("{secret:?}").contains("hunter2"));
    }

    #[test]
    fn no_subcommand_means_serve_with_defaults() {
        let cli = Cli::try_parse_from(["chidao"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.session_days, 30);
        assert!(Cli::try_parse_from(["chidao", "--session-days", "0"]).is_err());
    }

    #[test]
    fn the_embedded_memory_bounds_default_and_are_checked() {
        let cli = Cli::try_parse_from(["chidao"]).unwrap();
        assert_eq!(cli.serve.db.embedded_limits(), EmbeddedLimits::DEFAULT);
        assert_eq!(DbArgs::at("mem://").embedded_limits(), EmbeddedLimits::DEFAULT);
        let set = Cli::try_parse_from(["chidao", "--db-memtable-mib", "64", "--db-block-cache-mib", "256"]).unwrap();
        assert_eq!(set.serve.db.embedded_limits(), EmbeddedLimits { memtable_mib: 64, block_cache_mib: 256 });
        for refused in [["--db-memtable-mib", "8"], ["--db-memtable-mib", "lots"], ["--db-block-cache-mib", "0"]] {
            let error = Cli::try_parse_from(["chidao", refused[0], refused[1]]).expect_err("refused");
            assert!(error.to_string().contains(refused[0]), "{error}");
        }
    }
}
