//! The one handle to the database, embedded or a server, behind the few calls the store
//! makes.
//!
//! An embedded datastore is built here rather than by the SDK's `connect`: the SDK's local
//! engine takes no storage settings, and SurrealKV sizes its write buffer and block cache
//! from the machine's memory (a 1 GiB memtable and an 11 GiB cache on 24 GiB), so an app
//! server's memory would grow with every change it takes until the buffer is flushed. Here
//! both are bounded by [`EmbeddedLimits`]. The SDK hands over an opened datastore only
//! through a hidden, unstable constructor, which is why every SurrealDB crate is pinned to
//! one exact version in the workspace manifest.

use super::DbError;
use serde_json::Value;
use std::sync::Arc;
use surrealdb::engine::any::Any;
use surrealdb::engine::local::Db;
use surrealdb::{IndexedResults, Surreal};

/// How much memory an embedded SurrealKV datastore may hold, in MiB (a SurrealDB server
/// is sized by its own settings, see docs/deploy.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedLimits {
    /// The write buffer: changes sit here until it is full and flushed to disk. One
    /// transaction's keys and small values must fit, or the engine refuses it whole, so
    /// every write that grows with the data goes in bounded steps (a full push group, 2,000
    /// items of a directive: each under 16 MiB, tests write them). Values over 4 KiB,
    /// photos among them, go to the value log, not here.
    pub memtable_mib: u32,
    /// Blocks of the on-disk tables kept in memory for reads.
    pub block_cache_mib: u32,
}

impl EmbeddedLimits {
    pub const DEFAULT: EmbeddedLimits = EmbeddedLimits { memtable_mib: 16, block_cache_mib: 16 };

    fn config_map(self) -> surrealdb_cnf::ConfigMap {
        const MIB: u64 = 1024 * 1024;
        surrealdb_cnf::ConfigMap::empty()
            .with_key_value("surrealkv_max_memtable_size", (u64::from(self.memtable_mib) * MIB).to_string())
            .with_key_value("surrealkv_block_cache_capacity", (u64::from(self.block_cache_mib) * MIB).to_string())
    }
}

/// A connection to the database.
#[derive(Clone)]
pub enum Connection {
    /// A datastore this process opened itself, with bounded memory.
    Embedded(Surreal<Db>),
    /// Whatever the SDK connected to by address: a SurrealDB server in production.
    Connected(Surreal<Any>),
}

impl From<Surreal<Any>> for Connection {
    fn from(db: Surreal<Any>) -> Self {
        Connection::Connected(db)
    }
}

impl From<Surreal<Db>> for Connection {
    fn from(db: Surreal<Db>) -> Self {
        Connection::Embedded(db)
    }
}

/// True for the addresses of a datastore this process opens itself.
fn is_embedded(url: &str) -> bool {
    let scheme = url.split_once("://").map_or(url, |(scheme, _)| scheme);
    matches!(scheme, "mem" | "memory" | "surrealkv")
}

impl Connection {
    /// Opens the datastore at `url` in this process, or connects to the server there.
    pub async fn open(url: &str, limits: EmbeddedLimits) -> Result<Self, DbError> {
        let connect_error = |source: surrealdb::Error| DbError::Connect { url: url.to_owned(), source: Box::new(source) };
        if !is_embedded(url) {
            return surrealdb::engine::any::connect(url).await.map(Connection::Connected).map_err(connect_error);
        }
        // The engine reports its own errors as text only.
        let engine_error = |error: &dyn std::fmt::Display| connect_error(surrealdb::Error::internal(error.to_string()));
        // The order the SDK's own local engine keeps: the storage version is settled
        // before the maintenance tasks write anything, then the node registers itself.
        let datastore = surrealdb_core::kvs::Datastore::builder()
            .with_config(limits.config_map())
            .without_maintenance_tasks()
            .build_with_path(url)
            .await
            .map_err(|error| engine_error(&error))?;
        datastore.check_version().await.map_err(|error| engine_error(&error))?;
        datastore.bootstrap().await.map_err(|error| engine_error(&error))?;
        datastore.start_maintenance_tasks();
        Surreal::<Db>::unstable_from_datastore(Arc::clone(&datastore), None).await.map(Connection::Embedded).map_err(connect_error)
    }

    pub fn is_shared(&self) -> bool {
        matches!(self, Connection::Connected(_))
    }

    pub async fn query(&self, text: impl Into<String>, vars: Value) -> surrealdb::Result<IndexedResults> {
        let text = text.into();
        match self {
            Connection::Embedded(db) => db.query(text).bind(vars).await,
            Connection::Connected(db) => db.query(text).bind(vars).await,
        }
    }

    pub async fn sign_in_as_root(&self, username: String, password: String) -> surrealdb::Result<()> {
        let root = surrealdb::opt::auth::Root { username, password };
        match self {
            Connection::Embedded(db) => db.signin(root).await.map(drop),
            Connection::Connected(db) => db.signin(root).await.map(drop),
        }
    }

    pub async fn use_namespace_and_database(&self, namespace: &str, database: &str) -> surrealdb::Result<()> {
        match self {
            Connection::Embedded(db) => db.use_ns(namespace).use_db(database).await.map(drop),
            Connection::Connected(db) => db.use_ns(namespace).use_db(database).await.map(drop),
        }
    }

    pub async fn export(&self, file: &std::path::Path) -> surrealdb::Result<()> {
        match self {
            Connection::Embedded(db) => db.export(file).await,
            Connection::Connected(db) => db.export(file).await,
        }
    }

    pub async fn import(&self, file: &std::path::Path) -> surrealdb::Result<()> {
        match self {
            Connection::Embedded(db) => db.import(file).await,
            Connection::Connected(db) => db.import(file).await,
        }
    }
}
