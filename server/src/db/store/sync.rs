//! The sync side of the store: devices, the change log, items and what a push writes.

use super::{by_keys, to_json, Recorded, SyncStore, DIRECTIVE_FIELDS, ITEM_FIELDS, TASK_FIELDS, UNIT_FIELDS};
use crate::db::DbError;
use chidao_core::domain::{ChecklistItem, Directive, Period, Task, Unit, UnitCode};
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

/// What [`SyncStore::pull_page`] reads.
#[derive(Debug, Deserialize)]
pub struct PullPage {
    pub items: Vec<StoredItem>,
    pub more: bool,
    pub tasks: Vec<Task>,
    pub directives: Vec<Directive>,
    pub units: Vec<Unit>,
    /// The item counter when the page was read: no cursor handed out can be past it.
    pub counter: u64,
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
    pub items: Vec<ItemWrite>,
}

/// An item to write over the state it was read in.
#[derive(Debug, Clone)]
pub struct ItemWrite {
    pub item: ChecklistItem,
    /// Written only if nobody wrote it since.
    pub read_version: u64,
    /// Ticked as read: the item's assignment moves by the difference.
    pub read_done: bool,
}

/// How a write moves one assignment: ticks gained (or lost), and the position in the
/// write of its last item, which gives the assignment's newest number.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct AssignmentMove<'a> {
    task: Uuid,
    unit: &'a UnitCode,
    period: Option<String>,
    delta: i64,
    last_position: usize,
}

/// The assignments `items` move, in the order first met. A removed item counts in no
/// assignment's ticks, but its write still gives the assignment a newer number.
fn assignment_moves(items: &[ItemWrite]) -> Vec<AssignmentMove<'_>> {
    let mut moves: Vec<AssignmentMove> = Vec::new();
    let mut found: HashMap<(Uuid, &UnitCode, Option<Period>), usize> = HashMap::new();
    for (index, write) in items.iter().enumerate() {
        let item = &write.item;
        let delta = if item.removed { 0 } else { i64::from(item.done) - i64::from(write.read_done) };
        let at = *found.entry((item.task, &item.unit, item.period)).or_insert_with(|| {
            let period = item.period.map(|period| period.to_string());
            moves.push(AssignmentMove { task: item.task, unit: &item.unit, period, delta: 0, last_position: 0 });
            moves.len() - 1
        });
        moves[at].delta += delta;
        moves[at].last_position = index + 1;
    }
    moves
}

impl SyncStore {
    pub async fn item(&self, id: Uuid) -> Result<Option<StoredItem>, DbError> {
        let query = format!("SELECT {ITEM_FIELDS} FROM type::record('item', $id);");
        self.db.select_first("reading an item", &query, json!({"id": id})).await
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
        let rows: Vec<Row> = self.db.select(
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
        let rows: Vec<Row> = self.db.select(
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
        self.db.select("reading items", &query, json!({"ids": ids})).await
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
            .map(|(index, write)| Ok(json!({"item": to_json(&write.item, context)?, "version": write.read_version, "position": index + 1})))
            .collect::<Result<Vec<_>, DbError>>()?;
        let assignments = to_json(&assignment_moves(&batch.items), context)?;
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
            -- One bulk insert for the log; a change id already logged fails the whole write.
            INSERT INTO change $log RETURN NONE;
            -- One trip to the shared counter per write: the items take its numbers in order.
            -- Each reference to a bound array copies it: counted once, not per item.
            LET $written_count = array::len($items);
            LET $before = (UPDATE ONLY counter:items SET value += $written_count RETURN AFTER).value - $written_count;
            FOR $w IN $items {{
                LET $written = (UPDATE type::record('item', $w.item.id)
                    SET done = $w.item.done, note = $w.item.note, done_mark = $w.item.done_mark, note_mark = $w.item.note_mark,
                        done_since_ms = $w.item.done_since_ms, last_undone_ms = $w.item.last_undone_ms,
                        conflict = $w.item.conflict, parallel_update = $w.item.parallel_update,
                        seq = $before + $w.position, version = version + 1
                    WHERE version = $w.version RETURN VALUE id);
                IF array::len($written) = 0 {{ THROW 'stale item' }};
            }};
            -- Each assignment moves by the ticks its items gained or lost and takes its newest
            -- number; one that is complete after the write is counted again from its items
            -- for when it was completed, and one not found is counted from scratch.
            FOR $a IN $groups {{
                LET $key = type::record('assignment', [$a.task, $a.unit, $a.period ?? '']);
                LET $after = (UPDATE $key SET done += $a.delta, seq = $before + $a.last_position, done_at_ms = NONE RETURN AFTER)[0];
                IF $after = NONE OR ($after.total > 0 AND $after.done = $after.total) {{
                    fn::recount($a.task, $a.unit, $a.period);
                }};
            }};
            {mark_stale}
            COMMIT TRANSACTION;
        "#,
            mark_stale = super::MARK_TALLIES_STALE
        );
        self.db.write_transaction(context, &query, json!({"devices": devices, "log": log, "items": items, "groups": assignments})).await
    }

    /// Items after `since` in write order, limited to `units` when given.
    /// One page of a pull in one query: up to `limit` items written after `since` (in
    /// `units` when given), whether more follow, and the tasks and directives they belong
    /// to with the unit tree (for names and heads' scopes) when there are any. Tasks and
    /// directives are fetched by key, not by scanning their tables.
    pub async fn pull_page(&self, since: u64, units: Option<&[UnitCode]>, limit: usize) -> Result<PullPage, DbError> {
        let context = "reading a pull page";
        let filter = if units.is_some() { "AND unit IN $units" } else { "" };
        // One row past the page says whether another follows.
        let query = format!(
            "LET $found = SELECT {ITEM_FIELDS} FROM item WHERE seq > $since {filter} ORDER BY seq LIMIT $limit + 1;
             LET $items = array::slice($found, 0, $limit);
             LET $tasks = SELECT {TASK_FIELDS} FROM {tasks};
             LET $directives = SELECT {DIRECTIVE_FIELDS} FROM {directives} ORDER BY issued_on DESC;
             LET $units = IF array::len($items) > 0 {{ SELECT {UNIT_FIELDS} FROM unit ORDER BY code }} ELSE {{ [] }};
             RETURN {{ items: $items, more: array::len($found) > $limit, tasks: $tasks, directives: $directives, units: $units,
                 counter: (SELECT VALUE value FROM counter:items)[0] ?? 0 }};",
            tasks = by_keys("task", "array::distinct($items.task)", "directive"),
            directives = by_keys("directive", "array::distinct($tasks.directive)", "title"),
        );
        let mut response = self.db.run(context, &query, json!({"since": since, "units": units, "limit": limit})).await?;
        let last = response.num_statements().saturating_sub(1);
        let page: Option<Value> = response.take(last).map_err(|source| DbError::query(context, source))?;
        let page = page.ok_or(DbError::Shape { context, detail: "the query returned no page".into() })?;
        serde_json::from_value(page).map_err(|error| DbError::Shape { context, detail: error.to_string() })
    }

    pub async fn all_items(&self) -> Result<Vec<StoredItem>, DbError> {
        let query = format!("SELECT {ITEM_FIELDS} FROM item ORDER BY unit, position;");
        self.db.select("reading items", &query, json!({})).await
    }

    /// Items flagged as conflicts, for review.
    pub async fn conflicted_items(&self) -> Result<Vec<StoredItem>, DbError> {
        let query = format!("SELECT {ITEM_FIELDS} FROM item WHERE conflict = true ORDER BY unit, position;");
        self.db.select("reading conflicted items", &query, json!({})).await
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
            .db
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
            self.db.run(context, "SELECT VALUE record::id(id) FROM type::record('change', $id);", json!({"id": change})).await?;
        let ids: Vec<Value> = response.take(0).map_err(|source| DbError::query(context, source))?;
        Ok(ids.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(task: u128, unit: &str, done: bool, read_done: bool, removed: bool) -> ItemWrite {
        let mut item = ChecklistItem::new(Uuid::new_v4(), Uuid::from_u128(task), UnitCode::parse(unit).unwrap(), "Mục", 1).unwrap();
        item.done = done;
        item.removed = removed;
        ItemWrite { item, read_version: 1, read_done }
    }

    #[test]
    fn an_assignment_moves_by_the_ticks_gained_less_those_lost_and_takes_its_last_position() {
        let items = [
            write(1, "XA-1", true, false, false),
            write(2, "XA-1", true, false, false),
            write(1, "XA-1", false, true, false),
            write(1, "XA-1", true, false, false),
            write(1, "XA-2", true, false, true),
            write(1, "XA-1", true, true, false),
        ];
        let moves = assignment_moves(&items);
        let summary: Vec<(u128, &str, i64, usize)> =
            moves.iter().map(|moved| (moved.task.as_u128(), moved.unit.as_str(), moved.delta, moved.last_position)).collect();
        assert_eq!(summary, [(1, "XA-1", 1, 6), (2, "XA-1", 1, 2), (1, "XA-2", 0, 5)]);
    }

    #[tokio::test]
    async fn a_units_pull_holds_only_its_items_with_what_they_refer_to() {
        let province = super::super::fixture::province().await;
        let page = province.store.sync.pull_page(0, Some(std::slice::from_ref(&province.lead)), 100).await.unwrap();
        assert_eq!(page.items.len(), 2);
        assert!(page.items.iter().all(|stored| stored.item.unit == province.lead));
        assert!(!page.more);
        assert_eq!(page.tasks, std::slice::from_ref(&province.task));
        assert_eq!(page.directives, std::slice::from_ref(&province.directive));
        let everything = province.store.sync.pull_page(0, None, 3).await.unwrap();
        assert_eq!((everything.items.len(), everything.more), (3, true));
    }

    #[tokio::test]
    async fn the_item_counter_is_raised_but_never_lowered() {
        let province = super::super::fixture::province().await;
        let sync = &province.store.sync;
        let seeded = sync.pull_page(0, None, 100).await.unwrap().counter;
        sync.raise_item_counter(seeded + 50).await.unwrap();
        sync.raise_item_counter(1).await.unwrap();
        assert_eq!(sync.pull_page(0, None, 100).await.unwrap().counter, seeded + 50);
    }
}
