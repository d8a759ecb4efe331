//! What this server has seen the database hold, kept outside the database, so that a
//! database found behind it is said out loud instead of served.
//!
//! Every write that devices pull takes its numbers from one item counter, and every cursor
//! a device holds is one of those numbers. A database that lost acknowledged writes (an
//! engine fault, a crash of its disk, a backup loaded over newer data) has a counter
//! below numbers already handed out: its next writes would reuse them, and tablets whose
//! cursors are past them would never pull those writes. So the server keeps the highest
//! counter value it has seen committed, in memory and in a small file beside an embedded
//! database; compares it with the database at start-up (refusing to start when behind,
//! unless told to go on) and every second while serving (an error in the log and a metric,
//! and the counter raised past every number handed out, so nothing written afterwards is
//! skipped).

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The file's whole content: the number in fixed width and a newline, always written at
/// its start in one write, so that a crash leaves either the old number or the new one.
const WIDTH: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum MarkError {
    #[error("reading or writing {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} does not hold a number written by chidao; move it away only if you know where it came from")]
    Garbled { path: String },
}

/// A database found holding less than this server saw it hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Behind {
    /// The item counter the database holds now.
    pub holds: u64,
    /// The highest value this server saw it hold.
    pub acknowledged: u64,
}

/// Where a store was found behind: what each metric label says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Witness {
    /// The file beside the database, read at start-up.
    File,
    /// This process's own memory, while serving.
    Memory,
    /// A device's pull cursor past the database's counter.
    PullCursor,
}

impl Witness {
    pub const ALL: [Witness; 3] = [Witness::File, Witness::Memory, Witness::PullCursor];

    pub fn label(self) -> &'static str {
        match self {
            Witness::File => "file",
            Witness::Memory => "memory",
            Witness::PullCursor => "pull_cursor",
        }
    }
}

#[derive(Debug)]
pub struct AcknowledgedMark {
    highest: AtomicU64,
    file: Option<(PathBuf, Mutex<File>)>,
    found_behind: [AtomicU64; Witness::ALL.len()],
}

impl AcknowledgedMark {
    /// A mark kept in memory only (an in-memory database, or a server without a file).
    pub fn in_memory() -> Self {
        AcknowledgedMark { highest: AtomicU64::new(0), file: None, found_behind: Default::default() }
    }

    /// The mark kept in `path`, created empty (0) when missing.
    pub fn at(path: &Path) -> Result<Self, MarkError> {
        let io = |source| MarkError::Io { path: path.display().to_string(), source };
        let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).map_err(io)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(io)?;
        let highest = match text.trim() {
            "" => 0,
            number => number.parse().map_err(|_| MarkError::Garbled { path: path.display().to_string() })?,
        };
        Ok(AcknowledgedMark {
            highest: AtomicU64::new(highest),
            file: Some((path.to_path_buf(), Mutex::new(file))),
            found_behind: Default::default(),
        })
    }

    /// The file beside an embedded database at `surrealkv://PATH`: `PATH.acknowledged`.
    pub fn default_path(db_url: &str) -> Option<PathBuf> {
        db_url.strip_prefix("surrealkv://").filter(|path| !path.is_empty()).map(|path| PathBuf::from(format!("{path}.acknowledged")))
    }

    pub fn highest(&self) -> u64 {
        self.highest.load(Ordering::SeqCst)
    }

    pub fn path(&self) -> Option<&Path> {
        self.file.as_ref().map(|(path, _)| path.as_path())
    }

    /// The database was seen holding `counter`, committed: the mark rises to it. The file is
    /// written (not synced: a crash of the process keeps what the kernel holds) before the
    /// caller answers anyone.
    pub fn saw(&self, counter: u64) -> Result<(), MarkError> {
        if self.highest.fetch_max(counter, Ordering::SeqCst) >= counter {
            return Ok(());
        }
        let Some((path, file)) = &self.file else { return Ok(()) };
        // Writers may pass each other between the compare above and here: the file takes
        // whatever is highest when its turn comes.
        let file = file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let text = format!("{:0WIDTH$}\n", self.highest());
        file.write_all_at(text.as_bytes(), 0).map_err(|source| MarkError::Io { path: path.display().to_string(), source })
    }

    /// Compares the database's counter with the mark.
    pub fn compare(&self, holds: u64) -> Result<(), Behind> {
        let acknowledged = self.highest();
        if holds < acknowledged {
            Err(Behind { holds, acknowledged })
        } else {
            Ok(())
        }
    }

    /// Counts a finding, for the metric.
    pub fn found_behind(&self, witness: Witness) {
        self.found_behind[witness as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// How often each witness found the database behind, since this process started.
    pub fn findings(&self) -> [(Witness, u64); Witness::ALL.len()] {
        Witness::ALL.map(|witness| (witness, self.found_behind[witness as usize].load(Ordering::Relaxed)))
    }

    /// The findings, for the metrics listener.
    pub fn metric(&self) -> crate::metrics::Metric {
        crate::metrics::Metric {
            name: "chidao_store_found_behind_total",
            help: "Times the database was found holding less than this server saw it hold (acknowledged changes lost), by what showed it",
            kind: crate::metrics::Kind::Counter,
            values: self.findings().iter().map(|(witness, count)| (Some(("witness", witness.label())), *count as f64)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_only_rises_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.acknowledged");
        let mark = AcknowledgedMark::at(&path).unwrap();
        assert_eq!(mark.highest(), 0);
        mark.saw(120).unwrap();
        mark.saw(80).unwrap();
        assert_eq!(mark.highest(), 120);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "00000000000000000120\n");
        drop(mark);
        let reopened = AcknowledgedMark::at(&path).unwrap();
        assert_eq!(reopened.highest(), 120);
        assert_eq!(reopened.compare(120), Ok(()));
        assert_eq!(reopened.compare(119), Err(Behind { holds: 119, acknowledged: 120 }));
    }

    #[test]
    fn a_file_that_is_not_a_mark_is_refused_not_read_as_zero() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.acknowledged");
        std::fs::write(&path, "hello").unwrap();
        assert!(matches!(AcknowledgedMark::at(&path), Err(MarkError::Garbled { .. })));
    }

    #[test]
    fn only_an_on_disk_embedded_database_has_a_file_beside_it() {
        assert_eq!(AcknowledgedMark::default_path("surrealkv://data/chidao"), Some(PathBuf::from("data/chidao.acknowledged")));
        assert_eq!(AcknowledgedMark::default_path("mem://"), None);
        assert_eq!(AcknowledgedMark::default_path("ws://db:8000"), None);
    }

    #[test]
    fn findings_are_counted_per_witness() {
        let mark = AcknowledgedMark::in_memory();
        mark.found_behind(Witness::PullCursor);
        mark.found_behind(Witness::PullCursor);
        mark.found_behind(Witness::Memory);
        assert_eq!(mark.findings(), [(Witness::File, 0), (Witness::Memory, 1), (Witness::PullCursor, 2)]);
    }
}
