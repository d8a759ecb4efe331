//! Random schedules against the real server over HTTP (in-process router, real embedded
//! SurrealDB: `mem://` and `surrealkv://` in a temporary folder). The tablets are the real
//! sync engine (`chidao_core::sync::SyncEngine`) over memory, talking to the router through
//! a transport that drops pushes, loses answers, holds copies back to deliver them later
//! (after the tablet renumbered them), sends a push twice at once, and first sends it with
//! a member the protocol does not know (which must be refused whole). Tablets take photos,
//! which the same rounds send, losing sends and answers. One tablet's clock is
//! always far ahead, so pulled-back stamps meet. At the end of each schedule every change
//! made is in the server's log exactly once, every outbox is empty, every tablet's copy
//! equals the server's, and every logged edit is either its field's value or was beaten
//! by a later one, each tablet's in its own order; and every photo taken is on its item at
//! the server exactly once.

use crate::common;

use axum::http::StatusCode;
use chidao_core::domain::{ChecklistItem, Note, PhotoId};
use chidao_core::sync::{
    photo_refused_for_good, record_edit, replay, unaccounted_edit, Change, DeviceStore, Edit, LoggedEdit, LoggedOutcome, MemoryStore,
    PhotoAnswer, PhotoState, PullResponse, PushResponse, Snapshot, Stamp, SyncEngine, Transport, Unobserved, PUSH_BATCH,
};
use common::TestApp;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A small deterministic generator, so a failing schedule can be replayed from its seed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

struct Tablet {
    id: Uuid,
    store: MemoryStore,
    skew_ms: i64,
    /// Every change made, in the order made.
    made: Vec<Uuid>,
}

/// What the network does to the first push of a round.
#[derive(Debug, Clone, Copy, Default)]
struct Fate {
    dropped: bool,
    answer_lost: bool,
    copied: bool,
    doubled: bool,
    unknown_member: bool,
}

struct Link<'a> {
    app: &'a TestApp,
    cookie: &'a str,
    fate: Cell<Fate>,
    /// What happens to the first photo sent in the round (dropped, answer lost).
    photo_fate: Cell<Fate>,
    late: &'a RefCell<Vec<Vec<Change>>>,
    seed: u64,
}

impl Transport for Link<'_> {
    type Error = &'static str;

    async fn push(&self, changes: Vec<Change>) -> Result<PushResponse, &'static str> {
        let fate = self.fate.take();
        let seed = self.seed;
        if fate.copied {
            self.late.borrow_mut().push(changes.clone());
        }
        if fate.unknown_member {
            let before = log_counts(self.app, &changes).await;
            let answer = self.app.push(self.cookie, with_unknown_member(&changes)).await;
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "seed {seed}: {}", answer.json);
            assert_eq!(log_counts(self.app, &changes).await, before, "seed {seed}: a refused push wrote something");
        }
        if fate.dropped {
            return Err("dropped");
        }
        let response = if fate.doubled {
            let (first, second) = tokio::join!(push(self.app, self.cookie, &changes), push(self.app, self.cookie, &changes));
            if seed.is_multiple_of(2) {
                first
            } else {
                second
            }
        } else {
            push(self.app, self.cookie, &changes).await
        };
        if fate.answer_lost {
            return Err("answer lost");
        }
        Ok(response)
    }

    async fn pull(&self, since: u64) -> Result<PullResponse, &'static str> {
        Ok(serde_json::from_value(self.app.pull(self.cookie, since).await).expect("a pull answer"))
    }

    async fn put_photo(&self, id: &PhotoId, item: Uuid, bytes: Vec<u8>) -> Result<PhotoAnswer, &'static str> {
        let fate = self.photo_fate.take();
        if fate.dropped {
            return Err("dropped");
        }
        let answer = self.app.upload_photo(self.cookie, &item.to_string(), id.as_str(), "image/png", bytes).await;
        if fate.answer_lost {
            return Err("answer lost");
        }
        match answer.status.as_u16() {
            200 | 201 => Ok(PhotoAnswer::Attached(Box::new(serde_json::from_value(answer.json).expect("an item")))),
            status if photo_refused_for_good(status) => Ok(PhotoAnswer::Refused(answer.json["code"].to_string())),
            _ => Err("refused for now"),
        }
    }
}

async fn push(app: &TestApp, cookie: &str, changes: &[Change]) -> PushResponse {
    let answer = app.push(cookie, json!(changes)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    serde_json::from_value(answer.json).unwrap()
}

/// A batch as a client that adds a member of its own would send it.
fn with_unknown_member(batch: &[Change]) -> Value {
    let mut changes = json!(batch);
    changes[0]["colour"] = json!("red");
    changes
}

async fn log_counts(app: &TestApp, batch: &[Change]) -> Vec<usize> {
    let mut counts = Vec::new();
    for change in batch {
        counts.push(app.store.sync.change_log_count(change.id).await.unwrap());
    }
    counts
}

/// One round of the real engine on `tablet`; a failed round is the network's doing.
async fn sync(app: &TestApp, cookie: &str, tablet: &Tablet, late: &RefCell<Vec<Vec<Change>>>, fates: [Fate; 2], batch: usize, seed: u64) {
    let [fate, photo_fate] = fates;
    let link = Link { app, cookie, fate: Cell::new(fate), photo_fate: Cell::new(photo_fate), late, seed };
    let engine = SyncEngine { store: &tablet.store, transport: &link, device: Some(tablet.id), author: "official", batch };
    let mut snapshot = tablet.store.work().snapshot.clone();
    let _ = engine.sync_round(&mut snapshot, &Unobserved).await;
}

/// As the tablet does it: kept before anything is sent. Three pictures per item at most,
/// so the schedules stay inside the limits of photos per item and per unit and day, and
/// tablets often send a photo another already sent.
async fn take_photo(tablet: &Tablet, item: Uuid, picture: u8) {
    let bytes = common::tagged_png(&[picture % 3]);
    tablet.store.keep_photo(item, &PhotoId::of(&bytes), &bytes).await.unwrap();
}

fn photos_waiting(tablet: &Tablet) -> bool {
    tablet.store.work().photos.iter().any(|(photo, _)| photo.state == PhotoState::Waiting)
}

fn edit(tablet: &mut Tablet, item: Uuid, edit: Edit, now_ms: i64) {
    let waiting = tablet.store.waiting();
    let seen = tablet.store.work().snapshot.newest_stamp().into_iter().chain(waiting.iter().map(|change| change.stamp)).max();
    let shown = replay(&tablet.store.work().snapshot.items[&item], &waiting, "official");
    let change = record_edit(&tablet.store, tablet.id, &shown, edit, seen, Uuid::now_v7(), now_ms + tablet.skew_ms).unwrap();
    tablet.made.push(change.id);
}

/// Nothing a person did was silently dropped: each logged edit is its field's value or was
/// beaten by an edit with a later kept stamp, no two edits of a field share a stamp, and
/// each tablet's edits keep the order it made them in.
async fn check_every_edit_stands_or_was_beaten(app: &TestApp, seed: u64, tablets: &[Tablet], items: &BTreeMap<Uuid, ChecklistItem>) {
    let ids: Vec<Uuid> = items.keys().copied().collect();
    let log: Vec<(Uuid, LoggedEdit)> = app.store.sync.logged_edits(&ids).await.unwrap();
    let edits = log.iter().map(|(item, edit)| (edit.change, *item, &edit.edit, edit.stamp));
    if let Some(unaccounted) = unaccounted_edit(edits, items) {
        panic!("seed {seed}: {unaccounted}");
    }
    assert!(log.iter().all(|(_, edit)| edit.outcome != LoggedOutcome::Rejected), "seed {seed}: nothing here should be refused");
    let kept: BTreeMap<Uuid, Stamp> = log.iter().map(|(_, edit)| (edit.change, edit.stamp)).collect();
    for tablet in tablets {
        let in_order: Vec<Stamp> = tablet.made.iter().map(|id| kept[id]).collect();
        assert!(in_order.windows(2).all(|pair| pair[0] < pair[1]), "seed {seed}: a tablet's own order was lost");
    }
}

async fn run_schedules(app: &TestApp, schedules: u64) {
    let cookie = app.sign_in("official").await;
    let mut all_made = Vec::new();
    for seed in 0..schedules {
        let mut dice = Dice(seed * 7919 + 1);
        let late = RefCell::new(Vec::new());
        let mut tablets: Vec<Tablet> = Vec::new();
        for n in 0..3 {
            // The first tablet is always beyond the server's tolerance for future stamps.
            let skew_ms = if n == 0 { 360_000 + dice.roll(3_240_000) as i64 } else { dice.roll(7_200_000) as i64 - 3_600_000 };
            let tablet = Tablet { id: Uuid::now_v7(), store: MemoryStore::new(Snapshot::default()), skew_ms, made: Vec::new() };
            sync(app, &cookie, &tablet, &late, [Fate::default(); 2], PUSH_BATCH, seed).await;
            tablets.push(tablet);
        }
        let items: Vec<Uuid> = tablets[0].store.work().snapshot.items.keys().copied().collect();
        // Edits crowd onto a few items, so one push often holds several edits of a field.
        let busy: Vec<Uuid> = (0..2).map(|_| items[dice.roll(items.len() as u64) as usize]).collect();
        let now = chrono::Utc::now().timestamp_millis();
        for step in 0..(5 + dice.roll(25)) {
            let t = dice.roll(3) as usize;
            match dice.roll(7) {
                0..=2 => {
                    let item = if dice.roll(3) > 0 { busy[dice.roll(2) as usize] } else { items[dice.roll(items.len() as u64) as usize] };
                    let change = if dice.roll(2) == 0 {
                        Edit::Done { value: dice.roll(2) == 0 }
                    } else {
                        Edit::Note { value: Note::parse(&format!("ghi chú {}", dice.roll(100))).unwrap() }
                    };
                    edit(&mut tablets[t], item, change, now + step as i64);
                }
                3 | 4 => {
                    let fate = Fate {
                        dropped: dice.roll(5) == 0,
                        answer_lost: dice.roll(3) == 0,
                        copied: dice.roll(3) == 0,
                        doubled: dice.roll(4) == 0,
                        unknown_member: dice.roll(6) == 0,
                    };
                    let photo_fate = Fate { dropped: dice.roll(5) == 0, answer_lost: dice.roll(3) == 0, ..Fate::default() };
                    sync(app, &cookie, &tablets[t], &late, [fate, photo_fate], 1 + dice.roll(4) as usize, seed).await;
                }
                5 => take_photo(&tablets[t], items[dice.roll(items.len() as u64) as usize], dice.roll(3) as u8).await,
                _ => {
                    let held = late.borrow().len();
                    if held > 0 {
                        // A copy held back arrives now, after whatever came since.
                        let copy = late.borrow_mut().remove(dice.roll(held as u64) as usize);
                        push(app, &cookie, &copy).await;
                    }
                }
            }
        }
        // Everyone reconnects and syncs to the end.
        for tablet in &tablets {
            for _ in 0..10 {
                if tablet.store.waiting().is_empty() && !photos_waiting(tablet) {
                    break;
                }
                sync(app, &cookie, tablet, &late, [Fate::default(); 2], PUSH_BATCH, seed).await;
            }
            assert!(tablet.store.waiting().is_empty(), "seed {seed}: outbox did not drain");
            assert!(!photos_waiting(tablet), "seed {seed}: photos did not drain");
            assert!(tablet.store.work().rejected.is_empty(), "seed {seed}: nothing here should be refused");
        }
        for tablet in &tablets {
            sync(app, &cookie, tablet, &late, [Fate::default(); 2], PUSH_BATCH, seed).await;
        }
        let server = serde_json::from_value::<Vec<ChecklistItem>>(app.pull(&cookie, 0).await["items"].clone()).unwrap();
        let server: BTreeMap<Uuid, ChecklistItem> = server.into_iter().map(|item| (item.id, item)).collect();
        for tablet in &tablets {
            assert_eq!(tablet.store.work().snapshot.items, server, "seed {seed}: a tablet's copy differs from the server's");
        }
        check_every_edit_stands_or_was_beaten(app, seed, &tablets, &server).await;
        for item in server.values() {
            let ids: std::collections::BTreeSet<&PhotoId> = item.photos.iter().map(|photo| &photo.id).collect();
            assert_eq!(ids.len(), item.photos.len(), "seed {seed}: a photo is twice on item {}", item.id);
        }
        for tablet in &tablets {
            for (photo, _) in tablet.store.work().photos.iter() {
                assert_eq!(photo.state, PhotoState::Uploaded, "seed {seed}: photo {} was refused", photo.key);
                assert!(server[&photo.item].photos.iter().any(|held| held.id == photo.id), "seed {seed}: photo {} was lost", photo.key);
            }
        }
        for tablet in &mut tablets {
            all_made.append(&mut tablet.made);
        }
    }
    for id in all_made {
        assert_eq!(app.store.sync.change_log_count(id).await.unwrap(), 1, "change {id}");
    }
}

#[tokio::test]
async fn random_schedules_over_http_on_the_memory_engine() {
    run_schedules(&common::app().await, 150).await;
}

#[tokio::test]
async fn random_schedules_over_http_on_the_disk_engine() {
    let dir = tempfile::tempdir().unwrap();
    let app = common::app_with(&format!("surrealkv://{}", dir.path().join("db").display())).await;
    run_schedules(&app, 100).await;
}
