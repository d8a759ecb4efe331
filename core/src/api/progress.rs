//! The progress report: every directive's checklists, unit by unit.

use crate::domain::{ChecklistItem, Directive, Task, TaskReport, Unit, UnitCode};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitProgress {
    pub unit: Unit,
    pub done: u32,
    pub total: u32,
    pub items: Vec<ChecklistItem>,
    /// The head's sign-off of this unit's report on the task, if given.
    #[serde(default)]
    pub report: Option<TaskReport>,
}

impl UnitProgress {
    /// Whole percent, rounded down so 99.6% never reads as finished.
    pub fn percent(&self) -> u32 {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskProgress {
    pub task: Task,
    pub units: Vec<UnitProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveProgress {
    pub directive: Directive,
    pub tasks: Vec<TaskProgress>,
    /// Names of every unit a task mentions (lead and coordinating), for display.
    pub unit_names: Vec<(UnitCode, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressReport {
    pub directives: Vec<DirectiveProgress>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{UnitCode, UnitKind};

    #[test]
    fn percent_rounds_down_and_survives_empty_checklists() {
        let unit = Unit::new(UnitCode::parse("TINH").unwrap(), "UBND tỉnh", UnitKind::Province, None).unwrap();
        let mut progress = UnitProgress { unit, done: 0, total: 0, items: vec![], report: None };
        assert_eq!(progress.percent(), 0);
        progress.done = 6;
        progress.total = 7;
        assert_eq!(progress.percent(), 85);
    }
}
