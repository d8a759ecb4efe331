//! Several pushes decided together for one write (group commit). Each push is decided by
//! [`decide`] over what the pushes before it in the group would have left in the database,
//! so every device is answered exactly as if its push had been written alone, in turn;
//! the group then writes once: each device moved from its first read number to its last,
//! each item in its final state, and every log row.

use super::{decide, DeviceMove, DeviceState, LoggedAnswer, Push, PushDecision, PushReads};
use crate::domain::ChecklistItem;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What a group of pushes answers and writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupDecision {
    /// One per push, in the group's order: its answers and its log rows.
    pub pushes: Vec<PushDecision>,
    /// Each device moved once, from the number read before the group to the last one.
    pub devices: Vec<DeviceMove>,
    /// Each item some push changed, as the last of them left it.
    pub items: Vec<ChecklistItem>,
}

impl PushReads {
    /// What reading again after `decision` was written would give.
    fn absorb(&mut self, decision: &PushDecision) {
        for moved in &decision.devices {
            let state = DeviceState { owner: moved.owner.clone(), last_seq: moved.last_seq, last_stamp: moved.last_stamp };
            self.devices.insert(moved.device, state);
        }
        for record in &decision.log {
            let answer = LoggedAnswer { outcome: record.outcome, kept: Some(record.kept), reason: record.reason.map(str::to_owned) };
            self.logged.insert(record.change.id, answer);
        }
        for item in &decision.items {
            self.items.insert(item.id, item.clone());
        }
    }
}

/// Decides `pushes` in order at the server's `now_ms`, over `reads` of every device,
/// logged change and item of the group.
pub fn decide_group(now_ms: i64, mut reads: PushReads, pushes: &[Push<'_>]) -> GroupDecision {
    let mut devices: BTreeMap<Uuid, DeviceMove> = BTreeMap::new();
    let mut items: BTreeMap<Uuid, ChecklistItem> = BTreeMap::new();
    let mut group = GroupDecision::default();
    for push in pushes {
        let decision = decide(now_ms, &reads, *push);
        reads.absorb(&decision);
        for moved in &decision.devices {
            devices
                .entry(moved.device)
                .and_modify(|earlier| {
                    earlier.last_seq = moved.last_seq;
                    earlier.last_stamp = moved.last_stamp;
                })
                .or_insert_with(|| moved.clone());
        }
        for item in &decision.items {
            items.insert(item.id, item.clone());
        }
        group.pushes.push(decision);
    }
    group.devices = devices.into_values().collect();
    group.items = items.into_values().collect();
    group
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Note, UnitCode};
    use crate::sync::{Base, Change, ChangeResult, Edit, LoggedOutcome, Stamp};
    use proptest::prelude::*;
    use std::collections::{HashMap, HashSet};

    const NOW: i64 = 1_700_000_000_000;
    const AUTHORS: [&str; 2] = ["an", "binh"];

    fn unit(n: usize) -> UnitCode {
        UnitCode::parse(&format!("XA-{n}")).unwrap()
    }

    fn item(n: u128) -> ChecklistItem {
        ChecklistItem::new(Uuid::from_u128(n), Uuid::nil(), unit(n as usize % 2), "Mục", n as u32).unwrap()
    }

    /// The database as a push sees it: what the store keeps of devices, the log and items.
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Database {
        devices: HashMap<Uuid, DeviceState>,
        logged: HashMap<Uuid, LoggedAnswer>,
        items: HashMap<Uuid, ChecklistItem>,
    }

    impl Database {
        fn reads(&self) -> PushReads {
            PushReads { devices: self.devices.clone(), logged: self.logged.clone(), items: self.items.clone() }
        }

        /// What the store does with one write: a device moves only from the number it was
        /// read at, a change id is logged once, items take their new state.
        fn write(&mut self, devices: &[DeviceMove], log: &[crate::sync::LogRecord], items: &[ChecklistItem]) {
            for moved in devices {
                assert_eq!(self.devices.get(&moved.device).map(|known| known.last_seq), moved.read_seq, "moved from what was read");
                let state = DeviceState { owner: moved.owner.clone(), last_seq: moved.last_seq, last_stamp: moved.last_stamp };
                self.devices.insert(moved.device, state);
            }
            for record in log {
                let answer = LoggedAnswer { outcome: record.outcome, kept: Some(record.kept), reason: record.reason.map(str::to_owned) };
                assert!(self.logged.insert(record.change.id, answer).is_none(), "a change id is logged once");
            }
            for written in items {
                self.items.insert(written.id, written.clone());
            }
        }
    }

    fn writable_of(author: usize) -> HashSet<UnitCode> {
        // The second author may change only the first unit's items.
        if author == 0 {
            [unit(0), unit(1)].into()
        } else {
            [unit(0)].into()
        }
    }

    #[derive(Debug, Clone)]
    struct PlannedPush {
        author: usize,
        changes: Vec<Change>,
    }

    fn planned_push() -> impl Strategy<Value = PlannedPush> {
        let change = (0u128..12, 0u128..3, 1u64..5, 0u128..4, any::<bool>(), 0i64..5_000);
        (0usize..2, proptest::collection::vec(change, 1..5)).prop_map(|(author, changes)| PlannedPush {
            author,
            changes: changes
                .into_iter()
                .map(|(id, device, seq, item_number, done, offset)| Change {
                    // Ids are reused across pushes (a device sending again) and devices are
                    // shared between the authors (a tablet handed over).
                    id: Uuid::from_u128(0x100 + id),
                    item: Uuid::from_u128(item_number),
                    seq,
                    stamp: Stamp { wall_ms: NOW + offset, counter: 0, device: Uuid::from_u128(0xd0 + device) },
                    base: Base::default(),
                    edit: if done {
                        Edit::Done { value: offset % 2 == 0 }
                    } else {
                        Edit::Note { value: Note::parse(&format!("{offset}")).unwrap() }
                    },
                })
                // The push route refuses a push naming one id twice.
                .fold(Vec::<Change>::new(), |mut kept, change| {
                    if kept.iter().all(|earlier| earlier.id != change.id) {
                        kept.push(change);
                    }
                    kept
                }),
        })
    }

    fn starting_database() -> Database {
        // Item 3 does not exist; device d0 is known to the first author.
        let mut database = Database { items: (0..3).map(|n| (Uuid::from_u128(n), item(n))).collect(), ..Database::default() };
        database.devices.insert(Uuid::from_u128(0xd0), DeviceState { owner: AUTHORS[0].into(), last_seq: 1, last_stamp: None });
        database
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]
        #[test]
        fn a_group_answers_and_writes_as_its_pushes_one_by_one(plan in proptest::collection::vec(planned_push(), 1..8)) {
            let mut alone = starting_database();
            let mut alone_results: Vec<Vec<ChangeResult>> = Vec::new();
            for push in &plan {
                let writable = writable_of(push.author);
                let decision = decide(NOW, &alone.reads(), Push { author: AUTHORS[push.author], writable: &writable, changes: &push.changes });
                alone.write(&decision.devices, &decision.log, &decision.items);
                alone_results.push(decision.results);
            }

            let mut together = starting_database();
            let writable: Vec<HashSet<UnitCode>> = plan.iter().map(|push| writable_of(push.author)).collect();
            let grouped: Vec<Push> = plan
                .iter()
                .zip(&writable)
                .map(|(push, writable)| Push { author: AUTHORS[push.author], writable, changes: &push.changes })
                .collect();
            let group = decide_group(NOW, together.reads(), &grouped);
            let log: Vec<_> = group.pushes.iter().flat_map(|decision| decision.log.clone()).collect();
            together.write(&group.devices, &log, &group.items);

            let together_results: Vec<Vec<ChangeResult>> = group.pushes.into_iter().map(|decision| decision.results).collect();
            prop_assert_eq!(together_results, alone_results);
            prop_assert_eq!(together, alone);
        }
    }

    #[test]
    fn a_change_sent_twice_in_one_group_is_logged_once_and_answered_duplicate() {
        let change = Change {
            id: Uuid::from_u128(0x100),
            item: Uuid::from_u128(0),
            seq: 1,
            stamp: Stamp { wall_ms: NOW, counter: 0, device: Uuid::from_u128(0xd9) },
            base: Base::default(),
            edit: Edit::Done { value: true },
        };
        let writable = writable_of(0);
        let pushes = [Push { author: "an", writable: &writable, changes: std::slice::from_ref(&change) }; 2];
        let group = decide_group(NOW, starting_database().reads(), &pushes);
        assert_eq!(group.pushes[0].log.len() + group.pushes[1].log.len(), 1);
        assert_eq!(group.pushes[1].results[0].status, crate::sync::ChangeStatus::Duplicate);
        assert_eq!(group.devices.len(), 1);
        assert_eq!(group.pushes[0].log[0].outcome, LoggedOutcome::Applied);
    }
}
