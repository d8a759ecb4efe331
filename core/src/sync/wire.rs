//! JSON bodies of `POST /api/v1/sync/push` and `GET /api/v1/sync/pull`.

use super::{Base, Stamp};
use crate::domain::{ChecklistItem, Directive, Note, Task, Unit};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A push may carry at most this many changes; clients send larger outboxes in batches.
pub const MAX_CHANGES_PER_PUSH: usize = 500;
/// A pull answers with at most this many items; `more` says whether to ask again.
pub const MAX_PULL_LIMIT: usize = 1000;

/// One edit a device made. `id` is unique forever; `seq` numbers the device's changes
/// 1, 2, 3… in the order made; `stamp` orders edits across devices; `base` says which
/// versions of the item's fields the device had seen. Read through [`ChangeOnWire`], which
/// refuses members it does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ChangeOnWire")]
pub struct Change {
    pub id: Uuid,
    pub item: Uuid,
    pub seq: u64,
    pub stamp: Stamp,
    #[serde(default)]
    pub base: Base,
    #[serde(flatten)]
    pub edit: Edit,
}

impl Change {
    pub fn device(&self) -> Uuid {
        self.stamp.device
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum Edit {
    Done { value: bool },
    Note { value: Note },
}

/// A change as it is read: the same members as [`Change`], flat. serde cannot refuse
/// unknown members of a struct with a flattened part, so the edit is read as two plain
/// members here and checked together when made into a [`Change`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeOnWire {
    id: Uuid,
    item: Uuid,
    seq: u64,
    stamp: Stamp,
    /// Omitted, `null` or with members `null`: the device had seen no edit of that field.
    #[serde(default, deserialize_with = "base_or_null")]
    base: Base,
    field: EditedField,
    value: EditedValue,
}

fn base_or_null<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Base, D::Error> {
    Ok(Option::<Base>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum EditedField {
    Done,
    Note,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum EditedValue {
    Flag(bool),
    Text(String),
}

impl TryFrom<ChangeOnWire> for Change {
    type Error = String;

    fn try_from(wire: ChangeOnWire) -> Result<Self, Self::Error> {
        let edit = match (wire.field, wire.value) {
            (EditedField::Done, EditedValue::Flag(value)) => Edit::Done { value },
            (EditedField::Note, EditedValue::Text(text)) => Edit::Note { value: Note::parse(&text).map_err(|error| error.to_string())? },
            (EditedField::Done, EditedValue::Text(_)) => return Err("the value of `done` is true or false".into()),
            (EditedField::Note, EditedValue::Flag(_)) => return Err("the value of `note` is a text".into()),
        };
        Ok(Change { id: wire.id, item: wire.item, seq: wire.seq, stamp: wire.stamp, base: wire.base, edit })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// Written now; it is the field's value.
    Applied,
    /// Written now, but a later edit of the field stands; kept in the history.
    Superseded,
    /// Already written by an earlier push; nothing was done again.
    Duplicate,
    /// Not written, for the reason given; kept in the log. The device must not send it again.
    Rejected,
    /// Not written: an earlier change of this device is missing. Send again from
    /// `expected_seq`.
    Gap,
}

impl From<super::LoggedOutcome> for ChangeStatus {
    /// A change written by this push, as its device hears of it.
    fn from(outcome: super::LoggedOutcome) -> Self {
        use super::LoggedOutcome;
        match outcome {
            LoggedOutcome::Applied | LoggedOutcome::Reviewed => ChangeStatus::Applied,
            LoggedOutcome::Superseded => ChangeStatus::Superseded,
            LoggedOutcome::Rejected => ChangeStatus::Rejected,
        }
    }
}

impl ChangeStatus {
    /// Whether the server is done with the change, so the device may drop it from its outbox.
    pub fn settles(self) -> bool {
        !matches!(self, ChangeStatus::Gap)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeResult {
    pub id: Uuid,
    pub status: ChangeStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<u64>,
    /// The stamp the server kept, where it differs from the one sent (see
    /// [`Stamp::kept`]): what the item's mark shows from now on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept_stamp: Option<Stamp>,
}

impl ChangeResult {
    /// An answer with nothing but a status.
    pub fn bare(id: Uuid, status: ChangeStatus) -> Self {
        Self { id, status, reason: None, expected_seq: None, kept_stamp: None }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<ChangeResult>,
}

/// Items the user may see that changed after `since`, with the tasks, directives and units
/// needed to show them. `cursor` goes into the next pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// Send it as `since` on the next pull: the write number of the last item in this
    /// answer (or the `since` asked for, when there are none).
    pub cursor: u64,
    /// More items wait: pull again at once with `cursor`.
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
        let json = r#"{"id":"0190f5a0-0000-7000-8000-000000000001","item":"0190f5a0-0000-7000-8000-000000000002","seq":3,
            "stamp":{"wall_ms":1660000000000,"counter":0,"device":"0190f5a0-0000-7000-8000-000000000003"},
            "field":"note","value":"đã xong"}"#;
        let change: Change = serde_json::from_str(json).unwrap();
        assert_eq!(change.edit, Edit::Note { value: Note::parse("đã xong").unwrap() });
        assert_eq!(change.base, Base::default());
        assert_eq!(change.device(), Uuid::parse_str("0190f5a0-0000-7000-8000-000000000003").unwrap());
    }

    #[test]
    fn a_value_of_the_wrong_type_is_refused() {
        let json = r#"{"id":"0190f5a0-0000-7000-8000-000000000001","item":"0190f5a0-0000-7000-8000-000000000002","seq":1,
            "stamp":{"wall_ms":1,"counter":0,"device":"0190f5a0-0000-7000-8000-000000000003"},"field":"done","value":"yes"}"#;
        assert!(serde_json::from_str::<Change>(json).is_err());
    }

    #[test]
    fn an_unknown_member_is_refused() {
        let json = r#"{"id":"0190f5a0-0000-7000-8000-000000000001","item":"0190f5a0-0000-7000-8000-000000000002","seq":1,
            "stamp":{"wall_ms":1,"counter":0,"device":"0190f5a0-0000-7000-8000-000000000003"},"field":"done","value":true,"colour":"red"}"#;
        let error = serde_json::from_str::<Change>(json).unwrap_err().to_string();
        assert!(error.contains("colour"), "{error}");
        let in_stamp = json.replace(r#""counter":0,"#, r#""counter":0,"zone":7,"#).replace(r#","colour":"red""#, "");
        assert!(serde_json::from_str::<Change>(&in_stamp).is_err());
        let in_base = json.replace(r#","colour":"red""#, r#","base":{"done":null,"photo":null}"#);
        assert!(serde_json::from_str::<Change>(&in_base).is_err());
    }

    #[test]
    fn a_note_over_its_limit_is_refused_with_the_reason() {
        let json = format!(
            r#"{{"id":"0190f5a0-0000-7000-8000-000000000001","item":"0190f5a0-0000-7000-8000-000000000002","seq":1,
            "stamp":{{"wall_ms":1,"counter":0,"device":"0190f5a0-0000-7000-8000-000000000003"}},"field":"note","value":"{}"}}"#,
            "x".repeat(crate::domain::NOTE_MAX_CHARS + 1)
        );
        let error = serde_json::from_str::<Change>(&json).unwrap_err().to_string();
        assert!(error.contains("note"), "{error}");
    }

    #[test]
    fn a_change_reads_back_what_it_writes() {
        let change = Change {
            id: Uuid::from_u128(1),
            item: Uuid::from_u128(2),
            seq: 4,
            stamp: Stamp { wall_ms: 9, counter: 2, device: Uuid::from_u128(3) },
            base: Base { done: Some(Stamp { wall_ms: 1, counter: 0, device: Uuid::from_u128(5) }), note: None },
            edit: Edit::Note { value: Note::parse("xong").unwrap() },
        };
        let json = serde_json::to_string(&change).unwrap();
        assert_eq!(serde_json::from_str::<Change>(&json).unwrap(), change);
    }

    #[test]
    fn only_a_gap_keeps_a_change_in_the_outbox() {
        assert!(ChangeStatus::Duplicate.settles());
        assert!(ChangeStatus::Superseded.settles());
        assert!(ChangeStatus::Rejected.settles());
        assert!(!ChangeStatus::Gap.settles());
    }
}
