//! What the operator watches and what a load balancer asks: whether this app server is
//! draining, how long pushes and pulls take, how many answers failed, rendered as
//! Prometheus text for the metrics listener (`--metrics-addr`).

use crate::metrics::Metric;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Upper bounds, in seconds, of the latency buckets: from a quick pull on one machine to a
/// push waiting behind a burst.
const BUCKETS_S: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

#[derive(Debug, Default)]
pub struct Latencies {
    /// Requests per bucket (not cumulative); the last counts those above every bound.
    buckets: [AtomicU64; BUCKETS_S.len() + 1],
    sum_us: AtomicU64,
}

impl Latencies {
    pub fn record(&self, seconds: f64) {
        let bucket = BUCKETS_S.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS_S.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (index, bound) in BUCKETS_S.iter().enumerate() {
            cumulative += self.buckets[index].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.buckets[BUCKETS_S.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {cumulative}");
        let _ = writeln!(out, "{name}_sum {}", self.sum_us.load(Ordering::Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {cumulative}");
    }
}

/// The server's own state for operations, shared by its handlers.
#[derive(Debug, Default)]
pub struct Operations {
    draining: AtomicBool,
    push: Latencies,
    pull: Latencies,
    /// Answers by class: 2xx and 3xx, 4xx, 5xx.
    answered: [AtomicU64; 3],
}

impl Operations {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// From now on `/healthz` and `/readyz` say 503, so a load balancer stops sending.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    fn answered(&self, status: u16) {
        let class = match status {
            500.. => 2,
            400..=499 => 1,
            _ => 0,
        };
        self.answered[class].fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition of everything this server counted, its own answers
    /// and what its services report.
    pub fn render(&self, services: &[Metric]) -> String {
        let mut out = String::new();
        self.push.render(&mut out, "chidao_push_seconds", "Time to answer a push, from request to response");
        self.pull.render(&mut out, "chidao_pull_seconds", "Time to answer a pull");
        let _ = writeln!(out, "# HELP chidao_http_answers_total Answers by status class\n# TYPE chidao_http_answers_total counter");
        for (class, count) in ["2xx", "4xx", "5xx"].iter().zip(&self.answered) {
            let _ = writeln!(out, "chidao_http_answers_total{{class=\"{class}\"}} {}", count.load(Ordering::Relaxed));
        }
        for metric in services {
            metric.render(&mut out);
        }
        let _ = writeln!(out, "# HELP chidao_draining Whether this server is shutting down\n# TYPE chidao_draining gauge");
        let _ = writeln!(out, "chidao_draining {}", u8::from(self.is_draining()));
        out
    }
}

/// Times each answer: pushes and pulls into their histograms, every answer by class.
pub async fn observe(State(operations): State<Arc<Operations>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let path = request.uri().path();
    let timed = if path == chidao_core::api::PUSH_PATH {
        Some(Timed::Push)
    } else if path == chidao_core::api::PULL_PATH {
        Some(Timed::Pull)
    } else {
        None
    };
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    match timed {
        Some(Timed::Push) => operations.push.record(seconds),
        Some(Timed::Pull) => operations.pull.record(seconds),
        None => {}
    }
    operations.answered(response.status().as_u16());
    response
}

enum Timed {
    Push,
    Pull,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_counts_cumulatively_up_to_infinity() {
        let latencies = Latencies::default();
        for seconds in [0.001, 0.2, 0.2, 45.0] {
            latencies.record(seconds);
        }
        let mut out = String::new();
        latencies.render(&mut out, "t", "test");
        assert!(out.contains("t_bucket{le=\"0.005\"} 1\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"0.25\"} 3\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"30\"} 3\n"), "{out}");
        assert!(out.contains("t_bucket{le=\"+Inf\"} 4\n"), "{out}");
        assert!(out.contains("t_count 4\n") && out.contains("t_sum 45.401"), "{out}");
    }

    #[test]
    fn answers_are_counted_by_class_and_draining_is_shown() {
        let operations = Operations::default();
        for status in [200, 204, 304, 401, 422, 500, 503] {
            operations.answered(status);
        }
        operations.start_draining();
        let reported = [Metric::one("chidao_things_total", "Things", crate::metrics::Kind::Counter, 4.0)];
        let out = operations.render(&reported);
        assert!(out.contains("chidao_things_total 4\n"), "{out}");
        assert!(out.contains("chidao_http_answers_total{class=\"2xx\"} 3\n"), "{out}");
        assert!(out.contains("chidao_http_answers_total{class=\"4xx\"} 2\n"), "{out}");
        assert!(out.contains("chidao_http_answers_total{class=\"5xx\"} 2\n"), "{out}");
        assert!(out.contains("chidao_draining 1\n"), "{out}");
    }
}
