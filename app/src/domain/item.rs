use super::{BoundedText, DomainError, UnitCode};
use crate::sync::Stamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const NOTE_MAX_CHARS: usize = 4000;

/// A field official's free-text note on an item. May be empty (a cleared note); at most
/// [`NOTE_MAX_CHARS`] characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Note(String);

impl Note {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.chars().count() > NOTE_MAX_CHARS {
            return Err(DomainError::TooLong { field: "note", max: NOTE_MAX_CHARS });
        }
        if raw.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(DomainError::Invalid { field: "note", reason: "contains control characters".into() });
        }
        Ok(Self(raw.to_owned()))
    }


    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

super::text::validated_string!(Note);

/// One line of a unit's checklist for a task. Each editable field carries the stamp of the
/// change that last set it, which is what the merge rules compare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub id: Uuid,
    pub task: Uuid,
    /// The unit whose checklist this is.
    pub unit: UnitCode,
    pub label: BoundedText,
    pub position: u32,
    pub done: bool,
    pub note: Note,
    pub done_stamp: Option<Stamp>,
    pub note_stamp: Option<Stamp>,
    /// Username of whoever made the latest accepted change, and when (ms since epoch, the
    /// device's own clock at the time of the edit).
    pub changed_by: Option<String>,
    pub changed_at_ms: Option<i64>,
}

impl ChecklistItem {
    pub const LABEL_MAX: usize = 500;

    pub fn new(id: Uuid, task: Uuid, unit: UnitCode, label: &str, position: u32) -> Result<Self, DomainError> {
        Ok(Self {
            id,
            task,
            unit,
            label: BoundedText::parse("item label", label, Self::LABEL_MAX)?,
            position,
            done: false,
            note: Note::default(),
            done_stamp: None,
            note_stamp: None,
            changed_by: None,
            changed_at_ms: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_hold_up_to_4000_characters() {
        assert!(Note::parse(&"ă".repeat(NOTE_MAX_CHARS)).is_ok());
        assert_eq!(
            Note::parse(&"ă".repeat(NOTE_MAX_CHARS + 1)),
            Err(DomainError::TooLong { field: "note", max: NOTE_MAX_CHARS })
        );
    }

    #[test]
    fn a_note_may_be_empty_or_span_lines_but_not_hold_control_bytes() {
        assert!(Note::parse("").unwrap().is_empty());
        assert!(Note::parse("dòng 1\r\ndòng 2").is_ok());
        assert!(Note::parse("a\u{7}").is_err());
    }

    #[test]
    fn a_note_over_the_limit_fails_to_deserialise() {
        let json = serde_json::to_string(&"x".repeat(NOTE_MAX_CHARS + 1)).unwrap();
        assert!(serde_json::from_str::<Note>(&json).is_err());
    }

    #[test]
    fn a_new_item_is_open_with_no_history() {
        let unit = UnitCode::parse("XA-1").unwrap();
        let item = ChecklistItem::new(Uuid::nil(), Uuid::nil(), unit, "Làm gờ giảm tốc", 1).unwrap();
        assert!(!item.done && item.note.is_empty() && item.done_stamp.is_none());
        assert!(ChecklistItem::new(Uuid::nil(), Uuid::nil(), UnitCode::parse("XA-1").unwrap(), " ", 1).is_err());
    }
}
