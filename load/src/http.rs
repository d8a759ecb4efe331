//! The one HTTP/1.1 client of the load runs: keep-alive connections to loopback app
//! servers, JSON or raw bodies, and the live stream of server-sent events.

use serde_json::Value;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One keep-alive HTTP/1.1 connection; reopened after any error.
pub struct Connection {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
}

pub struct Answer {
    pub status: u16,
    pub headers: String,
    pub body: Value,
}

impl Answer {
    /// The session cookie a sign-in set, as a `Cookie` header's value.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .lines()
            .find(|line| line.to_ascii_lowercase().starts_with("set-cookie:"))
            .and_then(|line| line.split_once(':'))
            .and_then(|(_, value)| value.trim().split(';').next())
            .map(str::to_owned)
    }
}

/// What a request carries: nothing, JSON, or bytes of a given type.
pub enum Body<'a> {
    Empty,
    Json(&'a Value),
    Raw { content_type: &'a str, bytes: &'a [u8] },
}

async fn connect(port: u16) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

fn request_head(method: &str, path: &str, cookie: Option<&str>, content_type: &str, length: usize, accept: &str) -> String {
    let cookie = cookie.map(|cookie| format!("Cookie: {cookie}\r\n")).unwrap_or_default();
    format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}Accept: {accept}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    )
}

async fn read_head(stream: &mut BufReader<TcpStream>) -> std::io::Result<(u16, String)> {
    let mut headers = String::new();
    loop {
        let before = headers.len();
        if stream.read_line(&mut headers).await? == 0 {
            return Err(std::io::Error::other("the server closed the connection"));
        }
        if &headers[before..] == "\r\n" {
            break;
        }
    }
    let status = headers.split_whitespace().nth(1).and_then(|code| code.parse().ok()).ok_or_else(|| std::io::Error::other("no status"))?;
    Ok((status, headers))
}

impl Connection {
    pub fn new(port: u16) -> Self {
        Self { port, stream: None }
    }

    pub async fn send(&mut self, method: &str, path: &str, cookie: Option<&str>, body: Body<'_>) -> std::io::Result<Answer> {
        let result = self.exchange(method, path, cookie, body).await;
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    /// `send` with a JSON body or none.
    pub async fn json(&mut self, method: &str, path: &str, cookie: Option<&str>, body: Option<&Value>) -> std::io::Result<Answer> {
        self.send(method, path, cookie, body.map_or(Body::Empty, Body::Json)).await
    }

    async fn exchange(&mut self, method: &str, path: &str, cookie: Option<&str>, body: Body<'_>) -> std::io::Result<Answer> {
        if self.stream.is_none() {
            self.stream = Some(BufReader::new(connect(self.port).await?));
        }
        let stream = self.stream.as_mut().expect("connected above");
        let json;
        let (content_type, bytes): (&str, &[u8]) = match body {
            Body::Empty => ("application/json", &[]),
            Body::Json(value) => {
                json = value.to_string();
                ("application/json", json.as_bytes())
            }
            Body::Raw { content_type, bytes } => (content_type, bytes),
        };
        let head = request_head(method, path, cookie, content_type, bytes.len(), "application/json");
        stream.get_mut().write_all(head.as_bytes()).await?;
        stream.get_mut().write_all(bytes).await?;
        let (status, headers) = read_head(stream).await?;
        let lower = headers.to_ascii_lowercase();
        let mut raw = Vec::new();
        if let Some(length) = lower.lines().find_map(|line| line.strip_prefix("content-length:")) {
            let length: usize = length.trim().parse().map_err(|_| std::io::Error::other("bad content-length"))?;
            raw.resize(length, 0);
            stream.read_exact(&mut raw).await?;
        } else if lower.contains("transfer-encoding: chunked") {
            loop {
                let mut size = String::new();
                stream.read_line(&mut size).await?;
                let size = usize::from_str_radix(size.trim(), 16).map_err(|_| std::io::Error::other("bad chunk size"))?;
                let mut chunk = vec![0; size + 2];
                stream.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
                raw.extend_from_slice(&chunk[..size]);
            }
        }
        if lower.contains("connection: close") {
            self.stream = None;
        }
        Ok(Answer { status, headers, body: serde_json::from_slice(&raw).unwrap_or(Value::Null) })
    }
}

/// Follows a live stream (server-sent events) for `lasting`, as a dashboard does, and
/// answers how many `changed` events came.
pub async fn follow_live(port: u16, path: &str, cookie: &str, lasting: Duration) -> std::io::Result<u64> {
    let mut stream = BufReader::new(connect(port).await?);
    let head = request_head("GET", path, Some(cookie), "application/json", 0, "text/event-stream");
    stream.get_mut().write_all(head.as_bytes()).await?;
    let (status, _) = read_head(&mut stream).await?;
    if status != 200 {
        return Err(std::io::Error::other(format!("the live stream answered {status}")));
    }
    let mut events = 0;
    let reading = async {
        let mut line = String::new();
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Ok::<_, std::io::Error>(());
            }
            // Chunk sizes and event fields arrive as lines alike; only the field counts.
            if line.trim_end() == "event: changed" || line.trim_end() == "event:changed" {
                events += 1;
            }
        }
    };
    match tokio::time::timeout(lasting, reading).await {
        Ok(Err(error)) => Err(error),
        _ => Ok(events),
    }
}
