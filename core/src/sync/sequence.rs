//! Each device numbers its changes 1, 2, 3…; the server remembers the last number it applied
//! per device, in the same transaction as the change. That recognises a replay without
//! looking anything else up, and refuses to apply out of order.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequence {
    /// The next change in order: apply it.
    Next,
    /// Already applied: answer as before, write nothing.
    Replay,
    /// Earlier changes are missing; the device must send from `expected` on.
    Gap { expected: u64 },
}

pub fn check_sequence(last_applied: u64, seq: u64) -> Sequence {
    match seq {
        s if s <= last_applied => Sequence::Replay,
        s if s == last_applied + 1 => Sequence::Next,
        _ => Sequence::Gap { expected: last_applied + 1 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_taken_strictly_in_order() {
        assert_eq!(check_sequence(0, 1), Sequence::Next);
        assert_eq!(check_sequence(4, 5), Sequence::Next);
        assert_eq!(check_sequence(4, 4), Sequence::Replay);
        assert_eq!(check_sequence(4, 1), Sequence::Replay);
        assert_eq!(check_sequence(4, 7), Sequence::Gap { expected: 5 });
        assert_eq!(check_sequence(0, 0), Sequence::Replay, "0 is never a change number");
    }
}
