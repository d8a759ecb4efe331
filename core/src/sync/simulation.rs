//! A model of the whole sync loop — three devices, one server, an unreliable network —
//! driven by random schedules. Devices go offline, push batches that are duplicated,
//! reordered, dropped or answered into the void (a server restart between applying and
//! acknowledging), run skewed clocks, and pull. The server here is the real server's
//! decision ([`decide`]) over an in-memory store, one push at a time as one transaction.

use super::{apply, decide, replay, Change, ChangeResult, DeviceState, Edit, Outbox, PushReads};
use crate::domain::{ChecklistItem, Note, UnitCode};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use uuid::Uuid;

const DEVICES: usize = 3;
const ITEMS: u128 = 3;
const AUTHORS: [&str; DEVICES] = ["an", "binh", "an"];

fn fresh_items() -> BTreeMap<Uuid, ChecklistItem> {
    (1..=ITEMS)
        .map(|n| {
            let id = Uuid::from_u128(n);
            (id, ChecklistItem::new(id, Uuid::nil(), UnitCode::parse("XA-1").unwrap(), "Mục", n as u32).unwrap())
        })
        .collect()
}

#[derive(Default)]
struct Server {
    items: BTreeMap<Uuid, ChecklistItem>,
    devices: HashMap<Uuid, DeviceState>,
    /// The append-only log: each change as kept (the kept stamp in place of the claimed
    /// one), its author and its device number.
    log: Vec<(Change, &'static str)>,
    now_ms: i64,
}

impl Server {
    /// One push, decided by the server's own rules and written whole.
    fn receive(&mut self, changes: &[Change], author: &'static str) -> Vec<ChangeResult> {
        let logged: HashSet<Uuid> = self.log.iter().map(|(change, _)| change.id).collect();
        let reads = PushReads {
            devices: changes.iter().filter_map(|change| Some((change.device(), self.devices.get(&change.device())?.clone()))).collect(),
            logged: changes.iter().map(|change| change.id).filter(|id| logged.contains(id)).collect(),
            items: changes.iter().filter_map(|change| Some((change.item, self.items.get(&change.item)?.clone()))).collect(),
            writable: self.items.values().map(|item| item.unit.clone()).collect(),
        };
        let decision = decide(author, self.now_ms, &reads, changes);
        for moved in decision.devices {
            self.devices.insert(moved.device, DeviceState { owner: moved.owner, last_seq: moved.last_seq, last_stamp: moved.last_stamp });
        }
        for record in decision.log {
            self.log.push((Change { stamp: record.kept, ..record.change }, author));
        }
        for item in decision.items {
            self.items.insert(item.id, item);
        }
        decision.results
    }
}

struct Device {
    author: &'static str,
    skew_ms: i64,
    online: bool,
    outbox: Outbox,
    snapshot: BTreeMap<Uuid, ChecklistItem>,
    made: Vec<Uuid>,
    acknowledged: Vec<Uuid>,
}

impl Device {
    fn view(&self, item: Uuid) -> ChecklistItem {
        replay(&self.snapshot[&item], &self.outbox.changes, self.author)
    }

    fn edit(&mut self, now_ms: i64, item: Uuid, edit: Edit, id: Uuid) {
        let shown = self.view(item);
        self.outbox.record(id, &shown, edit, now_ms + self.skew_ms);
        self.made.push(id);
    }

    fn settle(&mut self, results: &[ChangeResult]) {
        let settled = self.outbox.settle(results);
        for change in settled.acknowledged {
            apply(self.snapshot.get_mut(&change.item).expect("known item"), &change, self.author);
            self.acknowledged.push(change.id);
        }
    }

    fn pull(&mut self, server: &Server) {
        self.snapshot = server.items.clone();
        if let Some(newest) = self.snapshot.values().filter_map(|item| item.last_change()).map(|mark| mark.stamp).max() {
            self.outbox.witness(newest);
        }
    }
}

#[derive(Debug, Clone)]
enum Step {
    Edit {
        device: usize,
        item: u128,
        done: bool,
        value: bool,
        text: u8,
    },
    GoOffline(usize),
    GoOnline(usize),
    /// Sends up to `max` waiting changes from the `skip`th on: skipping some makes a gap,
    /// after which the device renumbers changes that may be in flight already.
    Send {
        device: usize,
        skip: usize,
        max: usize,
    },
    Deliver {
        message: usize,
        answer_lost: bool,
    },
    Duplicate(usize),
    Drop(usize),
    Reorder(usize),
    Pull(usize),
    Wait(i64),
    /// The server restarts: connections die, answers in flight are lost.
    Restart,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..DEVICES, 1..=ITEMS, any::<bool>(), any::<bool>(), 0u8..4)
            .prop_map(|(device, item, done, value, text)| Step::Edit { device, item, done, value, text }),
        1 => (0..DEVICES).prop_map(Step::GoOffline),
        1 => (0..DEVICES).prop_map(Step::GoOnline),
        3 => (0..DEVICES, prop_oneof![3 => Just(0usize), 1 => 1usize..3], 1usize..4).prop_map(|(device, skip, max)| Step::Send { device, skip, max }),
        4 => (0usize..8, any::<bool>()).prop_map(|(message, answer_lost)| Step::Deliver { message, answer_lost }),
        1 => (0usize..8).prop_map(Step::Duplicate),
        1 => (0usize..8).prop_map(Step::Drop),
        1 => (0usize..8).prop_map(Step::Reorder),
        2 => (0..DEVICES).prop_map(Step::Pull),
        1 => (1i64..120_000).prop_map(Step::Wait),
        1 => Just(Step::Restart),
    ]
}

struct World {
    server: Server,
    devices: Vec<Device>,
    network: Vec<(usize, Vec<Change>)>,
    next_id: u128,
}

impl World {
    fn new(skews: [i64; DEVICES]) -> Self {
        let devices = (0..DEVICES)
            .map(|n| Device {
                author: AUTHORS[n],
                skew_ms: skews[n],
                online: true,
                outbox: Outbox::new(Uuid::from_u128(1000 + n as u128)),
                snapshot: fresh_items(),
                made: Vec::new(),
                acknowledged: Vec::new(),
            })
            .collect();
        let server = Server { items: fresh_items(), now_ms: 1_700_000_000_000, ..Server::default() };
        Self { server, devices, network: Vec::new(), next_id: 1 }
    }

    fn deliver(&mut self, index: usize, answer_lost: bool) {
        let (device, changes) = self.network.remove(index);
        let author = self.devices[device].author;
        let results = self.server.receive(&changes, author);
        if !answer_lost && self.devices[device].online {
            self.devices[device].settle(&results);
        }
    }

    fn run(&mut self, step: Step) {
        let messages = self.network.len();
        match step {
            Step::Edit { device, item, done, value, text } => {
                let edit = if done {
                    Edit::Done { value }
                } else {
                    Edit::Note { value: Note::parse(["", "xong", "chờ vật tư", "đã báo cáo"][text as usize]).unwrap() }
                };
                let id = Uuid::from_u128(self.next_id);
                self.next_id += 1;
                self.devices[device].edit(self.server.now_ms, Uuid::from_u128(item), edit, id);
            }
            Step::GoOffline(device) => self.devices[device].online = false,
            Step::GoOnline(device) => self.devices[device].online = true,
            Step::Send { device, skip, max } => {
                let sender = &self.devices[device];
                let batch: Vec<Change> = sender.outbox.changes.iter().skip(skip).take(max).cloned().collect();
                if sender.online && !batch.is_empty() {
                    self.network.push((device, batch));
                }
            }
            Step::Deliver { message, answer_lost } if messages > 0 => self.deliver(message % messages, answer_lost),
            Step::Duplicate(message) if messages > 0 => self.network.push(self.network[message % messages].clone()),
            Step::Drop(message) if messages > 0 => {
                self.network.remove(message % messages);
            }
            Step::Reorder(message) if messages > 0 => {
                let moved = self.network.remove(message % messages);
                self.network.insert(0, moved);
            }
            Step::Pull(device) if self.devices[device].online => self.devices[device].pull(&self.server),
            Step::Wait(ms) => self.server.now_ms += ms,
            Step::Restart => self.network.clear(),
            _ => {}
        }
    }

    /// Everyone online, pushing and pulling until every outbox is empty.
    fn settle_everything(&mut self) {
        self.network.clear();
        for device in &mut self.devices {
            device.online = true;
        }
        for _ in 0..20 {
            for device in 0..DEVICES {
                if !self.devices[device].outbox.changes.is_empty() {
                    self.network.push((device, self.devices[device].outbox.changes.clone()));
                    self.deliver(self.network.len() - 1, false);
                }
            }
        }
        for device in &mut self.devices {
            device.pull(&self.server);
        }
    }

    /// Every acknowledged change is visible to its device: the field shows that change or a
    /// later one.
    fn check_acknowledged_visible(&self) -> Result<(), TestCaseError> {
        for device in &self.devices {
            for id in &device.acknowledged {
                let (kept, _) = self.server.log.iter().find(|(change, _)| change.id == *id).expect("acknowledged means logged");
                let shown = device.view(kept.item);
                let mark = match kept.edit {
                    Edit::Done { .. } => shown.done_mark,
                    Edit::Note { .. } => shown.note_mark,
                };
                prop_assert!(mark.is_some_and(|mark| mark.stamp >= kept.stamp), "device {} lost sight of {id}", device.author);
            }
        }
        Ok(())
    }
}

fn arbitrary_skews() -> impl Strategy<Value = [i64; DEVICES]> {
    // Up to an hour either way, and the first tablet always beyond the server's tolerance
    // for future stamps, so pulled-back stamps meet each other in every schedule.
    [6 * 60_000i64..3_600_000, -3_600_000i64..3_600_000, -3_600_000i64..3_600_000]
}

impl World {
    /// Nothing a person did is silently lost: every logged edit either is its field's value
    /// or was beaten by an edit with a later kept stamp; no two edits of a field share a
    /// stamp; and each device's edits keep its own order.
    fn check_every_edit_stands_or_was_beaten(&self) -> Result<(), TestCaseError> {
        let mut stamps = BTreeSet::new();
        for (change, _) in &self.server.log {
            prop_assert!(
                stamps.insert((change.item, change.edit.field(), change.stamp)),
                "two edits of a field share the stamp {:?}",
                change.stamp
            );
            let item = &self.server.items[&change.item];
            let (mark, stands) = match &change.edit {
                Edit::Done { value } => (&item.done_mark, item.done == *value),
                Edit::Note { value } => (&item.note_mark, item.note == *value),
            };
            let mark = mark.as_ref().map(|mark| mark.stamp);
            prop_assert!(mark >= Some(change.stamp), "change {} is neither the value nor beaten by a later edit", change.id);
            prop_assert!(mark != Some(change.stamp) || stands, "change {} holds the stamp but not the value", change.id);
        }
        let mut by_device: BTreeMap<Uuid, Vec<&Change>> = BTreeMap::new();
        for (change, _) in &self.server.log {
            by_device.entry(change.device()).or_default().push(change);
        }
        for changes in by_device.values_mut() {
            changes.sort_by_key(|change| change.seq);
            prop_assert!(changes.windows(2).all(|pair| pair[0].stamp < pair[1].stamp), "a device's own order was lost");
        }
        Ok(())
    }
}

proptest! {
    #[test]
    fn sync_never_loses_or_duplicates_and_converges(
        skews in arbitrary_skews(),
        steps in proptest::collection::vec(step(), 1..80),
    ) {
        let mut world = World::new(skews);
        for step in steps {
            world.run(step);
            world.check_acknowledged_visible()?;
        }
        world.settle_everything();
        world.check_acknowledged_visible()?;
        world.check_every_edit_stands_or_was_beaten()?;

        // Every change made is in the log exactly once.
        let logged: Vec<Uuid> = world.server.log.iter().map(|(change, _)| change.id).collect();
        let unique: BTreeSet<Uuid> = logged.iter().copied().collect();
        prop_assert_eq!(unique.len(), logged.len(), "a change was applied twice");
        let made: BTreeSet<Uuid> = world.devices.iter().flat_map(|device| device.made.iter().copied()).collect();
        prop_assert_eq!(&made, &unique, "a change was lost");

        // Every device ends equal to the server.
        for device in &world.devices {
            prop_assert!(device.outbox.changes.is_empty());
            prop_assert_eq!(&device.snapshot, &world.server.items);
        }

        // The values do not depend on the order things arrived in: replaying the log in
        // stamp order onto fresh items gives the same fields.
        let mut by_stamp = world.server.log.clone();
        by_stamp.sort_by_key(|(change, _)| change.stamp);
        let mut replayed = fresh_items();
        for (change, author) in &by_stamp {
            apply(replayed.get_mut(&change.item).unwrap(), change, author);
        }
        for (id, item) in &world.server.items {
            let again = &replayed[id];
            prop_assert_eq!((item.done, &item.note, &item.done_mark, &item.note_mark), (again.done, &again.note, &again.done_mark, &again.note_mark));
        }
    }
}
