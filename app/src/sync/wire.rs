//! JSON bodies of `POST /api/v1/sync/push` and `GET /api/v1/sync/pull`.

use crate::domain::{ChecklistItem, Directive, Note, Task, Unit};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A push may carry at most this many changes; clients send larger outboxes in batches.
pub const MAX_CHANGES_PER_PUSH: usize = 500;
/// A pull answers with at most this many items; `more` says whether to ask again.
pub const MAX_PULL_LIMIT: usize = 1000;

/// One edit a device made, with an id it chose so that sending it again is recognised.
/// (No `deny_unknown_fields` here: serde cannot combine it with the flattened edit.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub id: Uuid,
    pub item: Uuid,
    pub device: Uuid,
    /// The device's clock at the moment of the edit, in ms since the Unix epoch.
    pub at_ms: i64,
    #[serde(flatten)]
    pub edit: Edit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum Edit {
    Done { value: bool },
    Note { value: Note },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// Written now; it is the field's value.
    Applied,
    /// Written now, but a later edit of the field stands; kept in the history.
    Superseded,
    /// Already written by an earlier push; nothing was done again.
    Duplicate,
    /// Not written, for the reason given. The device must not send it again.
    Rejected,
}

impl ChangeStatus {
    /// Whether the device may drop the change from its outbox.
    pub fn is_acknowledged(self) -> bool {
        !matches!(self, ChangeStatus::Rejected)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeResult {
    pub id: Uuid,
    pub status: ChangeStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<ChangeResult>,
}

/// Items the user may see that changed after `since`, with the tasks, directives and units
/// needed to show them. `cursor` goes into the next pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    pub cursor: u64,
    pub more: bool,
    pub items: Vec<ChecklistItem>,
    pub tasks: Vec<Task>,
    pub directives: Vec<Directive>,
    pub units: Vec<Unit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_reads_from_flat_json() {
        let json = r#"{"id":"0190f5a0-0000-7000-8000-000000000001","item":"0190f5a0-0000-7000-8000-000000000002",
            "device":"0190f5a0-0000-7000-8000-000000000003","at_ms":1660000000000,"field":"note","value":"đã xong"}"#;
        let change: Change = serde_json::from_str(json).unwrap();
        assert_eq!(change.edit, Edit::Note { value: Note::parse("đã xong").unwrap() });
    }

    #[test]
    fn a_value_of_the_wrong_type_is_refused() {
        let json = r#"{"id":"0190f5a0-0000-7000-8000-000000000001","item":"0190f5a0-0000-7000-8000-000000000002",
            "device":"0190f5a0-0000-7000-8000-000000000003","at_ms":1,"field":"done","value":"yes"}"#;
        assert!(serde_json::from_str::<Change>(json).is_err());
    }

    #[test]
    fn only_rejections_stay_in_the_outbox() {
        assert!(ChangeStatus::Duplicate.is_acknowledged());
        assert!(ChangeStatus::Superseded.is_acknowledged());
        assert!(!ChangeStatus::Rejected.is_acknowledged());
    }
}
