//! The binary starts a real server that answers its health check and a query.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(port: u16, request: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

#[test]
fn starts_on_loopback_and_answers_a_query() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_surreal"))
        .args(["start", "--log", "warn", "--user", "root", "--pass", "secret", "--bind", &format!("127.0.0.1:{port}"), "memory"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("surreal starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    let healthy = loop {
        let health = get(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        if health.as_deref().is_some_and(|answer| answer.starts_with("HTTP/1.1 200")) {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    // root:secret
    let query = "RETURN 40 + 2;";
    let answer = get(
        port,
        &format!(
            "POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Basic cm9vdDpzZWNyZXQ=\r\nAccept: application/json\r\nContent-Length: {}\r\n\r\n{query}",
            query.len()
        ),
    );
    let _ = server.kill();
    let _ = server.wait();
    assert!(healthy, "no health answer within a minute");
    let answer = answer.expect("the server answers /sql");
    assert!(answer.starts_with("HTTP/1.1 200") && answer.contains("42"), "{answer}");
}
