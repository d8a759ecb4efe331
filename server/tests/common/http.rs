//! A minimal HTTP/1.1 client over a fresh loopback connection per request: enough for
//! tests and benchmarks that drive a real server, without another crate.

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A minimal HTTP/1.1 exchange over one connection: status, headers, JSON body.
pub async fn http(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, String, Value)> {
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

/// An exchange with a body of any type (a photo), and the answer's body as bytes.
// The benchmarks include this file and send no photos.
#[allow(dead_code)]
pub async fn http_bytes(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{cookie}Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let end = raw.windows(4).position(|window| window == b"\r\n\r\n").ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| std::io::Error::other("no status"))?;
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        return Err(std::io::Error::other("a chunked answer; this helper reads whole bodies only"));
    }
    Ok((status, raw[end + 4..].to_vec()))
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

/// Signs `username` in over HTTP and gives back the session cookie (`name=value`).
pub async fn signed_in_cookie(port: u16, username: &str, password: &str) -> String {
    let (status, head, _) =
        http(port, "POST", "/api/v1/session", None, Some(&serde_json::json!({"username": username, "password": password})))
            .await
            .expect("the server answers");
    assert_eq!(status, 200, "{head}");
    session_cookie(&head).expect("a session cookie")
}

/// The session cookie (`name=value`) an answer's head sets, if any.
pub fn session_cookie(head: &str) -> Option<String> {
    head.lines()
        .find(|line| line.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|line| line.split_once(':'))
        .and_then(|(_, value)| value.trim().split(';').next())
        .map(str::to_owned)
}

/// Serves the whole app with `services` on a free loopback port, for benchmarks and tests
/// that drive a real server; returns the port.
#[allow(dead_code)]
pub async fn serve_on_loopback(services: &chidao_server::Services) -> u16 {
    let cookies = chidao_server::routes::CookiePolicy { secure: false, max_age_days: 1, idle_days: 1 };
    let router = chidao_server::app(services, chidao_server::AppSettings { cookies, ..Default::default() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let port = listener.local_addr().expect("a bound port").port();
    tokio::spawn(async move { axum::serve(listener, router).await.expect("the server runs") });
    port
}
