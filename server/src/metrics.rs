//! A metric as the services of an app server report it, and its Prometheus text: each
//! service says what it counts, the metrics listener writes them all out, and neither
//! needs the other.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
}

/// One metric: its name, its help line, and its values, each with a label or none.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    pub values: Vec<(Option<(&'static str, &'static str)>, f64)>,
}

impl Metric {
    /// A metric with one value and no label.
    pub fn one(name: &'static str, help: &'static str, kind: Kind, value: f64) -> Self {
        Metric { name, help, kind, values: vec![(None, value)] }
    }

    /// Writes the metric in the Prometheus text exposition format.
    pub fn render(&self, out: &mut String) {
        let kind = match self.kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        };
        let _ = writeln!(out, "# HELP {} {}\n# TYPE {} {kind}", self.name, self.help, self.name);
        for (label, value) in &self.values {
            match label {
                Some((key, label)) => {
                    let _ = writeln!(out, "{}{{{key}=\"{label}\"}} {value}", self.name);
                }
                None => {
                    let _ = writeln!(out, "{} {value}", self.name);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_metric_writes_its_help_type_and_values() {
        let mut out = String::new();
        Metric::one("chidao_x_total", "Things", Kind::Counter, 3.0).render(&mut out);
        Metric {
            name: "chidao_y",
            help: "By kind",
            kind: Kind::Gauge,
            values: vec![(Some(("kind", "a")), 1.5), (Some(("kind", "b")), 0.0)],
        }
        .render(&mut out);
        assert_eq!(
            out,
            "# HELP chidao_x_total Things\n# TYPE chidao_x_total counter\nchidao_x_total 3\n\
             # HELP chidao_y By kind\n# TYPE chidao_y gauge\nchidao_y{kind=\"a\"} 1.5\nchidao_y{kind=\"b\"} 0\n"
        );
    }
}
