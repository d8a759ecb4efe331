//! When the browser syncs on its own: on a steady beat while things work, and backing off
//! exponentially, to a ceiling, while they fail, so a tablet on a weak link neither hammers
//! the server nor waits long once the link is back.

/// The beat while syncs succeed.
pub const SYNC_INTERVAL_MS: u64 = 30_000;
/// The first retry after a failure; each further failure doubles it.
pub const FIRST_RETRY_MS: u64 = 2_000;
/// The longest wait between automatic attempts.
pub const MAX_RETRY_MS: u64 = 5 * 60_000;

/// How long to wait before the next automatic sync, after `failures` failed rounds in a row.
pub fn next_sync_in_ms(failures: u32) -> u64 {
    match failures {
        0 => SYNC_INTERVAL_MS,
        n => FIRST_RETRY_MS.saturating_mul(1u64 << (n - 1).min(32)).min(MAX_RETRY_MS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_keeps_the_beat_and_failures_double_the_wait_up_to_the_ceiling() {
        assert_eq!(next_sync_in_ms(0), 30_000);
        let waits: Vec<u64> = (1..=9).map(next_sync_in_ms).collect();
        assert_eq!(waits, [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000]);
        assert_eq!(next_sync_in_ms(u32::MAX), MAX_RETRY_MS);
    }
}
