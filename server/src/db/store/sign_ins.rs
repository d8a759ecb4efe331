//! Failed sign-ins, counted in the database so that every app server sees them all.

use super::Store;
use crate::db::DbError;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
struct FailureTime {
    at_ms: i64,
}

impl Store {
    /// When the failures counted against `key` happened, since `since_ms`, oldest first.
    pub async fn sign_in_failures(&self, key: &str, since_ms: i64) -> Result<Vec<i64>, DbError> {
        let rows: Vec<FailureTime> = self
            .select(
                "reading failed sign-ins",
                "SELECT at_ms FROM sign_in_failure WHERE key = $key AND at_ms > $since ORDER BY at_ms",
                json!({"key": key, "since": since_ms}),
            )
            .await?;
        Ok(rows.into_iter().map(|row| row.at_ms).collect())
    }

    /// Counts one failure against each key, and forgets failures older than `expired_ms`
    /// (no window reaches back that far).
    pub async fn record_sign_in_failure(&self, keys: &[String], at_ms: i64, expired_ms: i64) -> Result<(), DbError> {
        let rows: Vec<_> = keys.iter().map(|key| json!({"key": key, "at_ms": at_ms})).collect();
        self.run(
            "counting a failed sign-in",
            "INSERT INTO sign_in_failure $rows RETURN NONE; DELETE sign_in_failure WHERE at_ms <= $expired RETURN NONE;",
            json!({"rows": rows, "expired": expired_ms}),
        )
        .await
        .map(drop)
    }

    pub async fn clear_sign_in_failures(&self, key: &str) -> Result<(), DbError> {
        self.run("clearing failed sign-ins", "DELETE sign_in_failure WHERE key = $key RETURN NONE", json!({"key": key})).await.map(drop)
    }
}
