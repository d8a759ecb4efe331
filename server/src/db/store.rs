//! [`Store`]: every query the server makes, behind one small interface.
//!
//! Rows cross the boundary as JSON: values are bound as variables (never spliced into query
//! text) and results are read back through serde into the shared domain types. JSON `null`
//! is dropped before binding, because SurrealDB's `option<T>` fields take NONE, not NULL.

use super::DbError;
use app::domain::{ChecklistItem, Directive, Task, Unit, UnitCode};
use app::sync::{Change, Edit, Outcome, Stamp};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use surrealdb::engine::any::Any;
use surrealdb::{IndexedResults, Surreal};
use uuid::Uuid;

#[derive(Clone)]
pub struct Store {
    db: Surreal<Any>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountRow {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub unit: String,
    pub password_hash: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionRow {
    pub username: String,
    pub expires_at_ms: i64,
}

/// An item as stored, with the bookkeeping the domain type does not carry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredItem {
    #[serde(flatten)]
    pub item: ChecklistItem,
    pub seq: u64,
    pub version: u64,
}

/// A device's place in its own numbering, and whose device it is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DeviceRow {
    pub owner: String,
    pub last_seq: u64,
}

/// What the sync service decided for one change, to be written in one transaction.
#[derive(Debug, Clone)]
pub enum Decision<'a> {
    /// Merged into the item. `read` is the item as read; `merged` the item to write (the
    /// same when nothing changed, e.g. a superseded edit that raised no flag).
    Merge { read: &'a StoredItem, merged: &'a ChecklistItem, outcome: Outcome, stamp: Stamp, clamped: bool },
    /// Refused, for the reason given; logged, and the device's number still moves on.
    Refuse { reason: &'a str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Merged(Outcome),
    Refused,
    /// The change id is already in the log: an earlier push wrote it.
    Duplicate,
    /// The device's number or the item moved since they were read; read again and retry.
    Stale,
}

const ITEM_FIELDS: &str = "record::id(id) AS id, task, unit, label, position, done, note, done_mark, note_mark, \
     conflict, parallel_update, seq, version";
const TASK_FIELDS: &str = "record::id(id) AS id, directive, section, text, lead, coordinating, deadline, target";
const DIRECTIVE_FIELDS: &str = "record::id(id) AS id, title, issuer, issued_on, documents, sections";

/// JSON with every `null` member removed, ready to bind.
fn bindable(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, bindable(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(bindable).collect()),
        other => other,
    }
}

fn to_json<T: Serialize>(value: &T, context: &'static str) -> Result<Value, DbError> {
    serde_json::to_value(value).map(bindable).map_err(|error| DbError::Shape { context, detail: error.to_string() })
}

fn rows<T: DeserializeOwned>(response: &mut IndexedResults, index: usize, context: &'static str) -> Result<Vec<T>, DbError> {
    let values: Vec<Value> = response.take(index).map_err(|source| DbError::Query { context, source })?;
    values
        .into_iter()
        .map(|value| serde_json::from_value(value).map_err(|error| DbError::Shape { context, detail: error.to_string() }))
        .collect()
}

impl Store {
    pub fn new(db: Surreal<Any>) -> Self {
        Self { db }
    }

    async fn run(&self, context: &'static str, query: &str, vars: Value) -> Result<IndexedResults, DbError> {
        self.db
            .query(query)
            .bind(bindable(vars))
            .await
            .and_then(|response| response.check())
            .map_err(|source| DbError::Query { context, source })
    }

    /// Runs a query whose first statement's rows are the answer.
    async fn select<T: DeserializeOwned>(&self, context: &'static str, query: &str, vars: Value) -> Result<Vec<T>, DbError> {
        let mut response = self.run(context, query, vars).await?;
        rows(&mut response, 0, context)
    }

    async fn select_first<T: DeserializeOwned>(&self, context: &'static str, query: &str, vars: Value) -> Result<Option<T>, DbError> {
        Ok(self.select(context, query, vars).await?.into_iter().next())
    }

    /// Answers only when the database itself answers a query.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.run("checking health", "RETURN true;", json!({})).await.map(|_| ())
    }

    pub async fn is_empty(&self) -> Result<bool, DbError> {
        let context = "looking for units";
        let mut response = self.run(context, "SELECT VALUE code FROM unit LIMIT 1;", json!({})).await?;
        let codes: Vec<String> = response.take(0).map_err(|source| DbError::Query { context, source })?;
        Ok(codes.is_empty())
    }

    /// Writes a whole data set in one transaction: all of it or none of it.
    pub async fn seed(
        &self,
        units: &[Unit],
        directives: &[Directive],
        tasks: &[Task],
        items: &[ChecklistItem],
        accounts: &[AccountRow],
    ) -> Result<(), DbError> {
        let context = "writing seed data";
        let keyed = |id: &Uuid, value: Value| {
            let mut content = value;
            if let Value::Object(map) = &mut content {
                map.remove("id");
            }
            json!({"key": id, "content": content})
        };
        let directive_rows =
            directives.iter().map(|d| Ok(keyed(&d.id, to_json(d, context)?))).collect::<Result<Vec<_>, DbError>>()?;
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

    pub async fn account(&self, username: &str) -> Result<Option<AccountRow>, DbError> {
        self.select_first(
            "reading an account",
            "SELECT username, display_name, role, unit, password_hash FROM account WHERE username = $username;",
            json!({"username": username}),
        )
        .await
    }

    pub async fn create_session(&self, token_hash: &str, username: &str, now_ms: i64, expires_at_ms: i64) -> Result<(), DbError> {
        self.run(
            "creating a session",
            "CREATE type::record('session', $key) CONTENT { username: $username, created_at_ms: $now, expires_at_ms: $expires };",
            json!({"key": token_hash, "username": username, "now": now_ms, "expires": expires_at_ms}),
        )
        .await
        .map(|_| ())
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, DbError> {
        self.select_first("reading a session", "SELECT username, expires_at_ms FROM type::record('session', $key);", json!({"key": token_hash}))
            .await
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), DbError> {
        self.run("deleting a session", "DELETE type::record('session', $key);", json!({"key": token_hash})).await.map(|_| ())
    }

    pub async fn units(&self) -> Result<Vec<Unit>, DbError> {
        self.select("reading units", "SELECT code, name, kind, parent FROM unit ORDER BY code;", json!({})).await
    }

    pub async fn unit(&self, code: &UnitCode) -> Result<Option<Unit>, DbError> {
        self.select_first("reading a unit", "SELECT code, name, kind, parent FROM type::record('unit', $code);", json!({"code": code})).await
    }

    pub async fn item(&self, id: Uuid) -> Result<Option<StoredItem>, DbError> {
        let query = format!("SELECT {ITEM_FIELDS} FROM type::record('item', $id);");
        self.select_first("reading an item", &query, json!({"id": id})).await
    }

    /// The device's row, made on first sight with `owner` as its owner.
    pub async fn device(&self, device: Uuid, owner: &str) -> Result<DeviceRow, DbError> {
        let context = "registering a device";
        self.select_first(
            context,
            "UPSERT type::record('device', $device) SET owner = owner ?? $owner, last_seq = last_seq ?? 0 RETURN owner, last_seq;",
            json!({"device": device, "owner": owner}),
        )
        .await?
        .ok_or(DbError::Shape { context, detail: "UPSERT returned no row".into() })
    }

    /// Writes one change in one transaction: the device's number moves from `prev_seq` to the
    /// change's, the change joins the log under its own id (so a replay cannot be logged
    /// twice), and a merged item is written if nobody else wrote it since it was read.
    pub async fn record_change(&self, change: &Change, author: &str, prev_seq: u64, decision: Decision<'_>) -> Result<Recorded, DbError> {
        let (field, value) = match &change.edit {
            Edit::Done { value } => ("done", json!(value)),
            Edit::Note { value } => ("note", json!(value)),
        };
        let (outcome, stamp, clamped, reason, write_item, item, version, conflict) = match decision {
            Decision::Merge { read, merged, outcome, stamp, clamped } => {
                let name = if outcome == Outcome::Applied { "applied" } else { "superseded" };
                let conflict = merged.conflict && !read.item.conflict;
                (name, stamp, clamped, None, merged != &read.item, Some(to_json(merged, "writing an item")?), read.version, conflict)
            }
            Decision::Refuse { reason } => ("rejected", change.stamp, false, Some(reason), false, None, 0, false),
        };
        let write = if write_item {
            r#"
            LET $next = (UPDATE ONLY counter:items SET value += 1 RETURN AFTER).value;
            LET $written = (UPDATE type::record('item', $item.id)
                SET done = $item.done, note = $item.note, done_mark = $item.done_mark, note_mark = $item.note_mark,
                    conflict = $item.conflict, parallel_update = $item.parallel_update, seq = $next, version = version + 1
                WHERE version = $version RETURN AFTER);
            IF array::len($written) = 0 { THROW 'stale item' };
            "#
        } else {
            ""
        };
        let query = format!(
            r#"
            BEGIN TRANSACTION;
            LET $moved = (UPDATE type::record('device', $device) SET last_seq = $seq WHERE last_seq = $prev RETURN AFTER);
            IF array::len($moved) = 0 {{ THROW 'stale device' }};
            CREATE type::record('change', $id) CONTENT {{
                item: $item_id, device: $device, seq: $seq, at_ms: $at_ms, stamp: $stamp, clamped: $clamped,
                field: $field, value: $value, author: $author, outcome: $outcome, reason: $reason,
                conflict: $conflict, received_at: time::now()
            }};
            {write}
            COMMIT TRANSACTION;
            "#
        );
        let vars = json!({
            "id": change.id, "item_id": change.item, "device": change.device(), "seq": change.seq, "prev": prev_seq,
            "at_ms": change.stamp.wall_ms, "stamp": to_json(&stamp, "writing a change")?, "clamped": clamped,
            "field": field, "value": value, "author": author, "outcome": outcome, "reason": reason, "conflict": conflict,
            "item": item, "version": version,
        });
        match self.db.query(query).bind(bindable(vars)).await.and_then(|response| response.check()) {
            Ok(_) if outcome == "rejected" => Ok(Recorded::Refused),
            Ok(_) => Ok(Recorded::Merged(if outcome == "applied" { Outcome::Applied } else { Outcome::Superseded })),
            Err(error) if error.is_already_exists() => Ok(Recorded::Duplicate),
            Err(error) if error.is_thrown() || is_conflict(&error) => Ok(Recorded::Stale),
            Err(source) => Err(DbError::Query { context: "recording a change", source }),
        }
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

    /// How many change-log entries a change id has (0 or 1): for tests and audits.
    pub async fn change_log_count(&self, change: Uuid) -> Result<usize, DbError> {
        let context = "counting change-log entries";
        let mut response = self
            .run(context, "SELECT VALUE record::id(id) FROM type::record('change', $id);", json!({"id": change}))
            .await?;
        let ids: Vec<Value> = response.take(0).map_err(|source| DbError::Query { context, source })?;
        Ok(ids.len())
    }
}

fn is_conflict(error: &surrealdb::Error) -> bool {
    error.message().to_ascii_lowercase().contains("conflict")
}
