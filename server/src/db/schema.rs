//! Schema migrations, applied in order at start-up. Each runs in one transaction together
//! with the bump of the recorded version, so a crash leaves either the old schema or the
//! new one. Migrations are append-only: a released one is never edited.

use super::DbError;
use surrealdb::engine::any::Any;
use surrealdb::Surreal;

const MIGRATIONS: &[&str] = &[
    // 1: units, accounts, sessions, directives, tasks, checklist items, the change log.
    r#"
    DEFINE TABLE unit SCHEMAFULL;
    DEFINE FIELD code ON unit TYPE string ASSERT string::len($value) > 0 AND string::len($value) <= 40;
    DEFINE FIELD name ON unit TYPE string ASSERT string::len($value) > 0 AND string::len($value) <= 200;
    DEFINE FIELD kind ON unit TYPE string ASSERT $value IN ['province', 'department', 'district', 'commune'];
    DEFINE FIELD parent ON unit TYPE option<string>;
    DEFINE INDEX unit_code ON unit FIELDS code UNIQUE;

    DEFINE TABLE account SCHEMAFULL;
    DEFINE FIELD username ON account TYPE string ASSERT string::len($value) > 0 AND string::len($value) <= 64;
    DEFINE FIELD display_name ON account TYPE string ASSERT string::len($value) > 0 AND string::len($value) <= 200;
    DEFINE FIELD role ON account TYPE string ASSERT $value IN ['official', 'supervisor'];
    DEFINE FIELD unit ON account TYPE string;
    DEFINE FIELD password_hash ON account TYPE string ASSERT string::starts_with($value, '$argon2id$');
    DEFINE INDEX account_username ON account FIELDS username UNIQUE;

    DEFINE TABLE session SCHEMAFULL;
    DEFINE FIELD username ON session TYPE string;
    DEFINE FIELD created_at_ms ON session TYPE int;
    DEFINE FIELD expires_at_ms ON session TYPE int;
    DEFINE INDEX session_username ON session FIELDS username;

    DEFINE TABLE directive SCHEMAFULL;
    DEFINE FIELD title ON directive TYPE string ASSERT string::len($value) > 0;
    DEFINE FIELD issuer ON directive TYPE string ASSERT string::len($value) > 0;
    DEFINE FIELD issued_on ON directive TYPE string ASSERT string::len($value) = 10;
    DEFINE FIELD documents ON directive TYPE array<string>;
    DEFINE FIELD sections ON directive TYPE array<object> ASSERT array::len($value) > 0;
    DEFINE FIELD sections[*].heading ON directive TYPE string ASSERT string::len($value) > 0;

    DEFINE TABLE task SCHEMAFULL;
    DEFINE FIELD directive ON task TYPE string;
    DEFINE FIELD section ON task TYPE int ASSERT $value >= 0;
    DEFINE FIELD text ON task TYPE string ASSERT string::len($value) > 0;
    DEFINE FIELD lead ON task TYPE object;
    DEFINE FIELD lead.unit ON task TYPE option<string>;
    DEFINE FIELD lead.phrase ON task TYPE option<string>;
    DEFINE FIELD coordinating ON task TYPE array<object>;
    DEFINE FIELD coordinating[*].unit ON task TYPE option<string>;
    DEFINE FIELD coordinating[*].phrase ON task TYPE option<string>;
    DEFINE FIELD deadline ON task TYPE option<object>;
    DEFINE FIELD deadline.date ON task TYPE string ASSERT string::len($value) = 10;
    DEFINE FIELD deadline.kind ON task TYPE string ASSERT $value IN ['before', 'no_later_than', 'by_end_of_year', 'from'];
    DEFINE FIELD target ON task TYPE option<string>;
    DEFINE INDEX task_directive ON task FIELDS directive;

    DEFINE TABLE item SCHEMAFULL;
    DEFINE FIELD task ON item TYPE string;
    DEFINE FIELD unit ON item TYPE string;
    DEFINE FIELD label ON item TYPE string ASSERT string::len($value) > 0 AND string::len($value) <= 500;
    DEFINE FIELD position ON item TYPE int;
    DEFINE FIELD done ON item TYPE bool;
    DEFINE FIELD note ON item TYPE string ASSERT string::len($value) <= 4000;
    DEFINE FIELD done_stamp ON item TYPE option<object>;
    DEFINE FIELD done_stamp.at_ms ON item TYPE int;
    DEFINE FIELD done_stamp.device ON item TYPE string;
    DEFINE FIELD done_stamp.change ON item TYPE string;
    DEFINE FIELD note_stamp ON item TYPE option<object>;
    DEFINE FIELD note_stamp.at_ms ON item TYPE int;
    DEFINE FIELD note_stamp.device ON item TYPE string;
    DEFINE FIELD note_stamp.change ON item TYPE string;
    DEFINE FIELD changed_by ON item TYPE option<string>;
    DEFINE FIELD changed_at_ms ON item TYPE option<int>;
    -- Order of the latest write, from the counter below, taken in the write's transaction.
    DEFINE FIELD seq ON item TYPE int;
    -- Bumped on every write; a write names the version it read (optimistic concurrency).
    DEFINE FIELD version ON item TYPE int;
    DEFINE INDEX item_seq ON item FIELDS seq UNIQUE;
    DEFINE INDEX item_unit ON item FIELDS unit;
    DEFINE INDEX item_task ON item FIELDS task;

    -- Every accepted change, append-only: the audit trail and the idempotency key.
    DEFINE TABLE change SCHEMAFULL;
    DEFINE FIELD item ON change TYPE string;
    DEFINE FIELD device ON change TYPE string;
    DEFINE FIELD at_ms ON change TYPE int;
    DEFINE FIELD field ON change TYPE string ASSERT $value IN ['done', 'note'];
    DEFINE FIELD value ON change TYPE bool | string;
    DEFINE FIELD author ON change TYPE string;
    DEFINE FIELD outcome ON change TYPE string ASSERT $value IN ['applied', 'superseded'];
    DEFINE FIELD received_at ON change TYPE datetime;
    DEFINE INDEX change_item ON change FIELDS item;

    DEFINE TABLE counter SCHEMAFULL;
    DEFINE FIELD value ON counter TYPE int;
    CREATE counter:items SET value = 0;
    "#,
    // 2: hybrid-logical-clock marks and conflict flags on items; per-device change numbers;
    // the change log keeps the stamp as applied and refusals too. Old per-field stamps are
    // dropped: the next edit of a field simply wins.
    r#"
    UPDATE item UNSET done_stamp, note_stamp, changed_by, changed_at_ms;
    REMOVE FIELD done_stamp.at_ms ON item; REMOVE FIELD done_stamp.device ON item; REMOVE FIELD done_stamp.change ON item;
    REMOVE FIELD done_stamp ON item;
    REMOVE FIELD note_stamp.at_ms ON item; REMOVE FIELD note_stamp.device ON item; REMOVE FIELD note_stamp.change ON item;
    REMOVE FIELD note_stamp ON item;
    REMOVE FIELD changed_by ON item;
    REMOVE FIELD changed_at_ms ON item;
    DEFINE FIELD done_mark ON item TYPE option<object>;
    DEFINE FIELD done_mark.by ON item TYPE string;
    DEFINE FIELD done_mark.stamp ON item TYPE object;
    DEFINE FIELD done_mark.stamp.wall_ms ON item TYPE int;
    DEFINE FIELD done_mark.stamp.counter ON item TYPE int ASSERT $value >= 0;
    DEFINE FIELD done_mark.stamp.device ON item TYPE string;
    DEFINE FIELD note_mark ON item TYPE option<object>;
    DEFINE FIELD note_mark.by ON item TYPE string;
    DEFINE FIELD note_mark.stamp ON item TYPE object;
    DEFINE FIELD note_mark.stamp.wall_ms ON item TYPE int;
    DEFINE FIELD note_mark.stamp.counter ON item TYPE int ASSERT $value >= 0;
    DEFINE FIELD note_mark.stamp.device ON item TYPE string;
    DEFINE FIELD conflict ON item TYPE bool DEFAULT false;
    DEFINE FIELD parallel_update ON item TYPE bool DEFAULT false;
    UPDATE item SET conflict = false, parallel_update = false;

    -- The last change number applied per device, and whose device it is.
    DEFINE TABLE device SCHEMAFULL;
    DEFINE FIELD owner ON device TYPE string;
    DEFINE FIELD last_seq ON device TYPE int ASSERT $value >= 0;

    DEFINE FIELD seq ON change TYPE option<int>;
    DEFINE FIELD stamp ON change TYPE option<object>;
    DEFINE FIELD stamp.wall_ms ON change TYPE int;
    DEFINE FIELD stamp.counter ON change TYPE int;
    DEFINE FIELD stamp.device ON change TYPE string;
    DEFINE FIELD clamped ON change TYPE option<bool>;
    DEFINE FIELD conflict ON change TYPE option<bool>;
    DEFINE FIELD reason ON change TYPE option<string>;
    DEFINE FIELD OVERWRITE outcome ON change TYPE string ASSERT $value IN ['applied', 'superseded', 'rejected'];
    DEFINE INDEX change_device_seq ON change FIELDS device, seq;
    "#,
    // 3: unit heads; a supervisor's conflict review joins the change log as its own outcome.
    r#"
    DEFINE FIELD OVERWRITE role ON account TYPE string ASSERT $value IN ['official', 'head', 'supervisor'];
    DEFINE FIELD OVERWRITE outcome ON change TYPE string ASSERT $value IN ['applied', 'superseded', 'rejected', 'reviewed'];
    DEFINE INDEX item_conflict ON item FIELDS conflict;
    "#,
    // 4: photo evidence. Photos live in the database, not in a folder beside it, so that
    // several app servers sharing one database all have every photo; items list theirs.
    r#"
    DEFINE FIELD photos ON item TYPE array<object> DEFAULT [];
    DEFINE FIELD photos[*].id ON item TYPE string ASSERT string::len($value) = 64;
    DEFINE FIELD photos[*].by ON item TYPE string;
    DEFINE FIELD photos[*].at_ms ON item TYPE int;
    UPDATE item SET photos = [] WHERE photos = NONE;

    DEFINE TABLE photo SCHEMAFULL;
    DEFINE FIELD content_type ON photo TYPE string ASSERT $value IN ['image/jpeg', 'image/png', 'image/webp'];
    DEFINE FIELD width ON photo TYPE int ASSERT $value > 0;
    DEFINE FIELD height ON photo TYPE int ASSERT $value > 0;
    DEFINE FIELD size ON photo TYPE int ASSERT $value > 0 AND $value <= 2097152;
    -- base64 of the bytes: the SDK's JSON binding carries text, not raw bytes.
    DEFINE FIELD data ON photo TYPE string;
    -- Units whose items show the photo: who may see it.
    DEFINE FIELD units ON photo TYPE array<string>;
    DEFINE FIELD uploaded_by ON photo TYPE string;
    DEFINE FIELD uploaded_at ON photo TYPE datetime;

    DEFINE FIELD OVERWRITE field ON change TYPE string ASSERT $value IN ['done', 'note', 'photo'];
    "#,
    // 5: accounts hold one or more roles (admin is new), can be disabled, and can be told
    // to change their password; sessions expire when idle as well as at their end.
    r#"
    DEFINE FIELD roles ON account TYPE array<string> DEFAULT []
        ASSERT array::len($value) > 0 AND array::complement($value, ['official', 'head', 'supervisor', 'admin']) = [];
    UPDATE account SET roles = [role];
    REMOVE FIELD role ON account;
    UPDATE account UNSET role;
    DEFINE FIELD disabled ON account TYPE bool DEFAULT false;
    DEFINE FIELD must_change_password ON account TYPE bool DEFAULT false;
    DEFINE FIELD last_sign_in_ms ON account TYPE option<int>;
    UPDATE account SET disabled = false, must_change_password = false;

    DEFINE FIELD last_seen_ms ON session TYPE int DEFAULT 0;
    UPDATE session SET last_seen_ms = created_at_ms;
    "#,
    // 6: a head's sign-off of a unit's report on a task; one per task and unit.
    r#"
    DEFINE TABLE task_report SCHEMAFULL;
    DEFINE FIELD task ON task_report TYPE string;
    DEFINE FIELD unit ON task_report TYPE string;
    DEFINE FIELD by ON task_report TYPE string;
    DEFINE FIELD at_ms ON task_report TYPE int;
    DEFINE INDEX task_report_key ON task_report FIELDS task, unit UNIQUE;
    DEFINE INDEX task_report_unit ON task_report FIELDS unit;
    "#,
    // 7: tasks written by supervisors may recur ("hằng tháng … trước ngày 25").
    r#"
    DEFINE FIELD recurrence ON task TYPE option<string>;
    "#,
    // 8: an edit of a published directive takes items off checklists without deleting them.
    r#"
    DEFINE FIELD removed ON item TYPE bool DEFAULT false;
    UPDATE item SET removed = false;
    "#,
    // 9: a device's stamps are kept in its own order: the stamp kept for its last change is
    // remembered, taken from the log for devices that pushed before.
    r#"
    DEFINE FIELD last_stamp ON device TYPE option<object>;
    DEFINE FIELD last_stamp.wall_ms ON device TYPE int;
    DEFINE FIELD last_stamp.counter ON device TYPE int ASSERT $value >= 0;
    DEFINE FIELD last_stamp.device ON device TYPE string;
    FOR $device IN (SELECT VALUE id FROM device) {
        LET $last = (SELECT VALUE stamp FROM change WHERE device = record::id($device) AND stamp != NONE ORDER BY seq DESC LIMIT 1)[0];
        IF $last != NONE { UPDATE $device SET last_stamp = $last RETURN NONE; };
    };
    "#,
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

async fn current_version(db: &Surreal<Any>) -> Result<i64, DbError> {
    let context = "reading the schema version";
    let mut response = db
        .query("DEFINE TABLE IF NOT EXISTS schema_meta SCHEMAFULL; DEFINE FIELD IF NOT EXISTS version ON schema_meta TYPE int; SELECT VALUE version FROM ONLY schema_meta:current;")
        .await
        .and_then(|response| response.check())
        .map_err(|source| DbError::query(context, source))?;
    let version: Option<i64> = response.take(2).map_err(|source| DbError::query(context, source))?;
    Ok(version.unwrap_or(0))
}

pub async fn migrate(db: &Surreal<Any>) -> Result<(), DbError> {
    let found = current_version(db).await?;
    if found > SCHEMA_VERSION {
        return Err(DbError::SchemaTooNew { found, known: SCHEMA_VERSION });
    }
    for (index, statements) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        let script = format!("BEGIN TRANSACTION; {statements}; UPSERT schema_meta:current SET version = $version; COMMIT TRANSACTION;");
        let mut response =
            db.query(script).bind(("version", version)).await.map_err(|source| DbError::query("applying a schema migration", source))?;
        // A failed transaction marks every statement "not executed"; report the one that
        // actually failed.
        let mut errors: Vec<(usize, surrealdb::Error)> = response.take_errors().into_iter().collect();
        errors.sort_by_key(|(statement, _)| *statement);
        let cause = errors.iter().position(|(_, error)| error.query_details() != Some(&surrealdb::types::QueryError::NotExecuted));
        if let Some(index) = cause.or(if errors.is_empty() { None } else { Some(0) }) {
            let (_, source) = errors.swap_remove(index);
            return Err(DbError::query("applying a schema migration", source));
        }
        tracing::info!(version, "schema migrated");
    }
    Ok(())
}
