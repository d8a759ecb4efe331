//! Sign-in attempts, counted in the database so that every app server sees them all, and
//! reserved before a password is checked so that guesses sent together all count.

use super::{PeopleStore, Recorded};
use crate::db::DbError;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

/// One key's attempts to write: the key, its times as read (`None`: no record), and
/// the times to write over them.
#[derive(Debug, Clone)]
pub struct AttemptsWrite {
    pub key: String,
    pub read: Option<Vec<i64>>,
    pub times: Vec<i64>,
}

#[derive(Debug, Deserialize)]
struct AttemptsRow {
    key: String,
    times: Vec<i64>,
}

impl PeopleStore {
    /// The attempt times kept for each of `keys` (absent keys have none).
    pub async fn sign_in_attempts(&self, keys: &[String]) -> Result<HashMap<String, Vec<i64>>, DbError> {
        let rows: Vec<AttemptsRow> = self
            .db
            .select(
                "reading sign-in attempts",
                "SELECT record::id(id) AS key, times FROM array::map($keys, |$key| type::record('sign_in_attempts', $key)) \
                 WHERE newest != NONE;",
                json!({"keys": keys}),
            )
            .await?;
        Ok(rows.into_iter().map(|row| (row.key, row.times)).collect())
    }

    /// Writes each key's new attempt times, if every key still holds the times read
    /// (`read`: `None` for a key that had no record); sweeps records past every window.
    /// `Stale` when another attempt got in first: read again and decide again.
    pub async fn write_sign_in_attempts(&self, writes: &[AttemptsWrite], newest: i64, expired_ms: i64) -> Result<Recorded, DbError> {
        let writes: Vec<_> = writes.iter().map(|write| json!({"key": write.key, "read": write.read, "times": write.times})).collect();
        self.db
            .transaction_outcome(
                "reserving a sign-in attempt",
                "BEGIN TRANSACTION;
             FOR $w IN $writes {
                 IF $w.read = NONE {
                     CREATE type::record('sign_in_attempts', $w.key) SET times = $w.times, newest = $newest RETURN NONE;
                 } ELSE {
                     LET $moved = (UPDATE type::record('sign_in_attempts', $w.key) SET times = $w.times, newest = $newest
                         WHERE times = $w.read RETURN VALUE id);
                     IF array::len($moved) = 0 { THROW 'stale attempts' };
                 };
             };
             DELETE sign_in_attempts WHERE newest <= $expired RETURN NONE;
             COMMIT TRANSACTION;",
                json!({"writes": writes, "newest": newest, "expired": expired_ms}),
            )
            .await
    }

    /// Forgets every attempt kept against `key`.
    pub async fn clear_sign_in_attempts(&self, key: &str) -> Result<(), DbError> {
        self.db
            .run_until_written(
                "clearing sign-in attempts",
                "DELETE type::record('sign_in_attempts', $key) RETURN NONE;",
                json!({"key": key}),
            )
            .await
    }

    /// Takes back the attempt made at `at_ms` from `key`'s count.
    pub async fn refund_sign_in_attempt(&self, key: &str, at_ms: i64) -> Result<(), DbError> {
        self.db
            .run_until_written(
                "taking back a sign-in attempt",
                "UPDATE type::record('sign_in_attempts', $key) SET times -= $at RETURN NONE;",
                json!({"key": key, "at": at_ms}),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::empty;
    use super::*;

    #[tokio::test]
    async fn attempts_written_over_a_stale_read_are_refused_and_a_refund_takes_one_back() {
        let people = empty().await.people;
        let key = "user:canbo".to_owned();
        let first = AttemptsWrite { key: key.clone(), read: None, times: vec![1_000, 2_000] };
        assert_eq!(people.write_sign_in_attempts(std::slice::from_ref(&first), 2_000, 0).await.unwrap(), Recorded::Written);
        assert_eq!(people.write_sign_in_attempts(&[first], 3_000, 0).await.unwrap(), Recorded::Stale, "read as absent, but written since");
        assert_eq!(people.sign_in_attempts(std::slice::from_ref(&key)).await.unwrap()[&key], [1_000, 2_000]);

        people.refund_sign_in_attempt(&key, 2_000).await.unwrap();
        assert_eq!(people.sign_in_attempts(std::slice::from_ref(&key)).await.unwrap()[&key], [1_000]);
        people.clear_sign_in_attempts(&key).await.unwrap();
        assert!(!people.sign_in_attempts(&[key]).await.unwrap().contains_key("user:canbo"));
    }
}
