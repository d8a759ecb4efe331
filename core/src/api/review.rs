//! Reviewing conflicts: the items flagged, and the edits a supervisor keeps.

use crate::domain::ChecklistItem;
use serde::{Deserialize, Serialize};

/// One flagged item as a supervisor reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictCase {
    pub item: ChecklistItem,
    pub unit_name: String,
    pub task_text: String,
    pub contests: Vec<crate::sync::Contest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewQueue {
    pub cases: Vec<ConflictCase>,
}

/// Keep these edits (change ids from the item's contests, one per contested field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub item: uuid::Uuid,
    pub keep: Vec<uuid::Uuid>,
}
