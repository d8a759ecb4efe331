//! The server's decision on one push: for each change, whether it is written, under which
//! stamp, and what the device is told. Pure, so that the server (between one read and one
//! write) and the sync model call the very same rules.

use super::{apply, check_sequence, clashes, Change, ChangeResult, ChangeStatus, LoggedOutcome, Sequence, Stamp};
use crate::domain::{ChecklistItem, UnitCode};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// A registered device: whose it is, the last number it used, and the stamp the server
/// kept for that change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceState {
    pub owner: String,
    pub last_seq: u64,
    pub last_stamp: Option<Stamp>,
}

/// Everything the decision looks at, read before it.
#[derive(Debug, Clone, Default)]
pub struct PushReads {
    /// The push's devices that are registered; any other is new and becomes the author's.
    pub devices: HashMap<Uuid, DeviceState>,
    /// The push's changes that the change log already holds, as it holds them.
    pub logged: HashMap<Uuid, LoggedAnswer>,
    /// The push's items that exist (removed ones too: a late tick on them is kept).
    pub items: HashMap<Uuid, ChecklistItem>,
}

/// One push as the decision takes it: who sent it, what they may change, its changes.
#[derive(Debug, Clone, Copy)]
pub struct Push<'a> {
    pub author: &'a str,
    /// The units, among those of the push's items, whose items the author may change.
    pub writable: &'a HashSet<UnitCode>,
    pub changes: &'a [Change],
}

/// What the log says of a change it already holds: enough to answer it again as before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedAnswer {
    pub outcome: LoggedOutcome,
    /// The stamp kept (absent on rows logged before stamps were kept).
    pub kept: Option<Stamp>,
    pub reason: Option<String>,
}

/// Why a change was refused. A refused change still uses up its number, except under a
/// device that is not the author's (that number is not theirs to use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    OtherAccountsDevice,
    ItemGone,
    OtherUnit,
}

impl Refusal {
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::OtherAccountsDevice => "this device is registered to another account",
            Refusal::ItemGone => "this checklist item no longer exists",
            Refusal::OtherUnit => "this checklist item belongs to another unit",
        }
    }
}

/// A device's numbering and clock as the push leaves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceMove {
    pub device: Uuid,
    pub owner: String,
    /// The last number as read; `None` for a device registered by this push.
    pub read_seq: Option<u64>,
    pub last_seq: u64,
    pub last_stamp: Option<Stamp>,
}

/// One change-log row: the change as claimed, the stamp kept, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRecord {
    pub change: Change,
    pub kept: Stamp,
    /// The kept stamp differs from the claimed one.
    pub adjusted: bool,
    pub outcome: LoggedOutcome,
    pub reason: Option<&'static str>,
    /// It met another person's unseen edit of the same field.
    pub clash: bool,
}

/// What one push writes (all of it in one transaction) and answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushDecision {
    /// One per change, in the push's order.
    pub results: Vec<ChangeResult>,
    pub devices: Vec<DeviceMove>,
    pub log: Vec<LogRecord>,
    /// The items whose fields or flags changed, as they now are.
    pub items: Vec<ChecklistItem>,
}

fn gap(change: &Change, expected: u64, reason: String) -> ChangeResult {
    ChangeResult { expected_seq: Some(expected), reason: Some(reason), ..ChangeResult::bare(change.id, ChangeStatus::Gap) }
}

/// Works out every change of `push`, in order, at the server's `now_ms`.
///
/// - A change id the log holds is answered as before, whatever number it comes with, and
///   uses no number: `duplicate` with the stamp kept (so the device shows what the server
///   has), or `rejected` again with its reason. Ids are unique forever, and a device that
///   renumbered after a gap resends changes whose first answer it lost.
/// - Otherwise the number decides: the next one is worked out, a higher one is a `gap`,
///   and a number already used (by another change, as the id is new) is a `gap` too, so a
///   device that lost its numbering renumbers instead of having its changes dropped.
/// - The stamp kept is [`Stamp::kept`]: pulled back when too far ahead, and always after
///   the same device's previous kept stamp.
pub fn decide(now_ms: i64, reads: &PushReads, push: Push<'_>) -> PushDecision {
    let Push { author, writable, changes } = push;
    // Per device: the number as read, and its state as the push moves it on.
    let mut devices: BTreeMap<Uuid, (Option<u64>, DeviceState)> = BTreeMap::new();
    let mut items: BTreeMap<Uuid, ChecklistItem> = BTreeMap::new();
    let mut decision = PushDecision::default();
    for change in changes {
        if let Some(logged) = reads.logged.get(&change.id) {
            decision.results.push(match logged.outcome {
                LoggedOutcome::Rejected => {
                    ChangeResult { reason: logged.reason.clone(), ..ChangeResult::bare(change.id, ChangeStatus::Rejected) }
                }
                _ => ChangeResult {
                    kept_stamp: logged.kept.filter(|kept| *kept != change.stamp),
                    ..ChangeResult::bare(change.id, ChangeStatus::Duplicate)
                },
            });
            continue;
        }
        let (_, device) = devices.entry(change.device()).or_insert_with(|| match reads.devices.get(&change.device()) {
            Some(known) => (Some(known.last_seq), known.clone()),
            None => (None, DeviceState { owner: author.to_owned(), last_seq: 0, last_stamp: None }),
        });
        if device.owner != author {
            let refusal = Refusal::OtherAccountsDevice;
            decision
                .results
                .push(ChangeResult { reason: Some(refusal.reason().into()), ..ChangeResult::bare(change.id, ChangeStatus::Rejected) });
            continue;
        }
        match check_sequence(device.last_seq, change.seq) {
            Sequence::Next => {}
            Sequence::Replay => {
                let expected = device.last_seq + 1;
                decision.results.push(gap(
                    change,
                    expected,
                    format!("number {} is taken by another change; send from {expected}", change.seq),
                ));
                continue;
            }
            Sequence::Gap { expected } => {
                decision.results.push(gap(change, expected, format!("send change {expected} first")));
                continue;
            }
        }
        let (kept, adjusted) = change.stamp.kept(device.last_stamp, now_ms);
        device.last_seq = change.seq;
        device.last_stamp = Some(kept);
        let working = match (items.entry(change.item), reads.items.get(&change.item)) {
            (Entry::Occupied(working), _) => Some(working.into_mut()),
            (Entry::Vacant(slot), Some(read)) => Some(slot.insert(read.clone())),
            (Entry::Vacant(_), None) => None,
        };
        let (outcome, refusal, clash) = match working {
            None => (LoggedOutcome::Rejected, Some(Refusal::ItemGone), false),
            Some(item) if !writable.contains(&item.unit) => (LoggedOutcome::Rejected, Some(Refusal::OtherUnit), false),
            Some(item) => {
                let as_kept = Change { stamp: kept, ..change.clone() };
                let clash = clashes(item, &as_kept, author);
                (apply(item, &as_kept, author), None, clash)
            }
        };
        let status = ChangeStatus::from(outcome);
        decision.results.push(ChangeResult {
            reason: refusal.map(|refusal| refusal.reason().to_owned()),
            kept_stamp: (adjusted && refusal.is_none()).then_some(kept),
            ..ChangeResult::bare(change.id, status)
        });
        decision.log.push(LogRecord { change: change.clone(), kept, adjusted, outcome, reason: refusal.map(Refusal::reason), clash });
    }
    decision.devices = devices
        .into_iter()
        .filter(|(_, (read_seq, state))| *read_seq != Some(state.last_seq) && state.last_seq > 0)
        .map(|(device, (read_seq, state))| DeviceMove {
            device,
            owner: state.owner,
            read_seq,
            last_seq: state.last_seq,
            last_stamp: state.last_stamp,
        })
        .collect();
    decision.items = items.into_iter().filter(|(id, item)| reads.items.get(id) != Some(item)).map(|(_, item)| item).collect();
    decision
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Note;
    use crate::sync::{Base, Edit, MAX_FUTURE_SKEW_MS};

    const NOW: i64 = 1_700_000_000_000;
    const HOUR: i64 = 3_600_000;
    const DEVICE: Uuid = Uuid::from_u128(0xd1);

    fn unit() -> UnitCode {
        UnitCode::parse("XA-1").unwrap()
    }

    fn item(n: u128) -> ChecklistItem {
        ChecklistItem::new(Uuid::from_u128(n), Uuid::nil(), unit(), "Mục", n as u32).unwrap()
    }

    fn reads() -> PushReads {
        PushReads { items: [(Uuid::from_u128(1), item(1))].into(), ..PushReads::default() }
    }

    /// The units "an" may change: the item's.
    fn writable() -> HashSet<UnitCode> {
        [unit()].into()
    }

    /// `changes` decided as pushed by "an" at `NOW`.
    fn decide_for_an(reads: &PushReads, changes: &[Change]) -> PushDecision {
        decide(NOW, reads, Push { author: "an", writable: &writable(), changes })
    }

    fn change(id: u128, seq: u64, wall_ms: i64, counter: u32, edit: Edit) -> Change {
        Change {
            id: Uuid::from_u128(id),
            item: Uuid::from_u128(1),
            seq,
            stamp: Stamp { wall_ms, counter, device: DEVICE },
            base: Base::default(),
            edit,
        }
    }

    fn statuses(decision: &PushDecision) -> Vec<ChangeStatus> {
        decision.results.iter().map(|result| result.status).collect()
    }

    #[test]
    fn a_known_change_id_is_a_duplicate_under_any_number_and_uses_none() {
        let mut reads = reads();
        let kept = Stamp { wall_ms: NOW - 5, counter: 0, device: DEVICE };
        reads.logged.insert(Uuid::from_u128(10), LoggedAnswer { outcome: LoggedOutcome::Applied, kept: Some(kept), reason: None });
        reads.devices.insert(DEVICE, DeviceState { owner: "an".into(), last_seq: 1, last_stamp: None });
        // The device lost the answer to 10 (number 1), met a gap, and renumbered 10, 11, 12 from 2.
        let pushed = [
            change(10, 2, NOW, 0, Edit::Done { value: true }),
            change(11, 3, NOW + 1, 0, Edit::Done { value: false }),
            change(12, 4, NOW + 2, 0, Edit::Done { value: true }),
        ];
        let decision = decide_for_an(&reads, &pushed);
        assert_eq!(statuses(&decision), [ChangeStatus::Duplicate, ChangeStatus::Gap, ChangeStatus::Gap]);
        assert_eq!(decision.results[1].expected_seq, Some(2));
        assert_eq!(decision.results[0].kept_stamp, Some(kept), "the device is told the stamp the log holds");
        assert!(decision.log.is_empty() && decision.devices.is_empty());
        // Renumbered once more, the rest goes through.
        let again = decide_for_an(
            &reads,
            &[change(11, 2, NOW + 1, 0, Edit::Done { value: false }), change(12, 3, NOW + 2, 0, Edit::Done { value: true })],
        );
        assert_eq!(statuses(&again), [ChangeStatus::Applied, ChangeStatus::Applied]);
    }

    #[test]
    fn a_refused_change_sent_again_is_refused_again_with_its_reason() {
        let mut reads = reads();
        let reason = Some(Refusal::OtherUnit.reason().to_owned());
        reads.logged.insert(Uuid::from_u128(10), LoggedAnswer { outcome: LoggedOutcome::Rejected, kept: None, reason: reason.clone() });
        let decision = decide_for_an(&reads, &[change(10, 1, NOW, 0, Edit::Done { value: true })]);
        assert_eq!(statuses(&decision), [ChangeStatus::Rejected]);
        assert_eq!(decision.results[0].reason, reason);
        assert!(decision.log.is_empty());
    }

    #[test]
    fn a_tablet_far_ahead_still_has_its_last_edit_stand() {
        let pushed =
            [change(10, 1, NOW + HOUR, 0, Edit::Done { value: true }), change(11, 2, NOW + HOUR + 5, 0, Edit::Done { value: false })];
        let decision = decide_for_an(&reads(), &pushed);
        assert_eq!(statuses(&decision), [ChangeStatus::Applied, ChangeStatus::Applied]);
        assert!(!decision.items[0].done, "the untick came after the tick");
        let kept: Vec<Stamp> = decision.log.iter().map(|record| record.kept).collect();
        assert!(kept[0] < kept[1]);
        assert!(kept.iter().all(|stamp| stamp.wall_ms <= NOW + MAX_FUTURE_SKEW_MS));
        assert_eq!(decision.results[1].kept_stamp, Some(kept[1]), "the device is told the stamp its edit now carries");
        assert_eq!(decision.devices[0].last_stamp, Some(kept[1]));
    }

    #[test]
    fn pulling_stamps_back_keeps_the_devices_own_order() {
        let earlier = change(10, 1, NOW + HOUR, 3, Edit::Note { value: Note::parse("earlier").unwrap() });
        let later = change(11, 2, NOW + HOUR + 10, 0, Edit::Note { value: Note::parse("later").unwrap() });
        let decision = decide_for_an(&reads(), &[earlier, later]);
        assert_eq!(statuses(&decision), [ChangeStatus::Applied, ChangeStatus::Applied]);
        assert_eq!(decision.items[0].note.as_str(), "later");
    }

    #[test]
    fn the_previous_kept_stamp_is_remembered_across_pushes() {
        let first = decide_for_an(&reads(), &[change(10, 1, NOW + HOUR, 0, Edit::Done { value: true })]);
        let moved = &first.devices[0];
        let mut reads = reads();
        reads.items.insert(Uuid::from_u128(1), first.items[0].clone());
        reads.devices.insert(DEVICE, DeviceState { owner: moved.owner.clone(), last_seq: moved.last_seq, last_stamp: moved.last_stamp });
        let second = decide_for_an(&reads, &[change(11, 2, NOW + HOUR + 1, 0, Edit::Done { value: false })]);
        assert_eq!(statuses(&second), [ChangeStatus::Applied]);
        assert!(!second.items[0].done);
    }

    #[test]
    fn a_number_used_by_another_change_is_a_gap_not_a_duplicate() {
        let mut reads = reads();
        reads.devices.insert(DEVICE, DeviceState { owner: "an".into(), last_seq: 4, last_stamp: None });
        let decision = decide_for_an(&reads, &[change(10, 2, NOW, 0, Edit::Done { value: true })]);
        assert_eq!(statuses(&decision), [ChangeStatus::Gap]);
        assert_eq!(decision.results[0].expected_seq, Some(5));
    }

    #[test]
    fn another_accounts_device_is_refused_without_using_its_numbers() {
        let mut reads = reads();
        reads.devices.insert(DEVICE, DeviceState { owner: "binh".into(), last_seq: 0, last_stamp: None });
        let decision = decide_for_an(&reads, &[change(10, 1, NOW, 0, Edit::Done { value: true })]);
        assert_eq!(statuses(&decision), [ChangeStatus::Rejected]);
        assert!(decision.log.is_empty() && decision.devices.is_empty() && decision.items.is_empty());
    }

    #[test]
    fn refusals_use_up_their_number_and_are_logged() {
        let mut gone = change(11, 2, NOW, 0, Edit::Done { value: true });
        gone.item = Uuid::from_u128(99);
        let changes = [change(10, 1, NOW, 0, Edit::Done { value: true }), gone];
        let decision = decide(NOW, &reads(), Push { author: "an", writable: &HashSet::new(), changes: &changes });
        assert_eq!(statuses(&decision), [ChangeStatus::Rejected, ChangeStatus::Rejected]);
        assert_eq!(
            decision.log.iter().map(|record| record.reason).collect::<Vec<_>>(),
            [Some(Refusal::OtherUnit.reason()), Some(Refusal::ItemGone.reason())]
        );
        assert_eq!(decision.devices[0].last_seq, 2);
        assert!(decision.items.is_empty());
    }

    #[test]
    fn a_new_device_becomes_the_authors() {
        let decision = decide_for_an(&reads(), &[change(10, 1, NOW, 0, Edit::Done { value: true })]);
        assert_eq!(
            decision.devices,
            [DeviceMove { device: DEVICE, owner: "an".into(), read_seq: None, last_seq: 1, last_stamp: Some(decision.log[0].kept) }]
        );
        assert_eq!(decision.results[0].kept_stamp, None, "an honest stamp is kept as sent");
    }
}
