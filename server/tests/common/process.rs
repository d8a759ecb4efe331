//! Real processes started by tests: the `chidao` binary, the `surreal` server.

use super::http::http;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process that is killed when the test ends, however it ends.
pub struct Process {
    pub child: Child,
}

impl Process {
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM, as a service manager stopping it would.
    pub fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill runs");
        assert!(status.success());
    }

    pub fn wait_exit(&mut self, within: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited for") {
                return status;
            }
            assert!(Instant::now() < deadline, "the process did not exit within {within:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Waits until `GET path` on the port answers 200.
pub async fn wait_for(port: u16, path: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok((200, _, _)) = http(port, "GET", path, None, None).await {
            return;
        }
        assert!(Instant::now() < deadline, "{what} did not come up on port {port}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The root password of every `surreal` server the tests start.
pub const SURREAL_ROOT_PASSWORD: &str = "test-root-password";

/// The `surreal` binary of this workspace, built next to `chidao` by `cargo test
/// --workspace` (or named by `CHIDAO_SURREAL_BIN`).
pub fn surreal_binary() -> PathBuf {
    let path = std::env::var_os("CHIDAO_SURREAL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_BIN_EXE_chidao")).with_file_name("surreal"));
    assert!(path.is_file(), "{} is missing: build it with `cargo build -p surreal` (`cargo test --workspace` does)", path.display());
    path
}

/// A SurrealDB server on SurrealKV at `data`, on loopback, with the engine's settings.
pub async fn start_surreal(data: &Path, port: u16) -> Process {
    start_surreal_with(data, port, &[]).await
}

/// [`start_surreal`] with environment settings of its own (e.g. the write buffer's size).
pub async fn start_surreal_with(data: &Path, port: u16, env: &[(&str, &str)]) -> Process {
    let child = Command::new(surreal_binary())
        .args(["start", "--log", "warn", "--user", "root", "--bind", &format!("127.0.0.1:{port}")])
        .arg(format!("surrealkv://{}", data.display()))
        .env("SURREAL_PASS", SURREAL_ROOT_PASSWORD)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("surreal starts");
    let process = Process { child };
    wait_for(port, "/health", "the SurrealDB server").await;
    process
}
