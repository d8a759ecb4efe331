//! Sign-in throttling: failed attempts are counted per username and per client address
//! in a sliding window; past the limit, sign-in answers 429 until the oldest failure ages
//! out. Counts live in this process: several app servers each count their own share,
//! which multiplies the limit by the number of servers but keeps guessing slow.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Keys are prefixed so a username can never collide with an address.
fn username_key(username: &str) -> String {
    format!("user:{}", username.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

impl SignInThrottle {
    pub fn new(limits: SignInLimits) -> Self {
        Self { limits, failures: Mutex::default() }
    }

    /// `Some(wait)` when another attempt for this username or from this address must wait.
    pub fn wait_before_attempt(&self, username: &str, address: Option<&str>, now: Instant) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut waits = vec![self.wait(&mut failures, &username_key(username), self.limits.per_username, now)];
        if let Some(address) = address {
            waits.push(self.wait(&mut failures, &address_key(address), self.limits.per_address, now));
        }
        waits.into_iter().flatten().max()
    }

    fn wait(&self, failures: &mut HashMap<String, VecDeque<Instant>>, key: &str, limit: usize, now: Instant) -> Option<Duration> {
        let times = failures.get_mut(key)?;
        while times.front().is_some_and(|first| now.duration_since(*first) >= self.limits.window) {
            times.pop_front();
        }
        if times.is_empty() {
            failures.remove(key);
            return None;
        }
        (times.len() >= limit).then(|| self.limits.window.saturating_sub(now.duration_since(times[0])))
    }

    pub fn record_failure(&self, username: &str, address: Option<&str>, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Bounded memory under a flood of made-up usernames: forget the stalest keys.
        if failures.len() > 100_000 {
            let window = self.limits.window;
            failures.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < window));
        }
        failures.entry(username_key(username)).or_default().push_back(now);
        if let Some(address) = address {
            failures.entry(address_key(address)).or_default().push_back(now);
        }
    }

    /// A successful sign-in clears the username's count (not the address's: one good
    /// account must not unlock guessing at others from the same place).
    pub fn record_success(&self, username: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.remove(&username_key(username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> SignInThrottle {
        SignInThrottle::new(SignInLimits { per_username: 3, per_address: 5, window: Duration::from_secs(60) })
    }

    #[test]
    fn a_username_is_held_after_its_limit_until_the_oldest_failure_ages_out() {
        let throttle = throttle();
        let start = Instant::now();
        for second in 0..3 {
            assert_eq!(throttle.wait_before_attempt("official", Some("10.0.0.1"), start + Duration::from_secs(second)), None);
            throttle.record_failure("official", Some("10.0.0.1"), start + Duration::from_secs(second));
        }
        let wait = throttle.wait_before_attempt("Official", None, start + Duration::from_secs(10)).unwrap();
        assert_eq!(wait, Duration::from_secs(50));
        assert_eq!(throttle.wait_before_attempt("official", None, start + Duration::from_secs(60)), None);
        assert_eq!(throttle.wait_before_attempt("head", Some("10.0.0.2"), start), None, "others are not held");
    }

    #[test]
    fn an_address_trying_many_usernames_is_held() {
        let throttle = throttle();
        let now = Instant::now();
        for name in ["a", "b", "c", "d", "e"] {
            throttle.record_failure(name, Some("10.0.0.9"), now);
        }
        assert!(throttle.wait_before_attempt("f", Some("10.0.0.9"), now).is_some());
        assert!(throttle.wait_before_attempt("f", Some("10.0.0.8"), now).is_none());
    }

    #[test]
    fn success_clears_the_username_but_not_the_address() {
        let throttle = throttle();
        let now = Instant::now();
        for _ in 0..5 {
            throttle.record_failure("official", Some("10.0.0.1"), now);
        }
        throttle.record_success("official");
        assert!(throttle.wait_before_attempt("official", None, now).is_none());
        assert!(throttle.wait_before_attempt("official", Some("10.0.0.1"), now).is_some());
    }
}
