//! The lease saying which app server writes the pushes of a shared database (see
//! `crate::push_writer` for why and how pushes are handed to it).

use super::{DbError, Recorded, SyncStore};
use serde::Deserialize;
use serde_json::json;

/// How long a push writer's lease lasts without renewal, in seconds of database time. Its
/// holder renews it every second; a server that stopped is replaced this long after.
pub const PUSH_WRITER_LEASE_SECONDS: u64 = 5;

/// The push writer as the database names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WriterLease {
    pub holder: String,
    pub address: String,
    /// The lease has not run out (by the database's clock).
    pub live: bool,
}

impl SyncStore {
    /// Renews the lease when `holder` has it, or takes it when nobody holds it (still)
    /// and this server has an `address` the others can reach; then answers who holds it.
    /// A server without an address only reads.
    pub async fn claim_push_writer(&self, holder: &str, address: Option<&str>) -> Result<Option<WriterLease>, DbError> {
        if let Some(address) = address {
            let query = format!(
                "BEGIN TRANSACTION;
                 LET $current = (SELECT holder, lease_until FROM push_writer:only)[0];
                 IF $current = NONE OR $current.holder = $holder OR $current.lease_until <= time::now() {{
                     UPSERT push_writer:only CONTENT {{
                         holder: $holder, address: $address, lease_until: time::now() + {PUSH_WRITER_LEASE_SECONDS}s
                     }} RETURN NONE;
                 }};
                 COMMIT TRANSACTION;"
            );
            // Losing a race for it to another server (Stale) only means that one took it.
            let _: Recorded = self
                .db
                .transaction_outcome("taking the push writer's lease", &query, json!({"holder": holder, "address": address}))
                .await?;
        }
        self.db
            .select_first(
                "reading the push writer's lease",
                "SELECT holder, address, lease_until > time::now() AS live FROM push_writer:only;",
                json!({}),
            )
            .await
    }

    /// Gives up the lease if `holder` has it, so that another server takes it at once
    /// rather than when it runs out.
    pub async fn release_push_writer(&self, holder: &str) -> Result<(), DbError> {
        self.db
            .run(
                "giving up the push writer's lease",
                "UPDATE push_writer:only SET lease_until = time::now() - 1s WHERE holder = $holder RETURN NONE;",
                json!({"holder": holder}),
            )
            .await
            .map(drop)
    }
}
