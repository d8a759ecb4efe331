//! Bulk writes for generated data (the scale benchmark's province): items and their change
//! history inserted many at a time with their write numbers given, then the assignments
//! recounted by the same function every write uses. Nothing here serves requests.

use super::{MaintenanceStore, ProgressStore};
use crate::db::DbError;
use chidao_core::domain::{ChecklistItem, Period, UnitCode};
use serde_json::json;
use uuid::Uuid;

/// Rows per statement: each statement is a transaction, which must fit the write buffer.
const CHUNK: usize = super::ITEMS_PER_WRITE;

/// One change-log row of generated history: an item's tick at `at_ms` by `author`.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub id: Uuid,
    pub item: Uuid,
    pub device: Uuid,
    pub seq: u64,
    pub at_ms: i64,
    pub author: String,
}

impl MaintenanceStore {
    /// Inserts `items`, numbered after the current counter in the order given.
    pub async fn insert_items(&self, items: &[ChecklistItem]) -> Result<(), DbError> {
        let context = "inserting generated items";
        for chunk in items.chunks(CHUNK) {
            let rows = super::numbered_rows(chunk, context)?;
            let query = "BEGIN TRANSACTION;
                LET $first = (UPDATE ONLY counter:items SET value += array::len($rows) RETURN AFTER).value - array::len($rows);
                INSERT INTO item array::map($rows, |$r| object::extend($r.content, { id: type::record('item', $r.key), seq: $first + $r.n, version: 1 })) RETURN NONE;
                COMMIT TRANSACTION;";
            self.db.run(context, query, json!({"rows": rows})).await?;
        }
        Ok(())
    }

    /// Inserts generated change-log rows (ticks) as a push would have logged them.
    pub async fn insert_history(&self, rows: &[HistoryRow]) -> Result<(), DbError> {
        let context = "inserting generated history";
        for chunk in rows.chunks(CHUNK) {
            let log: Vec<_> = chunk
                .iter()
                .map(|row| {
                    json!({"id": row.id, "content": {
                        "item": row.item, "device": row.device, "seq": row.seq, "at_ms": row.at_ms,
                        "stamp": {"wall_ms": row.at_ms, "counter": 0, "device": row.device}, "clamped": false,
                        "field": "done", "value": true, "author": row.author, "outcome": chidao_core::sync::LoggedOutcome::Applied, "conflict": false,
                    }})
                })
                .collect();
            let query = "INSERT INTO change array::map($log, |$c| object::extend($c.content, { id: type::record('change', $c.id), received_at: time::now() })) RETURN NONE;";
            self.db.run(context, query, json!({"log": log})).await?;
        }
        Ok(())
    }
}

impl ProgressStore {
    /// Recounts the assignments of `groups` (task, unit, period), then every tally once
    /// (a chunk of groups spans most units, so retallying per chunk would repeat them).
    pub async fn recount(&self, groups: &[(Uuid, UnitCode, Option<Period>)]) -> Result<(), DbError> {
        let context = "recounting assignments";
        for chunk in groups.chunks(CHUNK / 5) {
            let groups: Vec<_> = chunk.iter().map(|(task, unit, period)| json!({"task": task, "unit": unit, "period": period})).collect();
            self.db.run(context, "FOR $g IN $groups { fn::recount($g.task, $g.unit, $g.period); };", json!({"groups": groups})).await?;
        }
        self.retally_everything().await
    }

    /// Writes every kept tally again from the assignments.
    pub async fn retally_everything(&self) -> Result<(), DbError> {
        self.db.run("writing the tallies", "fn::retally_everything();", json!({})).await?;
        Ok(())
    }
}
