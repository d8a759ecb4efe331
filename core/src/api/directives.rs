//! What publishing or revising a directive answers.

use serde::{Deserialize, Serialize};

/// What publishing a directive wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectivePublished {
    pub directive: uuid::Uuid,
    pub tasks: usize,
    pub items: usize,
}

/// What an edit of a published directive wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveRevised {
    pub directive: uuid::Uuid,
    pub added_items: usize,
    pub removed_items: usize,
}
