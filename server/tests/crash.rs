//! The real `chidao` binary is killed (SIGKILL) in the middle of a push of 1,000 changes,
//! started again on the same data, and the client sends everything again: every change
//! must be in the server exactly once. (A push is one transaction, so the cut push left
//! nothing half-written.)

use crate::common;

use common::http::{http, signed_in_cookie};
use common::process::{free_port, wait_for, Process};

use serde_json::{json, Value};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "crash-test-password";

async fn start(data: &std::path::Path, port: u16) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_chidao"))
        .args(["serve", "--demo", "--demo-scope", "seed", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--db")
        .arg(format!("surrealkv://{}", data.display()))
        .env("CHIDAO_DEMO_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chidao starts");
    let server = Process { child };
    wait_for(port, "/healthz", "the app server").await;
    server
}

async fn sign_in(port: u16) -> String {
    signed_in_cookie(port, "official", PASSWORD).await
}

/// How many of the changes sent came back with each status.
type Statuses = std::collections::BTreeMap<String, usize>;

/// Sends `batch` as one push, which must be answered 200, and counts its answers.
async fn push_counting(port: u16, cookie: &str, batch: &[Value], statuses: &mut Statuses) {
    let (status, _, answer) = http(port, "POST", "/api/v1/sync/push", Some(cookie), Some(&json!({"changes": batch}))).await.unwrap();
    assert_eq!(status, 200, "{answer}");
    for result in answer["results"].as_array().unwrap() {
        *statuses.entry(result["status"].as_str().unwrap().to_owned()).or_default() += 1;
    }
}

/// Opens the stopped server's data and checks every change is in the log exactly once.
async fn assert_each_logged_once(data: &std::path::Path, changes: &[Value]) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let args = chidao_server::config::DbArgs::at(format!("surrealkv://{}", data.display()));
    let store = chidao_server::db::open(&args.settings()).await.unwrap();
    for change in changes {
        let id = uuid::Uuid::parse_str(change["id"].as_str().unwrap()).unwrap();
        assert_eq!(store.sync.change_log_count(id).await.unwrap(), 1, "change {id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_cut_by_sigkill_is_completed_by_retrying_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("db");
    let port = free_port();
    let mut server = start(&data, port).await;
    let cookie = sign_in(port).await;
    let (_, _, pull) = http(port, "GET", "/api/v1/sync/pull", Some(&cookie), None).await.unwrap();
    let items: Vec<String> = pull["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();

    let mut device = common::Device::new();
    let changes: Vec<Value> = (0..1000)
        .map(|n| {
            let item = &items[n % items.len()];
            if n % 3 == 0 {
                device.change(item, "note", json!(format!("ghi chú {n}")), 1_700_000_000_000 + n as i64)
            } else {
                device.change(item, "done", json!(n % 2 == 0), 1_700_000_000_000 + n as i64)
            }
        })
        .collect();

    // First batch answered; the second is cut by the kill.
    let (status, _, first) =
        http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": changes[..100]}))).await.unwrap();
    assert_eq!(status, 200);
    assert!(first["results"].as_array().unwrap().iter().all(|r| r["status"] == "applied"));
    let in_flight = {
        let cookie = cookie.clone();
        let batch = json!({"changes": changes[100..600]});
        tokio::spawn(async move { http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&batch)).await })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    server.kill();
    let cut = in_flight.await.unwrap();
    if cut.as_ref().is_ok_and(|(status, _, _)| *status == 200) {
        // The machine was fast enough to finish first; the retry below still must not
        // duplicate anything.
        eprintln!("note: the push finished before the kill");
    }

    // Restarted on the same data, the client sends everything again, as one whose answers
    // were all lost would: the first batch too.
    let mut server = start(&data, port).await;
    let cookie = sign_in(port).await;
    let mut statuses = Statuses::new();
    for batch in changes.chunks(300) {
        push_counting(port, &cookie, batch, &mut statuses).await;
    }
    let count = |status: &str| statuses.get(status).copied().unwrap_or(0);
    assert_eq!(count("applied") + count("superseded") + count("duplicate"), 1000, "{statuses:?}");
    assert!(count("duplicate") >= 100, "the acknowledged first batch is recognised: {statuses:?}");
    server.kill();

    assert_each_logged_once(&data, &changes).await;
}

/// Several devices push at once, so that their pushes are written as one group, and the
/// server is killed while it writes; started again, every device sends everything again:
/// each change must be logged exactly once (a group is one transaction: all of it or none).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_of_pushes_cut_by_sigkill_is_completed_by_retrying_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("db");
    let port = free_port();
    let mut server = start(&data, port).await;
    let cookie = sign_in(port).await;
    let (_, _, pull) = http(port, "GET", "/api/v1/sync/pull", Some(&cookie), None).await.unwrap();
    let items: Vec<String> = pull["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();

    // 12 devices, each 3 pushes of 100 changes.
    let pushes: Vec<Vec<Vec<Value>>> = (0..12)
        .map(|device_number: usize| {
            let mut device = common::Device::new();
            (0..3)
                .map(|push| {
                    (0..100)
                        .map(|n| {
                            let item = &items[(device_number * 7 + push * 100 + n) % items.len()];
                            device.change(item, "done", json!(n % 2 == 0), 1_700_000_000_000 + (push * 100 + n) as i64)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let sending: Vec<_> = pushes
        .iter()
        .map(|device| {
            let cookie = cookie.clone();
            let device = device.clone();
            let answered = answered.clone();
            tokio::spawn(async move {
                for batch in device {
                    let answer = http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": batch}))).await;
                    if !matches!(answer, Ok((200, _, _))) {
                        break;
                    }
                    answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            })
        })
        .collect();
    // Killed as soon as the first group is answered: the pushes that waited behind it are
    // being written as the next group.
    let deadline = Instant::now() + Duration::from_secs(60);
    while answered.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "no push was answered");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.kill();
    for device in sending {
        device.await.unwrap();
    }

    let mut server = start(&data, port).await;
    let cookie = sign_in(port).await;
    let mut statuses = Statuses::new();
    for batch in pushes.iter().flatten() {
        push_counting(port, &cookie, batch, &mut statuses).await;
    }
    let count = |status: &str| statuses.get(status).copied().unwrap_or(0);
    assert_eq!(count("applied") + count("superseded") + count("duplicate"), 3_600, "{statuses:?}");
    assert!(count("duplicate") >= 100, "the answered pushes are recognised: {statuses:?}");
    assert!(count("applied") + count("superseded") > 0, "the kill cut some pushes: {statuses:?}");
    eprintln!("before the kill: {} pushes answered; retried: {statuses:?}", answered.load(std::sync::atomic::Ordering::SeqCst));
    server.kill();

    let every: Vec<Value> = pushes.into_iter().flatten().flatten().collect();
    assert_each_logged_once(&data, &every).await;
}
