//! JSON bodies of the session and report endpoints, shared by browser and server.

use crate::domain::{ChecklistItem, Directive, Role, Task, Unit, UnitCode};
use serde::{Deserialize, Serialize};

pub const SESSION_PATH: &str = "/api/v1/session";
pub const PUSH_PATH: &str = "/api/v1/sync/push";
pub const PULL_PATH: &str = "/api/v1/sync/pull";
pub const PROGRESS_PATH: &str = "/api/v1/reports/progress";
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";
/// `PUT {PHOTOS_PATH}/{id}?item={item}` with the image as the body attaches a photo;
/// `GET {PHOTOS_PATH}/{id}` returns it.
pub const PHOTOS_PATH: &str = "/api/v1/photos";
/// `GET`: the items flagged as conflicts, with the values in contention. `POST`: a review.
pub const REVIEW_PATH: &str = "/api/v1/review";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

/// Who is signed in. The browser keeps a copy so the field page opens offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit: UnitCode,
    pub unit_name: String,
}

/// Every error body the API sends: a stable machine code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub error: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitProgress {
    pub unit: Unit,
    pub done: u32,
    pub total: u32,
    pub items: Vec<ChecklistItem>,
}

impl UnitProgress {
    /// Whole percent, rounded down so 99.6% never reads as finished.
    pub fn percent(&self) -> u32 {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskProgress {
    pub task: Task,
    pub units: Vec<UnitProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectiveProgress {
    pub directive: Directive,
    pub tasks: Vec<TaskProgress>,
    /// Names of every unit a task mentions (lead and coordinating), for display.
    pub unit_names: Vec<(UnitCode, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressReport {
    pub directives: Vec<DirectiveProgress>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UnitKind;

    #[test]
    fn percent_rounds_down_and_survives_empty_checklists() {
        let unit = Unit::new(UnitCode::parse("TINH").unwrap(), "UBND tỉnh", UnitKind::Province, None).unwrap();
        let mut progress = UnitProgress { unit, done: 0, total: 0, items: vec![] };
        assert_eq!(progress.percent(), 0);
        progress.done = 6;
        progress.total = 7;
        assert_eq!(progress.percent(), 85);
    }
}

/// One flagged item as a supervisor reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictCase {
    pub item: ChecklistItem,
    pub unit_name: String,
    pub task_text: String,
    pub contests: Vec<crate::sync::Contest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub cases: Vec<ConflictCase>,
}

/// Keep these edits (change ids from the item's contests, one per contested field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub item: uuid::Uuid,
    pub keep: Vec<uuid::Uuid>,
}

pub fn photo_url(id: &crate::domain::PhotoId) -> String {
    format!("{PHOTOS_PATH}/{id}")
}
