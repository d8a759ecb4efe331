//! The device's side of the sync, once: recording an edit into the outbox, and a sync
//! round (push every waiting change in batches → settle each answer → renumber after a
//! gap → pull until the server has no more → fold into the snapshot → move the clock past
//! what was shown → send the photos waiting). It knows nothing of browsers or HTTP:
//! storage and the network are the two small traits below. Tablets run it over local storage and `fetch`; the sync model
//! and the HTTP random schedules run this same code over memory and the real router.

use super::{waiting, Change, ChangeResult, Edit, KeptPhoto, Outbox, PhotoAnswer, PhotoState, PullResponse, PushResponse, Snapshot};
use crate::domain::PhotoId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::future::Future;
use uuid::Uuid;

/// Changes sent in one push.
pub const PUSH_BATCH: usize = 100;

/// Pushes in one round at the most: each one settles changes or renumbers after a gap, so
/// a round ends well before this unless the server keeps answering without progress.
const MAX_PUSHES_PER_ROUND: usize = 1000;

/// A change the server refused, with its reason, kept so the person can see what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedChange {
    pub change: Change,
    pub reason: String,
}

/// Where one person's work waits on a device: an outbox per device id (a browser has one
/// per open tab), the ids the server has settled, the snapshot, and refused changes.
/// Each method is one storage write or read; none is allowed to lose what it was given.
pub trait DeviceStore {
    type Error: std::fmt::Display;

    /// Every outbox of this person on this device, with the key it is kept under.
    fn outboxes(&self) -> Result<Vec<(String, Outbox)>, Self::Error>;
    /// The outbox of `device`, an empty one when it has none yet.
    fn own_outbox(&self, device: Uuid) -> Result<Outbox, Self::Error>;
    /// Writes the syncing device's own outbox, at once (before anything else can run: a
    /// tick recorded meanwhile would otherwise be overwritten).
    fn save_own_outbox(&self, outbox: &Outbox) -> Result<(), Self::Error>;
    /// Writes another device's outbox (a closed tab's): only while nothing else can write it.
    fn rewrite_other_outbox(&self, key: &str, outbox: &Outbox) -> impl Future<Output = Result<(), Self::Error>>;
    /// Ids of changes the server settled that some outbox may still hold.
    fn settled(&self) -> Result<BTreeSet<Uuid>, Self::Error>;
    fn save_settled(&self, settled: &BTreeSet<Uuid>) -> Result<(), Self::Error>;
    fn save_snapshot(&self, snapshot: &Snapshot) -> Result<(), Self::Error>;
    /// Adds refused changes to those kept for the person to see.
    fn keep_rejected(&self, rejected: &[RejectedChange]) -> Result<(), Self::Error>;
    /// Keeps a photo of `item`, waiting to be sent. The same photo kept twice for one item
    /// is one photo (its key comes from the item and the content id).
    fn keep_photo(&self, item: Uuid, id: &PhotoId, bytes: &[u8]) -> impl Future<Output = Result<KeptPhoto, Self::Error>>;
    /// The photos kept here that the server has not had yet.
    fn waiting_photos(&self) -> impl Future<Output = Result<Vec<KeptPhoto>, Self::Error>>;
    fn photo_bytes(&self, key: &str) -> impl Future<Output = Result<Vec<u8>, Self::Error>>;
    /// Records what the server said of a photo.
    fn mark_photo(&self, key: &str, state: &PhotoState) -> impl Future<Output = Result<(), Self::Error>>;
}

/// The calls a device makes to the server.
pub trait Transport {
    type Error;

    fn push(&self, changes: Vec<Change>) -> impl Future<Output = Result<PushResponse, Self::Error>>;
    fn pull(&self, since: u64) -> impl Future<Output = Result<PullResponse, Self::Error>>;
    /// Sends one photo of `item`. A refusal that sending again would not change is an
    /// answer ([`PhotoAnswer::Refused`]); one that may pass later is an error, which ends
    /// the round like a failed push.
    fn put_photo(&self, id: &PhotoId, item: Uuid, bytes: Vec<u8>) -> impl Future<Output = Result<PhotoAnswer, Self::Error>>;
}

/// What a round tells the screen as it goes; every method may do nothing.
pub trait SyncObserver<StoreError> {
    /// A push was answered and its answers recorded.
    fn settled(&self, _snapshot: &Snapshot, _acknowledged: &[Change], _refused: &[RejectedChange]) {}
    /// A page of a pull was taken in.
    fn pulled(&self, _snapshot: &Snapshot) {}
    /// The server answered a photo; `photo` carries its new state, `snapshot` its item.
    fn photo_answered(&self, _snapshot: &Snapshot, _photo: &KeptPhoto) {}
    /// Storage failed; what was not stored stays where it was (waiting, or on the server).
    fn store_failed(&self, _error: StoreError) {}
}

/// An observer that looks at nothing.
pub struct Unobserved;

impl<E> SyncObserver<E> for Unobserved {}

/// One person's device as the sync sees it.
pub struct SyncEngine<'a, S, T> {
    pub store: &'a S,
    pub transport: &'a T,
    /// This tab's device id, once it holds it.
    pub device: Option<Uuid>,
    /// The signed-in person's username: the author of every change here.
    pub author: &'a str,
    /// Changes per push.
    pub batch: usize,
}

/// The outboxes with the syncing device's own first, the others in the order they came.
fn own_first(outboxes: Vec<(String, Outbox)>, device: Option<Uuid>) -> Vec<(String, Outbox)> {
    let (mut own, others): (Vec<_>, Vec<_>) = outboxes.into_iter().partition(|(_, outbox)| Some(outbox.device) == device);
    own.extend(others);
    own
}

/// Records an edit of `shown` (the item as the screen shows it, pending changes included)
/// by `device` into its own outbox, in one storage write, and returns the change. Its
/// stamp is later than anything the device has made or been shown (`seen`, in any tab).
pub fn record_edit<S: DeviceStore>(
    store: &S,
    device: Uuid,
    shown: &crate::domain::ChecklistItem,
    edit: Edit,
    seen: Option<super::Stamp>,
    id: Uuid,
    now_ms: i64,
) -> Result<Change, S::Error> {
    let settled = store.settled()?;
    let mut outbox = store.own_outbox(device)?;
    outbox.prune(&settled);
    if let Some(seen) = seen {
        outbox.witness(seen);
    }
    let change = outbox.record(id, shown, edit, now_ms);
    store.save_own_outbox(&outbox)?;
    Ok(change)
}

impl<S: DeviceStore, T: Transport> SyncEngine<'_, S, T> {
    /// One round: push everything waiting, tidy the outboxes, pull until the server has no
    /// more, send the photos waiting. A network failure ends the round (the rest waits for
    /// the next one); a storage failure is reported and stops that step, and nothing
    /// acknowledged is lost by it. Photos go last: a tick is small and says the work is
    /// done, a photo is large and only shows it.
    pub async fn sync_round(&self, snapshot: &mut Snapshot, observer: &impl SyncObserver<S::Error>) -> Result<(), T::Error> {
        self.push_waiting(snapshot, observer).await?;
        self.tidy_outboxes().await;
        self.pull_all(snapshot, observer).await?;
        self.send_photos(snapshot, observer).await
    }

    /// Each waiting photo once, in the order kept. A photo whose bytes cannot be read is
    /// left waiting; one the server has is marked sent even when it was there already.
    async fn send_photos(&self, snapshot: &mut Snapshot, observer: &impl SyncObserver<S::Error>) -> Result<(), T::Error> {
        let waiting = match self.store.waiting_photos().await {
            Ok(waiting) => waiting,
            Err(error) => {
                observer.store_failed(error);
                return Ok(());
            }
        };
        for mut photo in waiting {
            let bytes = match self.store.photo_bytes(&photo.key).await {
                Ok(bytes) => bytes,
                Err(error) => {
                    observer.store_failed(error);
                    continue;
                }
            };
            photo.state = match self.transport.put_photo(&photo.id, photo.item, bytes).await? {
                PhotoAnswer::Attached(item) => {
                    snapshot.items.insert(item.id, *item);
                    if let Err(error) = self.store.save_snapshot(snapshot) {
                        observer.store_failed(error);
                    }
                    PhotoState::Uploaded
                }
                PhotoAnswer::Refused(reason) => PhotoState::Refused(reason),
            };
            // Not marked means sent again next round, which the server answers the same.
            if let Err(error) = self.store.mark_photo(&photo.key, &photo.state).await {
                observer.store_failed(error);
            }
            observer.photo_answered(snapshot, &photo);
        }
        Ok(())
    }

    /// Every change waiting in any of this person's outboxes, in batches.
    async fn push_waiting(&self, snapshot: &mut Snapshot, observer: &impl SyncObserver<S::Error>) -> Result<(), T::Error> {
        for _ in 0..MAX_PUSHES_PER_ROUND {
            // Read from storage every time: other tabs add their ticks.
            let batch: Vec<Change> = match self.store.outboxes().and_then(|outboxes| Ok((outboxes, self.store.settled()?))) {
                Ok((outboxes, settled)) => {
                    waiting(outboxes.iter().map(|(_, outbox)| outbox), &settled).into_iter().take(self.batch).collect()
                }
                Err(error) => {
                    observer.store_failed(error);
                    return Ok(());
                }
            };
            if batch.is_empty() {
                return Ok(());
            }
            let response = self.transport.push(batch).await?;
            match self.settle(&response.results, snapshot).await {
                Ok(Some((acknowledged, refused))) => observer.settled(snapshot, &acknowledged, &refused),
                Ok(None) => return Ok(()),
                Err(error) => {
                    observer.store_failed(error);
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Records one push's answers: settled ids under their own key (each outbox is
    /// rewritten only by its own tab, or once that tab is closed), renumbered outboxes
    /// written back, acknowledged changes folded into the snapshot before they are marked
    /// settled (at no moment is one in neither). `None` when the answers moved nothing.
    async fn settle(
        &self,
        results: &[ChangeResult],
        snapshot: &mut Snapshot,
    ) -> Result<Option<(Vec<Change>, Vec<RejectedChange>)>, S::Error> {
        let outboxes = self.store.outboxes()?;
        let mut settled_ids = self.store.settled()?;
        let (mut acknowledged, mut refused, mut progressed) = (Vec::new(), Vec::new(), false);
        for (key, mut outbox) in own_first(outboxes, self.device) {
            let settled = outbox.settle(results);
            progressed |= !settled.acknowledged.is_empty() || !settled.refused.is_empty() || settled.renumbered;
            settled_ids.extend(settled.acknowledged.iter().map(|change| change.id));
            settled_ids.extend(settled.refused.iter().map(|(change, _)| change.id));
            acknowledged.extend(settled.acknowledged);
            refused.extend(settled.refused.into_iter().map(|(change, reason)| RejectedChange { change, reason }));
            if settled.renumbered {
                self.write_back(&key, &outbox).await?;
            }
        }
        if !progressed {
            return Ok(None);
        }
        snapshot.acknowledge(&acknowledged, self.author);
        self.store.save_snapshot(snapshot)?;
        self.store.keep_rejected(&refused)?;
        self.store.save_settled(&settled_ids)?;
        Ok(Some((acknowledged, refused)))
    }

    async fn write_back(&self, key: &str, outbox: &Outbox) -> Result<(), S::Error> {
        if Some(outbox.device) == self.device {
            self.store.save_own_outbox(outbox)
        } else {
            self.store.rewrite_other_outbox(key, outbox).await
        }
    }

    /// Drops settled changes from the outboxes, and forgets settled ids that no outbox
    /// holds any more. An emptied outbox is kept: it carries its device's numbering, which
    /// must never start again from 1. Best effort: what is not tidied now is next time.
    async fn tidy_outboxes(&self) {
        let (Ok(outboxes), Ok(mut settled)) = (self.store.outboxes(), self.store.settled()) else { return };
        for (key, mut outbox) in own_first(outboxes, self.device) {
            if outbox.prune(&settled) {
                let _ = self.write_back(&key, &outbox).await;
            }
        }
        if let Ok(left) = self.store.outboxes() {
            let held: BTreeSet<Uuid> = left.iter().flat_map(|(_, outbox)| outbox.changes.iter().map(|change| change.id)).collect();
            let before = settled.len();
            settled.retain(|id| held.contains(id));
            if settled.len() != before {
                let _ = self.store.save_settled(&settled);
            }
        }
    }

    /// Pages after the snapshot's cursor until the server has no more; the device's clock
    /// moves past the newest stamp it was shown.
    async fn pull_all(&self, snapshot: &mut Snapshot, observer: &impl SyncObserver<S::Error>) -> Result<(), T::Error> {
        loop {
            let page = self.transport.pull(snapshot.cursor).await?;
            let more = page.more;
            snapshot.absorb(page);
            if let Err(error) = self.store.save_snapshot(snapshot).and_then(|()| self.witness_newest(snapshot)) {
                observer.store_failed(error);
            }
            observer.pulled(snapshot);
            if !more {
                return Ok(());
            }
        }
    }

    /// Written back only when the clock moved: every write of the outbox is a chance to
    /// race another tab's tick (see docs/sync.md).
    fn witness_newest(&self, snapshot: &Snapshot) -> Result<(), S::Error> {
        let (Some(seen), Some(device)) = (snapshot.newest_stamp(), self.device) else { return Ok(()) };
        let mut outbox = self.store.own_outbox(device)?;
        if outbox.witness(seen) {
            self.store.save_own_outbox(&outbox)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ChecklistItem, UnitCode};
    use crate::sync::{resolve_now, ChangeStatus, MemoryStore};
    use std::cell::RefCell;

    const DEVICE: Uuid = Uuid::from_u128(0xd1);
    const AUTHOR: &str = "an";

    fn item(n: u128) -> ChecklistItem {
        ChecklistItem::new(Uuid::from_u128(n), Uuid::nil(), UnitCode::parse("XA-1").unwrap(), "Mục", n as u32).unwrap()
    }

    fn store_with_items() -> MemoryStore {
        let mut snapshot = Snapshot::default();
        for n in 1..=2 {
            snapshot.items.insert(Uuid::from_u128(n), item(n));
        }
        MemoryStore::new(snapshot)
    }

    fn tick(store: &MemoryStore, n: u128, id: u128) -> Change {
        let shown = store.work().snapshot.items[&Uuid::from_u128(n)].clone();
        record_edit(store, DEVICE, &shown, Edit::Done { value: true }, None, Uuid::from_u128(id), 1_000 + id as i64).unwrap()
    }

    fn empty_page(since: u64) -> PullResponse {
        PullResponse { cursor: since, more: false, items: Vec::new(), tasks: Vec::new(), directives: Vec::new(), units: Vec::new() }
    }

    fn answered(changes: &[Change], status: ChangeStatus) -> PushResponse {
        PushResponse { results: changes.iter().map(|change| ChangeResult::bare(change.id, status)).collect() }
    }

    type Answer<'a> = Box<dyn Fn(&[Change]) -> Result<PushResponse, &'static str> + 'a>;
    type Page<'a> = Box<dyn Fn(u64) -> Result<PullResponse, &'static str> + 'a>;
    type PhotoReply<'a> = Box<dyn Fn(&PhotoId, Uuid) -> Result<PhotoAnswer, &'static str> + 'a>;

    /// A server played by a closure; every push it is sent is kept.
    struct Scripted<'a> {
        answer: Answer<'a>,
        pull: Page<'a>,
        photo: PhotoReply<'a>,
        sent: RefCell<Vec<Vec<Change>>>,
        /// Every call in order: "push", "pull" or "photo".
        calls: RefCell<Vec<&'static str>>,
    }

    impl<'a> Scripted<'a> {
        fn new(answer: impl Fn(&[Change]) -> Result<PushResponse, &'static str> + 'a) -> Self {
            Self {
                answer: Box::new(answer),
                pull: Box::new(|since| Ok(empty_page(since))),
                photo: Box::new(|_, _| Err("no photo was expected")),
                sent: RefCell::default(),
                calls: RefCell::default(),
            }
        }
    }

    impl Transport for Scripted<'_> {
        type Error = &'static str;

        async fn push(&self, changes: Vec<Change>) -> Result<PushResponse, &'static str> {
            self.calls.borrow_mut().push("push");
            self.sent.borrow_mut().push(changes.clone());
            (self.answer)(&changes)
        }

        async fn pull(&self, since: u64) -> Result<PullResponse, &'static str> {
            self.calls.borrow_mut().push("pull");
            (self.pull)(since)
        }

        async fn put_photo(&self, id: &PhotoId, item: Uuid, bytes: Vec<u8>) -> Result<PhotoAnswer, &'static str> {
            assert_eq!(&PhotoId::of(&bytes), id, "the bytes kept are the bytes sent");
            self.calls.borrow_mut().push("photo");
            (self.photo)(id, item)
        }
    }

    fn round(store: &MemoryStore, transport: &Scripted) -> Result<(), &'static str> {
        let engine = SyncEngine { store, transport, device: Some(DEVICE), author: AUTHOR, batch: PUSH_BATCH };
        let mut snapshot = store.work().snapshot.clone();
        resolve_now(engine.sync_round(&mut snapshot, &Unobserved))
    }

    #[test]
    fn a_change_leaves_the_outbox_only_when_answered() {
        let store = store_with_items();
        let change = tick(&store, 1, 10);
        assert_eq!(round(&store, &Scripted::new(|_| Err("offline"))), Err("offline"));
        assert_eq!(store.waiting(), std::slice::from_ref(&change), "no answer, so it waits");
        round(&store, &Scripted::new(|changes| Ok(answered(changes, ChangeStatus::Applied)))).unwrap();
        assert!(store.waiting().is_empty());
        assert!(store.work().snapshot.items[&change.item].done, "acknowledged means shown without the outbox");
        assert!(store.work().outboxes[&DEVICE].changes.is_empty(), "tidied away after the round");
        assert_eq!(store.work().outboxes[&DEVICE].next_seq, 2, "an emptied outbox keeps its numbering");
    }

    #[test]
    fn a_gap_renumbers_what_waits_and_the_round_goes_on() {
        let store = store_with_items();
        tick(&store, 1, 10);
        tick(&store, 2, 11);
        let transport = Scripted::new(|changes| {
            Ok(if changes[0].seq == 1 {
                PushResponse {
                    results: changes
                        .iter()
                        .map(|change| ChangeResult { expected_seq: Some(7), ..ChangeResult::bare(change.id, ChangeStatus::Gap) })
                        .collect(),
                }
            } else {
                answered(changes, ChangeStatus::Applied)
            })
        });
        round(&store, &transport).unwrap();
        let sent: Vec<Vec<u64>> = transport.sent.borrow().iter().map(|push| push.iter().map(|change| change.seq).collect()).collect();
        assert_eq!(sent, [vec![1, 2], vec![7, 8]]);
        assert!(store.waiting().is_empty());
        assert_eq!(store.work().outboxes[&DEVICE].next_seq, 9);
    }

    #[test]
    fn a_tick_made_while_a_push_is_on_its_way_survives_a_renumbering() {
        let store = store_with_items();
        tick(&store, 1, 10);
        let made_meanwhile = RefCell::new(None);
        let transport = Scripted::new(|changes| {
            if made_meanwhile.borrow().is_none() {
                *made_meanwhile.borrow_mut() = Some(tick(&store, 2, 11));
                return Ok(PushResponse {
                    results: vec![ChangeResult { expected_seq: Some(4), ..ChangeResult::bare(changes[0].id, ChangeStatus::Gap) }],
                });
            }
            Ok(answered(changes, ChangeStatus::Applied))
        });
        round(&store, &transport).unwrap();
        let pushed: Vec<Uuid> = transport.sent.borrow().iter().flatten().map(|change| change.id).collect();
        assert_eq!(pushed, [Uuid::from_u128(10), Uuid::from_u128(10), Uuid::from_u128(11)]);
        assert!(store.waiting().is_empty());
        assert!(store.work().snapshot.items[&Uuid::from_u128(2)].done, "the tick made during the push was pushed too");
    }

    #[test]
    fn a_session_that_expires_mid_sync_keeps_what_was_acknowledged() {
        let store = store_with_items();
        let change = tick(&store, 1, 10);
        let mut transport = Scripted::new(|changes| Ok(answered(changes, ChangeStatus::Applied)));
        transport.pull = Box::new(|_| Err("unauthorized"));
        assert_eq!(round(&store, &transport), Err("unauthorized"));
        assert!(store.waiting().is_empty(), "the push was answered before the session expired");
        assert!(store.work().snapshot.items[&change.item].done);
        assert!(store.work().outboxes[&DEVICE].changes.is_empty());
    }

    #[test]
    fn a_refused_change_is_kept_with_its_reason_and_not_sent_again() {
        let store = store_with_items();
        let change = tick(&store, 1, 10);
        let transport = Scripted::new(|changes| {
            Ok(PushResponse {
                results: vec![ChangeResult {
                    reason: Some("belongs to another unit".into()),
                    ..ChangeResult::bare(changes[0].id, ChangeStatus::Rejected)
                }],
            })
        });
        round(&store, &transport).unwrap();
        assert_eq!(store.work().rejected, [RejectedChange { change: change.clone(), reason: "belongs to another unit".into() }]);
        assert!(!store.work().snapshot.items[&change.item].done, "a refused tick is not shown as done");
        round(&store, &transport).unwrap();
        assert_eq!(transport.sent.borrow().len(), 1);
    }

    #[test]
    fn pushes_go_in_batches_in_each_devices_order() {
        let store = store_with_items();
        for id in 10..15 {
            tick(&store, 1 + id % 2, id);
        }
        let transport = Scripted::new(|changes| Ok(answered(changes, ChangeStatus::Applied)));
        let engine = SyncEngine { store: &store, transport: &transport, device: Some(DEVICE), author: AUTHOR, batch: 2 };
        let mut snapshot = store.work().snapshot.clone();
        resolve_now(engine.sync_round(&mut snapshot, &Unobserved)).unwrap();
        let sent: Vec<Vec<u64>> = transport.sent.borrow().iter().map(|push| push.iter().map(|change| change.seq).collect()).collect();
        assert_eq!(sent, [vec![1, 2], vec![3, 4], vec![5]]);
    }

    #[test]
    fn the_clock_moves_past_the_newest_stamp_pulled() {
        let store = store_with_items();
        let mut ahead = item(1);
        ahead.done_mark = Some(crate::sync::Mark {
            stamp: crate::sync::Stamp { wall_ms: 9_999_999, counter: 2, device: Uuid::from_u128(7) },
            by: "binh".into(),
        });
        let mut transport = Scripted::new(|changes| Ok(answered(changes, ChangeStatus::Applied)));
        transport.pull = Box::new(move |_| Ok(PullResponse { cursor: 5, items: vec![ahead.clone()], ..empty_page(0) }));
        tick(&store, 2, 10);
        round(&store, &transport).unwrap();
        assert_eq!(store.work().snapshot.cursor, 5);
        let next = tick(&store, 1, 11);
        assert!(next.stamp.wall_ms == 9_999_999 && next.stamp.counter == 3, "{:?}", next.stamp);
    }

    fn keep(store: &MemoryStore, n: u128, picture: &[u8]) -> KeptPhoto {
        resolve_now(store.keep_photo(Uuid::from_u128(n), &PhotoId::of(picture), picture)).unwrap()
    }

    fn with_photo(mut item: ChecklistItem, id: &PhotoId) -> ChecklistItem {
        item.photos.push(crate::domain::PhotoRef { id: id.clone(), by: AUTHOR.into(), at_ms: 5 });
        item
    }

    #[test]
    fn a_photo_goes_after_the_ticks_and_its_item_is_shown_with_it() {
        let store = store_with_items();
        tick(&store, 1, 10);
        let kept = keep(&store, 1, b"first picture");
        let mut transport = Scripted::new(|changes| Ok(answered(changes, ChangeStatus::Applied)));
        transport.photo = Box::new(|id, n| Ok(PhotoAnswer::Attached(Box::new(with_photo(item(n.as_u128()), id)))));
        round(&store, &transport).unwrap();
        assert_eq!(*transport.calls.borrow(), ["push", "pull", "photo"]);
        assert_eq!(store.work().photos[0].0.state, PhotoState::Uploaded);
        assert_eq!(store.work().snapshot.items[&kept.item].photos[0].id, kept.id);
        round(&store, &transport).unwrap();
        assert_eq!(transport.calls.borrow().iter().filter(|call| **call == "photo").count(), 1, "a photo sent is not sent again");
    }

    #[test]
    fn a_photo_the_server_refuses_for_good_is_marked_and_kept() {
        let store = store_with_items();
        keep(&store, 1, b"an eleventh picture");
        let mut transport = Scripted::new(|changes| Ok(answered(changes, ChangeStatus::Applied)));
        transport.photo = Box::new(|_, _| Ok(PhotoAnswer::Refused("photo_limit".into())));
        round(&store, &transport).unwrap();
        round(&store, &transport).unwrap();
        assert_eq!(store.work().photos[0].0.state, PhotoState::Refused("photo_limit".into()));
        assert_eq!(transport.calls.borrow().iter().filter(|call| **call == "photo").count(), 1);
    }

    #[test]
    fn a_photo_that_may_pass_later_ends_the_round_and_waits() {
        let store = store_with_items();
        keep(&store, 1, b"one");
        keep(&store, 2, b"two");
        let mut transport = Scripted::new(|changes| Ok(answered(changes, ChangeStatus::Applied)));
        transport.photo = Box::new(|_, _| Err("the unit's photos of the day are counted"));
        assert!(round(&store, &transport).is_err());
        assert_eq!(transport.calls.borrow().iter().filter(|call| **call == "photo").count(), 1, "the second waits too");
        assert!(store.work().photos.iter().all(|(photo, _)| photo.state == PhotoState::Waiting));
    }

    #[test]
    fn the_same_picture_kept_twice_for_an_item_is_one_photo() {
        let store = store_with_items();
        keep(&store, 1, b"same");
        keep(&store, 1, b"same");
        keep(&store, 2, b"same");
        assert_eq!(resolve_now(store.waiting_photos()).unwrap().len(), 2);
    }
}
