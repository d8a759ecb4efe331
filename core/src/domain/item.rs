use super::Mark;
use super::{BoundedText, DomainError, UnitCode};
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

/// One line of a unit's checklist for a task. Each editable field carries the mark of the
/// change that last set it (stamp and author), which is what the merge rules compare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    pub id: Uuid,
    pub task: Uuid,
    /// The unit whose checklist this is.
    pub unit: UnitCode,
    pub label: BoundedText<{ ChecklistItem::LABEL_MAX }>,
    pub position: u32,
    pub done: bool,
    pub note: Note,
    #[serde(default)]
    pub done_mark: Option<Mark>,
    /// When the item became done, on the clock of the tick that did it: a later tick of
    /// an item already ticked (from a tablet that had not seen the first) leaves it, and an
    /// earlier tick heard late moves it back. `None` while not done. What the checklist's
    /// "done at" is made of (see [`checklist_done_at_ms`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_since_ms: Option<i64>,
    /// The newest untick heard, on its device's clock: a tick older than it, heard late,
    /// cannot be when the item became done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_undone_ms: Option<i64>,
    #[serde(default)]
    pub note_mark: Option<Mark>,
    /// Two people changed the same field without seeing each other's edit; a supervisor
    /// should look (both values are in the change log).
    #[serde(default)]
    pub conflict: bool,
    /// Two people changed different fields without seeing each other's edit; both stand.
    #[serde(default)]
    pub parallel_update: bool,
    /// Photo evidence, in the order the server received it. Only grows: photos are added
    /// by upload, never by the merge of a change.
    #[serde(default)]
    pub photos: Vec<super::PhotoRef>,
    /// Taken off the checklist by a later edit of the directive. Kept, with whatever was
    /// ticked and written on it, as history; devices stop showing it.
    #[serde(default)]
    pub removed: bool,
    /// The period this item belongs to, for a recurring task's copy of its template;
    /// `None` for a template and for the items of a task done once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<super::Period>,
}

impl ChecklistItem {
    pub const LABEL_MAX: usize = 500;

    pub fn new(id: Uuid, task: Uuid, unit: UnitCode, label: &str, position: u32) -> Result<Self, DomainError> {
        Ok(Self {
            id,
            task,
            unit,
            label: BoundedText::parse("item label", label)?,
            position,
            done: false,
            note: Note::default(),
            done_mark: None,
            done_since_ms: None,
            last_undone_ms: None,
            note_mark: None,
            conflict: false,
            parallel_update: false,
            photos: Vec::new(),
            removed: false,
            period: None,
        })
    }

    /// The latest edit of any field: who changed the item last, and when.
    pub fn last_change(&self) -> Option<&Mark> {
        [self.done_mark.as_ref(), self.note_mark.as_ref()].into_iter().flatten().max_by_key(|mark| mark.stamp)
    }

    /// When a done item became done: [`ChecklistItem::done_since_ms`], or for an item
    /// written before it was kept, its tick's time.
    pub fn became_done_ms(&self) -> Option<i64> {
        self.done.then(|| self.done_since_ms.or(self.done_mark.as_ref().map(|mark| mark.stamp.wall_ms))).flatten()
    }
}

/// When a checklist became complete: the moment its last open item became done, on the
/// device's clock; `None` while any item is open (or it has none). Items taken off the
/// checklist do not count. The one rule for the tablet, the drill-down and the store's
/// recount (`fn::recount`, migration 23, which a server test holds to this).
pub fn checklist_done_at_ms<'a>(items: impl IntoIterator<Item = &'a ChecklistItem>) -> Option<i64> {
    let mut latest: Option<i64> = None;
    let mut any = false;
    for item in items.into_iter().filter(|item| !item.removed) {
        any = true;
        latest = latest.max(Some(item.became_done_ms()?));
    }
    latest.filter(|_| any)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_hold_up_to_4000_characters() {
        assert!(Note::parse(&"ă".repeat(NOTE_MAX_CHARS)).is_ok());
        assert_eq!(Note::parse(&"ă".repeat(NOTE_MAX_CHARS + 1)), Err(DomainError::TooLong { field: "note", max: NOTE_MAX_CHARS }));
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
    fn a_checklist_is_done_when_its_last_open_item_became_done() {
        let unit = UnitCode::parse("XA-1").unwrap();
        let item = |since: Option<i64>, removed: bool| {
            let mut item = ChecklistItem::new(Uuid::nil(), Uuid::nil(), unit.clone(), "Mục", 1).unwrap();
            item.done = since.is_some();
            item.done_since_ms = since;
            item.removed = removed;
            item
        };
        assert_eq!(checklist_done_at_ms(&[item(Some(5), false), item(Some(9), false)]), Some(9));
        assert_eq!(checklist_done_at_ms(&[item(Some(5), false), item(None, false)]), None);
        assert_eq!(checklist_done_at_ms(&[item(Some(5), false), item(None, true)]), Some(5), "a removed item does not count");
        assert_eq!(checklist_done_at_ms(&[]), None);
        assert_eq!(checklist_done_at_ms(&[item(None, true)]), None);
    }

    #[test]
    fn a_new_item_is_open_with_no_history() {
        let unit = UnitCode::parse("XA-1").unwrap();
        let item = ChecklistItem::new(Uuid::nil(), Uuid::nil(), unit, "Làm gờ giảm tốc", 1).unwrap();
        assert!(!item.done && item.note.is_empty() && item.last_change().is_none() && !item.conflict);
        assert!(ChecklistItem::new(Uuid::nil(), Uuid::nil(), UnitCode::parse("XA-1").unwrap(), " ", 1).is_err());
    }
}
