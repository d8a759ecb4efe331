//! Acknowledged changes survive SIGKILL of whatever holds the data: the app server with
//! its embedded SurrealKV at the default (and least) 16 MiB write buffer, and a SurrealDB
//! server under an app server at the same buffer. Between kills a tablet writes more than
//! a buffer's worth (long Vietnamese notes, ticks, a 1.5 MB photo now and then), so the
//! buffer is flushed to disk again and again; the last push of each round is cut by the
//! kill. After each restart every push ever answered is sent again and must be answered
//! `duplicate`, every photo must still be served, and the pull cursor must never go back.
//!
//! `CHIDAO_CRASH_ROUNDS` sets the rounds (the soak in `scripts/crash-soak.sh` runs many).

use crate::common;

use common::http::{http, http_bytes, signed_in_cookie};
use common::process::{free_port, start_surreal_with, Process, SURREAL_ROOT_PASSWORD};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "durability-test-password";
const WRITE_BUFFER_MIB: u32 = 16;
const NOTE_CHARS: usize = 2_500;
const CHANGES_PER_PUSH: usize = 250;
/// About 1.3 MB of notes, written twice (the log and the item): some 6 MB a round, so a
/// buffer fills every three rounds or so, and every round's kill finds data in it.
const PUSHES_PER_ROUND: usize = 4;
const PHOTO_BYTES: usize = 1_500_000;

fn rounds() -> usize {
    std::env::var("CHIDAO_CRASH_ROUNDS").ok().and_then(|text| text.parse().ok()).unwrap_or(6)
}

/// Where the data lives and which process holds it.
enum Holder {
    /// The app server with its embedded engine.
    Embedded,
    /// A SurrealDB server on this port, under an app server that stays up.
    Server { db_port: u16 },
}

struct Run {
    holder: Holder,
    data: PathBuf,
    port: u16,
    app: Option<Process>,
    database: Option<Process>,
    log: PathBuf,
}

impl Run {
    async fn start(holder: Holder, dir: &Path) -> Run {
        let mut run = Run { holder, data: dir.join("db"), port: free_port(), app: None, database: None, log: dir.join("app.log") };
        if matches!(run.holder, Holder::Server { .. }) {
            run.database = Some(run.start_database().await);
        }
        run.app = Some(run.start_app().await);
        run
    }

    async fn start_database(&self) -> Process {
        let Holder::Server { db_port } = self.holder else { unreachable!("only a server run has a database process") };
        let buffer = (u64::from(WRITE_BUFFER_MIB) * 1024 * 1024).to_string();
        start_surreal_with(&self.data, db_port, &[("SURREAL_SURREALKV_MAX_MEMTABLE_SIZE", &buffer)]).await
    }

    async fn start_app(&self) -> Process {
        let mut command = Command::new(env!("CARGO_BIN_EXE_chidao"));
        command
            .args(["serve", "--demo", "--demo-scope", "seed", "--drain-ms", "0", "--addr", &format!("127.0.0.1:{}", self.port)])
            .env("CHIDAO_DEMO_PASSWORD", PASSWORD)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::OpenOptions::new().create(true).append(true).open(&self.log).expect("the log opens"));
        match self.holder {
            Holder::Embedded => {
                command
                    .arg("--db")
                    .arg(format!("surrealkv://{}", self.data.display()))
                    .args(["--db-memtable-mib", &WRITE_BUFFER_MIB.to_string()]);
            }
            Holder::Server { db_port } => {
                command
                    .args(["--db", &format!("ws://127.0.0.1:{db_port}"), "--db-user", "root"])
                    .env("CHIDAO_DB_PASS", SURREAL_ROOT_PASSWORD);
            }
        }
        let mut app = Process { child: command.spawn().expect("chidao starts") };
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok((200, _, _)) = http(self.port, "GET", "/readyz", None, None).await {
                return app;
            }
            if let Some(status) = app.child.try_wait().expect("the app can be waited for") {
                panic!("the app server stopped ({status}) instead of serving:\n{}", self.log_tail());
            }
            assert!(Instant::now() < deadline, "the app server did not come up:\n{}", self.log_tail());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// SIGKILLs whatever holds the data and starts it again on the same data.
    async fn kill_and_restart_the_holder(&mut self) {
        match self.holder {
            Holder::Embedded => {
                self.app.take().expect("the app runs").kill();
                self.app = Some(self.start_app().await);
            }
            Holder::Server { .. } => {
                self.database.take().expect("the database runs").kill();
                self.database = Some(self.start_database().await);
            }
        }
    }

    async fn sign_in(&self) -> String {
        reconnected_sign_in(self.port).await
    }
}

/// A note as officials write them, different for every change.
fn note(n: usize) -> String {
    let sentence = format!(
        "Lần {n}: đã kiểm tra hiện trường tại thôn Bình Châu, ghi nhận tuyến đường còn vướng 3 hộ chưa bàn giao mặt bằng; \
         đề nghị UBND huyện phối hợp với Sở Giao thông vận tải tháo gỡ trước ngày 15/8. "
    );
    sentence.chars().cycle().take(NOTE_CHARS).collect()
}

/// A PNG the server accepts (the icon) with `n`'s bytes after it, to a photo's size.
fn photo(n: usize) -> Vec<u8> {
    let mut bytes = common::PNG.to_vec();
    bytes.extend((0..PHOTO_BYTES - common::PNG.len()).map(|i| (i.wrapping_mul(31).wrapping_add(n * 7919) % 251) as u8));
    bytes
}

/// Sends one push and returns each change's status, or `None` if it got no 200.
async fn push(port: u16, cookie: &str, changes: &[Value]) -> Option<Vec<String>> {
    match http(port, "POST", "/api/v1/sync/push", Some(cookie), Some(&json!({"changes": changes}))).await {
        Ok((200, _, answer)) => {
            Some(answer["results"].as_array()?.iter().map(|result| result["status"].as_str().unwrap_or("?").to_owned()).collect())
        }
        _ => None,
    }
}

/// Pulls everything the official sees, page by page; returns the last cursor.
async fn pull_all(port: u16, cookie: &str) -> (u64, Vec<String>) {
    let (mut cursor, mut items) = (0, Vec::new());
    loop {
        let (status, _, page) = http(port, "GET", &format!("/api/v1/sync/pull?since={cursor}"), Some(cookie), None).await.expect("a pull");
        assert_eq!(status, 200, "{page}");
        items.extend(page["items"].as_array().expect("items").iter().map(|item| item["id"].as_str().expect("an id").to_owned()));
        cursor = page["cursor"].as_u64().expect("a cursor");
        if page["more"] != json!(true) {
            return (cursor, items);
        }
    }
}

/// One official's tablet writing on the official's items.
struct Tablet {
    device: common::Device,
    items: Vec<String>,
    wall_ms: i64,
    made: usize,
}

impl Tablet {
    /// A push of notes, with a tick every fourth change.
    fn next_push(&mut self) -> Vec<Value> {
        (0..CHANGES_PER_PUSH)
            .map(|_| {
                self.made += 1;
                self.wall_ms += 1_000;
                let item = &self.items[self.made % self.items.len()];
                if self.made.is_multiple_of(4) {
                    self.device.change(item, "done", json!(self.made.is_multiple_of(8)), self.wall_ms)
                } else {
                    self.device.change(item, "note", json!(note(self.made)), self.wall_ms)
                }
            })
            .collect()
    }
}

async fn acknowledged_changes_survive_kills(holder: Holder) {
    let dir = tempfile::tempdir().expect("a directory");
    let mut run = Run::start(holder, dir.path()).await;
    let mut cookie = signed_in_cookie(run.port, "official", PASSWORD).await;
    let (mut highest_cursor, items) = pull_all(run.port, &cookie).await;
    assert!(!items.is_empty(), "the demo gives the official a checklist");

    let mut tablet = Tablet { device: common::Device::new(), items: items.clone(), wall_ms: 1_780_000_000_000, made: 0 };
    let mut answered: Vec<Vec<Value>> = Vec::new();
    let mut photos: Vec<(String, Vec<u8>)> = Vec::new();

    for round in 0..rounds() {
        for _ in 1..PUSHES_PER_ROUND {
            let changes = tablet.next_push();
            let statuses = push(run.port, &cookie, &changes).await.expect("a push is answered 200");
            assert!(statuses.iter().all(|status| status == "applied" || status == "superseded"), "round {round}: {statuses:?}");
            answered.push(changes);
        }
        if round % 2 == 0 {
            let bytes = photo(round);
            let id = chidao_core::domain::PhotoId::of(&bytes).to_string();
            let path = format!("/api/v1/photos/{id}?item={}", items[round % items.len()]);
            let (status, body) = http_bytes(run.port, "PUT", &path, Some(&cookie), "image/png", &bytes).await.expect("an upload");
            assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
            photos.push((id, bytes));
        }
        let (cursor, _) = pull_all(run.port, &cookie).await;
        assert!(cursor >= highest_cursor, "round {round}: the cursor went back from {highest_cursor} to {cursor}");
        highest_cursor = cursor;

        // The last push of the round is cut by the kill, at some point of its writing.
        let cut = tablet.next_push();
        let in_flight = tokio::spawn({
            let (port, cookie, cut) = (run.port, cookie.clone(), cut.clone());
            async move { push(port, &cookie, &cut).await }
        });
        tokio::time::sleep(Duration::from_millis(40 * (round as u64 % 5))).await;
        run.kill_and_restart_the_holder().await;
        let cut_was_answered = in_flight.await.expect("the push task ends").is_some();
        cookie = run.sign_in().await;

        let statuses = push(run.port, &cookie, &cut).await.expect("the cut push is answered 200 when sent again");
        if cut_was_answered {
            assert!(statuses.iter().all(|status| status == "duplicate"), "round {round}: an answered push came back {statuses:?}");
        } else {
            assert!(
                statuses.iter().all(|status| ["applied", "superseded", "duplicate"].contains(&status.as_str())),
                "round {round}: {statuses:?}"
            );
        }
        answered.push(cut);

        for (number, changes) in answered.iter().enumerate() {
            let statuses = push(run.port, &cookie, changes).await.expect("a push sent again is answered 200");
            let lost = statuses.iter().filter(|status| *status != "duplicate").count();
            assert_eq!(
                lost,
                0,
                "round {round}: push {number} ({} changes) was acknowledged, then {lost} came back {statuses:?}",
                changes.len()
            );
        }
        for (id, bytes) in &photos {
            let (status, body) =
                http_bytes(run.port, "GET", &format!("/api/v1/photos/{id}"), Some(&cookie), "image/png", &[]).await.expect("a download");
            assert_eq!(status, 200, "round {round}: photo {id}");
            assert!(body == *bytes, "round {round}: photo {id} came back different");
        }
        let (cursor, _) = pull_all(run.port, &cookie).await;
        assert!(cursor >= highest_cursor, "round {round}: after the restart the cursor went back from {highest_cursor} to {cursor}");
        highest_cursor = cursor;
        eprintln!("round {round}: {} pushes ({} changes) acknowledged and still there; cursor {cursor}", answered.len(), tablet.made);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_changes_survive_sigkill_of_the_app_server_with_its_embedded_database() {
    acknowledged_changes_survive_kills(Holder::Embedded).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_changes_survive_sigkill_of_the_surrealdb_server_under_an_app_server() {
    acknowledged_changes_survive_kills(Holder::Server { db_port: free_port() }).await;
}

/// The `chidao serve` command over `db`, with the mark in its default place beside it.
fn serve_command(db: &str, port: u16, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chidao"));
    command
        .args(["serve", "--demo", "--demo-scope", "seed", "--drain-ms", "0", "--addr", &format!("127.0.0.1:{port}"), "--db", db])
        .args(extra)
        .env("CHIDAO_DEMO_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// A database holding less than its mark says is refused at start, with the reason; told
/// to go on, the server serves it with the item counter past every number handed out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_behind_its_acknowledged_mark_is_refused_at_start_unless_accepted() {
    let dir = tempfile::tempdir().expect("a directory");
    let db = format!("surrealkv://{}", dir.path().join("db").display());
    // As if the data had been replaced by an older copy after numbers up to a million
    // were handed out.
    std::fs::write(dir.path().join("db.acknowledged"), format!("{:020}\n", 1_000_000)).expect("the mark is written");
    let port = free_port();
    let refused = serve_command(&db, port, &[]).output().expect("chidao runs");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "a database behind its mark was served");
    assert!(
        stderr.contains("behind what this server acknowledged") && stderr.contains("1000000") && stderr.contains("--accept-store-behind"),
        "{stderr}"
    );

    let mut accepted = Process { child: serve_command(&db, port, &["--accept-store-behind"]).spawn().expect("chidao starts") };
    common::process::wait_for(port, "/readyz", "the app server").await;
    let cookie = signed_in_cookie(port, "official", PASSWORD).await;
    let (cursor, items) = pull_all(port, &cookie).await;
    assert!(cursor > 1_000_000, "the counter moved past the mark before anything was written: the cursor is {cursor}");
    let mut device = common::Device::new();
    let change = device.change(&items[0], "done", json!(true), 1_780_000_000_000);
    assert_eq!(push(port, &cookie, &[change]).await, Some(vec!["applied".to_owned()]));
    let (status, _, page) = http(port, "GET", &format!("/api/v1/sync/pull?since={cursor}"), Some(&cookie), None).await.expect("a pull");
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1), "the new write comes after every number handed out: {page}");
    accepted.kill();
    let mark = std::fs::read_to_string(dir.path().join("db.acknowledged")).expect("the mark is there");
    assert!(mark.trim().parse::<u64>().expect("a number") > 1_000_000, "the mark follows the write: {mark}");
}

/// A SurrealDB server that comes back with older data (as one that lost writes does)
/// under a serving app server: within seconds the app server says so in its metrics and
/// raises the counter, so a tablet's cursor from before still sees every later write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_server_that_comes_back_behind_is_caught_while_serving() {
    let dir = tempfile::tempdir().expect("a directory");
    let data = dir.path().join("surreal");
    let older = dir.path().join("surreal-older");
    let db_port = free_port();
    let mut database = start_surreal_with(&data, db_port, &[]).await;
    let (port, metrics_port) = (free_port(), free_port());
    let mut app = Process {
        child: Command::new(env!("CARGO_BIN_EXE_chidao"))
            .args(["serve", "--demo", "--demo-scope", "seed", "--drain-ms", "0", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--db", &format!("ws://127.0.0.1:{db_port}"), "--db-user", "root"])
            .args(["--metrics-addr", &format!("127.0.0.1:{metrics_port}")])
            .env("CHIDAO_DB_PASS", SURREAL_ROOT_PASSWORD)
            .env("CHIDAO_DEMO_PASSWORD", PASSWORD)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chidao starts"),
    };
    common::process::wait_for(port, "/readyz", "the app server").await;
    let cookie = signed_in_cookie(port, "official", PASSWORD).await;
    let (_, items) = pull_all(port, &cookie).await;

    // The data as it is now, copied aside while the database server is stopped.
    database.kill();
    copy_dir(&data, &older);
    database = start_surreal_with(&data, db_port, &[]).await;
    let cookie = reconnected_sign_in(port).await;
    let mut device = common::Device::new();
    let changes: Vec<Value> =
        (0..20).map(|n| device.change(&items[n % items.len()], "done", json!(n % 2 == 0), 1_780_000_000_000 + n as i64)).collect();
    assert!(push(port, &cookie, &changes).await.is_some_and(|statuses| statuses.iter().all(|status| status == "applied")));
    let (cursor_before_loss, _) = pull_all(port, &cookie).await;

    // The database server comes back on the older copy: the 20 changes are gone.
    database.kill();
    std::fs::remove_dir_all(&data).expect("the data goes");
    copy_dir(&older, &data);
    let _database = start_surreal_with(&data, db_port, &[]).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, text) = http_bytes(metrics_port, "GET", "/metrics", None, "text/plain", &[]).await.expect("the metrics answer");
        let text = String::from_utf8_lossy(&text).into_owned();
        if text.lines().any(|line| line.starts_with("chidao_store_found_behind_total{witness=\"memory\"}") && !line.ends_with(" 0")) {
            break;
        }
        assert!(Instant::now() < deadline, "the app server never said the database went back:\n{text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let cookie = reconnected_sign_in(port).await;
    let mut later = common::Device::new();
    let change = later.change(&items[0], "note", json!("ghi sau khi mất dữ liệu"), 1_780_000_100_000);
    assert_eq!(push(port, &cookie, &[change]).await, Some(vec!["applied".to_owned()]));
    let (status, _, page) =
        http(port, "GET", &format!("/api/v1/sync/pull?since={cursor_before_loss}"), Some(&cookie), None).await.expect("a pull");
    assert_eq!(status, 200);
    assert!(
        page["items"].as_array().is_some_and(|items| items.iter().any(|item| item["note"] == json!("ghi sau khi mất dữ liệu"))),
        "a tablet whose cursor is from before the loss still gets the later write: {page}"
    );
    app.kill();
}

/// Signs the official in once the app server reaches its database again.
async fn reconnected_sign_in(port: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answer = http(port, "POST", "/api/v1/session", None, Some(&json!({"username": "official", "password": PASSWORD}))).await;
        if let Ok((200, head, _)) = answer {
            return common::http::session_cookie(&head).expect("a session cookie");
        }
        assert!(Instant::now() < deadline, "no sign-in once the database is back: {answer:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a directory");
    for entry in std::fs::read_dir(from).expect("a directory to copy") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a copy");
        }
    }
}
