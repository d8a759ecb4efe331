//! Writes guarded by version checks lose a race now and then: another push of the same
//! device or item, a review, or another app server took the same counter value first.
//! Nothing was written then, so each such write is read, decided and written again, after
//! a growing, jittered pause, through [`until_written`].

use super::DbError;
use std::future::Future;

/// Tries before a write is given up as contended (503 with `Retry-After`).
const MAX_ATTEMPTS: u32 = 12;

/// An error that may be a lost race rather than a failure.
pub(crate) trait MaybeRace {
    fn is_race(&self) -> bool;
}

impl MaybeRace for DbError {
    fn is_race(&self) -> bool {
        self.is_transient()
    }
}

async fn back_off(attempt: u32) {
    let ceiling_ms = 2u64.saturating_pow(attempt.min(8));
    let jitter = rand::random::<u64>() % ceiling_ms.max(1);
    tokio::time::sleep(std::time::Duration::from_millis(jitter)).await;
}

/// Runs `attempt` until it has written: `Ok(Some(value))`. `Ok(None)` (something moved
/// since it read) and a lost race are tried again; any other error is the answer.
pub(crate) async fn until_written<T, E, F, Fut>(what: &'static str, mut attempt: F) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, E>>,
    E: From<DbError> + MaybeRace + std::fmt::Display,
{
    for round in 0..MAX_ATTEMPTS {
        match attempt().await {
            Ok(Some(written)) => return Ok(written),
            Ok(None) => {}
            Err(error) if error.is_race() => tracing::debug!(%error, round, what, "lost a race with another write; trying again"),
            Err(error) => return Err(error),
        }
        back_off(round).await;
    }
    tracing::warn!(what, "gave up after repeated write conflicts");
    Err(DbError::Contended.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[tokio::test]
    async fn a_write_that_keeps_losing_is_given_up_as_contended() {
        let tries = Cell::new(0);
        let outcome: Result<(), DbError> = until_written("testing", || {
            tries.set(tries.get() + 1);
            async { Ok(None) }
        })
        .await;
        assert!(matches!(outcome, Err(DbError::Contended)));
        assert_eq!(tries.get(), MAX_ATTEMPTS);
    }

    #[tokio::test]
    async fn a_write_that_gets_through_is_answered_and_another_error_stops_at_once() {
        let tries = Cell::new(0);
        let written: Result<u32, DbError> = until_written("testing", || {
            tries.set(tries.get() + 1);
            let now = tries.get();
            async move { Ok((now == 3).then_some(now)) }
        })
        .await;
        assert_eq!(written.unwrap(), 3);
        let failed: Result<(), DbError> = until_written("testing", || async { Err(DbError::HalfCredentials) }).await;
        assert!(matches!(failed, Err(DbError::HalfCredentials)));
    }
}
