//! A model of the whole sync loop — three devices, one server, an unreliable network —
//! driven by random schedules, in which every part that runs in production is the
//! production code: the devices are the real [`SyncEngine`] and [`record_edit`] over a
//! [`MemoryStore`], and the server is the real push decision ([`decide`]) over memory, one
//! push at a time as one transaction. Devices go offline, their pushes are dropped,
//! answered into the void (a server restart between applying and acknowledging), or
//! copied and delivered again later in any order (so a change can arrive after its device
//! renumbered it), clocks run skewed, and pulls come in small pages. Photos are taken
//! too, and sent by the same round to a server that attaches them by the real rule
//! ([`attach_decision`]); their sends are lost and their answers too.

use super::{
    apply, decide, record_edit, replay, resolve_now, unaccounted_edit, Change, ChangeResult, DeviceState, DeviceStore, Edit, KeptPhoto,
    LoggedAnswer, LoggedOutcome, MemoryStore, PhotoAnswer, PhotoState, PullResponse, Push, PushReads, PushResponse, RejectedChange,
    Snapshot, Stamp, SyncEngine, SyncObserver, Transport,
};
use crate::domain::{attach_decision, ChecklistItem, Deadline, Note, PhotoAttach, PhotoAttachRefusal, PhotoId, PhotoRef, UnitCode};
use proptest::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::convert::Infallible;
use uuid::Uuid;

const DEVICES: usize = 3;
const ITEMS: u128 = 3;
const AUTHORS: [&str; DEVICES] = ["an", "binh", "an"];
/// Items per pull page: small, so paging is exercised.
const PAGE: usize = 2;

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
    /// Each item's place in write order, as the real server's counter gives it.
    written: BTreeMap<Uuid, u64>,
    counter: u64,
    devices: HashMap<Uuid, DeviceState>,
    /// The append-only log: each change as kept (the kept stamp in place of the claimed
    /// one) and its author.
    log: Vec<(Change, &'static str)>,
    /// Photos added per Vietnamese day (the model has one unit).
    photo_days: BTreeMap<chrono::NaiveDate, u32>,
    now_ms: i64,
}

impl Server {
    fn new(now_ms: i64) -> Self {
        let mut server = Server { items: fresh_items(), now_ms, ..Server::default() };
        for id in server.items.keys().copied().collect::<Vec<_>>() {
            server.counter += 1;
            server.written.insert(id, server.counter);
        }
        server
    }

    /// One push, decided by the server's own rules and written whole.
    fn receive(&mut self, changes: &[Change], author: &'static str) -> Vec<ChangeResult> {
        let logged: HashMap<Uuid, Stamp> = self.log.iter().map(|(change, _)| (change.id, change.stamp)).collect();
        let reads = PushReads {
            devices: changes.iter().filter_map(|change| Some((change.device(), self.devices.get(&change.device())?.clone()))).collect(),
            // Nothing is refused here: every item exists and both authors may change it.
            logged: changes
                .iter()
                .filter_map(|change| {
                    Some((change.id, LoggedAnswer { outcome: LoggedOutcome::Applied, kept: Some(*logged.get(&change.id)?), reason: None }))
                })
                .collect(),
            items: changes.iter().filter_map(|change| Some((change.item, self.items.get(&change.item)?.clone()))).collect(),
        };
        let writable = self.items.values().map(|item| item.unit.clone()).collect();
        let decision = decide(self.now_ms, &reads, Push { author, writable: &writable, changes });
        for moved in decision.devices {
            self.devices.insert(moved.device, DeviceState { owner: moved.owner, last_seq: moved.last_seq, last_stamp: moved.last_stamp });
        }
        for record in decision.log {
            self.log.push((Change { stamp: record.kept, ..record.change }, author));
        }
        for item in decision.items {
            self.counter += 1;
            self.written.insert(item.id, self.counter);
            self.items.insert(item.id, item);
        }
        decision.results
    }

    /// One photo, attached by the server's own rule and written whole.
    fn put_photo(&mut self, id: &PhotoId, item: Uuid, author: &'static str) -> Result<PhotoAnswer, &'static str> {
        let now = chrono::DateTime::from_timestamp_millis(self.now_ms).ok_or("a clock out of range")?;
        let day = Deadline::today_in_vietnam(now);
        let added_today = self.photo_days.get(&day).copied().unwrap_or(0);
        let stored = self.items.get_mut(&item).ok_or("no such item")?;
        match attach_decision(stored, id, added_today) {
            Ok(PhotoAttach::AlreadyThere) => Ok(PhotoAnswer::Attached(Box::new(stored.clone()))),
            Ok(PhotoAttach::Add) => {
                stored.photos.push(PhotoRef { id: id.clone(), by: author.into(), at_ms: self.now_ms });
                let answer = stored.clone();
                self.counter += 1;
                self.written.insert(item, self.counter);
                *self.photo_days.entry(day).or_default() += 1;
                Ok(PhotoAnswer::Attached(Box::new(answer)))
            }
            Err(PhotoAttachRefusal::ItemFull) => Ok(PhotoAnswer::Refused("photo_limit".into())),
            Err(PhotoAttachRefusal::UnitDayFull) => Err("too many photos today"),
        }
    }

    /// Items written after `since`, oldest write first, a page at a time.
    fn pull(&self, since: u64) -> PullResponse {
        let mut after: Vec<(u64, Uuid)> = self.written.iter().filter(|(_, seq)| **seq > since).map(|(id, seq)| (*seq, *id)).collect();
        after.sort_unstable();
        let more = after.len() > PAGE;
        after.truncate(PAGE);
        PullResponse {
            cursor: after.last().map_or(since, |(seq, _)| *seq),
            more,
            items: after.iter().map(|(_, id)| self.items[id].clone()).collect(),
            tasks: Vec::new(),
            directives: Vec::new(),
            units: Vec::new(),
        }
    }
}

/// What the network does to the first push of a sync round.
#[derive(Debug, Clone, Copy, Default)]
struct Fate {
    /// Lost on the way: the server never sees it.
    dropped: bool,
    /// Applied, but the answer never comes back.
    answer_lost: bool,
    /// A copy is held back and delivered again later.
    copied: bool,
}

struct Device {
    author: &'static str,
    id: Uuid,
    skew_ms: i64,
    online: bool,
    store: MemoryStore,
    made: Vec<Uuid>,
    acknowledged: RefCell<Vec<Uuid>>,
    /// Photos the server answered as attached, as this device heard it.
    photos_attached: RefCell<Vec<KeptPhoto>>,
}

impl SyncObserver<Infallible> for Device {
    fn settled(&self, _snapshot: &Snapshot, acknowledged: &[Change], _refused: &[RejectedChange]) {
        self.acknowledged.borrow_mut().extend(acknowledged.iter().map(|change| change.id));
    }

    fn photo_answered(&self, _snapshot: &Snapshot, photo: &KeptPhoto) {
        if photo.state == PhotoState::Uploaded {
            self.photos_attached.borrow_mut().push(photo.clone());
        }
    }
}

impl Device {
    fn view(&self, item: Uuid) -> ChecklistItem {
        replay(&self.store.work().snapshot.items[&item], &self.store.waiting(), self.author)
    }

    /// As the tablet does it: the item as shown, a stamp later than anything seen, one write.
    fn edit(&mut self, now_ms: i64, item: Uuid, edit: Edit, id: Uuid) {
        let waiting = self.store.waiting();
        let seen = self.store.work().snapshot.newest_stamp().into_iter().chain(waiting.iter().map(|change| change.stamp)).max();
        let shown = self.view(item);
        match record_edit(&self.store, self.id, &shown, edit, seen, id, now_ms + self.skew_ms) {
            Ok(change) => self.made.push(change.id),
            Err(never) => match never {},
        }
    }

    /// As the tablet does it: kept before anything is sent.
    fn take_photo(&self, item: Uuid, picture: u8) {
        let bytes = [b'p', picture];
        match resolve_now(self.store.keep_photo(item, &PhotoId::of(&bytes), &bytes)) {
            Ok(_) => {}
            Err(never) => match never {},
        }
    }

    fn photos_waiting(&self) -> bool {
        self.store.work().photos.iter().any(|(photo, _)| photo.state == PhotoState::Waiting)
    }
}

/// The network between one device and the server during one round.
struct Link<'w> {
    server: &'w RefCell<Server>,
    late: &'w RefCell<Vec<(usize, Vec<Change>)>>,
    device: usize,
    author: &'static str,
    fate: Cell<Fate>,
    /// What the network does to the first photo sent this round.
    photo_fate: Cell<Fate>,
}

impl Transport for Link<'_> {
    type Error = &'static str;

    async fn push(&self, changes: Vec<Change>) -> Result<PushResponse, &'static str> {
        let fate = self.fate.take();
        if fate.copied {
            self.late.borrow_mut().push((self.device, changes.clone()));
        }
        if fate.dropped {
            return Err("dropped");
        }
        let results = self.server.borrow_mut().receive(&changes, self.author);
        if fate.answer_lost {
            return Err("answer lost");
        }
        Ok(PushResponse { results })
    }

    async fn pull(&self, since: u64) -> Result<PullResponse, &'static str> {
        Ok(self.server.borrow().pull(since))
    }

    async fn put_photo(&self, id: &PhotoId, item: Uuid, bytes: Vec<u8>) -> Result<PhotoAnswer, &'static str> {
        assert_eq!(&PhotoId::of(&bytes), id, "the bytes kept are the bytes sent");
        let fate = self.photo_fate.take();
        if fate.dropped {
            return Err("dropped");
        }
        let answer = self.server.borrow_mut().put_photo(id, item, self.author)?;
        if fate.answer_lost {
            return Err("answer lost");
        }
        Ok(answer)
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
    TakePhoto {
        device: usize,
        item: u128,
        /// Few pictures, so two tablets send the same one and a tap repeats.
        picture: u8,
    },
    GoOffline(usize),
    GoOnline(usize),
    Sync {
        device: usize,
        batch: usize,
        dropped: bool,
        answer_lost: bool,
        copied: bool,
        photo_dropped: bool,
        photo_answer_lost: bool,
    },
    /// A held-back copy of a push arrives; its answer goes nowhere.
    DeliverLate(usize),
    Wait(i64),
    /// The server restarts: connections die, pushes in flight are lost.
    Restart,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..DEVICES, 1..=ITEMS, any::<bool>(), any::<bool>(), 0u8..4)
            .prop_map(|(device, item, done, value, text)| Step::Edit { device, item, done, value, text }),
        2 => (0..DEVICES, 1..=ITEMS, 0u8..4).prop_map(|(device, item, picture)| Step::TakePhoto { device, item, picture }),
        1 => (0..DEVICES).prop_map(Step::GoOffline),
        1 => (0..DEVICES).prop_map(Step::GoOnline),
        4 => (
            (0..DEVICES, 1usize..4),
            (prop::bool::weighted(0.2), prop::bool::weighted(0.3), prop::bool::weighted(0.3)),
            (prop::bool::weighted(0.2), prop::bool::weighted(0.3)),
        )
            .prop_map(|((device, batch), (dropped, answer_lost, copied), (photo_dropped, photo_answer_lost))| Step::Sync {
                device,
                batch,
                dropped,
                answer_lost,
                copied,
                photo_dropped,
                photo_answer_lost,
            }),
        2 => (0usize..8).prop_map(Step::DeliverLate),
        1 => (1i64..120_000).prop_map(Step::Wait),
        1 => Just(Step::Restart),
    ]
}

struct World {
    server: RefCell<Server>,
    devices: Vec<Device>,
    late: RefCell<Vec<(usize, Vec<Change>)>>,
    next_id: u128,
}

impl World {
    fn new(skews: [i64; DEVICES]) -> Self {
        let server = Server::new(1_700_000_000_000);
        let start = Snapshot { items: server.items.clone(), ..Snapshot::default() };
        let devices = (0..DEVICES)
            .map(|n| Device {
                author: AUTHORS[n],
                id: Uuid::from_u128(1000 + n as u128),
                skew_ms: skews[n],
                online: true,
                store: MemoryStore::new(start.clone()),
                made: Vec::new(),
                acknowledged: RefCell::default(),
                photos_attached: RefCell::default(),
            })
            .collect();
        Self { server: RefCell::new(server), devices, late: RefCell::default(), next_id: 1 }
    }

    /// One sync round of the real engine on `device`; a failed round is the network's doing.
    fn sync(&self, device: usize, batch: usize, fate: Fate, photo_fate: Fate) {
        let holder = &self.devices[device];
        let link = Link {
            server: &self.server,
            late: &self.late,
            device,
            author: holder.author,
            fate: Cell::new(fate),
            photo_fate: Cell::new(photo_fate),
        };
        let engine = SyncEngine { store: &holder.store, transport: &link, device: Some(holder.id), author: holder.author, batch };
        let mut snapshot = holder.store.work().snapshot.clone();
        let _ = resolve_now(engine.sync_round(&mut snapshot, holder));
    }

    fn run(&mut self, step: Step) {
        let late = self.late.borrow().len();
        match step {
            Step::Edit { device, item, done, value, text } => {
                let edit = if done {
                    Edit::Done { value }
                } else {
                    Edit::Note { value: Note::parse(["", "xong", "chờ vật tư", "đã báo cáo"][text as usize]).unwrap() }
                };
                let id = Uuid::from_u128(self.next_id);
                self.next_id += 1;
                let now = self.server.borrow().now_ms;
                self.devices[device].edit(now, Uuid::from_u128(item), edit, id);
            }
            Step::TakePhoto { device, item, picture } => self.devices[device].take_photo(Uuid::from_u128(item), picture),
            Step::GoOffline(device) => self.devices[device].online = false,
            Step::GoOnline(device) => self.devices[device].online = true,
            Step::Sync { device, batch, dropped, answer_lost, copied, photo_dropped, photo_answer_lost } if self.devices[device].online => {
                let photo_fate = Fate { dropped: photo_dropped, answer_lost: photo_answer_lost, copied: false };
                self.sync(device, batch, Fate { dropped, answer_lost, copied }, photo_fate)
            }
            Step::DeliverLate(index) if late > 0 => {
                let (device, changes) = self.late.borrow_mut().remove(index % late);
                self.server.borrow_mut().receive(&changes, self.devices[device].author);
            }
            Step::Wait(ms) => self.server.borrow_mut().now_ms += ms,
            Step::Restart => self.late.borrow_mut().clear(),
            _ => {}
        }
    }

    /// Everyone online, syncing until every outbox is empty, then once more to pull.
    fn settle_everything(&mut self) {
        self.late.borrow_mut().clear();
        for device in &mut self.devices {
            device.online = true;
        }
        for _ in 0..20 {
            for device in 0..DEVICES {
                if !self.devices[device].store.waiting().is_empty() || self.devices[device].photos_waiting() {
                    self.sync(device, 3, Fate::default(), Fate::default());
                }
            }
        }
        for device in 0..DEVICES {
            self.sync(device, 3, Fate::default(), Fate::default());
        }
    }

    /// Every acknowledged change is visible to its device: the field shows that change or a
    /// later one.
    fn check_acknowledged_visible(&self) -> Result<(), TestCaseError> {
        let server = self.server.borrow();
        for device in &self.devices {
            for id in device.acknowledged.borrow().iter() {
                let (kept, _) = server.log.iter().find(|(change, _)| change.id == *id).expect("acknowledged means logged");
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

    /// A photo a device was told is attached is on its item at the server, once.
    fn check_attached_photos_on_the_server(&self) -> Result<(), TestCaseError> {
        let server = self.server.borrow();
        for device in &self.devices {
            for photo in device.photos_attached.borrow().iter() {
                let on_item = server.items[&photo.item].photos.iter().filter(|held| held.id == photo.id).count();
                prop_assert_eq!(on_item, 1, "device {} was told photo {} is on its item", device.author, photo.key);
            }
        }
        Ok(())
    }

    /// Nothing a person did is silently lost: every logged edit either is its field's value
    /// or was beaten by an edit with a later kept stamp; no two edits of a field share a
    /// stamp; and each device's edits keep its own order.
    fn check_every_edit_stands_or_was_beaten(&self) -> Result<(), TestCaseError> {
        let server = self.server.borrow();
        let log = server.log.iter().map(|(change, _)| (change.id, change.item, &change.edit, change.stamp));
        if let Some(unaccounted) = unaccounted_edit(log, &server.items) {
            return Err(TestCaseError::fail(unaccounted));
        }
        let mut by_device: BTreeMap<Uuid, Vec<&Change>> = BTreeMap::new();
        for (change, _) in &server.log {
            by_device.entry(change.device()).or_default().push(change);
        }
        for changes in by_device.values_mut() {
            changes.sort_by_key(|change| change.seq);
            prop_assert!(changes.windows(2).all(|pair| pair[0].stamp < pair[1].stamp), "a device's own order was lost");
        }
        Ok(())
    }
}

fn arbitrary_skews() -> impl Strategy<Value = [i64; DEVICES]> {
    // Up to an hour either way, and the first tablet always beyond the server's tolerance
    // for future stamps, so pulled-back stamps meet each other in every schedule.
    [6 * 60_000i64..3_600_000, -3_600_000i64..3_600_000, -3_600_000i64..3_600_000]
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
            world.check_attached_photos_on_the_server()?;
        }
        world.settle_everything();
        world.check_acknowledged_visible()?;
        world.check_attached_photos_on_the_server()?;
        world.check_every_edit_stands_or_was_beaten()?;

        let server = world.server.borrow();
        // Every change made is in the log exactly once.
        let logged: Vec<Uuid> = server.log.iter().map(|(change, _)| change.id).collect();
        let unique: BTreeSet<Uuid> = logged.iter().copied().collect();
        prop_assert_eq!(unique.len(), logged.len(), "a change was applied twice");
        let made: BTreeSet<Uuid> = world.devices.iter().flat_map(|device| device.made.iter().copied()).collect();
        prop_assert_eq!(&made, &unique, "a change was lost");

        // Every device ends equal to the server, its outbox drained, its photos sent and
        // nothing refused.
        for device in &world.devices {
            let work = device.store.work();
            prop_assert!(device.store.waiting().is_empty());
            prop_assert!(work.rejected.is_empty());
            prop_assert!(work.photos.iter().all(|(photo, _)| photo.state == PhotoState::Uploaded), "a photo was not sent");
            prop_assert_eq!(&work.snapshot.items, &server.items);
        }

        // Every photo taken is on its item exactly once, and nothing else is.
        let taken: BTreeSet<(Uuid, PhotoId)> =
            world.devices.iter().flat_map(|device| device.store.work().photos.iter().map(|(photo, _)| (photo.item, photo.id.clone())).collect::<Vec<_>>()).collect();
        let attached: Vec<(Uuid, PhotoId)> =
            server.items.values().flat_map(|item| item.photos.iter().map(|photo| (item.id, photo.id.clone()))).collect();
        prop_assert_eq!(attached.len(), taken.len(), "a photo was attached twice");
        prop_assert_eq!(attached.into_iter().collect::<BTreeSet<_>>(), taken, "a photo was lost or invented");

        // The values do not depend on the order things arrived in: replaying the log in
        // stamp order onto fresh items gives the same fields.
        let mut by_stamp = server.log.clone();
        by_stamp.sort_by_key(|(change, _)| change.stamp);
        let mut replayed = fresh_items();
        for (change, author) in &by_stamp {
            apply(replayed.get_mut(&change.item).unwrap(), change, author);
        }
        for (id, item) in &server.items {
            let again = &replayed[id];
            prop_assert_eq!((item.done, &item.note, &item.done_mark, &item.note_mark), (again.done, &again.note, &again.done_mark, &again.note_mark));
        }
    }
}
