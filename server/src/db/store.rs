//! [`Store`]: every query the server makes, behind one small interface.
//!
//! Rows cross the boundary as JSON: values are bound as variables (never spliced into query
//! text) and results are read back through serde into the shared domain types. JSON `null`
//! is dropped before binding, because SurrealDB's `option<T>` fields take NONE, not NULL.

use super::DbError;
use chidao_core::domain::{ChecklistItem, Directive, PhotoId, PhotoRef, Task, Unit, UnitCode};
use chidao_core::sync::{Change, DeviceMove, DeviceState, Edit, LogRecord, LoggedAnswer, LoggedEdit, LoggedOutcome, Stamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use surrealdb::engine::any::Any;
use surrealdb::{IndexedResults, Surreal};
use uuid::Uuid;

#[derive(Clone)]
pub struct Store {
    db: Surreal<Any>,
    /// Sync writes from this process go one at a time: they all take the next number from
    /// one counter, so letting them race only buys transaction conflicts and retries.
    /// Writers in other processes sharing the database still race, and retry.
    sync_writes: std::sync::Arc<tokio::sync::Mutex<()>>,
}

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

/// A photo as checked and ready to store.
#[derive(Debug, Clone)]
pub struct PhotoRow {
    pub id: PhotoId,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub size: usize,
    /// base64 of the bytes.
    pub data: String,
}

#[derive(Debug, Clone)]
pub struct PhotoAttachment<'a> {
    pub photo: &'a PhotoRow,
    pub item: Uuid,
    pub unit: &'a UnitCode,
    /// The item's version as read.
    pub version: u64,
    pub reference: &'a PhotoRef,
    pub log_id: Uuid,
    pub author: &'a str,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StoredPhoto {
    pub content_type: String,
    /// base64 of the bytes.
    pub data: String,
    pub units: Vec<UnitCode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Written,
    /// Something moved since it was read (a device's number, an item, or a change id is
    /// already logged by a concurrent push); nothing was written. Read again and retry.
    Stale,
}

const ITEM_FIELDS: &str = "record::id(id) AS id, task, unit, label, position, done, note, done_mark, note_mark, \
     conflict, parallel_update, photos, removed, seq, version";
const TASK_FIELDS: &str = "record::id(id) AS id, directive, section, text, lead, coordinating, deadline, target, recurrence";
const DIRECTIVE_FIELDS: &str = "record::id(id) AS id, title, issuer, issued_on, documents, sections";

/// JSON with every `null` member removed, ready to bind.
fn bindable(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, bindable(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(bindable).collect()),
        other => other,
    }
}

pub(super) fn to_json<T: Serialize>(value: &T, context: &'static str) -> Result<Value, DbError> {
    serde_json::to_value(value).map(bindable).map_err(|error| DbError::Shape { context, detail: error.to_string() })
}

fn rows<T: DeserializeOwned>(response: &mut IndexedResults, index: usize, context: &'static str) -> Result<Vec<T>, DbError> {
    let values: Vec<Value> = response.take(index).map_err(|source| DbError::query(context, source))?;
    values
        .into_iter()
        .map(|value| serde_json::from_value(value).map_err(|error| DbError::Shape { context, detail: error.to_string() }))
        .collect()
}

impl Store {
    pub fn new(db: Surreal<Any>) -> Self {
        Self { db, sync_writes: Default::default() }
    }

    pub(super) async fn run(&self, context: &'static str, query: &str, vars: Value) -> Result<IndexedResults, DbError> {
        self.db
            .query(query)
            .bind(bindable(vars))
            .await
            .and_then(|response| response.check())
            .map_err(|source| DbError::query(context, source))
    }

    /// Runs a query whose first statement's rows are the answer.
    pub(super) async fn select<T: DeserializeOwned>(&self, context: &'static str, query: &str, vars: Value) -> Result<Vec<T>, DbError> {
        let mut response = self.run(context, query, vars).await?;
        rows(&mut response, 0, context)
    }

    pub(super) async fn select_first<T: DeserializeOwned>(
        &self,
        context: &'static str,
        query: &str,
        vars: Value,
    ) -> Result<Option<T>, DbError> {
        Ok(self.select(context, query, vars).await?.into_iter().next())
    }

    /// The schema as the database describes it: every table with the statements that
    /// define it, its fields and its indexes. For the schema snapshot test.
    pub async fn schema_description(&self) -> Result<Value, DbError> {
        let context = "describing the schema";
        let mut response = self.run(context, "INFO FOR DB;", json!({})).await?;
        let database: Option<Value> = response.take(0).map_err(|source| DbError::query(context, source))?;
        let tables = database.as_ref().and_then(|info| info.get("tables")).and_then(Value::as_object).cloned().unwrap_or_default();
        let mut described = serde_json::Map::new();
        for (table, definition) in tables {
            // A table name cannot be bound as a variable here; these come from the database's
            // own list, and only plain identifiers are spliced.
            if !table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(DbError::Shape { context, detail: format!("unexpected table name {table:?}") });
            }
            let mut response = self.run(context, &format!("INFO FOR TABLE {table};"), json!({})).await?;
            let info: Option<Value> = response.take(0).map_err(|source| DbError::query(context, source))?;
            let info = info.unwrap_or_default();
            described.insert(table, json!({"table": definition, "fields": info["fields"], "indexes": info["indexes"]}));
        }
        Ok(Value::Object(described))
    }

    /// Answers only when the database itself answers a query.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.run("checking health", "RETURN true;", json!({})).await.map(|_| ())
    }

    pub async fn is_empty(&self) -> Result<bool, DbError> {
        let context = "looking for units";
        let mut response = self.run(context, "SELECT VALUE code FROM unit LIMIT 1;", json!({})).await?;
        let codes: Vec<String> = response.take(0).map_err(|source| DbError::query(context, source))?;
        Ok(codes.is_empty())
    }

    /// Writes a whole data set in one transaction: all of it or none of it.
    pub async fn seed(
        &self,
        units: &[Unit],
        directives: &[Directive],
        tasks: &[Task],
        items: &[ChecklistItem],
        accounts: &[super::AccountRow],
    ) -> Result<(), DbError> {
        let context = "writing seed data";
        let keyed = |id: &Uuid, value: Value| {
            let mut content = value;
            if let Value::Object(map) = &mut content {
                map.remove("id");
            }
            json!({"key": id, "content": content})
        };
        let directive_rows = directives.iter().map(|d| Ok(keyed(&d.id, to_json(d, context)?))).collect::<Result<Vec<_>, DbError>>()?;
        let task_rows = tasks.iter().map(|t| Ok(keyed(&t.id, to_json(t, context)?))).collect::<Result<Vec<_>, DbError>>()?;
        let item_rows = items
            .iter()
            .map(|i| {
                let mut row = keyed(&i.id, to_json(i, context)?);
                // Placeholders the schema requires; the loop below sets the real values.
                row["content"]["seq"] = json!(0);
                row["content"]["version"] = json!(0);
                Ok(row)
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let query = r#"
            BEGIN TRANSACTION;
            FOR $u IN $units { CREATE type::record('unit', $u.code) CONTENT $u; };
            FOR $d IN $directives { CREATE type::record('directive', $d.key) CONTENT $d.content; };
            FOR $t IN $tasks { CREATE type::record('task', $t.key) CONTENT $t.content; };
            FOR $i IN $items {
                LET $seq = (UPDATE ONLY counter:items SET value += 1 RETURN AFTER).value;
                CREATE type::record('item', $i.key) CONTENT $i.content;
                UPDATE type::record('item', $i.key) SET seq = $seq, version = 1;
            };
            FOR $a IN $accounts { CREATE type::record('account', $a.username) CONTENT $a; };
            COMMIT TRANSACTION;
        "#;
        self.run(
            context,
            query,
            json!({
                "units": to_json(&units, context)?,
                "directives": directive_rows,
                "tasks": task_rows,
                "items": item_rows,
                "accounts": to_json(&accounts, context)?,
            }),
        )
        .await?;
        Ok(())
    }

    pub async fn units(&self) -> Result<Vec<Unit>, DbError> {
        self.select("reading units", "SELECT code, name, kind, parent FROM unit ORDER BY code;", json!({})).await
    }

    pub async fn unit(&self, code: &UnitCode) -> Result<Option<Unit>, DbError> {
        self.select_first("reading a unit", "SELECT code, name, kind, parent FROM type::record('unit', $code);", json!({"code": code}))
            .await
    }

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
                Ok(json!({"id": entry.change.id, "content": {
                    "item": entry.change.item, "device": entry.change.device(), "seq": entry.change.seq,
                    "at_ms": entry.change.stamp.wall_ms, "stamp": to_json(&entry.stamp, context)?, "clamped": entry.adjusted,
                    "field": field, "value": value, "author": entry.author, "outcome": to_json(&entry.outcome, context)?,
                    "reason": entry.reason, "conflict": entry.conflict,
                }}))
            })
            .collect::<Result<Vec<_>, DbError>>()?;
        let items = batch
            .items
            .iter()
            .enumerate()
            .map(|(index, (item, version))| Ok(json!({"item": to_json(item, context)?, "version": version, "position": index + 1})))
            .collect::<Result<Vec<_>, DbError>>()?;
        let query = r#"
            BEGIN TRANSACTION;
            -- A device read as absent is created here: if a concurrent push created it
            -- first, CREATE fails and the push is decided again.
            FOR $d IN $devices {
                IF $d.read = NONE {
                    CREATE type::record('device', $d.id) SET owner = $d.owner, last_seq = $d.to, last_stamp = $d.stamp RETURN NONE;
                } ELSE {
                    LET $moved = (UPDATE type::record('device', $d.id) SET last_seq = $d.to, last_stamp = $d.stamp
                        WHERE last_seq = $d.read RETURN VALUE id);
                    IF array::len($moved) = 0 { THROW 'stale device' };
                };
            };
            -- One bulk insert for the log; a change id already logged fails the whole push.
            INSERT INTO change array::map($log, |$c| object::extend($c.content, { id: type::record('change', $c.id), received_at: time::now() }));
            -- One trip to the shared counter per push: the items take its numbers in order.
            LET $last = (UPDATE ONLY counter:items SET value += array::len($items) RETURN AFTER).value;
            FOR $w IN $items {
                LET $written = (UPDATE type::record('item', $w.item.id)
                    SET done = $w.item.done, note = $w.item.note, done_mark = $w.item.done_mark, note_mark = $w.item.note_mark,
                        conflict = $w.item.conflict, parallel_update = $w.item.parallel_update,
                        seq = $last - array::len($items) + $w.position, version = version + 1
                    WHERE version = $w.version RETURN VALUE id);
                IF array::len($written) = 0 { THROW 'stale item' };
            };
            COMMIT TRANSACTION;
        "#;
        self.write_transaction(context, query, json!({"devices": devices, "log": log, "items": items})).await
    }

    /// Runs one sync write (a transaction guarded by version checks and `THROW`s) and says
    /// whether it was written or must be worked out again.
    async fn write_transaction(&self, context: &'static str, query: &str, vars: Value) -> Result<Recorded, DbError> {
        let guard = self.sync_writes.lock().await;
        let result = self.db.query(query).bind(bindable(vars)).await;
        let errors: Vec<surrealdb::Error> = match result {
            Ok(mut response) => response.take_errors().into_values().collect(),
            Err(error) => vec![error],
        };
        drop(guard);
        // A failed transaction marks every statement "not executed"; the cause may sit on
        // any statement or only on the commit, so look at all of them.
        if errors.is_empty() {
            return Ok(Recorded::Written);
        }
        let retryable =
            |error: &surrealdb::Error| error.is_already_exists() || error.is_thrown() || is_conflict(error) || is_not_executed(error);
        if errors.iter().all(retryable) {
            // Nothing was committed, so trying again is safe.
            return Ok(Recorded::Stale);
        }
        let source = errors.into_iter().find(|error| !retryable(error)).expect("some error is not retryable");
        Err(DbError::query(context, source))
    }

    /// Stores a photo (once, by its content id) and adds it to an item, in one
    /// transaction with its change-log entry and the item's next number; only if the item
    /// is still at `attach.version`.
    pub async fn attach_photo(&self, attach: &PhotoAttachment<'_>) -> Result<Recorded, DbError> {
        let context = "attaching a photo";
        let query = r#"
            BEGIN TRANSACTION;
            UPSERT type::record('photo', $photo.id) SET
                content_type = $photo.content_type, width = $photo.width, height = $photo.height, size = $photo.size,
                data = $photo.data, units = array::union(units ?? [], [$unit]),
                uploaded_by = uploaded_by ?? $author, uploaded_at = uploaded_at ?? time::now()
                RETURN NONE;
            CREATE type::record('change', $log_id) CONTENT {
                item: $item, device: $device, seq: 0, at_ms: $reference.at_ms, field: 'photo', value: $photo.id,
                author: $author, outcome: $applied, received_at: time::now()
            } RETURN NONE;
            LET $seq = (UPDATE ONLY counter:items SET value += 1 RETURN AFTER).value;
            LET $written = (UPDATE type::record('item', $item) SET photos += $reference, seq = $seq, version = version + 1
                WHERE version = $version RETURN VALUE id);
            IF array::len($written) = 0 { THROW 'stale item' };
            COMMIT TRANSACTION;
        "#;
        let vars = json!({
            "photo": {
                "id": attach.photo.id, "content_type": attach.photo.content_type, "width": attach.photo.width,
                "height": attach.photo.height, "size": attach.photo.size, "data": attach.photo.data,
            },
            "unit": attach.unit, "item": attach.item, "version": attach.version, "reference": to_json(attach.reference, context)?,
            "log_id": attach.log_id, "author": attach.author, "device": chidao_core::sync::REVIEW_DEVICE,
            "applied": LoggedOutcome::Applied,
        });
        self.write_transaction(context, query, vars).await
    }

    pub async fn photo(&self, id: &PhotoId) -> Result<Option<StoredPhoto>, DbError> {
        self.select_first("reading a photo", "SELECT content_type, data, units FROM type::record('photo', $id);", json!({"id": id})).await
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

    pub async fn tasks(&self, ids: Option<&[Uuid]>) -> Result<Vec<Task>, DbError> {
        self.select_by_ids("reading tasks", "task", TASK_FIELDS, ids, "").await
    }

    /// A directive with all its tasks and all their items, removed ones too.
    pub async fn directive_records(&self, id: Uuid) -> Result<Option<(Directive, Vec<Task>, Vec<ChecklistItem>)>, DbError> {
        let Some(directive) = self.directives(Some(&[id])).await?.into_iter().next() else { return Ok(None) };
        let tasks: Vec<Task> = self
            .select("reading a directive's tasks", &format!("SELECT {TASK_FIELDS} FROM task WHERE directive = $id;"), json!({"id": id}))
            .await?;
        let task_ids: Vec<Uuid> = tasks.iter().map(|task| task.id).collect();
        let items: Vec<StoredItem> = self
            .select(
                "reading a directive's items",
                &format!("SELECT {ITEM_FIELDS} FROM item WHERE task IN $tasks;"),
                json!({"tasks": task_ids}),
            )
            .await?;
        Ok(Some((directive, tasks, items.into_iter().map(|stored| stored.item).collect())))
    }

    /// Writes an edit of a published directive in one transaction: the directive and its
    /// tasks as they now are, new items, and items marked removed. New and removed items
    /// take fresh numbers, so every device pulls them. Stale when a concurrent write got
    /// in first; nothing is then written.
    pub async fn revise_directive(
        &self,
        directive: &Directive,
        tasks: &[Task],
        new_items: &[ChecklistItem],
        removed: &[Uuid],
    ) -> Result<Recorded, DbError> {
        let context = "revising a directive";
        let without_id = |value: Value| match value {
            Value::Object(mut map) => {
                map.remove("id");
                Value::Object(map)
            }
            other => other,
        };
        let task_rows = tasks
            .iter()
            .map(|t| Ok(json!({"key": t.id, "content": without_id(to_json(t, context)?)})))
            .collect::<Result<Vec<_>, DbError>>()?;
        let item_rows = new_items
            .iter()
            .enumerate()
            .map(|(n, i)| Ok(json!({"key": i.id, "n": n + 1, "content": without_id(to_json(i, context)?)})))
            .collect::<Result<Vec<_>, DbError>>()?;
        let removed_rows: Vec<Value> = removed.iter().enumerate().map(|(n, id)| json!({"id": id, "n": new_items.len() + n + 1})).collect();
        let query = r#"
            BEGIN TRANSACTION;
            UPSERT type::record('directive', $directive.key) CONTENT $directive.content RETURN NONE;
            FOR $t IN $tasks { UPSERT type::record('task', $t.key) CONTENT $t.content RETURN NONE; };
            LET $count = array::len($items) + array::len($removed);
            LET $first = (UPDATE ONLY counter:items SET value += $count RETURN AFTER).value - $count;
            FOR $i IN $items {
                CREATE type::record('item', $i.key) CONTENT object::extend($i.content, { seq: $first + $i.n, version: 1 }) RETURN NONE;
            };
            FOR $r IN $removed {
                UPDATE type::record('item', $r.id) SET removed = true, seq = $first + $r.n, version = version + 1 RETURN NONE;
            };
            COMMIT TRANSACTION;
        "#;
        let vars = json!({
            "directive": {"key": directive.id, "content": without_id(to_json(directive, context)?)},
            "tasks": task_rows,
            "items": item_rows,
            "removed": removed_rows,
        });
        self.write_transaction(context, query, vars).await
    }

    pub async fn directives(&self, ids: Option<&[Uuid]>) -> Result<Vec<Directive>, DbError> {
        self.select_by_ids("reading directives", "directive", DIRECTIVE_FIELDS, ids, "ORDER BY issued_on DESC").await
    }

    /// Rows of `table`, all of them or only those whose record key is in `ids`.
    async fn select_by_ids<T: DeserializeOwned>(
        &self,
        context: &'static str,
        table: &'static str,
        fields: &'static str,
        ids: Option<&[Uuid]>,
        order: &'static str,
    ) -> Result<Vec<T>, DbError> {
        let filter = if ids.is_some() { "WHERE record::id(id) IN $ids" } else { "" };
        let query = format!("SELECT {fields} FROM {table} {filter} {order};");
        self.select(context, &query, json!({"ids": ids})).await
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

pub(super) fn is_conflict(error: &surrealdb::Error) -> bool {
    error.query_details() == Some(&surrealdb::types::QueryError::TransactionConflict)
        || error.message().to_ascii_lowercase().contains("conflict")
}

/// A statement skipped because its transaction failed elsewhere (the engine says "not
/// executed" of some and "cancelled" of others): nothing of the transaction was committed.
pub(super) fn is_not_executed(error: &surrealdb::Error) -> bool {
    matches!(error.query_details(), Some(surrealdb::types::QueryError::NotExecuted | surrealdb::types::QueryError::Cancelled))
}
