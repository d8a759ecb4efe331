//! Sign-in throttling: attempts that did not succeed are counted per username and per
//! client address in a sliding window; past the limit, sign-in (and the password change,
//! which checks a password too) answers 429 until the oldest ages out. Each attempt is
//! counted before its password is checked and taken back if it was right. The counts are
//! kept in the database, so that app servers sharing it hold a guesser back together,
//! whichever of them the guesses reach.

use crate::db::{DbError, PeopleStore};
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

/// How many live streams may be open at once.
#[derive(Debug, Clone, Copy)]
pub struct StreamLimits {
    /// From one session: a supervisor's few tabs.
    pub per_session: u32,
    /// On this app server: each costs a query per beat.
    pub per_server: u32,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self { per_session: 4, per_server: 200 }
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

/// What a reservation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The attempt counts from now on; settle it once the password is checked.
    Reserved { at_ms: i64 },
    /// Too many attempts: wait this long.
    HeldBack(Duration),
}

impl SignInThrottle {
    pub fn new(limits: SignInLimits) -> Self {
        Self { limits }
    }

    fn window_start(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(i64::try_from(self.limits.window.as_millis()).unwrap_or(i64::MAX))
    }

    /// Counts an attempt for this username and from this address before the password is
    /// checked, unless either is at its limit. Attempts sent together are counted one
    /// after another (each reservation rewrites its keys only if they still hold what it
    /// read), so N guesses at once count N. Used by sign-in and by the password change,
    /// which checks a password just the same.
    pub async fn reserve(&self, people: &PeopleStore, username: &str, address: Option<&str>, now_ms: i64) -> Result<Attempt, DbError> {
        let mut keys = vec![(username_key(username), self.limits.per_username)];
        keys.extend(address.map(|address| (address_key(address), self.limits.per_address)));
        let names: Vec<String> = keys.iter().map(|(key, _)| key.clone()).collect();
        let since = self.window_start(now_ms);
        crate::db::retry::until_written("reserving a sign-in attempt", || async {
            let mut kept = people.sign_in_attempts(&names).await?;
            let mut waits = Vec::new();
            let mut writes = Vec::new();
            for (key, limit) in &keys {
                let read = kept.remove(key);
                let times = read.as_deref().unwrap_or_default();
                waits.extend(wait_after(times, *limit, self.limits.window, now_ms));
                let mut written: Vec<i64> = times.iter().copied().filter(|at| *at > since).collect();
                written.push(now_ms);
                writes.push(crate::db::AttemptsWrite { key: key.clone(), read, times: written });
            }
            if let Some(wait) = waits.into_iter().max() {
                return Ok(Some(Attempt::HeldBack(wait)));
            }
            Ok(match people.write_sign_in_attempts(&writes, now_ms, since).await? {
                crate::db::Recorded::Written => Some(Attempt::Reserved { at_ms: now_ms }),
                crate::db::Recorded::Stale => None,
            })
        })
        .await
    }

    /// A reserved attempt whose password was right: the username's count starts again,
    /// and the address's loses this attempt (one good account must not unlock guessing at
    /// others from the same place, and an office's many good sign-ins must not lock it
    /// out). A wrong password leaves the attempt counted.
    pub async fn succeeded(&self, people: &PeopleStore, username: &str, address: Option<&str>, at_ms: i64) -> Result<(), DbError> {
        // Sign-ins succeeding together from one office write the same keys at once; the
        // store runs a write that lost that race again.
        people.clear_sign_in_attempts(&username_key(username)).await?;
        if let Some(address) = address {
            people.refund_sign_in_attempt(&address_key(address), at_ms).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn successes_at_once_from_one_address_each_take_their_attempt_back() {
        let people = crate::db::fixture::empty().await.people;
        let throttle = SignInThrottle::new(SignInLimits { per_username: 5, per_address: 40, window: MINUTE });
        let mut reserved = Vec::new();
        for n in 0..20 {
            match throttle.reserve(&people, &format!("canbo{n}"), Some("10.5.5.5"), 1_000 + n).await.unwrap() {
                Attempt::Reserved { at_ms } => reserved.push((format!("canbo{n}"), at_ms)),
                held => panic!("attempt {n} was {held:?}"),
            }
        }
        // A commune office's tablets at the start of the day: every success rewrites the
        // address's attempts at the same moment.
        let throttle = std::sync::Arc::new(throttle);
        let settling: Vec<_> = reserved
            .into_iter()
            .map(|(username, at_ms)| {
                let (throttle, people) = (throttle.clone(), people.clone());
                tokio::spawn(async move { throttle.succeeded(&people, &username, Some("10.5.5.5"), at_ms).await })
            })
            .collect();
        for settled in settling {
            settled.await.unwrap().unwrap();
        }
        let left = people.sign_in_attempts(&[address_key("10.5.5.5")]).await.unwrap();
        assert_eq!(left.get(&address_key("10.5.5.5")).map_or(0, Vec::len), 0, "every attempt taken back");
    }

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
