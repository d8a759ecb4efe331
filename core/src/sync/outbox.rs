//! A device's outbox: the changes it made that the server has not yet settled, with the
//! device's change numbering and clock. Kept as one value so one storage write records a
//! tick completely.

use super::{Base, Change, ChangeResult, ChangeStatus, Edit, Stamp};
use crate::domain::ChecklistItem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    /// This device (a browser profile, per person) as the server knows it.
    pub device: Uuid,
    pub next_seq: u64,
    pub clock: Option<Stamp>,
    pub changes: Vec<Change>,
}

/// What one push answer did to the outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settled {
    /// Written by the server (applied, superseded or already there).
    pub acknowledged: Vec<Change>,
    /// Refused, with the server's reason; kept for the person to see.
    pub refused: Vec<(Change, String)>,
    /// The server is missing earlier numbers; the outbox was renumbered to fill the gap.
    pub renumbered: bool,
}

impl Outbox {
    pub fn new(device: Uuid) -> Self {
        Self { device, next_seq: 1, clock: None, changes: Vec::new() }
    }

    /// Records an edit of `shown` (the item as the screen shows it, pending changes
    /// included) and returns the change.
    pub fn record(&mut self, id: Uuid, shown: &ChecklistItem, edit: Edit, now_ms: i64) -> Change {
        let stamp = Stamp::next(self.clock, now_ms, self.device);
        self.clock = Some(stamp);
        let change = Change { id, item: shown.id, seq: self.next_seq, stamp, base: Base::of(shown), edit };
        self.next_seq += 1;
        self.changes.push(change.clone());
        change
    }

    /// Moves the clock past a stamp the server has shown this device; says whether it
    /// moved (so an unchanged outbox need not be written back).
    pub fn witness(&mut self, seen: Stamp) -> bool {
        let moved = Some(Stamp::witness(self.clock, seen, self.device));
        let changed = moved != self.clock;
        self.clock = moved;
        changed
    }

    /// Drops the changes the server has settled; says whether any were dropped.
    pub fn prune(&mut self, settled: &BTreeSet<Uuid>) -> bool {
        let before = self.changes.len();
        self.changes.retain(|change| !settled.contains(&change.id));
        self.changes.len() != before
    }

    pub fn settle(&mut self, results: &[ChangeResult]) -> Settled {
        let mut settled = Settled::default();
        for result in results {
            let Some(position) = self.changes.iter().position(|change| change.id == result.id) else { continue };
            if result.status.settles() {
                let mut change = self.changes.remove(position);
                if result.status == ChangeStatus::Rejected {
                    settled.refused.push((change, result.reason.clone().unwrap_or_default()));
                } else {
                    // Folded in as the server kept it, so the snapshot shows what a pull
                    // will bring, and the clock stays past everything the device was shown.
                    if let Some(kept) = result.kept_stamp {
                        change.stamp = kept;
                        self.witness(kept);
                    }
                    settled.acknowledged.push(change);
                }
            } else if let Some(expected) = result.expected_seq {
                // The server never applied these numbers, so giving the waiting changes new
                // ones, in the order they were made, loses and repeats nothing.
                for (offset, change) in self.changes.iter_mut().enumerate() {
                    change.seq = expected + offset as u64;
                }
                self.next_seq = expected + self.changes.len() as u64;
                settled.renumbered = true;
            }
        }
        settled
    }
}

/// The changes still waiting in several devices' outboxes (the tabs of one browser), less
/// those the server has settled: each device's in its own order, as a push must send them.
pub fn waiting<'a>(outboxes: impl IntoIterator<Item = &'a Outbox>, settled: &BTreeSet<Uuid>) -> Vec<Change> {
    let mut waiting: Vec<Change> =
        outboxes.into_iter().flat_map(|outbox| outbox.changes.iter()).filter(|change| !settled.contains(&change.id)).cloned().collect();
    // A device numbers its changes once each: the key is unique.
    waiting.sort_unstable_by_key(|change| (change.device(), change.seq));
    waiting
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UnitCode;

    fn item() -> ChecklistItem {
        ChecklistItem::new(Uuid::from_u128(1), Uuid::nil(), UnitCode::parse("XA-1").unwrap(), "Mục", 1).unwrap()
    }

    fn result(change: &Change, status: ChangeStatus, expected_seq: Option<u64>) -> ChangeResult {
        ChangeResult { reason: Some("lý do".into()), expected_seq, ..ChangeResult::bare(change.id, status) }
    }

    #[test]
    fn changes_are_numbered_in_order_with_rising_stamps() {
        let mut outbox = Outbox::new(Uuid::from_u128(7));
        let a = outbox.record(Uuid::from_u128(10), &item(), Edit::Done { value: true }, 5_000);
        let b = outbox.record(Uuid::from_u128(11), &item(), Edit::Done { value: false }, 1_000);
        assert_eq!((a.seq, b.seq), (1, 2));
        assert!(b.stamp > a.stamp, "a clock that went back still moves forward");
    }

    #[test]
    fn settled_changes_leave_and_refusals_are_kept_aside() {
        let mut outbox = Outbox::new(Uuid::from_u128(7));
        let a = outbox.record(Uuid::from_u128(10), &item(), Edit::Done { value: true }, 1);
        let b = outbox.record(Uuid::from_u128(11), &item(), Edit::Done { value: false }, 2);
        let c = outbox.record(Uuid::from_u128(12), &item(), Edit::Done { value: true }, 3);
        let settled = outbox.settle(&[result(&a, ChangeStatus::Duplicate, None), result(&b, ChangeStatus::Rejected, None)]);
        assert_eq!(settled.acknowledged, vec![a]);
        assert_eq!(settled.refused, vec![(b, "lý do".to_owned())]);
        assert_eq!(outbox.changes, vec![c]);
    }

    #[test]
    fn several_tabs_outboxes_wait_in_each_devices_order_less_what_is_settled() {
        let (mut one, mut two) = (Outbox::new(Uuid::from_u128(2)), Outbox::new(Uuid::from_u128(1)));
        let a = one.record(Uuid::from_u128(10), &item(), Edit::Done { value: true }, 1);
        let b = two.record(Uuid::from_u128(11), &item(), Edit::Done { value: false }, 2);
        let c = one.record(Uuid::from_u128(12), &item(), Edit::Done { value: true }, 3);
        let d = two.record(Uuid::from_u128(13), &item(), Edit::Done { value: true }, 4);
        assert_eq!(waiting([&one, &two], &BTreeSet::new()), vec![b.clone(), d.clone(), a.clone(), c.clone()]);
        let settled = BTreeSet::from([a.id, d.id]);
        assert_eq!(waiting([&one, &two], &settled), vec![b, c.clone()]);
        assert!(one.prune(&settled));
        assert_eq!(one.changes, vec![c]);
        assert!(!one.prune(&settled), "nothing left to drop");
    }

    #[test]
    fn an_acknowledged_change_is_folded_in_with_the_stamp_the_server_kept() {
        let mut outbox = Outbox::new(Uuid::from_u128(7));
        let a = outbox.record(Uuid::from_u128(10), &item(), Edit::Done { value: true }, 1_000);
        let kept = Stamp { wall_ms: 2_000, counter: 4, device: a.device() };
        let settled = outbox.settle(&[ChangeResult { kept_stamp: Some(kept), ..ChangeResult::bare(a.id, ChangeStatus::Applied) }]);
        assert_eq!(settled.acknowledged[0].stamp, kept);
        let next = outbox.record(Uuid::from_u128(11), &item(), Edit::Done { value: false }, 1_500);
        assert!(next.stamp > kept, "the device's next edit orders after what the server kept");
    }

    #[test]
    fn a_gap_renumbers_what_is_waiting() {
        let mut outbox = Outbox::new(Uuid::from_u128(7));
        outbox.next_seq = 9;
        let a = outbox.record(Uuid::from_u128(10), &item(), Edit::Done { value: true }, 1);
        outbox.record(Uuid::from_u128(11), &item(), Edit::Done { value: false }, 2);
        let settled = outbox.settle(&[result(&a, ChangeStatus::Gap, Some(4))]);
        assert!(settled.renumbered);
        assert_eq!(outbox.changes.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![4, 5]);
        assert_eq!(outbox.next_seq, 6);
    }
}
