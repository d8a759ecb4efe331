//! Several real `chidao` app servers over one real SurrealDB server (the workspace's
//! `surreal` binary, on SurrealKV on disk), as a national deployment runs them: migrations
//! raced from two processes, sessions, throttling and the live view across servers, devices
//! spread over the servers with offline spells and doubled pushes, one app server killed
//! and the database server restarted mid-run. At the end every change is logged exactly
//! once and every device's pulled state is the server's.

use crate::common;

use common::http::{http, session_cookie};
use common::process::{free_port, start_surreal, wait_for, Process, SURREAL_ROOT_PASSWORD as ROOT_PASSWORD};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PASSWORD: &str = "cluster-test-password";

fn chidao(db_port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chidao"));
    command
        .env("CHIDAO_DB", format!("ws://127.0.0.1:{db_port}"))
        .env("CHIDAO_DB_USER", "root")
        .env("CHIDAO_DB_PASS", ROOT_PASSWORD)
        .env("CHIDAO_DEMO_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

async fn start_app(db_port: u16, port: u16, extra: &[&str]) -> Process {
    let child = chidao(db_port)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--drain-ms", "0"])
        .args(extra)
        .spawn()
        .expect("chidao starts");
    let process = Process { child };
    wait_for(port, "/readyz", "an app server").await;
    process
}

/// A tablet: its own numbering, the changes not yet answered, and what it has pulled.
struct Tablet {
    device: common::Device,
    cookie: Option<String>,
    pending: Vec<Value>,
    cursor: u64,
    pulled: BTreeMap<String, Value>,
    sent: Vec<Value>,
}

impl Tablet {
    fn new() -> Self {
        Self { device: common::Device::new(), cookie: None, pending: Vec::new(), cursor: 0, pulled: BTreeMap::new(), sent: Vec::new() }
    }

    async fn cookie(&mut self, port: u16) -> Option<String> {
        if self.cookie.is_none() {
            let body = json!({"username": "official", "password": PASSWORD});
            if let Ok((200, head, _)) = http(port, "POST", "/api/v1/session", None, Some(&body)).await {
                self.cookie = session_cookie(&head);
            }
        }
        self.cookie.clone()
    }

    /// Sends everything unanswered through `port`; `twice` sends the same push again at
    /// once, as a tablet retrying on a flaky link does. False when the server did not answer.
    async fn push(&mut self, port: u16, twice: bool) -> bool {
        if self.pending.is_empty() {
            return true;
        }
        let Some(cookie) = self.cookie(port).await else { return false };
        let body = json!({"changes": self.pending});
        let again = twice.then(|| {
            let (cookie, body) = (cookie.clone(), body.clone());
            tokio::spawn(async move { http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&body)).await })
        });
        let answer = http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&body)).await;
        if let Some(again) = again {
            let _ = again.await;
        }
        match answer {
            Ok((200, _, answer)) => {
                let results = answer["results"].as_array().expect("a push answers each change");
                assert_eq!(results.len(), self.pending.len(), "{answer}");
                for result in results {
                    let status = result["status"].as_str().unwrap_or_default();
                    assert!(["applied", "superseded", "duplicate"].contains(&status), "{result}");
                }
                self.pending.clear();
                true
            }
            _ => false,
        }
    }

    /// Pulls everything after its cursor through `port`. False when the server did not answer.
    async fn pull(&mut self, port: u16) -> bool {
        let Some(cookie) = self.cookie(port).await else { return false };
        loop {
            match http(port, "GET", &format!("/api/v1/sync/pull?since={}", self.cursor), Some(&cookie), None).await {
                Ok((200, _, page)) => {
                    for item in page["items"].as_array().expect("items") {
                        self.pulled.insert(item["id"].as_str().unwrap().to_owned(), item.clone());
                    }
                    self.cursor = page["cursor"].as_u64().expect("a cursor");
                    if page["more"] != json!(true) {
                        return true;
                    }
                }
                _ => return false,
            }
        }
    }
}

/// The metrics listener's text.
async fn metrics_text(port: u16) -> String {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("the metrics listener is up");
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).await.unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    text
}

/// The value of the metric `name` (without labels) in a metrics text.
fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no metric {name} in {text}"))
}

/// Waits until the app server whose metrics listen on `metrics_port` writes the pushes.
async fn until_push_writer(metrics_port: u16, within: Duration) {
    let deadline = Instant::now() + within;
    while metric(&metrics_text(metrics_port).await, "chidao_push_writer") != 1 {
        assert!(Instant::now() < deadline, "no app server took the push writer's lease within {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Reads a server-sent event stream until an event of `kind` arrives or `within` passes.
async fn first_event(port: u16, path: &str, cookie: &str, kind: &str, within: Duration) -> Option<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let deadline = tokio::time::Instant::now() + within;
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await.ok()?.ok()?;
        if read == 0 {
            return None;
        }
        seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
        if let Some(at) = seen.find(&format!("event: {kind}")) {
            return Some(seen[at..].to_owned());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_servers_share_one_surrealdb_server_through_a_kill_and_a_database_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("surreal");
    let db_port = free_port();
    let mut database = start_surreal(&data, db_port).await;

    // Two operators run the migrations at once: both succeed, each migration applied once.
    let racing: Vec<Child> = (0..2).map(|_| chidao(db_port).arg("migrate").spawn().expect("chidao migrate starts")).collect();
    for mut migration in racing {
        assert!(migration.wait().unwrap().success(), "a racing `chidao migrate` failed");
    }

    // The first app server loads the demo data; the others only check the schema.
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let metrics_ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let metrics_flag = |index: usize| format!("127.0.0.1:{}", metrics_ports[index]);
    let mut servers: Vec<Option<Process>> = Vec::new();
    servers.push(Some(start_app(db_port, ports[0], &["--demo", "--demo-scope", "seed", "--metrics-addr", &metrics_flag(0)]).await));
    // The first server up writes every push; the kill below takes it.
    until_push_writer(metrics_ports[0], Duration::from_secs(5)).await;
    for (index, port) in ports.iter().enumerate().skip(1) {
        // Reached by a name rather than the listening address, as an operator would set it.
        let advertised = format!("http://localhost:{port}");
        let flags = ["--migrations", "check", "--metrics-addr", &metrics_flag(index), "--advertise-url", &advertised];
        servers.push(Some(start_app(db_port, *port, &flags).await));
    }
    let (_, _, ready) = http(ports[2], "GET", "/readyz", None, None).await.unwrap();
    assert_eq!(ready["schema_version"], json!(chidao_server::db::SCHEMA_VERSION), "{ready}");

    // Signed in through one server, pushed through the second, pulled through the third.
    let mut first = Tablet::new();
    assert!(first.pull(ports[0]).await);
    let items: Vec<String> = first.pulled.keys().cloned().collect();
    assert!(!items.is_empty(), "the demo gives the official a checklist");
    let supervisor = common::http::signed_in_cookie(ports[0], "supervisor", PASSWORD).await;
    let watching = tokio::spawn({
        let (supervisor, port) = (supervisor.clone(), ports[0]);
        async move { first_event(port, chidao_core::api::LIVE_PATH, &supervisor, "changed", Duration::from_secs(2)).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let change = first.device.change(&items[0], "done", json!(true), 1_700_000_000_000);
    first.pending.push(change.clone());
    first.sent.push(change.clone());
    assert!(first.push(ports[1], false).await);
    assert!(watching.await.unwrap().is_some(), "a dashboard on one server sees a push made through another within 2 s");
    assert!(first.pull(ports[2]).await);
    assert_eq!(first.pulled[&items[0]]["done"], json!(true));
    let cookie = first.cookie.clone().unwrap();
    let (status, _, again) = http(ports[2], "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": [change]}))).await.unwrap();
    assert_eq!((status, again["results"][0]["status"].as_str()), (200, Some("duplicate")), "{again}");

    // Failed sign-ins counted on one server hold the guesser on another.
    for port in [ports[0], ports[1], ports[2], ports[0], ports[1]] {
        let wrong = json!({"username": "head", "password": "not-the-password"});
        assert_eq!(http(port, "POST", "/api/v1/session", None, Some(&wrong)).await.unwrap().0, 401);
    }
    let right = json!({"username": "head", "password": PASSWORD});
    assert_eq!(http(ports[2], "POST", "/api/v1/session", None, Some(&right)).await.unwrap().0, 429);

    // Devices spread over the servers, with offline spells and doubled pushes; the app
    // server writing the pushes killed, then the database server restarted, while they work.
    let mut rng = StdRng::seed_from_u64(0x5eed_0017);
    let mut tablets: Vec<Tablet> = (0..8).map(|_| Tablet::new()).collect();
    let mut wall_ms = 1_700_000_100_000;
    const ROUNDS: usize = 30;
    for round in 0..ROUNDS {
        if round == 10 {
            servers[0].take().expect("running").kill();
        }
        if round == 18 {
            database.kill();
            database = start_surreal(&data, db_port).await;
        }
        for tablet in tablets.iter_mut() {
            for _ in 0..rng.gen_range(1..=4) {
                wall_ms += rng.gen_range(1..1_000);
                let item = &items[rng.gen_range(0..items.len())];
                let change = if rng.gen_bool(0.7) {
                    tablet.device.change(item, "done", json!(rng.gen_bool(0.5)), wall_ms)
                } else {
                    tablet.device.change(item, "note", json!(format!("ghi chú {wall_ms}")), wall_ms)
                };
                tablet.sent.push(change.clone());
                tablet.pending.push(change);
            }
            if rng.gen_bool(0.25) {
                continue; // offline this round: the changes wait on the tablet
            }
            let port = ports[rng.gen_range(0..ports.len())];
            if !tablet.push(port, rng.gen_bool(0.2)).await {
                // That server is gone or its database is: the tablet keeps its changes and
                // tries the next server it knows.
                let other = ports[(ports.iter().position(|p| *p == port).unwrap() + 1) % ports.len()];
                let _ = tablet.push(other, false).await;
            }
            if rng.gen_bool(0.3) {
                let _ = tablet.pull(ports[rng.gen_range(0..ports.len())]).await;
            }
        }
    }

    // Back online for good: each tablet sends what it still holds and pulls, through the
    // servers still running, retrying while the app servers reconnect to the database.
    let alive = [ports[1], ports[2]];
    let deadline = Instant::now() + Duration::from_secs(90);
    // Every tablet sends first, then every tablet pulls: a change heard late still moves
    // when its item became done (docs/sync.md), so a pull before another tablet's last push
    // would miss that.
    for (index, tablet) in tablets.iter_mut().enumerate() {
        let port = alive[index % alive.len()];
        while !tablet.push(port, false).await {
            assert!(Instant::now() < deadline, "the servers did not come back after the database restart");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    for (index, tablet) in tablets.iter_mut().enumerate() {
        let port = alive[index % alive.len()];
        while !tablet.pull(port).await {
            assert!(Instant::now() < deadline, "the servers did not come back after the database restart");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    let args = chidao_server::config::DbArgs {
        user: Some("root".into()),
        pass: Some(ROOT_PASSWORD.parse().unwrap()),
        ..chidao_server::config::DbArgs::at(format!("ws://127.0.0.1:{db_port}"))
    };
    let store = chidao_server::db::open_with(&args.settings(), chidao_server::db::Migrations::Check).await.expect("the database opens");
    // One of the servers still running took over writing the pushes.
    let mut writing = Vec::new();
    for port in &metrics_ports[1..] {
        writing.push(metric(&metrics_text(*port).await, "chidao_push_writer"));
    }
    assert_eq!(writing.iter().sum::<u64>(), 1, "{writing:?}");
    let every: Vec<&Value> = tablets.iter().chain([&first]).flat_map(|tablet| tablet.sent.iter()).collect();
    for change in &every {
        let id = uuid::Uuid::parse_str(change["id"].as_str().unwrap()).unwrap();
        assert_eq!(store.sync.change_log_count(id).await.unwrap(), 1, "change {id} is logged exactly once");
    }
    let server_items: HashMap<String, Value> = store
        .sync
        .all_items()
        .await
        .unwrap()
        .into_iter()
        .map(|item| {
            let item = serde_json::to_value(&item.item).unwrap();
            (item["id"].as_str().unwrap().to_owned(), item)
        })
        .filter(|(id, _)| items.contains(id))
        .collect();
    for tablet in &tablets {
        let pulled: HashMap<String, Value> = tablet.pulled.clone().into_iter().collect();
        assert_eq!(pulled, server_items, "a device's pulled state is the server's");
    }
    eprintln!("{} changes from {} devices, each logged once", every.len(), tablets.len() + 1);
}

/// Pushes sent to any app server are written by the one holding the push writer's lease,
/// and answered through the one they were sent to exactly as the writer answers them,
/// refusals included. When the writer dies, the others write their pushes themselves at
/// once, and one of them takes the lease when it runs out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_app_server_writes_every_push_and_another_takes_over_when_it_dies() {
    let dir = tempfile::tempdir().unwrap();
    let db_port = free_port();
    let _database = start_surreal(&dir.path().join("surreal"), db_port).await;
    let (writer_port, writer_metrics, other_port, other_metrics) = (free_port(), free_port(), free_port(), free_port());
    let metrics_flag = |port: u16| format!("127.0.0.1:{port}");
    let mut writer =
        start_app(db_port, writer_port, &["--demo", "--demo-scope", "seed", "--metrics-addr", &metrics_flag(writer_metrics)]).await;
    until_push_writer(writer_metrics, Duration::from_secs(5)).await;
    let _other = start_app(db_port, other_port, &["--migrations", "check", "--metrics-addr", &metrics_flag(other_metrics)]).await;
    // The other server reads the lease at start and every second after.
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    let mut tablet = Tablet::new();
    assert!(tablet.pull(other_port).await);
    let items: Vec<String> = tablet.pulled.keys().cloned().collect();
    let cookie = tablet.cookie.clone().unwrap();
    let changes: Vec<Value> = (0..3).map(|n| tablet.device.change(&items[n], "done", json!(true), 1_700_000_000_000 + n as i64)).collect();
    let body = json!({"changes": changes});
    let (status, _, answer) = http(other_port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&body)).await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert!(answer["results"].as_array().unwrap().iter().all(|result| result["status"] == "applied"), "{answer}");
    let (status, _, again) = http(other_port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&body)).await.unwrap();
    assert_eq!(status, 200, "{again}");
    assert!(again["results"].as_array().unwrap().iter().all(|result| result["status"] == "duplicate"), "{again}");
    let (written, handing) = (metrics_text(writer_metrics).await, metrics_text(other_metrics).await);
    assert_eq!((metric(&written, "chidao_pushes_total"), metric(&handing, "chidao_pushes_total")), (2, 0), "{written}\n{handing}");
    assert_eq!(metric(&handing, "chidao_pushes_handed_on_total"), 2, "{handing}");

    // Refusals come back as the writer gives them: a change numbered 0, a push with no session.
    let mut bad = changes[0].clone();
    bad["seq"] = json!(0);
    let bad = json!({"changes": [bad]});
    let through = http(other_port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&bad)).await.unwrap();
    let direct = http(writer_port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&bad)).await.unwrap();
    assert_eq!((through.0, &through.2), (422, &direct.2), "{}", through.2);
    assert_eq!(http(other_port, "POST", "/api/v1/sync/push", None, Some(&body)).await.unwrap().0, 401);
    // The server a push reaches times it, names it in its logs and secures its answer, as for its own.
    assert!(through.1.to_ascii_lowercase().contains("x-request-id:"), "{}", through.1);
    assert!(through.1.to_ascii_lowercase().contains("content-security-policy:"), "{}", through.1);
    // A browser's push names its page's origin: the writer sees the host the browser asked
    // for, not its own address, so its same-origin check passes; another site's push is
    // refused where it lands and never handed on.
    let mut page = common::Device::new();
    let mut from_page = |origin: &str| {
        let body = json!({"changes": [page.change(&items[2], "note", json!(format!("từ {origin}")), 1_700_000_000_100)]});
        format!(
            "POST /api/v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1:{other_port}\r\nOrigin: {origin}\r\nCookie: {cookie}\r\n\
             Connection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.to_string().len()
        )
    };
    let status_of = |request: String| async move {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", other_port)).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer.split_whitespace().nth(1).unwrap().to_owned()
    };
    assert_eq!(status_of(from_page(&format!("http://127.0.0.1:{other_port}"))).await, "200");
    assert_eq!(status_of(from_page("https://elsewhere.example")).await, "403");
    let handing = metrics_text(other_metrics).await;
    assert_eq!(
        metric(&handing, "chidao_pushes_handed_on_total"),
        5,
        "the 422, the 401 and the page's push handed on too; not the other site's"
    );

    // The writer dies: the next push is written where it arrives, without waiting for the lease.
    writer.kill();
    let change = tablet.device.change(&items[0], "done", json!(false), 1_700_000_100_000);
    let started = Instant::now();
    let (status, _, answer) =
        http(other_port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": [change]}))).await.unwrap();
    assert_eq!((status, answer["results"][0]["status"].as_str()), (200, Some("applied")), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    let handing = metrics_text(other_metrics).await;
    assert_eq!(metric(&handing, "chidao_pushes_written_here_instead_total"), 1, "{handing}");
    until_push_writer(other_metrics, Duration::from_secs(chidao_server::db::PUSH_WRITER_LEASE_SECONDS + 3)).await;
    let change = tablet.device.change(&items[1], "done", json!(false), 1_700_000_100_001);
    let (status, _, answer) =
        http(other_port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": [change]}))).await.unwrap();
    assert_eq!((status, answer["results"][0]["status"].as_str()), (200, Some("applied")), "{answer}");
    let handing = metrics_text(other_metrics).await;
    assert_eq!((metric(&handing, "chidao_pushes_total"), metric(&handing, "chidao_pushes_written_here_instead_total")), (2, 1));
    assert!(tablet.pull(other_port).await);
    assert_eq!((tablet.pulled[&items[0]]["done"].clone(), tablet.pulled[&items[1]]["done"].clone()), (json!(false), json!(false)));
}

/// SIGTERM while pushes are being written: the server says 503 on `/healthz` while it
/// drains, answers every push in flight, and exits cleanly. Its metrics are served on their
/// own listener only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_answers_the_pushes_in_flight_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let (port, metrics_port) = (free_port(), free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_chidao"))
        .args(["serve", "--demo", "--demo-scope", "seed", "--addr", &format!("127.0.0.1:{port}"), "--drain-ms", "1500"])
        .args(["--metrics-addr", &format!("127.0.0.1:{metrics_port}")])
        .arg("--db")
        .arg(format!("surrealkv://{}", dir.path().join("db").display()))
        .env("CHIDAO_DEMO_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chidao starts");
    let mut server = Process { child };
    wait_for(port, "/readyz", "the app server").await;
    let cookie = common::http::signed_in_cookie(port, "official", PASSWORD).await;
    let (_, _, pull) = http(port, "GET", "/api/v1/sync/pull", Some(&cookie), None).await.unwrap();
    let items: Vec<String> = pull["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect();
    let metrics = metrics_text(metrics_port).await;
    assert!(metrics.contains("chidao_pull_seconds_count 1\n") && metrics.contains("chidao_draining 0\n"), "{metrics}");
    assert_eq!(http(port, "GET", "/metrics", None, None).await.unwrap().0, 404, "the public address has no metrics");

    let pushes: Vec<_> = (0..6)
        .map(|_| {
            let mut device = common::Device::new();
            let changes: Vec<Value> =
                (0..200).map(|n| device.change(&items[n % items.len()], "done", json!(n % 2 == 0), 1_700_000_000_000 + n as i64)).collect();
            let cookie = cookie.clone();
            tokio::spawn(async move { http(port, "POST", "/api/v1/sync/push", Some(&cookie), Some(&json!({"changes": changes}))).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    server.terminate();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _, health) = http(port, "GET", "/healthz", None, None).await.expect("still answering while draining");
    assert_eq!((status, health["status"].as_str()), (503, Some("draining")), "{health}");
    assert!(metrics_text(metrics_port).await.contains("chidao_draining 1\n"));
    for push in pushes {
        let (status, _, answer) = push.await.unwrap().expect("every push in flight is answered");
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["results"].as_array().unwrap().len(), 200);
    }
    assert!(server.wait_exit(Duration::from_secs(30)).success(), "the server exits cleanly after draining");
}
