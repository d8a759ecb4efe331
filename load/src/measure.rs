//! What a load run records and prints: latency by kind of request, errors, and the CPU and
//! peak memory of the server processes watched.

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Latencies (ms) by kind of request, changes accepted, and errors, shared by every
/// simulated device of a run.
#[derive(Default)]
pub struct Record {
    inner: Mutex<Recorded>,
}

#[derive(Default)]
struct Recorded {
    latencies: BTreeMap<&'static str, Vec<f64>>,
    changes_accepted: u64,
    events: u64,
    errors: Vec<String>,
}

impl Record {
    fn with<T>(&self, f: impl FnOnce(&mut Recorded) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    pub fn took(&self, kind: &'static str, ms: f64) {
        self.with(|recorded| recorded.latencies.entry(kind).or_default().push(ms));
    }

    pub fn accepted(&self, changes: u64) {
        self.with(|recorded| recorded.changes_accepted += changes);
    }

    pub fn live_events(&self, events: u64) {
        self.with(|recorded| recorded.events += events);
    }

    pub fn error(&self, error: String) {
        self.with(|recorded| recorded.errors.push(error));
    }

    /// Prints each kind's count and percentiles, the errors, and the watched processes;
    /// answers the same as JSON.
    pub fn report(&self, seconds: f64, processes: &[Process]) -> Value {
        self.with(|recorded| {
            let mut kinds = serde_json::Map::new();
            for (kind, latencies) in &mut recorded.latencies {
                latencies.sort_by(f64::total_cmp);
                let [p50, p95, p99] = [0.5, 0.95, 0.99].map(|p| percentile(latencies, p));
                let max = latencies.last().copied().unwrap_or(f64::NAN);
                println!(
                    "  {kind:<12} {:>7} ({:>6.1}/s)  p50 {p50:>6.0} ms  p95 {p95:>6.0} ms  p99 {p99:>6.0} ms  max {max:>6.0} ms",
                    latencies.len(),
                    latencies.len() as f64 / seconds
                );
                kinds.insert((*kind).to_owned(), json!({"count": latencies.len(), "p50": p50, "p95": p95, "p99": p99, "max": max}));
            }
            println!("  changes accepted: {} ({:.0}/s)", recorded.changes_accepted, recorded.changes_accepted as f64 / seconds);
            if recorded.events > 0 {
                println!("  live events received by the dashboards: {}", recorded.events);
            }
            println!("  errors: {}", recorded.errors.len());
            for error in recorded.errors.iter().take(5) {
                println!("    {error}");
            }
            let mut watched = Vec::new();
            for process in processes {
                if let Some((cores, peak_mb)) = process.since_start(seconds) {
                    println!("  {} (pid {}): CPU {:.0} % of one core, peak RSS {peak_mb:.0} MB", process.name, process.pid, cores * 100.0);
                    watched.push(json!({"name": process.name, "cpu_cores": cores, "peak_rss_mb": peak_mb}));
                }
            }
            json!({
                "seconds": seconds,
                "changes_per_s": recorded.changes_accepted as f64 / seconds,
                "requests": kinds,
                "live_events": recorded.events,
                "errors": recorded.errors.len(),
                "processes": watched,
            })
        })
    }
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A server process watched during a run, with its CPU time when the run began.
pub struct Process {
    pub name: String,
    pub pid: u32,
    cpu_at_start: Option<f64>,
}

impl Process {
    /// `name=pid` pairs, as `--watch` takes them.
    pub fn parse_all(entries: &[String]) -> Option<Vec<Process>> {
        entries
            .iter()
            .map(|entry| {
                let (name, pid) = entry.split_once('=')?;
                Some(Process { name: name.to_owned(), pid: pid.parse().ok()?, cpu_at_start: None })
            })
            .collect()
    }

    pub fn start_watching(processes: &mut [Process]) {
        for process in processes {
            process.cpu_at_start = stats(process.pid).map(|(cpu, _)| cpu);
        }
    }

    /// Cores used on average since watching began, and the peak resident memory (MB).
    fn since_start(&self, seconds: f64) -> Option<(f64, f64)> {
        let (cpu, peak) = stats(self.pid)?;
        Some(((cpu - self.cpu_at_start?) / seconds, peak))
    }
}

/// CPU seconds used so far and peak resident memory (MB) of a process, from /proc.
fn stats(pid: u32) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let peak_kb: f64 = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?.split_whitespace().next()?.parse().ok()?;
    // Linux reports CPU time in clock ticks of 1/100 s on every platform we run.
    Some((ticks / 100.0, peak_kb / 1024.0))
}

pub fn wall_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|since| since.as_millis() as i64).unwrap_or(0)
}
