//! Every query the server makes: one store per topic over one shared [`Database`].
//!
//! Rows cross the boundary as JSON: values are bound as variables (never spliced into query
//! text) and results are read back through serde into the shared domain types. JSON `null`
//! is dropped before binding, because SurrealDB's `option<T>` fields take NONE, not NULL.

use super::Connection;
use super::DbError;
use chidao_core::domain::{ChecklistItem, Directive, Task, Unit, UnitCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use surrealdb::IndexedResults;
use uuid::Uuid;

/// The one connection every topic's store shares.
#[derive(Clone)]
struct Database {
    /// Shared, never cloned: the SDK makes each clone of a client a new session, which a
    /// SurrealDB server must authenticate again (a password hash per request handled).
    connection: std::sync::Arc<Connection>,
    /// Sync writes from this process go one at a time: they all take the next number from
    /// one counter, so letting them race only buys transaction conflicts and retries.
    /// Writers in other processes sharing the database still race, and retry. Items are
    /// numbered by sync pushes, photos, publications and periods alike, so the lock is
    /// the database's, not one topic's.
    sync_writes: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// Declares a topic's store: a handle on the shared [`Database`] whose methods hold that
/// topic's SurrealQL.
macro_rules! topic_store {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            db: Database,
        }
    };
}

topic_store!(
    /// Items, devices and the change log: what a push reads and writes, the pull's pages
    /// and the lease of the push writer.
    SyncStore
);
topic_store!(
    /// Evidence photos and their attachment to items.
    PhotoStore
);
topic_store!(
    /// Directives, their tasks, and the publication of their checklists in steps.
    DirectiveStore
);
topic_store!(
    /// Recurring work: the periods opened and the deadlines kept per task and period.
    PeriodStore
);
topic_store!(
    /// Assignments classified and counted, tallies kept, items' histories: what the
    /// office's desk reads.
    ProgressStore
);
topic_store!(
    /// Accounts, sessions and sign-in attempts.
    PeopleStore
);
topic_store!(
    /// The units' sign-offs of their tasks.
    ReportStore
);
topic_store!(
    /// The unit tree.
    UnitStore
);
topic_store!(
    /// The database as a whole: its schema, backups, the demo's seed and generated bulk data.
    MaintenanceStore
);

/// Every topic's store over one database. Services hold the ones they use.
#[derive(Clone)]
pub struct Store {
    pub sync: SyncStore,
    pub photos: PhotoStore,
    pub directives: DirectiveStore,
    pub periods: PeriodStore,
    pub progress: ProgressStore,
    pub people: PeopleStore,
    pub reports: ReportStore,
    pub units: UnitStore,
    pub maintenance: MaintenanceStore,
}

impl Store {
    pub fn new(connection: impl Into<Connection>) -> Self {
        let db = Database { connection: std::sync::Arc::new(connection.into()), sync_writes: Default::default() };
        Self {
            sync: SyncStore { db: db.clone() },
            photos: PhotoStore { db: db.clone() },
            directives: DirectiveStore { db: db.clone() },
            periods: PeriodStore { db: db.clone() },
            progress: ProgressStore { db: db.clone() },
            people: PeopleStore { db: db.clone() },
            reports: ReportStore { db: db.clone() },
            units: UnitStore { db: db.clone() },
            maintenance: MaintenanceStore { db },
        }
    }

    /// Whether other processes may share this database (a SurrealDB server), rather than
    /// this process owning it (an embedded engine).
    pub fn is_shared(&self) -> bool {
        self.maintenance.db.connection.is_shared()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Written,
    /// Something moved since it was read (a device's number, an item, or a change id is
    /// already logged by a concurrent push); nothing was written. Read again and retry.
    Stale,
}

const ITEM_FIELDS: &str =
    "record::id(id) AS id, task, unit, label, position, done, note, done_mark, done_since_ms, last_undone_ms, note_mark, \
     conflict, parallel_update, photos, removed, period, seq, version";
const TASK_FIELDS: &str = "record::id(id) AS id, directive, section, text, lead, coordinating, deadline, target, recurrence";
const DIRECTIVE_FIELDS: &str = "record::id(id) AS id, title, issuer, issued_on, documents, sections";
const UNIT_FIELDS: &str = "code, name, kind, parent";

/// The records of `table` whose keys are the array `keys` (a SurrealQL expression), read by
/// key rather than by scanning the table: the `FROM … WHERE` part of a `SELECT`. A key with
/// no record reads as a row without `present`, a field every stored record has.
fn by_keys(table: &str, keys: &str, present: &str) -> String {
    format!("array::map({keys}, |$id| type::record('{table}', $id)) WHERE {present} != NONE")
}

/// SurrealQL that marks each kept tally the bound `$groups` ({task, unit, period}) fall in
/// stale, once (migration 15), for [`ProgressStore::retally_stale`] to write again.
macro_rules! mark_tallies_stale {
    () => {
        "FOR $unit IN array::distinct($groups.unit) { UPSERT type::record('stale_unit_tally', $unit) CONTENT { unit: $unit } RETURN NONE; };
    FOR $due IN array::distinct($groups.map(|$g| { task: $g.task, period: $g.period })) {
        UPSERT type::record('stale_due_tally', [$due.task, $due.period ?? '']) CONTENT { task: $due.task, period: $due.period } RETURN NONE;
    };"
    };
}

const MARK_TALLIES_STALE: &str = mark_tallies_stale!();

/// SurrealQL that recounts the assignments of the bound `$groups` from their items, then
/// marks their tallies stale. It belongs at the top level of a transaction: inside another
/// function it deepens SurrealDB's recursion past a worker thread's stack.
const RECOUNT_GROUPS: &str =
    concat!("FOR $group IN $groups { fn::recount($group.task, $group.unit, $group.period); };\n    ", mark_tallies_stale!());

/// Stale tallies written again per transaction: a push waits for the write lock at most
/// this many tallies' time (each ~50-100 ms on a whole province).
const STALE_BATCH: usize = 4;

/// SurrealQL that writes again up to `$batch` stale tallies of each kind from their
/// assignments and clears their marks, in one transaction; it answers how many it took.
/// A write that marks one of them meanwhile conflicts with it, and one of the two is
/// tried again, so a mark is never cleared over a change its tally has not seen.
const RETALLY_STALE: &str = "BEGIN;
    LET $units = SELECT id, unit FROM stale_unit_tally LIMIT $batch;
    LET $dues = SELECT id, task, period FROM stale_due_tally LIMIT $batch;
    FOR $mark IN $units { fn::retally_unit($mark.unit); DELETE $mark.id RETURN NONE; };
    FOR $mark IN $dues { fn::retally_due($mark.task, $mark.period); DELETE $mark.id RETURN NONE; };
    RETURN array::len($units) + array::len($dues);
    COMMIT;";

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

mod bulk;
mod directives;
mod dues;
#[cfg(test)]
pub(crate) mod fixture;
mod people;
mod periods;
mod photos;
mod progress;
mod publications;
mod push_writer;
mod reports;
mod sign_ins;
mod sync;
mod units;

pub use bulk::HistoryRow;
pub use dues::DueRow;
pub use people::{AccountChange, AccountRow, SessionRow};
pub use periods::PeriodRecords;
pub use photos::{PhotoAttachment, PhotoRow, StoredPhoto};
pub use progress::{due_key, AssignmentScope, ChangedAssignment, ClassifiedAssignment, Counted, LoggedChange, StateCount};
pub use publications::{ChecklistKey, FinalRecount, Unfinished, ITEMS_PER_WRITE, LEASE_SECONDS};
pub use push_writer::{WriterLease, PUSH_WRITER_LEASE_SECONDS};
pub use sign_ins::AttemptsWrite;
pub use sync::{Batch, ItemWrite, LogEntry, StoredItem};

impl SyncStore {
    /// Moves the item counter up to `at_least`, never down: after a loss, the numbers
    /// devices already hold stay unused, so every later write is past their cursors.
    pub async fn raise_item_counter(&self, at_least: u64) -> Result<(), DbError> {
        let context = "raising the item counter";
        let _guard = self.db.sync_writes.lock().await;
        self.db
            .run(context, "UPSERT counter:items SET value = math::max([value ?? 0, $at_least]) RETURN NONE;", json!({"at_least": at_least}))
            .await
            .map(drop)
    }
}

impl Database {
    pub(super) async fn run(&self, context: &'static str, query: &str, vars: Value) -> Result<IndexedResults, DbError> {
        self.connection
            .query(query, bindable(vars))
            .await
            .and_then(|response| response.check())
            .map_err(|source| DbError::query(context, source))
    }

    /// [`Database::run`] for a write that requests racing on the same record may conflict
    /// on (sign-ins from one office, one account's tablets): nothing of a conflicted write
    /// was committed, so it is run again.
    pub(super) async fn run_until_written(&self, context: &'static str, query: &str, vars: Value) -> Result<(), DbError> {
        crate::db::retry::until_written(context, || async { self.run(context, query, vars.clone()).await.map(|_| Some(())) }).await
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

    /// Runs one sync write (a transaction guarded by version checks and `THROW`s) and says
    /// whether it was written or must be worked out again.
    async fn write_transaction(&self, context: &'static str, query: &str, vars: Value) -> Result<Recorded, DbError> {
        let _guard = self.sync_writes.lock().await;
        self.transaction_outcome(context, query, vars).await
    }

    /// [`Database::write_transaction`] for a transaction that does not touch the item counter,
    /// so need not wait behind this process's sync writes.
    async fn transaction_outcome(&self, context: &'static str, query: &str, vars: Value) -> Result<Recorded, DbError> {
        let result = self.connection.query(query, bindable(vars)).await;
        let errors: Vec<surrealdb::Error> = match result {
            Ok(mut response) => response.take_errors().into_values().collect(),
            Err(error) => vec![error],
        };
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

    /// Rows of `table`, all of them or only those whose record key is in `ids`.
    async fn select_by_ids<T: DeserializeOwned>(
        &self,
        context: &'static str,
        table: &'static str,
        fields: &'static str,
        ids: Option<&[Uuid]>,
        present: &'static str,
        order: &'static str,
    ) -> Result<Vec<T>, DbError> {
        let query = match ids {
            Some(_) => format!("SELECT {fields} FROM {} {order};", by_keys(table, "$ids", present)),
            None => format!("SELECT {fields} FROM {table} {order};"),
        };
        self.select(context, &query, json!({"ids": ids})).await
    }
}

impl ProgressStore {
    /// Writes again every kept tally a write has marked stale since, a batch per
    /// transaction under the write lock, so pushes interleave with a long catch-up. Each
    /// read of the tallies calls it first, and a background pass every live beat keeps
    /// those reads short.
    pub async fn retally_stale(&self) -> Result<(), DbError> {
        let context = "writing the stale tallies again";
        loop {
            let taken = crate::db::retry::until_written(context, || async {
                let guard = self.db.sync_writes.lock().await;
                let result = self.db.connection.query(RETALLY_STALE, json!({"batch": STALE_BATCH})).await;
                drop(guard);
                let mut response = match result {
                    Ok(response) => response,
                    Err(error) if is_conflict(&error) => return Ok(None),
                    Err(error) => return Err(DbError::query(context, error)),
                };
                let errors: Vec<surrealdb::Error> = response.take_errors().into_values().collect();
                // A conflict fails the whole transaction: nothing was written, try again.
                let conflicted = !errors.is_empty();
                if let Some(error) = errors.into_iter().find(|error| !(is_conflict(error) || is_not_executed(error))) {
                    return Err(DbError::query(context, error));
                }
                if conflicted {
                    return Ok(None);
                }
                // The one number the transaction answers, wherever the engine counts it.
                let taken = (0..response.num_statements()).rev().find_map(|index| response.take::<Option<usize>>(index).ok().flatten());
                Ok(Some(taken.unwrap_or(0)))
            })
            .await?;
            if taken == 0 {
                return Ok(());
            }
        }
    }
}

impl MaintenanceStore {
    /// The schema as the database describes it: every table with the statements that
    /// define it, its fields and its indexes, and the functions. For the schema snapshot test.
    pub async fn schema_description(&self) -> Result<Value, DbError> {
        let context = "describing the schema";
        let mut response = self.db.run(context, "INFO FOR DB;", json!({})).await?;
        let database: Option<Value> = response.take(0).map_err(|source| DbError::query(context, source))?;
        let tables = database.as_ref().and_then(|info| info.get("tables")).and_then(Value::as_object).cloned().unwrap_or_default();
        let mut described = serde_json::Map::new();
        for (table, definition) in tables {
            // A table name cannot be bound as a variable here; these come from the database's
            // own list, and only plain identifiers are spliced.
            if !table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(DbError::Shape { context, detail: format!("unexpected table name {table:?}") });
            }
            let mut response = self.db.run(context, &format!("INFO FOR TABLE {table};"), json!({})).await?;
            let info: Option<Value> = response.take(0).map_err(|source| DbError::query(context, source))?;
            let info = info.unwrap_or_default();
            described.insert(table, json!({"table": definition, "fields": info["fields"], "indexes": info["indexes"]}));
        }
        if let Some(functions) = database.as_ref().and_then(|info| info.get("functions")).filter(|functions| !functions.is_null()) {
            described.insert("functions".to_owned(), functions.clone());
        }
        Ok(Value::Object(described))
    }

    /// Answers only when the database itself answers a query.
    /// Writes every table and record to `file` as SurrealQL (photos too: they are records).
    /// The SurrealDB SDK exports from embedded engines only; a SurrealDB server is exported
    /// with its own `surreal export` (docs/deploy.md).
    pub async fn export(&self, file: &std::path::Path) -> Result<(), DbError> {
        self.db.connection.export(file).await.map_err(|source| DbError::query("exporting the database", source))
    }

    /// The schema version the database records (0 before any migration).
    pub async fn schema_version(&self) -> Result<i64, DbError> {
        let context = "reading the schema version";
        let mut response = self.db.run(context, "RETURN schema_meta:current.version ?? 0;", json!({})).await?;
        let version: Option<i64> = response.take(0).map_err(|source| DbError::query(context, source))?;
        Ok(version.unwrap_or(0))
    }

    pub async fn is_empty(&self) -> Result<bool, DbError> {
        let context = "looking for units";
        let mut response = self.db.run(context, "SELECT VALUE code FROM unit LIMIT 1;", json!({})).await?;
        let codes: Vec<String> = response.take(0).map_err(|source| DbError::query(context, source))?;
        Ok(codes.is_empty())
    }

    /// Writes a small data set (the demo's) in one transaction: all of it or none of it.
    /// The whole must fit the embedded engine's write buffer; many items go in steps
    /// through [`MaintenanceStore::insert_items`] instead.
    pub async fn seed(
        &self,
        units: &[Unit],
        directives: &[Directive],
        tasks: &[Task],
        items: &[ChecklistItem],
        accounts: &[super::AccountRow],
    ) -> Result<(), DbError> {
        let context = "writing seed data";
        let keyed = |id: &Uuid, value: Value| json!({"key": id, "content": without_id(value)});
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
        // Recurring tasks' periods get theirs when the periods are opened.
        let issued_on: std::collections::BTreeMap<Uuid, chrono::NaiveDate> = directives.iter().map(|d| (d.id, d.issued_on)).collect();
        let dues: Vec<dues::DueRow> = tasks
            .iter()
            .filter(|task| task.recurrence.is_none())
            .filter_map(|task| Some(dues::DueRow::of(task, *issued_on.get(&task.directive)?, None)))
            .collect();
        let query = format!(
            r#"
            BEGIN TRANSACTION;
            FOR $u IN $units {{ CREATE type::record('unit', $u.code) CONTENT $u; }};
            FOR $d IN $directives {{ CREATE type::record('directive', $d.key) CONTENT $d.content; }};
            FOR $t IN $tasks {{ CREATE type::record('task', $t.key) CONTENT $t.content; }};
            FOR $i IN $items {{
                LET $seq = (UPDATE ONLY counter:items SET value += 1 RETURN AFTER).value;
                CREATE type::record('item', $i.key) CONTENT $i.content;
                UPDATE type::record('item', $i.key) SET seq = $seq, version = 1;
            }};
            FOR $a IN $accounts {{ CREATE type::record('account', $a.username) CONTENT $a; }};
            {write_dues}
            LET $groups = (SELECT task, unit, period FROM item GROUP BY task, unit, period);
            {recount}
            COMMIT TRANSACTION;
        "#,
            write_dues = dues::WRITE_DUES,
            recount = RECOUNT_GROUPS
        );
        self.db
            .run(
                context,
                &query,
                json!({
                    "dues": to_json(&dues, context)?,
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
}

impl UnitStore {
    pub async fn units(&self) -> Result<Vec<Unit>, DbError> {
        self.db.select("reading units", &format!("SELECT {UNIT_FIELDS} FROM unit ORDER BY code;"), json!({})).await
    }

    pub async fn unit(&self, code: &UnitCode) -> Result<Option<Unit>, DbError> {
        self.db
            .select_first("reading a unit", &format!("SELECT {UNIT_FIELDS} FROM type::record('unit', $code);"), json!({"code": code}))
            .await
    }
}

/// A record's content as the database takes it: its id is the record's key, not a field.
fn without_id(value: Value) -> Value {
    match value {
        Value::Object(mut map) => {
            map.remove("id");
            Value::Object(map)
        }
        other => other,
    }
}

/// `items` as rows to create in one write: each its key, its place in the write (from 1,
/// for its number after the counter) and its content without the id.
fn numbered_rows(items: &[ChecklistItem], context: &'static str) -> Result<Vec<Value>, DbError> {
    items
        .iter()
        .enumerate()
        .map(|(n, item)| Ok(json!({"key": item.id, "n": n + 1, "content": without_id(to_json(item, context)?)})))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::fixture::{empty, province};

    #[tokio::test]
    async fn a_fresh_database_is_empty_at_this_builds_schema_until_seeded() {
        let store = empty().await;
        assert!(store.maintenance.is_empty().await.unwrap());
        assert_eq!(store.maintenance.schema_version().await.unwrap(), crate::db::SCHEMA_VERSION);
        assert!(!province().await.store.maintenance.is_empty().await.unwrap());
    }

    #[tokio::test]
    async fn a_seed_that_fails_leaves_nothing_behind() {
        let province = province().await;
        let again = province.store.maintenance.seed(&province.units, &[], &[], &[], &[]).await;
        assert!(again.is_err(), "the units exist already");
        assert_eq!(province.store.units.units().await.unwrap().len(), province.units.len());
        let store = empty().await;
        let half = store.maintenance.seed(&[province.units[2].clone(), province.units[2].clone()], &[], &[], &[], &[]).await;
        assert!(half.is_err(), "one unit twice");
        assert!(store.maintenance.is_empty().await.unwrap());
    }
}
