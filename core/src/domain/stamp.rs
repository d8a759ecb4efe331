//! The stamp every edit carries (a hybrid logical clock: the device's wall clock where it
//! can be trusted, a counter where it cannot, the device's id to break ties) and the mark
//! an item keeps of the edit that set each field. Part of the domain: an item's fields
//! carry them. How stamps are made and kept is the sync's (`crate::sync::clock`).

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use uuid::Uuid;

/// When an edit was made, as its device's clock and counter say, and by which device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Stamp {
    pub wall_ms: i64,
    pub counter: u32,
    pub device: Uuid,
}

impl Ord for Stamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.wall_ms, self.counter, self.device).cmp(&(other.wall_ms, other.counter, other.device))
    }
}

impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Who last set a field, and the stamp of that edit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mark {
    pub stamp: Stamp,
    pub by: String,
}
