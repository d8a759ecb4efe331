//! Load on running Chidao app servers, as tablets in the field make it: each simulated
//! device signs in with its own session, then every few seconds pushes one change and pulls
//! what is new after its cursor, spread over the servers given. Loopback only, bounded in
//! devices and time. Prints throughput, latency percentiles, errors, and the CPU and peak
//! memory of the processes named by `--watch`; the last line is the same as JSON.

use clap::Parser;
use rand::Rng;
use serde_json::{json, Value};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// More than this many devices or seconds is not a test this machine should run.
const MAX_DEVICES: usize = 10_000;
const MAX_SECONDS: u64 = 600;

#[derive(Debug, Parser)]
#[command(name = "chidao-load")]
struct Args {
    /// Ports of the app servers on 127.0.0.1; device n uses port n mod their number.
    #[arg(long, value_delimiter = ',', required = true)]
    ports: Vec<u16>,
    #[arg(long, default_value_t = 1_000)]
    devices: usize,
    /// How long the load runs, after every device has signed in.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Each device pushes one change this often (ms), at a random phase.
    #[arg(long, default_value_t = 5_000)]
    every_ms: u64,
    /// Accounts the devices sign in as, in turn (several tablets share an official's
    /// account, each with its own session).
    #[arg(long, value_delimiter = ',', default_value = "official,official2,official3")]
    accounts: Vec<String>,
    #[arg(long, env = "CHIDAO_DEMO_PASSWORD", hide_env_values = true)]
    password: String,
    /// Processes to report CPU and peak memory of, as name=pid.
    #[arg(long, value_delimiter = ',')]
    watch: Vec<String>,
}

/// One keep-alive HTTP/1.1 connection; reopened after any error.
struct Connection {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
}

struct Answer {
    status: u16,
    headers: String,
    body: Value,
}

impl Connection {
    fn new(port: u16) -> Self {
        Self { port, stream: None }
    }

    async fn send(&mut self, method: &str, path: &str, cookie: Option<&str>, body: Option<&Value>) -> std::io::Result<Answer> {
        let result = self.exchange(method, path, cookie, body).await;
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    async fn exchange(&mut self, method: &str, path: &str, cookie: Option<&str>, body: Option<&Value>) -> std::io::Result<Answer> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(BufReader::new(stream));
        }
        let stream = self.stream.as_mut().expect("connected above");
        let body = body.map(Value::to_string).unwrap_or_default();
        let cookie = cookie.map(|cookie| format!("Cookie: {cookie}\r\n")).unwrap_or_default();
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.get_mut().write_all(request.as_bytes()).await?;
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
        let status =
            headers.split_whitespace().nth(1).and_then(|code| code.parse().ok()).ok_or_else(|| std::io::Error::other("no status"))?;
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

#[derive(Default)]
struct Tally {
    push_ms: Vec<f64>,
    pull_ms: Vec<f64>,
    changes_accepted: u64,
    errors: Vec<String>,
}

fn wall_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|since| since.as_millis() as i64).unwrap_or(0)
}

struct Device {
    id: uuid::Uuid,
    connection: Connection,
    cookie: String,
    items: Vec<String>,
    cursor: u64,
    next_seq: u64,
}

async fn sign_in(port: u16, account: &str, password: &str) -> Result<Device, String> {
    let mut connection = Connection::new(port);
    let body = json!({"username": account, "password": password});
    let answer = connection.send("POST", "/api/v1/session", None, Some(&body)).await.map_err(|error| error.to_string())?;
    if answer.status != 200 {
        return Err(format!("sign-in as {account} answered {}: {}", answer.status, answer.body));
    }
    let cookie = answer
        .headers
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|line| line.split_once(':'))
        .and_then(|(_, value)| value.trim().split(';').next())
        .ok_or("no session cookie")?
        .to_owned();
    let mut device = Device { id: uuid::Uuid::now_v7(), connection, cookie, items: Vec::new(), cursor: 0, next_seq: 1 };
    loop {
        let path = format!("/api/v1/sync/pull?since={}", device.cursor);
        let page = device.connection.send("GET", &path, Some(&device.cookie), None).await.map_err(|error| error.to_string())?;
        if page.status != 200 {
            return Err(format!("first pull answered {}", page.status));
        }
        let items = page.body["items"].as_array().cloned().unwrap_or_default();
        device.items.extend(items.iter().filter_map(|item| item["id"].as_str().map(str::to_owned)));
        device.cursor = page.body["cursor"].as_u64().unwrap_or(device.cursor);
        if page.body["more"] != json!(true) {
            break;
        }
    }
    if device.items.is_empty() {
        return Err(format!("{account} has no checklist items to work on"));
    }
    Ok(device)
}

impl Device {
    async fn push_one(&mut self, tally: &Mutex<Tally>) {
        let item = self.items[rand::thread_rng().gen_range(0..self.items.len())].clone();
        let change = json!({
            "id": uuid::Uuid::now_v7(),
            "item": item,
            "seq": self.next_seq,
            "stamp": {"wall_ms": wall_ms(), "counter": 0, "device": self.id},
            "field": "done",
            "value": rand::thread_rng().gen_bool(0.5),
        });
        let started = Instant::now();
        let answer = self.connection.send("POST", "/api/v1/sync/push", Some(&self.cookie), Some(&json!({"changes": [change]}))).await;
        let took = started.elapsed().as_secs_f64() * 1e3;
        let mut tally = tally.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match answer {
            Ok(answer) if answer.status == 200 => {
                self.next_seq += 1;
                tally.push_ms.push(took);
                tally.changes_accepted += 1;
            }
            Ok(answer) => tally.errors.push(format!("push {}: {}", answer.status, answer.body)),
            Err(error) => tally.errors.push(format!("push: {error}")),
        }
    }

    async fn pull_new(&mut self, tally: &Mutex<Tally>) {
        let started = Instant::now();
        let path = format!("/api/v1/sync/pull?since={}", self.cursor);
        let answer = self.connection.send("GET", &path, Some(&self.cookie), None).await;
        let took = started.elapsed().as_secs_f64() * 1e3;
        let mut tally = tally.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match answer {
            Ok(answer) if answer.status == 200 => {
                self.cursor = answer.body["cursor"].as_u64().unwrap_or(self.cursor);
                tally.pull_ms.push(took);
            }
            Ok(answer) => tally.errors.push(format!("pull {}: {}", answer.status, answer.body)),
            Err(error) => tally.errors.push(format!("pull: {error}")),
        }
    }
}

/// CPU seconds used so far and peak resident memory (MB) of a process, from /proc.
fn process_stats(pid: u32) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let peak_kb: f64 = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?.split_whitespace().next()?.parse().ok()?;
    // Linux reports CPU time in clock ticks of 1/100 s on every platform we run.
    Some((ticks / 100.0, peak_kb / 1024.0))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if args.devices == 0 || args.devices > MAX_DEVICES || args.seconds == 0 || args.seconds > MAX_SECONDS || args.accounts.is_empty() {
        eprintln!("chidao-load: devices must be 1..={MAX_DEVICES}, seconds 1..={MAX_SECONDS}, and at least one account");
        return std::process::ExitCode::FAILURE;
    }
    let watched: Vec<(String, u32)> = match args
        .watch
        .iter()
        .map(|entry| entry.split_once('=').and_then(|(name, pid)| Some((name.to_owned(), pid.parse().ok()?))))
        .collect::<Option<Vec<_>>>()
    {
        Some(watched) => watched,
        None => {
            eprintln!("chidao-load: --watch takes name=pid pairs");
            return std::process::ExitCode::FAILURE;
        }
    };

    // Sign-ins a few at a time, as tablets coming online do.
    let signing_in = Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(16));
    let mut joining = Vec::new();
    for n in 0..args.devices {
        let (port, account, password, gate) =
            (args.ports[n % args.ports.len()], args.accounts[n % args.accounts.len()].clone(), args.password.clone(), gate.clone());
        joining.push(tokio::spawn(async move {
            let _turn = gate.acquire_owned().await.expect("the gate stays open");
            sign_in(port, &account, &password).await
        }));
    }
    let mut devices = Vec::new();
    for joined in joining {
        match joined.await.expect("a sign-in task ends") {
            Ok(device) => devices.push(device),
            Err(error) => {
                eprintln!("chidao-load: {error}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    let sign_in_s = signing_in.elapsed().as_secs_f64();

    let before: Vec<Option<(f64, f64)>> = watched.iter().map(|(_, pid)| process_stats(*pid)).collect();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.seconds);
    let every = Duration::from_millis(args.every_ms);
    let running: Vec<_> = devices
        .into_iter()
        .map(|mut device| {
            let tally = tally.clone();
            let phase = Duration::from_millis(rand::thread_rng().gen_range(0..args.every_ms.max(1)));
            tokio::spawn(async move {
                let mut next = tokio::time::Instant::now() + phase;
                while next < deadline {
                    tokio::time::sleep_until(next).await;
                    device.push_one(&tally).await;
                    device.pull_new(&tally).await;
                    next += every;
                }
            })
        })
        .collect();
    for device in running {
        let _ = device.await;
    }
    let elapsed = started.elapsed().as_secs_f64();

    let mut tally = Arc::try_unwrap(tally).map(|tally| tally.into_inner().unwrap_or_else(|p| p.into_inner())).unwrap_or_default();
    tally.push_ms.sort_by(f64::total_cmp);
    tally.pull_ms.sort_by(f64::total_cmp);
    let offered = args.devices as f64 * 1_000.0 / args.every_ms as f64;
    println!(
        "{} devices on {} server(s), {:.0} s (sign-in of all: {sign_in_s:.1} s); offered {offered:.0} pushes/s",
        args.devices,
        args.ports.len(),
        elapsed
    );
    println!(
        "  push: {:.0} changes/s accepted, p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms",
        tally.changes_accepted as f64 / elapsed,
        percentile(&tally.push_ms, 0.5),
        percentile(&tally.push_ms, 0.95),
        percentile(&tally.push_ms, 0.99)
    );
    println!(
        "  pull: {:.0}/s, p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms",
        tally.pull_ms.len() as f64 / elapsed,
        percentile(&tally.pull_ms, 0.5),
        percentile(&tally.pull_ms, 0.95),
        percentile(&tally.pull_ms, 0.99)
    );
    println!("  errors: {}", tally.errors.len());
    for error in tally.errors.iter().take(5) {
        println!("    {error}");
    }
    let mut processes = Vec::new();
    for ((name, pid), before) in watched.iter().zip(before) {
        if let (Some((cpu_before, _)), Some((cpu_after, peak_mb))) = (before, process_stats(*pid)) {
            let cores = (cpu_after - cpu_before) / elapsed;
            println!("  {name} (pid {pid}): CPU {:.0} % of one core, peak RSS {peak_mb:.0} MB", cores * 100.0);
            processes.push(json!({"name": name, "cpu_cores": cores, "peak_rss_mb": peak_mb}));
        }
    }
    let summary = json!({
        "devices": args.devices,
        "servers": args.ports.len(),
        "seconds": elapsed,
        "changes_per_s": tally.changes_accepted as f64 / elapsed,
        "push_ms": {"p50": percentile(&tally.push_ms, 0.5), "p95": percentile(&tally.push_ms, 0.95), "p99": percentile(&tally.push_ms, 0.99)},
        "pull_ms": {"p50": percentile(&tally.pull_ms, 0.5), "p95": percentile(&tally.pull_ms, 0.95), "p99": percentile(&tally.pull_ms, 0.99)},
        "errors": tally.errors.len(),
        "processes": processes,
    });
    println!("{summary}");
    std::process::ExitCode::SUCCESS
}
