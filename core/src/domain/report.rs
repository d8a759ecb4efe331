//! A unit head's sign-off that a unit's report on a task is done: the step after the
//! checklist, which supervisors follow alongside the ticks.

use super::{Period, UnitCode};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskReport {
    pub task: uuid::Uuid,
    pub unit: UnitCode,
    /// For recurring work, the period whose report this is: each is signed off on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub period: Option<Period>,
    /// Username of the head who signed it off.
    pub by: String,
    pub at_ms: i64,
    /// Items of the checklist still open when it was signed off (the head was asked, and
    /// went on).
    #[serde(default)]
    pub open_items: u32,
}
