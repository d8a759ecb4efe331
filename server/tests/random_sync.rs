//! Random schedules against the real server over HTTP (in-process router, real embedded
//! SurrealDB: `mem://` and `surrealkv://` in a temporary folder). Devices use the app's own
//! outbox; pushes are split, duplicated, reordered, and their answers lost at random. At
//! the end every change made is in the server's log exactly once, every outbox is empty,
//! and every device's copy equals the server's.

mod common;

use app::domain::{ChecklistItem, Note};
use app::sync::{apply, replay, Change, Edit, Outbox, PushResponse};
use common::TestApp;
use serde_json::json;
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
    outbox: Outbox,
    snapshot: BTreeMap<Uuid, ChecklistItem>,
    skew_ms: i64,
    made: Vec<Uuid>,
}

async fn pull_all(app: &TestApp, cookie: &str) -> BTreeMap<Uuid, ChecklistItem> {
    let pull = app.pull(cookie, 0).await;
    serde_json::from_value::<Vec<ChecklistItem>>(pull["items"].clone()).unwrap().into_iter().map(|item| (item.id, item)).collect()
}

async fn push(app: &TestApp, cookie: &str, changes: &[Change]) -> PushResponse {
    let answer = app.push(cookie, json!(changes)).await;
    assert_eq!(answer.status, axum::http::StatusCode::OK, "{}", answer.json);
    serde_json::from_value(answer.json).unwrap()
}

fn settle(tablet: &mut Tablet, response: &PushResponse) {
    let settled = tablet.outbox.settle(&response.results);
    assert!(settled.refused.is_empty(), "nothing here should be refused: {:?}", settled.refused);
    for change in &settled.acknowledged {
        apply(tablet.snapshot.get_mut(&change.item).unwrap(), change, "official");
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
            .map(|_| Tablet { outbox: Outbox::new(Uuid::now_v7()), snapshot: start.clone(), skew_ms: dice.roll(7_200_000) as i64 - 3_600_000, made: Vec::new() })
            .collect();
        let mut network: Vec<(usize, Vec<Change>)> = Vec::new();
        let now = chrono::Utc::now().timestamp_millis();
        for _ in 0..(5 + dice.roll(20)) {
            let t = dice.roll(3) as usize;
            match dice.roll(6) {
                0 | 1 => {
                    let tablet = &mut tablets[t];
                    let item = items[dice.roll(items.len() as u64) as usize];
                    let shown = replay(&tablet.snapshot[&item], &tablet.outbox.changes, "official");
                    let edit = if dice.roll(2) == 0 {
                        Edit::Done { value: dice.roll(2) == 0 }
                    } else {
                        Edit::Note { value: Note::parse(&format!("ghi chú {}", dice.roll(100))).unwrap() }
                    };
                    let change = tablet.outbox.record(Uuid::now_v7(), &shown, edit, now + tablet.skew_ms);
                    tablet.made.push(change.id);
                }
                2 => {
                    let take = 1 + dice.roll(4) as usize;
                    let batch: Vec<Change> = tablets[t].outbox.changes.iter().take(take).cloned().collect();
                    if !batch.is_empty() {
                        network.push((t, batch));
                    }
                }
                3 if !network.is_empty() => {
                    let (sender, batch) = network.remove(dice.roll(network.len() as u64) as usize);
                    let response = push(app, &cookie, &batch).await;
                    if dice.roll(3) > 0 {
                        settle(&mut tablets[sender], &response);
                    }
                }
                4 if !network.is_empty() => {
                    let copy = network[dice.roll(network.len() as u64) as usize].clone();
                    network.push(copy);
                }
                5 => {
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
