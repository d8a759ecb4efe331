//! Sign-in throttling: failed attempts are counted per username and per client address
//! in a sliding window; past the limit, sign-in answers 429 until the oldest failure ages
//! out. The failures are kept in the database, so that app servers sharing it hold a
//! guesser back together, whichever of them the guesses reach.

use crate::db::{DbError, Store};
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    pub per_username: usize,
    pub per_address: usize,
    pub window: Duration,
}

impl Default for SignInLimits {
    fn default() -> Self {
        // A person mistyping gets several tries; an address is shared by a whole commune
        // office behind one router, so it gets more.
        Self { per_username: 5, per_address: 20, window: Duration::from_secs(15 * 60) }
    }
}

#[derive(Debug, Default)]
pub struct SignInThrottle {
    limits: SignInLimits,
}

/// Keys are prefixed so a username can never collide with an address.
fn username_key(username: &str) -> String {
    format!("user:{}", username.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

/// How long the next attempt must wait, given the times (ms, oldest first) of the failures
/// inside the window that ends at `now_ms`: none below `limit`, else until the oldest ages out.
fn wait_after(failures_ms: &[i64], limit: usize, window: Duration, now_ms: i64) -> Option<Duration> {
    let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
    let inside: Vec<i64> = failures_ms.iter().copied().filter(|at| now_ms.saturating_sub(*at) < window_ms).collect();
    if inside.len() < limit {
        return None;
    }
    let oldest = inside.iter().min().copied()?;
    let left_ms = window_ms.saturating_sub(now_ms.saturating_sub(oldest)).max(0);
    Some(Duration::from_millis(u64::try_from(left_ms).unwrap_or(0)))
}

impl SignInThrottle {
    pub fn new(limits: SignInLimits) -> Self {
        Self { limits }
    }

    fn window_start(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(i64::try_from(self.limits.window.as_millis()).unwrap_or(i64::MAX))
    }

    /// `Some(wait)` when another attempt for this username or from this address must wait.
    pub async fn wait_before_attempt(
        &self,
        store: &Store,
        username: &str,
        address: Option<&str>,
        now_ms: i64,
    ) -> Result<Option<Duration>, DbError> {
        let since = self.window_start(now_ms);
        let by_name = store.sign_in_failures(&username_key(username), since).await?;
        let mut waits = vec![wait_after(&by_name, self.limits.per_username, self.limits.window, now_ms)];
        if let Some(address) = address {
            let by_address = store.sign_in_failures(&address_key(address), since).await?;
            waits.push(wait_after(&by_address, self.limits.per_address, self.limits.window, now_ms));
        }
        Ok(waits.into_iter().flatten().max())
    }

    pub async fn record_failure(&self, store: &Store, username: &str, address: Option<&str>, now_ms: i64) -> Result<(), DbError> {
        let mut keys = vec![username_key(username)];
        keys.extend(address.map(address_key));
        store.record_sign_in_failure(&keys, now_ms, self.window_start(now_ms)).await
    }

    /// A successful sign-in clears the username's count (not the address's: one good
    /// account must not unlock guessing at others from the same place).
    pub async fn record_success(&self, store: &Store, username: &str) -> Result<(), DbError> {
        store.clear_sign_in_failures(&username_key(username)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn below_the_limit_nothing_waits() {
        assert_eq!(wait_after(&[0, 1_000], 3, MINUTE, 2_000), None);
        assert_eq!(wait_after(&[], 1, MINUTE, 0), None);
    }

    #[test]
    fn at_the_limit_the_wait_lasts_until_the_oldest_failure_ages_out() {
        assert_eq!(wait_after(&[0, 1_000, 2_000], 3, MINUTE, 10_000), Some(Duration::from_secs(50)));
        assert_eq!(wait_after(&[0, 1_000, 2_000], 3, MINUTE, 60_000), None, "the oldest has left the window");
    }

    #[test]
    fn failures_older_than_the_window_do_not_count() {
        assert_eq!(wait_after(&[-120_000, -90_000, 5_000], 2, MINUTE, 6_000), None);
    }

    #[test]
    fn keys_keep_usernames_and_addresses_apart_and_ignore_case() {
        assert_eq!(username_key("Official"), username_key("official"));
        assert_ne!(username_key("10.0.0.1"), address_key("10.0.0.1"));
    }
}
