//! The database: one connection string picks the engine, the schema is applied at start,
//! and [`Store`] holds one store per topic (sync, photos, directives, periods, progress,
//! people, reports, units, maintenance), each with that topic's SurrealQL.

mod connection;
pub(crate) mod retry;
mod schema;
mod store;

#[cfg(test)]
pub(crate) use store::fixture;

pub use connection::{Connection, EmbeddedLimits};
pub use schema::{check_version, current_version, migrate, migrate_to, Migrations, SCHEMA_VERSION};
pub use store::{
    due_key, AccountChange, AccountRow, AssignmentScope, AttemptsWrite, Batch, ChangedAssignment, ChecklistKey, ClassifiedAssignment,
    Counted, DirectiveStore, DueRow, FinalRecount, HistoryRow, ItemWrite, LogEntry, LoggedChange, MaintenanceStore, PeopleStore,
    PeriodRecords, PeriodStore, PhotoAttachment, PhotoRow, PhotoStore, ProgressStore, Recorded, ReportStore, SessionRow, StateCount, Store,
    StoredItem, StoredPhoto, SyncStore, Unfinished, UnitStore, WriterLease, ITEMS_PER_WRITE, LEASE_SECONDS, PUSH_WRITER_LEASE_SECONDS,
};

use crate::secret::Secret;

/// Which database to open and how: what the command line's `--db…` flags say.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `surrealkv://PATH`, `mem://` or `ws://HOST:PORT`.
    pub url: String,
    /// Root user and password for a remote server; embedded engines need none.
    pub user: Option<String>,
    pub pass: Option<Secret>,
    pub namespace: String,
    pub database: String,
    /// How much memory an embedded engine may hold.
    pub limits: EmbeddedLimits,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open database `{url}`: {source}")]
    Connect { url: String, source: Box<surrealdb::Error> },
    #[error("cannot sign in to the database server as `{user}`: {source}")]
    SignIn { user: String, source: Box<surrealdb::Error> },
    #[error("both CHIDAO_DB_USER and CHIDAO_DB_PASS are needed to sign in, or neither")]
    HalfCredentials,
    #[error("database query failed while {context}: {source}")]
    Query { context: &'static str, source: Box<surrealdb::Error> },
    #[error("stored data does not match what the app expects while {context}: {detail}")]
    Shape { context: &'static str, detail: String },
    #[error("the record is being written by many requests at once; try again")]
    Contended,
    #[error("the database's schema is at version {found}, newer than this build understands ({known}): run a newer chidao")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("the database already has {tables} tables; a backup is loaded into an empty one only")]
    NotEmpty { tables: usize },
    #[error("the database's schema is at version {found}, older than this build's {known}: run `chidao migrate` first")]
    SchemaTooOld { found: i64, known: i64 },
}

impl DbError {
    /// A failed query, with what the server was doing at the time.
    pub fn query(context: &'static str, source: surrealdb::Error) -> Self {
        DbError::Query { context, source: Box::new(source) }
    }

    /// A race with another writer that a fresh attempt can get past: the engine cancelled
    /// a transaction in conflict, or skipped a statement because of it.
    pub fn is_transient(&self) -> bool {
        match self {
            DbError::Query { source, .. } => store::is_conflict(source) || store::is_not_executed(source),
            _ => false,
        }
    }
}

/// Connects to the database named by `args` and signs in when a remote server asks for
/// it, leaving the schema as it is.
async fn connect_to(args: &Settings) -> Result<Connection, DbError> {
    let db = Connection::open(&args.url, args.limits).await?;
    match (&args.user, &args.pass) {
        (Some(user), Some(pass)) => {
            db.sign_in_as_root(user.clone(), pass.expose().to_owned())
                .await
                .map_err(|source| DbError::SignIn { user: user.clone(), source: Box::new(source) })?;
        }
        (None, None) => {}
        _ => return Err(DbError::HalfCredentials),
    }
    // On a new server the first use creates the namespace and the database: replicas
    // starting at once can conflict there, and the one that lost tries again.
    let context = "choosing the namespace and database";
    crate::db::retry::until_written(context, || async {
        db.use_namespace_and_database(&args.namespace, &args.database).await.map(Some).map_err(|source| DbError::query(context, source))
    })
    .await?;
    Ok(db)
}

/// Opens the database named by `args`, signs in when a remote server asks for it, and
/// brings the schema up to date.
pub async fn open(args: &Settings) -> Result<Store, DbError> {
    open_with(args, Migrations::Apply).await
}

/// [`open`], with the schema either brought up to date or only checked.
pub async fn open_with(args: &Settings, migrations: Migrations) -> Result<Store, DbError> {
    let db = connect_to(args).await?;
    match migrations {
        Migrations::Apply => schema::migrate(&db).await?,
        Migrations::Check => schema::check_version(schema::current_version(&db).await?)?,
    }
    Ok(Store::new(db))
}

/// Loads a file written by [`MaintenanceStore::export`](store::MaintenanceStore::export) into an empty database, then brings its
/// schema up to this build's version (a backup of an older build's data is migrated on
/// the way in).
pub async fn import(args: &Settings, file: &std::path::Path) -> Result<Store, DbError> {
    let db = connect_to(args).await?;
    let context = "looking for existing tables";
    let mut info = db
        .query("INFO FOR DB", serde_json::json!({}))
        .await
        .and_then(|response| response.check())
        .map_err(|source| DbError::query(context, source))?;
    let info: Option<serde_json::Value> = info.take(0).map_err(|source| DbError::query(context, source))?;
    let tables = info.as_ref().and_then(|info| info.get("tables")).and_then(|tables| tables.as_object()).map_or(0, |tables| tables.len());
    if tables > 0 {
        return Err(DbError::NotEmpty { tables });
    }
    db.import(file).await.map_err(|source| DbError::query("importing the backup", source))?;
    schema::migrate(&db).await?;
    Ok(Store::new(db))
}
