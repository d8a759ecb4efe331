//! The pure domain: units, directives, tasks and checklist items.
//!
//! Nothing here knows about Leptos, the browser or the database, so the same rules compile
//! for wasm and for the server and are unit-tested on their own. Every type that can be
//! wrong is built through a validating constructor; code elsewhere receives values that are
//! already known to be sound.

pub mod access;
pub mod authoring;
mod deadline;
mod directive;
mod evidence;
pub mod iso_date;
mod item;
mod period;
mod report;
mod role;
mod stamp;
mod standing;
pub mod text;
mod unit;
pub mod unit_import;
pub(crate) mod worded;

/// Helpers the domain's tests share.
#[cfg(test)]
pub(crate) mod testing {
    use super::UnitCode;

    /// A unit code known to be valid.
    pub fn code(raw: &str) -> UnitCode {
        UnitCode::parse(raw).expect("a valid unit code in a test")
    }
}

pub use deadline::{Deadline, DeadlineKind, HO_CHI_MINH_OFFSET_SECONDS};
pub use directive::{Directive, DocumentNumber, Party, Recurrence, Section, Task};
pub use evidence::{
    attach_decision, fit_within, PhotoAttach, PhotoAttachRefusal, PhotoId, PhotoRef, PHOTOS_PER_ITEM, PHOTOS_PER_UNIT_DAY,
    PHOTO_LONGEST_SIDE, PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, PHOTO_TYPES,
};
pub use item::{checklist_done_at_ms, ChecklistItem, Note, NOTE_MAX_CHARS};
pub use period::{Cycle, Period, KEPT_PERIODS};
pub use report::TaskReport;
pub use role::{Role, Roles, Username};
pub use stamp::{Mark, Stamp};
pub use standing::{due_ends_between, standing, vietnam_day_start, Standing, TaskState, Thresholds, UnitRole, DUE_SOON_DAYS};
pub use text::BoundedText;
pub use unit::{tree_order, Unit, UnitCode, UnitKind};

use serde::{Deserialize, Serialize};

/// Why a value was refused. The message is for the person who typed it, so it names the
/// field and the rule rather than an internal detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum DomainError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} is not valid: {reason}")]
    Invalid { field: &'static str, reason: String },
}

/// Record ids are made where the record is born (UUID v7: time-ordered, unique without a
/// server round trip), so creating the same record twice is recognisable and harmless.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
