//! The pure domain: units, directives, tasks and checklist items.
//!
//! Nothing here knows about Leptos, the browser or the database, so the same rules compile
//! for wasm and for the server and are unit-tested on their own. Every type that can be
//! wrong is built through a validating constructor; code elsewhere receives values that are
//! already known to be sound.

pub mod access;
mod deadline;
mod directive;
mod evidence;
mod item;
mod text;
mod unit;

pub use deadline::{Deadline, DeadlineKind, HO_CHI_MINH_OFFSET_SECONDS};
pub use directive::{Directive, DocumentNumber, Party, Section, Task};
pub use evidence::{fit_within, PhotoId, PhotoRef, PHOTO_LONGEST_SIDE, PHOTO_MAX_BYTES, PHOTO_TYPES};
pub use item::{ChecklistItem, Note, NOTE_MAX_CHARS};
pub use text::BoundedText;
pub use unit::{Unit, UnitCode, UnitKind};

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

/// Who may do what; the rules themselves are in [`access`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Works through their own unit's checklists.
    Official,
    /// Heads a unit: works its checklists and follows every unit beneath it.
    Head,
    /// Sees every unit, writes and assigns directives.
    Supervisor,
}

impl Role {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        match text {
            "official" => Ok(Role::Official),
            "head" => Ok(Role::Head),
            "supervisor" => Ok(Role::Supervisor),
            other => Err(DomainError::Invalid { field: "role", reason: format!("unknown role `{other}`") }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Official => "official",
            Role::Head => "head",
            Role::Supervisor => "supervisor",
        }
    }
}
