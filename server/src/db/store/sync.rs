//! The sync side of the store: devices, the change log, items and what a push writes.

use super::{to_json, Recorded, Store, ITEM_FIELDS};
use crate::db::DbError;
use chidao_core::domain::{ChecklistItem, UnitCode};
use chidao_core::sync::{Change, DeviceMove, DeviceState, Edit, LogRecord, LoggedAnswer, LoggedEdit, LoggedOutcome, Stamp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// An item as stored, with the bookkeeping the domain type does not carry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredItem {
    #[serde(flatten)]
    pub item: ChecklistItem,
    pub seq: u64,
    pub version: u64,
}

/// One change-log row as written.
#[derive(Debug, Clone)]
pub struct LogEntry<'a> {
    pub change: &'a Change,
    pub author: &'a str,
    pub outcome: LoggedOutcome,
    /// The stamp as kept (see `chidao_core::sync::Stamp::kept`).
    pub stamp: Stamp,
    /// The kept stamp differs from the one the device sent (stored as `clamped`).
    pub adjusted: bool,
    pub reason: Option<String>,
    /// The change met another person's unseen edit of the same field
    /// (`chidao_core::sync::clashes`). Entries logged before schema v3 mean "raised the flag".
    pub conflict: bool,
}

impl<'a> LogEntry<'a> {
    /// The row for a change as the push decision settled it.
    pub fn decided(record: &'a LogRecord, author: &'a str) -> Self {
        LogEntry {
            change: &record.change,
            author,
            outcome: record.outcome,
            stamp: record.kept,
            adjusted: record.adjusted,
            reason: record.reason.map(str::to_owned),
            conflict: record.clash,
        }
    }
}

/// Everything one push (or review) writes, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Batch<'a> {
    /// Devices whose numbering and clock move on; a device read as absent is created.
    pub devices: &'a [DeviceMove],
    pub log: Vec<LogEntry<'a>>,
    /// (item to write, version it was read at)
    pub items: Vec<(ChecklistItem, u64)>,
}

impl Store {
    pub async fn item(&self, id: Uuid) -> Result<Option<StoredItem>, DbError> {
        let query = format!("SELECT {ITEM_FIELDS} FROM type::record('item', $id);");
        self.select_first("reading an item", &query, json!({"id": id})).await
    }

    /// The registered devices among `ids`, with their numbering and clock.
    pub async fn devices(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, DeviceState>, DbError> {
        #[derive(Deserialize)]
        struct Row {
            id: Uuid,
            owner: String,
            last_seq: u64,
            last_stamp: Option<Stamp>,
        }
        let rows: Vec<Row> = self
            .select(
                "reading devices",
                "SELECT record::id(id) AS id, owner, last_seq, last_stamp FROM array::map($ids, |$id| type::record('device', $id)) WHERE owner != NONE;",
                json!({"ids": ids}),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (row.id, DeviceState { owner: row.owner, last_seq: row.last_seq, last_stamp: row.last_stamp }))
            .collect())
    }

    /// The changes among `ids` that the change log holds, as it holds them.
    pub async fn logged_answers(&self, ids: &[Uuid]) -> Result<HashMap<Uuid, LoggedAnswer>, DbError> {
        #[derive(Deserialize)]
        struct Row {
            id: Uuid,
            outcome: LoggedOutcome,
            stamp: Option<Stamp>,
            reason: Option<String>,
        }
        let rows: Vec<Row> = self
            .select(
                "looking up change ids",
                "SELECT record::id(id) AS id, outcome, stamp, reason FROM array::map($ids, |$id| type::record('change', $id)) WHERE outcome != NONE;",
                json!({"ids": ids}),
            )
            .await?;
        Ok(rows.into_iter().map(|row| (row.id, LoggedAnswer { outcome: row.outcome, kept: row.stamp, reason: row.reason })).collect())
    }

    /// Several items in one query; absent ids are simply not in the answer.
    pub async fn items(&self, ids: &[Uuid]) -> Result<Vec<StoredItem>, DbError> {
        let query = format!("SELECT {ITEM_FIELDS} FROM array::map($ids, |$id| type::record('item', $id)) WHERE version != NONE;");
        self.select("reading items", &query, json!({"ids": ids})).await
    }

    /// Writes one push's decisions in one transaction: each device's number moves from what
    /// was read to its new value, each change joins the log under its own id (so nothing is
    /// logged twice), and each merged item is written only if nobody wrote it since it was
    /// read, taking the next number from the shared counter.
    pub async fn record_batch(&self, batch: &Batch<'_>) -> Result<Recorded, DbError> {
        let context = "recording a push";
        if batch.log.is_empty() {
            return Ok(Recorded::Written);
        }
        let devices = batch
            .devices
            .iter()
            .map(|moved| {
                Ok(json!({"id": moved.device, "owner": moved.owner, "read": moved.read_seq, "to": moved.last_seq, "stamp": to_json(&moved.last_stamp, context)?}))
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let log = batch
            .log
            .iter()
            .map(|entry| {
                let (field, value) = match &entry.change.edit {
                    Edit::Done { value } => ("done", json!(value)),
                    Edit::Note { value } => ("note", json!(value)),
                };
                // The id is the record key; `received_at` is the schema's default.
                Ok(json!({
                    "id": entry.change.id, "item": entry.change.item, "device": entry.change.device(), "seq": entry.change.seq,
                    "at_ms": entry.change.stamp.wall_ms, "stamp": to_json(&entry.stamp, context)?, "clamped": entry.adjusted,
                    "field": field, "value": value, "author": entry.author, "outcome": to_json(&entry.outcome, context)?,
                    "reason": entry.reason, "conflict": entry.conflict,
                }))
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let items = batch
            .items
            .iter()
            .enumerate()
            .map(|(index, (item, version))| Ok(json!({"item": to_json(item, context)?, "version": version, "position": index + 1})))
            .collect::<Result<Vec<_>, DbError>>()?;
        let query = format!(
            r#"
            BEGIN TRANSACTION;
            -- A device read as absent is created here: if a concurrent push created it
            -- first, CREATE fails and the push is decided again.
            FOR $d IN $devices {{
                IF $d.read = NONE {{
                    CREATE type::record('device', $d.id) SET owner = $d.owner, last_seq = $d.to, last_stamp = $d.stamp RETURN NONE;
                }} ELSE {{
                    LET $moved = (UPDATE type::record('device', $d.id) SET last_seq = $d.to, last_stamp = $d.stamp
                        WHERE last_seq = $d.read RETURN VALUE id);
                    IF array::len($moved) = 0 {{ THROW 'stale device' }};
                }};
            }};
            -- One bulk insert for the log; a change id already logged fails the whole push.
            INSERT INTO change $log RETURN NONE;
            -- One trip to the shared counter per push: the items take its numbers in order.
            -- Each reference to a bound array copies it: counted once, not per item.
            LET $written_count = array::len($items);
            LET $before = (UPDATE ONLY counter:items SET value += $written_count RETURN AFTER).value - $written_count;
            FOR $w IN $items {{
                LET $written = (UPDATE type::record('item', $w.item.id)
                    SET done = $w.item.done, note = $w.item.note, done_mark = $w.item.done_mark, note_mark = $w.item.note_mark,
                        conflict = $w.item.conflict, parallel_update = $w.item.parallel_update,
                        seq = $before + $w.position, version = version + 1
                    WHERE version = $w.version RETURN VALUE id);
                IF array::len($written) = 0 {{ THROW 'stale item' }};
            }};
            LET $groups = array::distinct($items.map(|$w| {{ task: $w.item.task, unit: $w.item.unit, period: $w.item.period }}));
            {recount}
            COMMIT TRANSACTION;
        "#,
            recount = super::RECOUNT_GROUPS
        );
        self.write_transaction(context, &query, json!({"devices": devices, "log": log, "items": items})).await
    }

    /// Items after `since` in write order, limited to `units` when given.
    pub async fn items_after(&self, since: u64, units: Option<&[UnitCode]>, limit: usize) -> Result<Vec<StoredItem>, DbError> {
        let filter = if units.is_some() { "AND unit IN $units" } else { "" };
        let query = format!("SELECT {ITEM_FIELDS} FROM item WHERE seq > $since {filter} ORDER BY seq LIMIT $limit;");
        self.select("reading changed items", &query, json!({"since": since, "units": units, "limit": limit})).await
    }

    pub async fn all_items(&self) -> Result<Vec<StoredItem>, DbError> {
        let query = format!("SELECT {ITEM_FIELDS} FROM item ORDER BY unit, position;");
        self.select("reading items", &query, json!({})).await
    }

    /// Items flagged as conflicts, for review.
    pub async fn conflicted_items(&self) -> Result<Vec<StoredItem>, DbError> {
        let query = format!("SELECT {ITEM_FIELDS} FROM item WHERE conflict = true ORDER BY unit, position;");
        self.select("reading conflicted items", &query, json!({})).await
    }

    /// The edits (not the refusals) logged for `items`, each with its item's id.
    pub async fn logged_edits(&self, items: &[Uuid]) -> Result<Vec<(Uuid, LoggedEdit)>, DbError> {
        #[derive(Deserialize)]
        struct Row {
            item: Uuid,
            #[serde(flatten)]
            edit: LoggedEdit,
        }
        let rows: Vec<Row> = self
            .select(
                "reading an item's history",
                "SELECT record::id(id) AS change, item, field, value, author, stamp, outcome, conflict ?? false AS clash \
                 FROM change WHERE item IN $items AND outcome != $rejected AND stamp != NONE;",
                json!({"items": items, "rejected": LoggedOutcome::Rejected}),
            )
            .await?;
        Ok(rows.into_iter().map(|row| (row.item, row.edit)).collect())
    }

    /// How many change-log entries a change id has (0 or 1): for tests and audits.
    pub async fn change_log_count(&self, change: Uuid) -> Result<usize, DbError> {
        let context = "counting change-log entries";
        let mut response =
            self.run(context, "SELECT VALUE record::id(id) FROM type::record('change', $id);", json!({"id": change})).await?;
        let ids: Vec<Value> = response.take(0).map_err(|source| DbError::query(context, source))?;
        Ok(ids.len())
    }
}
