//! The database: one connection string picks the engine, the schema is applied at start,
//! and [`Store`] is the one interface the rest of the server uses.

mod people;
mod schema;
mod store;

pub use people::{AccountChange, AccountRow, SessionRow};
pub use schema::{migrate, migrate_to, SCHEMA_VERSION};
pub use store::{
    due_key, AssignmentScope, Batch, ChangedAssignment, ClassifiedAssignment, Counted, DueRow, HistoryRow, ItemWrite, LogEntry,
    PeriodRecords, PhotoAttachment, PhotoRow, Recorded, StateCount, Store, StoredItem, StoredPhoto,
};

use crate::config::DbArgs;
use surrealdb::engine::any::{connect, Any};
use surrealdb::opt::auth::Root;
use surrealdb::Surreal;

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
    #[error("schema version {found} is newer than this build understands ({known})")]
    SchemaTooNew { found: i64, known: i64 },
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

/// Opens the database named by `args`, signs in when a remote server asks for it, and
/// brings the schema up to date.
pub async fn open(args: &DbArgs) -> Result<Store, DbError> {
    let db: Surreal<Any> =
        connect(args.url.as_str()).await.map_err(|source| DbError::Connect { url: args.url.clone(), source: Box::new(source) })?;
    match (&args.user, &args.pass) {
        (Some(user), Some(pass)) => {
            db.signin(Root { username: user.clone(), password: pass.expose().to_owned() })
                .await
                .map_err(|source| DbError::SignIn { user: user.clone(), source: Box::new(source) })?;
        }
        (None, None) => {}
        _ => return Err(DbError::HalfCredentials),
    }
    db.use_ns(args.namespace.as_str())
        .use_db(args.database.as_str())
        .await
        .map_err(|source| DbError::Connect { url: args.url.clone(), source: Box::new(source) })?;
    schema::migrate(&db).await?;
    Ok(Store::new(db))
}
