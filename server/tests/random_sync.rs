//! Random schedules against the real server over HTTP (in-process router, real embedded
//! SurrealDB: `mem://` and `surrealkv://` in a temporary folder). Devices use the app's own
//! outbox; pushes are split, duplicated, sent twice at once, reordered, started past a
//! gap, sent with a member the protocol does not know, and their answers lost at random;
//! one tablet's clock is always far ahead, so pulled-back stamps meet. At the end of each
//! schedule every change made is in the server's log exactly once, every outbox is empty,
//! every device's copy equals the server's, and every logged edit is either its field's
//! value or was beaten by a later one, each device's in its own order.

mod common;

use axum::http::StatusCode;
use chidao_core::domain::{ChecklistItem, Note};
use chidao_core::sync::{apply, replay, Change, Edit, LoggedEdit, LoggedOutcome, Outbox, PushResponse, Stamp};
use common::TestApp;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
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
    outbox: Outbox,
    snapshot: BTreeMap<Uuid, ChecklistItem>,
    skew_ms: i64,
    /// Every change made, in the order made.
    made: Vec<Uuid>,
}

async fn pull_all(app: &TestApp, cookie: &str) -> BTreeMap<Uuid, ChecklistItem> {
    let pull = app.pull(cookie, 0).await;
    serde_json::from_value::<Vec<ChecklistItem>>(pull["items"].clone()).unwrap().into_iter().map(|item| (item.id, item)).collect()
}

async fn push(app: &TestApp, cookie: &str, changes: &[Change]) -> PushResponse {
    let answer = app.push(cookie, json!(changes)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    serde_json::from_value(answer.json).unwrap()
}

fn settle(tablet: &mut Tablet, response: &PushResponse) {
    let settled = tablet.outbox.settle(&response.results);
    assert!(settled.refused.is_empty(), "nothing here should be refused: {:?}", settled.refused);
    for change in &settled.acknowledged {
        apply(tablet.snapshot.get_mut(&change.item).unwrap(), change, "official");
    }
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
        counts.push(app.store.change_log_count(change.id).await.unwrap());
    }
    counts
}

/// Nothing a person did was silently dropped: each logged edit is its field's value or was
/// beaten by an edit with a later kept stamp, no two edits of a field share a stamp, and
/// each tablet's edits keep the order it made them in.
async fn check_every_edit_stands_or_was_beaten(app: &TestApp, seed: u64, tablets: &[Tablet], items: &BTreeMap<Uuid, ChecklistItem>) {
    let ids: Vec<Uuid> = items.keys().copied().collect();
    let log: Vec<(Uuid, LoggedEdit)> = app.store.logged_edits(&ids).await.unwrap();
    let mut seen = BTreeSet::new();
    let mut kept: BTreeMap<Uuid, Stamp> = BTreeMap::new();
    for (item, edit) in &log {
        assert!(seen.insert((*item, edit.edit.field(), edit.stamp)), "seed {seed}: two edits of a field share the stamp {:?}", edit.stamp);
        kept.insert(edit.change, edit.stamp);
        let now = &items[item];
        let (mark, stands) = match &edit.edit {
            Edit::Done { value } => (&now.done_mark, now.done == *value),
            Edit::Note { value } => (&now.note_mark, now.note == *value),
        };
        let mark = mark.as_ref().map(|mark| mark.stamp);
        assert!(mark >= Some(edit.stamp), "seed {seed}: change {} is neither its field's value nor beaten by a later edit", edit.change);
        assert!(mark != Some(edit.stamp) || stands, "seed {seed}: change {} holds the field's stamp but not its value", edit.change);
        assert_ne!(edit.outcome, LoggedOutcome::Rejected);
    }
    for tablet in tablets {
        let in_order: Vec<Stamp> = tablet.made.iter().map(|id| kept[id]).collect();
        assert!(in_order.windows(2).all(|pair| pair[0] < pair[1]), "seed {seed}: a tablet's own order was lost");
    }
}

async fn run_schedules(app: &TestApp, schedules: u64) {
    let cookie = app.sign_in("official").await;
    let items: Vec<Uuid> = pull_all(app, &cookie).await.into_keys().collect();
    let mut all_made = Vec::new();
    for seed in 0..schedules {
        let mut dice = Dice(seed * 7919 + 1);
        let start = pull_all(app, &cookie).await;
        let mut tablets: Vec<Tablet> = (0..3)
            .map(|n| {
                // The first tablet is always beyond the server's tolerance for future stamps.
                let skew_ms = if n == 0 { 360_000 + dice.roll(3_240_000) as i64 } else { dice.roll(7_200_000) as i64 - 3_600_000 };
                Tablet { outbox: Outbox::new(Uuid::now_v7()), snapshot: start.clone(), skew_ms, made: Vec::new() }
            })
            .collect();
        // Edits crowd onto a few items, so one push often holds several edits of a field.
        let busy: Vec<Uuid> = (0..2).map(|_| items[dice.roll(items.len() as u64) as usize]).collect();
        let mut network: Vec<(usize, Vec<Change>)> = Vec::new();
        let now = chrono::Utc::now().timestamp_millis();
        for step in 0..(5 + dice.roll(25)) {
            let t = dice.roll(3) as usize;
            match dice.roll(9) {
                0..=2 => {
                    let tablet = &mut tablets[t];
                    let item = if dice.roll(3) > 0 { busy[dice.roll(2) as usize] } else { items[dice.roll(items.len() as u64) as usize] };
                    let shown = replay(&tablet.snapshot[&item], &tablet.outbox.changes, "official");
                    let edit = if dice.roll(2) == 0 {
                        Edit::Done { value: dice.roll(2) == 0 }
                    } else {
                        Edit::Note { value: Note::parse(&format!("ghi chú {}", dice.roll(100))).unwrap() }
                    };
                    let change = tablet.outbox.record(Uuid::now_v7(), &shown, edit, now + step as i64 + tablet.skew_ms);
                    tablet.made.push(change.id);
                }
                3 => {
                    // From the first waiting change, or past it: the server then answers a
                    // gap and the tablet renumbers changes that may already be on their way.
                    let skip = if dice.roll(4) == 0 { 1 + dice.roll(2) as usize } else { 0 };
                    let take = 1 + dice.roll(4) as usize;
                    let batch: Vec<Change> = tablets[t].outbox.changes.iter().skip(skip).take(take).cloned().collect();
                    if !batch.is_empty() {
                        network.push((t, batch));
                    }
                }
                4 if !network.is_empty() => {
                    let (sender, batch) = network.remove(dice.roll(network.len() as u64) as usize);
                    let response = push(app, &cookie, &batch).await;
                    if dice.roll(3) > 0 {
                        settle(&mut tablets[sender], &response);
                    }
                }
                5 if !network.is_empty() => {
                    let copy = network[dice.roll(network.len() as u64) as usize].clone();
                    network.push(copy);
                }
                6 if !network.is_empty() => {
                    // The same push twice at once (a retry racing the original).
                    let (sender, batch) = network.remove(dice.roll(network.len() as u64) as usize);
                    let (first, second) = tokio::join!(push(app, &cookie, &batch), push(app, &cookie, &batch));
                    settle(&mut tablets[sender], if dice.roll(2) == 0 { &first } else { &second });
                }
                7 if !network.is_empty() => {
                    let (_, batch) = &network[dice.roll(network.len() as u64) as usize];
                    let before = log_counts(app, batch).await;
                    let answer = app.push(&cookie, with_unknown_member(batch)).await;
                    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "seed {seed}: {}", answer.json);
                    assert_eq!(log_counts(app, batch).await, before, "seed {seed}: a refused push wrote something");
                }
                8 => {
                    tablets[t].snapshot = pull_all(app, &cookie).await;
                }
                _ => {}
            }
        }
        // Everyone reconnects and syncs to the end.
        for tablet in &mut tablets {
            for _ in 0..10 {
                if tablet.outbox.changes.is_empty() {
                    break;
                }
                let response = push(app, &cookie, &tablet.outbox.changes.clone()).await;
                settle(tablet, &response);
            }
            assert!(tablet.outbox.changes.is_empty(), "seed {seed}: outbox did not drain");
        }
        let server = pull_all(app, &cookie).await;
        check_every_edit_stands_or_was_beaten(app, seed, &tablets, &server).await;
        for tablet in &mut tablets {
            tablet.snapshot = server.clone();
            all_made.append(&mut tablet.made);
        }
    }
    for id in all_made {
        assert_eq!(app.store.change_log_count(id).await.unwrap(), 1, "change {id}");
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
