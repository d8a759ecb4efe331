//! Recurring tasks' periods: what opening them reads, and the one write that opens them.

use super::{to_json, PeriodStore, Recorded, StoredItem, ITEM_FIELDS};
use crate::db::DbError;
use chidao_core::domain::{ChecklistItem, Period, UnitCode};
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

/// A recurring task's templates and the copies already opened from them.
#[derive(Debug, Clone, Default)]
pub struct PeriodRecords {
    /// Items without a period, not taken off, of recurring tasks.
    pub templates: Vec<ChecklistItem>,
    /// Ids of the copies that exist.
    pub opened: BTreeSet<Uuid>,
}

impl PeriodStore {
    /// The templates of `tasks` for `units` (all when `None`) and which of their copies in
    /// `periods` are opened.
    pub async fn period_records(&self, tasks: &[Uuid], units: Option<&[UnitCode]>, periods: &[Period]) -> Result<PeriodRecords, DbError> {
        let context = "reading recurring checklists";
        let units_filter = if units.is_some() { "AND unit IN $units" } else { "" };
        let query = format!(
            "SELECT {ITEM_FIELDS} FROM item WHERE task IN $tasks AND period = NONE AND removed = false {units_filter};
             SELECT VALUE record::id(id) FROM item WHERE task IN $tasks AND period IN $periods {units_filter};"
        );
        let mut response = self.db.run(context, &query, json!({"tasks": tasks, "units": units, "periods": periods})).await?;
        let templates: Vec<StoredItem> = super::rows(&mut response, 0, context)?;
        let opened: Vec<Uuid> = super::rows(&mut response, 1, context)?;
        Ok(PeriodRecords { templates: templates.into_iter().map(|stored| stored.item).collect(), opened: opened.into_iter().collect() })
    }

    /// Writes new period copies in one transaction, numbered so that every device pulls
    /// them, and counts their assignments. Stale when another writer opened one of them
    /// first (the ids are the same everywhere): nothing is written then.
    /// `dues` are the opened periods' instants.
    pub async fn open_copies(&self, copies: &[ChecklistItem], dues: &[super::DueRow]) -> Result<Recorded, DbError> {
        let context = "opening periods";
        let rows = super::numbered_rows(copies, context)?;
        let query = format!(
            r#"
            BEGIN TRANSACTION;
            LET $first = (UPDATE ONLY counter:items SET value += array::len($copies) RETURN AFTER).value - array::len($copies);
            FOR $c IN $copies {{
                CREATE type::record('item', $c.key) CONTENT object::extend($c.content, {{ seq: $first + $c.n, version: 1 }}) RETURN NONE;
            }};
            {write_dues}
            LET $groups = array::distinct($copies.map(|$c| {{ task: $c.content.task, unit: $c.content.unit, period: $c.content.period }}));
            {recount}
            COMMIT TRANSACTION;
        "#,
            write_dues = super::dues::WRITE_DUES,
            recount = super::RECOUNT_GROUPS
        );
        self.db.write_transaction(context, &query, json!({"copies": rows, "dues": to_json(&dues, context)?})).await
    }
}
