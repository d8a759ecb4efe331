//! Sync throughput on this machine, printed, not asserted:
//! - push: 10,000 checklist changes from 100 simulated devices in batches of 100 (as the app
//!   sends them), over HTTP on
//!   loopback, to the real router on embedded SurrealKV;
//! - burst: 1,000 devices sending 10 changes each at once (p99 and errors);
//! - pull: the first sync of one unit holding 1,000 tasks and 10,000 items;
//! - raw: the same 10,000 changes written straight into SurrealKV in batches of 100, with no
//!   HTTP and no merge rules: two rows per change (its log row, its item's number), once as
//!   a `FOR` loop of `CREATE` and `UPSERT` and once as one array `INSERT` per table, the
//!   engine's fastest form and so the ceiling.
//!
//! The last line is JSON for scripts/bench.sh.

// Tests and benchmarks stop at the first failure, and an unwrap says where: the lint
// that keeps unwraps out of the app and the server does not apply here.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/http.rs"]
mod http;

use chidao_core::domain::{new_id, ChecklistItem, Directive, Note, Party, Task, UnitCode};
use chidao_core::sync::{Edit, Outbox};
use chidao_server::config::DbArgs;
use chidao_server::db::AccountRow;
use chidao_server::demo::DemoSet;
use chidao_server::sync_service::PushTotals;
use http::http;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const DEVICES: usize = 100;
const CHANGES_PER_DEVICE: usize = 100;
const BATCH: usize = 100;
const TASKS: usize = 1000;
const ITEMS_PER_TASK: usize = 10;
const BURST_DEVICES: usize = 1000;
const BURST_CHANGES: usize = 10;
const PASSWORD: &str = "benchmark-password";

fn db_args(path: &std::path::Path) -> DbArgs {
    DbArgs { namespace: "bench".into(), database: "bench".into(), ..DbArgs::at(format!("surrealkv://{}", path.display())) }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Where the server's time went between two readings of the push queue's totals.
fn describe_server_side(after: PushTotals, before: PushTotals, seconds: f64) {
    let changes = (after.changes - before.changes).max(1) as f64;
    let groups = (after.groups - before.groups).max(1) as f64;
    let per_change = |after: u64, before: u64| (after - before) as f64 / changes;
    let busy_us = (after.reading_us + after.deciding_us + after.writing_us) - (before.reading_us + before.deciding_us + before.writing_us);
    println!(
        "  on the server, per change: waiting in the queue {:.0} µs (summed over pushes), reading {:.0} µs, deciding {:.0} µs, the transaction {:.0} µs; {groups:.0} groups of {:.0} changes on average; the writer busy {:.0}% of the run",
        per_change(after.waiting_us, before.waiting_us),
        per_change(after.reading_us, before.reading_us),
        per_change(after.deciding_us, before.deciding_us),
        per_change(after.writing_us, before.writing_us),
        changes / groups,
        busy_us as f64 / 1e4 / seconds,
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::new("warn")).with_writer(std::io::stderr).init();
    let dir = tempfile::tempdir().unwrap();
    let store = chidao_server::db::open(&db_args(&dir.path().join("app")).settings()).await.unwrap();

    // One commune with 1,000 tasks of 10 items each.
    let demo = DemoSet::build().unwrap();
    let unit = UnitCode::parse("XA-BINH-CHAU").unwrap();
    let directive =
        Directive::new(new_id(), "Benchmark directive", "UBND tỉnh Quảng Ngãi", demo.directive.issued_on, vec![], &["Section"]).unwrap();
    let tasks: Vec<Task> = (0..TASKS)
        .map(|n| Task::new(new_id(), &directive, 0, &format!("Task {n}"), Party::Unit(unit.clone()), vec![], None, None).unwrap())
        .collect();
    let items: Vec<ChecklistItem> = tasks
        .iter()
        .flat_map(|task| {
            (0..ITEMS_PER_TASK).map(|n| ChecklistItem::new(new_id(), task.id, unit.clone(), &format!("Item {n}"), n as u32).unwrap())
        })
        .collect();
    let hash = chidao_server::auth::hash_password(PASSWORD).unwrap();
    let account =
        AccountRow::new("official", "Official", &chidao_core::domain::Roles::one(chidao_core::domain::Role::Official), &unit, hash);
    let seeded = Instant::now();
    // The items in bounded steps, as the app writes them: one transaction of all of them
    // would not fit the embedded engine's write buffer.
    store.maintenance.seed(&demo.units, &[directive], &tasks, &[], &[account]).await.unwrap();
    store.maintenance.insert_items(&items).await.unwrap();
    let checklists: Vec<_> = tasks.iter().map(|task| (task.id, unit.clone(), None)).collect();
    store.progress.recount(&checklists).await.unwrap();
    eprintln!("seeded {} items in {:.1}s", items.len(), seeded.elapsed().as_secs_f64());

    let services = chidao_server::Services::new(store.clone());
    let port = http::serve_on_loopback(&services).await;

    let cookie = http::signed_in_cookie(port, "official", PASSWORD).await;

    // Pull: the first sync of the whole unit.
    let pulled = Instant::now();
    let (mut since, mut pulled_items) = (0u64, 0usize);
    loop {
        let (status, _, page) = http(port, "GET", &format!("/api/v1/sync/pull?since={since}"), Some(&cookie), None).await.unwrap();
        assert_eq!(status, 200);
        pulled_items += page["items"].as_array().unwrap().len();
        since = page["cursor"].as_u64().unwrap();
        if !page["more"].as_bool().unwrap() {
            break;
        }
    }
    let pull_seconds = pulled.elapsed().as_secs_f64();
    assert_eq!(pulled_items, items.len());

    // Push: each device edits its own 100 items; devices run at once.
    let mut all_changes = Vec::new();
    let devices: Vec<Vec<Value>> = (0..DEVICES)
        .map(|d| {
            let mut outbox = Outbox::new(new_id());
            let changes: Vec<Value> = (0..CHANGES_PER_DEVICE)
                .map(|n| {
                    let item = &items[d * CHANGES_PER_DEVICE + n];
                    let edit =
                        if n % 2 == 0 { Edit::Done { value: true } } else { Edit::Note { value: Note::parse("đã kiểm tra").unwrap() } };
                    serde_json::to_value(outbox.record(new_id(), item, edit, 1_700_000_000_000 + n as i64)).unwrap()
                })
                .collect();
            all_changes.extend(changes.iter().cloned());
            changes
        })
        .collect();
    let pushed = Instant::now();
    let mut handles = Vec::new();
    for changes in devices {
        let cookie = cookie.clone();
        handles.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for batch in changes.chunks(BATCH) {
                let started = Instant::now();
                let (status, _, answer) =
                    http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": batch}))).await.unwrap();
                assert_eq!(status, 200, "{answer}");
                assert!(answer["results"].as_array().unwrap().iter().all(|r| r["status"] == "applied"), "{answer}");
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for handle in handles {
        latencies.extend(handle.await.unwrap());
    }
    let push_seconds = pushed.elapsed().as_secs_f64();
    latencies.sort();
    let total = DEVICES * CHANGES_PER_DEVICE;
    let server_side = services.sync.queue().totals();
    let before_burst = server_side;

    // A burst: 1,000 devices send 10 changes each, all at once.
    let burst_started = Instant::now();
    let mut handles = Vec::new();
    for device in 0..BURST_DEVICES {
        let cookie = cookie.clone();
        let mut outbox = Outbox::new(new_id());
        let changes: Vec<Value> = (0..BURST_CHANGES)
            .map(|n| {
                let item = &items[(device * BURST_CHANGES + n) % items.len()];
                serde_json::to_value(outbox.record(new_id(), item, Edit::Done { value: false }, 1_700_000_100_000 + n as i64)).unwrap()
            })
            .collect();
        handles.push(tokio::spawn(async move {
            let started = Instant::now();
            let answer = http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": changes}))).await;
            let written = matches!(&answer, Ok((200, _, body)) if body["results"].as_array().is_some_and(|results| results.iter().all(|r| r["status"] == "applied")));
            (started.elapsed(), written)
        }));
    }
    let (mut burst_latencies, mut burst_errors) = (Vec::new(), 0usize);
    for handle in handles {
        let (latency, written) = handle.await.unwrap();
        burst_latencies.push(latency);
        burst_errors += usize::from(!written);
    }
    let burst_seconds = burst_started.elapsed().as_secs_f64();
    burst_latencies.sort();
    let after_burst = services.sync.queue().totals();

    // Raw: the same records into SurrealKV, 100 per transaction, no HTTP, no rules.
    let raw_db = raw_database(&dir, "raw").await;
    let raw_started = Instant::now();
    for batch in all_changes.chunks(100) {
        raw_db
            .query(
                "BEGIN TRANSACTION; FOR $c IN $changes { CREATE type::record('change', $c.id) CONTENT $c; UPSERT type::record('item', $c.item) SET seq = $c.seq; }; COMMIT TRANSACTION;",
                json!({"changes": batch}),
            )
            .await
            .and_then(|response| response.check())
            .unwrap();
    }
    let raw_seconds = raw_started.elapsed().as_secs_f64();

    // Raw as arrays: the same two rows per change, one INSERT per table per batch.
    let array_db = raw_database(&dir, "raw-array").await;
    let array_started = Instant::now();
    for batch in all_changes.chunks(100) {
        let item_rows: Vec<Value> = batch.iter().map(|change| json!({"id": change["item"], "seq": change["seq"]})).collect();
        array_db
            .query(
                "BEGIN TRANSACTION; INSERT INTO change $changes RETURN NONE; INSERT INTO item $items ON DUPLICATE KEY UPDATE seq = $input.seq RETURN NONE; COMMIT TRANSACTION;",
                json!({"changes": batch, "items": item_rows}),
            )
            .await
            .and_then(|response| response.check())
            .unwrap();
    }
    let array_seconds = array_started.elapsed().as_secs_f64();
    let array_rows: u64 = array_db
        .query("RETURN count(SELECT id FROM change) + count(SELECT id FROM item);", json!({}))
        .await
        .and_then(|mut response| response.take::<Option<u64>>(0))
        .unwrap()
        .unwrap_or(0);
    assert_eq!(array_rows as usize, 2 * all_changes.len(), "every row written");

    let push_rate = total as f64 / push_seconds;
    let raw_rate = total as f64 / raw_seconds;
    let array_rate = total as f64 / array_seconds;
    println!("push: {total} changes from {DEVICES} devices in batches of {BATCH}: {push_seconds:.2}s, {push_rate:.0} changes/s, latency p50 {:.1} ms, p99 {:.1} ms", percentile(&latencies, 0.5), percentile(&latencies, 0.99));
    describe_server_side(server_side, PushTotals::default(), push_seconds);
    println!(
        "burst: {BURST_DEVICES} devices × {BURST_CHANGES} changes at once: {burst_seconds:.2}s, {:.0} changes/s, latency p50 {:.1} ms, p99 {:.1} ms, {burst_errors} errors",
        (BURST_DEVICES * BURST_CHANGES) as f64 / burst_seconds,
        percentile(&burst_latencies, 0.5),
        percentile(&burst_latencies, 0.99)
    );
    describe_server_side(after_burst, before_burst, burst_seconds);
    println!("pull: first sync of {pulled_items} items ({TASKS} tasks): {pull_seconds:.2}s");
    println!("raw SurrealKV, FOR loop: {total} changes (two rows each) in batches of 100: {raw_seconds:.2}s, {raw_rate:.0} changes/s");
    println!("raw SurrealKV, array INSERT: {total} changes (two rows each) in batches of 100: {array_seconds:.2}s, {array_rate:.0} changes/s ({:.0} rows/s)", 2.0 * array_rate);
    println!("our push as a share of raw array inserts: {:.0}%", 100.0 * push_rate / array_rate);
    println!(
        "{}",
        json!({"burst_p99_ms": percentile(&burst_latencies, 0.99), "burst_errors": burst_errors, "push_changes_per_s": push_rate, "push_p50_ms": percentile(&latencies, 0.5), "push_p99_ms": percentile(&latencies, 0.99), "pull_seconds": pull_seconds, "raw_records_per_s": raw_rate, "raw_array_changes_per_s": array_rate})
    );
}

/// A bare SurrealKV database for the raw baselines, opened with the engine settings the app
/// uses, so that both sides write into the same size of write buffer.
async fn raw_database(dir: &tempfile::TempDir, folder: &str) -> chidao_server::db::Connection {
    let url = format!("surrealkv://{}", dir.path().join(folder).display());
    let db = chidao_server::db::Connection::open(&url, chidao_server::db::EmbeddedLimits::DEFAULT).await.unwrap();
    db.use_namespace_and_database("bench", "bench").await.unwrap();
    db
}
