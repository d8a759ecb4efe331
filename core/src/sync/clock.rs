//! Hybrid logical clocks: the device's wall clock where it can be trusted, a counter where
//! it cannot, and the device id to break ties, so every edit gets a stamp that orders the
//! same way on every replica even when a tablet's clock is wrong.

pub use crate::domain::Stamp;
use uuid::Uuid;

/// How far into the future (by the server's clock) a stamp may claim to be. Beyond this the
/// server clamps it, so a tablet set to next year cannot win every later edit.
pub const MAX_FUTURE_SKEW_MS: i64 = 5 * 60 * 1000;

impl Stamp {
    /// The stamp for a new local edit: later than everything this device has made or seen.
    pub fn next(last: Option<Stamp>, now_ms: i64, device: Uuid) -> Stamp {
        match last {
            Some(last) if last.wall_ms >= now_ms => Stamp { wall_ms: last.wall_ms, counter: last.counter.saturating_add(1), device },
            _ => Stamp { wall_ms: now_ms, counter: 0, device },
        }
    }

    /// The clock after seeing `remote`: later than both, so the next local edit orders after
    /// everything the device has been shown.
    pub fn witness(last: Option<Stamp>, remote: Stamp, device: Uuid) -> Stamp {
        let base = Stamp { device, ..remote };
        match last {
            Some(last) if last >= base => last,
            _ => base,
        }
    }

    /// The stamp the server keeps for a device's change, given the stamp it kept for that
    /// device's previous change: no more than [`MAX_FUTURE_SKEW_MS`] ahead of the server's
    /// clock (a tablet set to next year cannot win every later edit), and always after the
    /// device's previous kept stamp, so pulling stamps back never reorders one device's own
    /// edits nor makes two of them equal. Returns whether the kept stamp differs from `self`.
    pub fn kept(self, previous: Option<Stamp>, server_now_ms: i64) -> (Stamp, bool) {
        let limit = server_now_ms.saturating_add(MAX_FUTURE_SKEW_MS);
        let mut kept = if self.wall_ms > limit { Stamp { wall_ms: limit, ..self } } else { self };
        if let Some(previous) = previous.filter(|previous| *previous >= kept) {
            kept = match previous.counter.checked_add(1) {
                Some(counter) => Stamp { wall_ms: previous.wall_ms, counter, device: self.device },
                None => Stamp { wall_ms: previous.wall_ms.saturating_add(1), counter: 0, device: self.device },
            };
        }
        (kept, kept != self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Uuid = Uuid::from_u128(1);
    const B: Uuid = Uuid::from_u128(2);

    #[test]
    fn a_clock_that_goes_backwards_still_moves_forward() {
        let first = Stamp::next(None, 10_000, A);
        let second = Stamp::next(Some(first), 5_000, A);
        assert!(second > first);
        assert_eq!(second.wall_ms, 10_000);
        assert_eq!(second.counter, 1);
    }

    #[test]
    fn after_seeing_a_remote_edit_the_next_local_one_orders_after_it() {
        let remote = Stamp::next(None, 50_000, B);
        let clock = Stamp::witness(Some(Stamp::next(None, 1_000, A)), remote, A);
        let local = Stamp::next(Some(clock), 2_000, A);
        assert!(local > remote);
    }

    #[test]
    fn stamps_far_in_the_future_are_pulled_back() {
        let wild = Stamp { wall_ms: 10_000_000, counter: 3, device: A };
        let (kept, adjusted) = wild.kept(None, 1_000);
        assert!(adjusted);
        assert_eq!(kept.wall_ms, 1_000 + MAX_FUTURE_SKEW_MS);
        assert_eq!(kept.counter, 3);
        let honest = Stamp { wall_ms: 1_000, counter: 0, device: A };
        assert_eq!(honest.kept(None, 1_000), (honest, false));
    }

    #[test]
    fn pulled_back_stamps_of_one_device_keep_the_devices_order() {
        let now = 1_000;
        let earlier = Stamp { wall_ms: 3_600_000, counter: 3, device: A };
        let later = Stamp { wall_ms: 3_600_010, counter: 0, device: A };
        let (first, _) = earlier.kept(None, now);
        let (second, adjusted) = later.kept(Some(first), now);
        assert!(adjusted);
        assert!(second > first, "the device made `later` after `earlier`");
        assert_eq!((second.wall_ms, second.counter), (first.wall_ms, first.counter + 1));
    }

    #[test]
    fn two_edits_pulled_back_to_the_same_moment_stay_distinct() {
        let (first, _) = Stamp { wall_ms: 3_600_000, counter: 0, device: A }.kept(None, 0);
        let (second, _) = Stamp { wall_ms: 3_600_005, counter: 0, device: A }.kept(Some(first), 0);
        assert!(second > first);
    }

    #[test]
    fn an_honest_stamp_after_the_previous_one_is_kept_as_sent() {
        let previous = Stamp { wall_ms: 500, counter: 0, device: A };
        let next = Stamp { wall_ms: 900, counter: 0, device: A };
        assert_eq!(next.kept(Some(previous), 1_000), (next, false));
    }

    #[test]
    fn a_counter_at_its_end_moves_the_time_on() {
        let previous = Stamp { wall_ms: 500, counter: u32::MAX, device: A };
        let (kept, _) = Stamp { wall_ms: 400, counter: 0, device: A }.kept(Some(previous), 1_000);
        assert_eq!((kept.wall_ms, kept.counter), (501, 0));
        assert!(kept > previous);
    }
}
