//! The real `chidao` binary is killed (SIGKILL) in the middle of a push of 1,000 changes,
//! started again on the same data, and the client sends everything again: every change
//! must be in the server exactly once.

mod common;

use serde_json::{json, Value};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PASSWORD: &str = "crash-test-password";

struct Server {
    child: Child,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(data: &std::path::Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_chidao"))
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .arg("--db")
        .arg(format!("surrealkv://{}", data.display()))
        .env("CHIDAO_DEMO_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chidao starts");
    let server = Server { child };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok((200, _, _)) = http(port, "GET", "/healthz", None, None).await {
            return server;
        }
        assert!(Instant::now() < deadline, "server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A minimal HTTP/1.1 exchange over one connection: status, headers, JSON body.
async fn http(port: u16, method: &str, path: &str, cookie: Option<&str>, body: Option<&Value>) -> std::io::Result<(u16, String, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{cookie}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").ok_or_else(|| std::io::Error::other("no header end"))?;
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| std::io::Error::other("no status"))?;
    let json_body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(rest) } else { rest.to_owned() };
    Ok((status, head.to_owned(), serde_json::from_str(&json_body).unwrap_or(Value::Null)))
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else { break };
        if size == 0 || tail.len() < size {
            break;
        }
        out.push_str(&tail[..size]);
        rest = tail[size..].trim_start_matches("\r\n");
    }
    out
}

async fn sign_in(port: u16) -> String {
    let (status, head, _) = http(port, "POST", "/api/v1/session", None, Some(&json!({"username": "official", "password": PASSWORD}))).await.unwrap();
    assert_eq!(status, 200);
    let line = head.lines().find(|line| line.to_ascii_lowercase().starts_with("set-cookie:")).unwrap();
    line.split_once(':').unwrap().1.trim().split(';').next().unwrap().to_owned()
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
    let (status, _, first) = http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": changes[..100]}))).await.unwrap();
    assert_eq!(status, 200);
    assert!(first["results"].as_array().unwrap().iter().all(|r| r["status"] == "applied"));
    let in_flight = {
        let cookie = cookie.clone();
        let batch = json!({"changes": changes[100..500]});
        tokio::spawn(async move { http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&batch)).await })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let cut = in_flight.await.unwrap();
    assert!(cut.is_err() || cut.as_ref().is_ok_and(|(_, _, body)| body.is_null()), "the push in flight must have been cut: {cut:?}");

    // Restarted on the same data, the client sends everything not acknowledged again.
    let mut server = start(&data, port).await;
    let cookie = sign_in(port).await;
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    for batch in changes[100..].chunks(300) {
        let (status, _, answer) = http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": batch}))).await.unwrap();
        assert_eq!(status, 200, "{answer}");
        for result in answer["results"].as_array().unwrap() {
            *statuses.entry(result["status"].as_str().unwrap().to_owned()).or_default() += 1;
        }
    }
    assert_eq!(statuses.get("applied").copied().unwrap_or(0) + statuses.get("superseded").copied().unwrap_or(0) + statuses.get("duplicate").copied().unwrap_or(0), 900, "{statuses:?}");
    assert!(statuses.get("duplicate").copied().unwrap_or(0) > 0, "some of the cut batch had been applied before the kill: {statuses:?}");
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    // Every change is in the log exactly once.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let args = chidao_server::config::DbArgs {
        url: format!("surrealkv://{}", data.display()),
        user: None,
        pass: None,
        namespace: "chidao".into(),
        database: "main".into(),
    };
    let store = chidao_server::db::open(&args).await.unwrap();
    for change in &changes {
        let id = uuid::Uuid::parse_str(change["id"].as_str().unwrap()).unwrap();
        assert_eq!(store.change_log_count(id).await.unwrap(), 1, "change {id}");
    }
}
