//! The office's dashboard on a province of real size, printed, not asserted: 180 units ×
//! 400 tasks × 7 items (about 500,000 items) and a year of ticks, on embedded SurrealKV,
//! over HTTP on loopback to the real router.
//! - generate: how long the province takes to write (not a user's wait);
//! - dashboard: request to last byte for the whole province, for a district, for one
//!   state; and beside it what the office had before, the progress report that reads
//!   every item;
//! - live: from a tablet's push being answered to the open stream's event.
//!
//! `cargo bench -p server --bench dashboard`; the last line is JSON.

// Tests and benchmarks stop at the first failure, and an unwrap says where: the lint
// that keeps unwraps out of the app and the server does not apply here.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/http.rs"]
mod http;

use chidao_core::domain::{new_id, Role, Roles, UnitCode};
use chidao_core::sync::Outbox;
use chidao_server::config::DbArgs;
use chidao_server::db::AccountRow;
use chidao_server::scale::{generate, ProvinceSpec};
use http::http;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PASSWORD: &str = "benchmark-password";
const RUNS: usize = 5;

fn median_ms(mut runs: Vec<Duration>) -> f64 {
    runs.sort();
    runs[runs.len() / 2].as_secs_f64() * 1000.0
}

async fn cookie_for(port: u16, username: &str) -> String {
    http::signed_in_cookie(port, username, PASSWORD).await
}

/// Median time to the last byte of `path`, and the body's size.
async fn timed(port: u16, cookie: &str, path: &str) -> (f64, usize) {
    let mut runs = Vec::new();
    let mut size = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let (status, _, body) = http(port, "GET", path, Some(cookie), None).await.unwrap();
        runs.push(started.elapsed());
        assert_eq!(status, 200, "{path}: {body}");
        size = body.to_string().len();
    }
    (median_ms(runs), size)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn,chidao_server::scale=info"))
        .with_writer(std::io::stderr)
        .init();
    let dir = tempfile::tempdir().unwrap();
    let args = DbArgs {
        namespace: "bench".into(),
        database: "bench".into(),
        ..DbArgs::at(format!("surrealkv://{}", dir.path().join("province").display()))
    };
    let store = chidao_server::db::open(&args.settings()).await.unwrap();
    // CHIDAO_BENCH_COMMUNES and CHIDAO_BENCH_DIRECTIVES shrink the province for a quicker
    // run; the defaults are a province of real size.
    let number = |name: &str, default: usize| std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default);
    let default = ProvinceSpec::default();
    let spec = ProvinceSpec {
        communes: number("CHIDAO_BENCH_COMMUNES", default.communes),
        directives: number("CHIDAO_BENCH_DIRECTIVES", default.directives),
        ..default
    };
    let started = Instant::now();
    let generated = generate(&store, &spec, chrono::Utc::now()).await.unwrap();
    let generate_s = started.elapsed().as_secs_f64();
    eprintln!(
        "generated {} units, {} tasks, {} items, {} ticks of history in {generate_s:.0} s",
        generated.units, generated.tasks, generated.items, generated.history
    );
    let hash = chidao_server::auth::hash_password(PASSWORD).unwrap();
    let office = UnitCode::parse("TINH").unwrap();
    let commune = generated.sample_commune.clone().unwrap();
    store
        .people
        .create_account(&AccountRow::new("supervisor", "Văn phòng", &Roles::one(Role::Supervisor), &office, hash.clone()))
        .await
        .unwrap();
    store.people.create_account(&AccountRow::new("official", "Cán bộ xã", &Roles::one(Role::Official), &commune, hash)).await.unwrap();

    let port = http::serve_on_loopback(&chidao_server::Services::new(store.clone())).await;
    let supervisor = cookie_for(port, "supervisor").await;

    let (whole_ms, whole_bytes) = timed(port, &supervisor, "/api/v1/reports/dashboard").await;
    let district = generated.sample_district.clone().unwrap();
    let (district_ms, _) = timed(port, &supervisor, &format!("/api/v1/reports/dashboard?unit={district}")).await;
    let (overdue_ms, _) = timed(port, &supervisor, "/api/v1/reports/dashboard?state=overdue").await;
    println!(
        "dashboard, whole province ({} assignments): median {whole_ms:.0} ms, {:.0} KB of JSON",
        generated.tasks * (generated.units - 1),
        whole_bytes as f64 / 1000.0
    );
    println!("dashboard, one district: median {district_ms:.0} ms; overdue only: median {overdue_ms:.0} ms (goal: first view within 1 s)");

    // What the office had before: the progress report, every item of the province.
    let before = Instant::now();
    let (status, _, report) = http(port, "GET", "/api/v1/reports/progress", Some(&supervisor), None).await.unwrap();
    let progress_s = before.elapsed().as_secs_f64();
    println!(
        "instead, the old progress report of every item: {progress_s:.1} s, {:.0} MB (status {status})",
        report.to_string().len() as f64 / 1e6
    );

    // Live: open the stream, push one tick from the commune, time the event.
    let cursor = http(port, "GET", "/api/v1/reports/dashboard?state=done_late", Some(&supervisor), None).await.unwrap().2["cursor"]
        .as_u64()
        .unwrap();
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!(
        "GET /api/v1/reports/live?since={cursor} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {supervisor}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let official = cookie_for(port, "official").await;
    let (_, _, pulled) = http(port, "GET", "/api/v1/sync/pull?since=0&limit=10", Some(&official), None).await.unwrap();
    let item: chidao_core::domain::ChecklistItem = serde_json::from_value(pulled["items"][0].clone()).unwrap();
    let mut outbox = Outbox::new(new_id());
    let change = outbox.record(new_id(), &item, chidao_core::sync::Edit::Done { value: !item.done }, chrono::Utc::now().timestamp_millis());
    let (status, _, _) = http(port, "POST", "/api/v1/sync/push", Some(&official), Some(&json!({"changes": [change]}))).await.unwrap();
    assert_eq!(status, 200);
    let answered = Instant::now();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("event: changed") {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer)).await.expect("an event within 10 s").unwrap();
        seen.extend_from_slice(&buffer[..read]);
    }
    let live_ms = answered.elapsed().as_secs_f64() * 1000.0;
    println!(
        "live: a push reaches an open dashboard's stream {live_ms:.0} ms after it is answered (goal 2 s; the stream looks every 500 ms)"
    );
    println!(
        "{}",
        json!({"generate_s": generate_s, "items": generated.items, "dashboard_ms": whole_ms, "dashboard_district_ms": district_ms,
               "dashboard_overdue_ms": overdue_ms, "dashboard_kb": whole_bytes / 1000, "old_progress_s": progress_s, "live_ms": live_ms})
    );
}
