//! The storage engine's own promise, checked against the `surrealkv` crate alone (no
//! SurrealDB, no app): a commit that returned Ok is still there after the process is
//! killed, however many times the write buffer was flushed before the kill.
//!
//! Each case runs a writer in a child process (this test binary again, told by an
//! environment variable which part to play), kills it, and opens the data in the parent.
//! SurrealKV 0.21.4 as published fails both cases; docs/engine-surrealkv.md says why and
//! what `engine/surrealkv.patch` changes.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use surrealkv::{Durability, Tree, TreeBuilder};

/// Which writer a child process plays, and on which directory.
const CHILD_ROLE: &str = "ENGINE_TEST_CHILD_ROLE";
const CHILD_DIR: &str = "ENGINE_TEST_CHILD_DIR";

/// A small write buffer, so that a hundred commits flush it several times.
const WRITE_BUFFER_BYTES: usize = 256 * 1024;
const KEYS_PER_COMMIT: usize = 20;
const VALUE_BYTES: usize = 1_000;
const COMMITS: usize = 100;

fn key(commit: usize, n: usize) -> Vec<u8> {
    format!("commit-{commit:06}-key-{n:02}").into_bytes()
}

fn open(dir: &Path) -> Tree {
    TreeBuilder::new().with_path(dir.to_path_buf()).with_max_memtable_size(WRITE_BUFFER_BYTES).build().expect("the tree opens")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

/// Commits `commit`'s keys, synced to disk before it returns, and says so on stdout.
async fn commit(tree: &Tree, commit: usize) {
    let mut transaction = tree.begin().expect("a transaction");
    transaction.set_durability(Durability::Immediate);
    for n in 0..KEYS_PER_COMMIT {
        transaction.set(key(commit, n), vec![b'v'; VALUE_BYTES]).expect("a write");
    }
    transaction.commit().await.expect("the commit");
    let mut out = std::io::stdout().lock();
    writeln!(out, "committed {commit}").and_then(|()| out.flush()).expect("stdout");
}

/// The highest WAL segment number on disk: it grows when the write buffer is rotated.
fn newest_wal_segment(dir: &Path) -> u64 {
    std::fs::read_dir(dir.join("wal"))
        .map(|entries| {
            entries.filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".wal")?.parse::<u64>().ok()).max().unwrap_or(0)
        })
        .unwrap_or(0)
}

/// What a child process does, by its role.
fn play(role: &str, dir: &Path) {
    runtime().block_on(async {
        match role {
            // Commits everything, then waits to be killed.
            "commit-all" => {
                let tree = open(dir);
                for n in 0..COMMITS {
                    commit(&tree, n).await;
                }
                tokio::time::sleep(Duration::from_secs(120)).await;
            }
            // Commits until the write buffer is rotated, then dies at once, before the
            // full buffer can be flushed.
            "crash-after-rotation" => {
                let tree = open(dir);
                let first = newest_wal_segment(dir);
                for n in 0..COMMITS {
                    commit(&tree, n).await;
                    if newest_wal_segment(dir) > first {
                        std::process::abort();
                    }
                }
            }
            // Opens the data (which replays the log) and dies at once.
            "crash-after-recovery" => {
                let _tree = open(dir);
                std::process::abort();
            }
            other => panic!("unknown role {other}"),
        }
    });
}

/// Runs this test again as a child playing `role` on `dir`; returns the commits it
/// reported once it has ended or `kill_after` of them were reported (then it is killed).
fn run_child(test: &str, role: &str, dir: &Path, kill_after: Option<usize>) -> Vec<usize> {
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_ROLE, role)
        .env(CHILD_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the child starts");
    let mut committed = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let line = line.expect("a line");
        // The harness prints the test's name on the line of its first output.
        if let Some(number) = line.rsplit_once("committed ").and_then(|(_, n)| n.trim().parse().ok()) {
            committed.push(number);
            if kill_after == Some(committed.len()) {
                // Time for the background flush of the full buffers to finish.
                std::thread::sleep(Duration::from_millis(500));
                break;
            }
        }
    }
    child.kill().ok();
    child.wait().expect("the child ends");
    committed
}

fn missing_after_reopening(dir: &Path, committed: &[usize]) -> Vec<usize> {
    runtime().block_on(async {
        let tree = open(dir);
        let transaction = tree.begin().expect("a transaction");
        let missing = committed
            .iter()
            .copied()
            .filter(|&n| (0..KEYS_PER_COMMIT).any(|k| transaction.get(key(n, k)).expect("a read").is_none()))
            .collect();
        tree.close().await.expect("the tree closes");
        missing
    })
}

/// If this process is a child, plays its part and returns true.
fn is_child() -> bool {
    match (std::env::var(CHILD_ROLE), std::env::var(CHILD_DIR)) {
        (Ok(role), Ok(dir)) => {
            play(&role, Path::new(&dir));
            true
        }
        _ => false,
    }
}

/// 0.21.4 as published loses the commit that did not fit the full write buffer: its record
/// is in the old log segment, it is applied to the new buffer, and the old segment is
/// dropped once the old buffer is on disk.
#[test]
fn a_commit_survives_a_kill_after_the_buffer_it_did_not_fit_was_flushed() {
    if is_child() {
        return;
    }
    let dir = tempfile::tempdir().expect("a directory");
    let committed =
        run_child("a_commit_survives_a_kill_after_the_buffer_it_did_not_fit_was_flushed", "commit-all", dir.path(), Some(COMMITS));
    assert_eq!(committed.len(), COMMITS);
    let missing = missing_after_reopening(dir.path(), &committed);
    assert!(missing.is_empty(), "acknowledged commits lost: {missing:?}");
}

/// 0.21.4 as published replays a log segment holding more than one buffer into two, flushes
/// the first and marks the whole segment done, while the second is only in memory: the next
/// crash loses it.
#[test]
fn a_commit_survives_a_crash_right_after_recovery_split_its_segment() {
    if is_child() {
        return;
    }
    let test = "a_commit_survives_a_crash_right_after_recovery_split_its_segment";
    let dir = tempfile::tempdir().expect("a directory");
    let committed = run_child(test, "crash-after-rotation", dir.path(), None);
    assert!(committed.len() < COMMITS, "the buffer was never rotated");
    run_child(test, "crash-after-recovery", dir.path(), None);
    let missing = missing_after_reopening(dir.path(), &committed);
    assert!(missing.is_empty(), "acknowledged commits lost: {missing:?}");
}
