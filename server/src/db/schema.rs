//! Schema migrations, applied in order at start-up: one SurrealQL file each in
//! `server/migrations/`, numbered. Each runs in one transaction together with the bump of
//! the recorded version, so a crash leaves either the old schema or the new one.
//! Migrations are append-only: a released one is never edited, and a test holds the schema
//! they build to `server/migrations/schema.snapshot.json`.

use super::Connection;
use super::DbError;

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_units_accounts_items_log.surql"),
    include_str!("../../migrations/0002_clocks_conflicts_devices.surql"),
    include_str!("../../migrations/0003_heads_and_reviews.surql"),
    include_str!("../../migrations/0004_photos.surql"),
    include_str!("../../migrations/0005_roles_and_account_states.surql"),
    include_str!("../../migrations/0006_sign_offs.surql"),
    include_str!("../../migrations/0007_recurrence.surql"),
    include_str!("../../migrations/0008_removed_items.surql"),
    include_str!("../../migrations/0009_device_clocks.surql"),
    include_str!("../../migrations/0010_assignments.surql"),
    include_str!("../../migrations/0011_periods.surql"),
    include_str!("../../migrations/0012_assignment_due_ends.surql"),
    include_str!("../../migrations/0013_period_sign_offs.surql"),
    include_str!("../../migrations/0014_kept_tallies.surql"),
    include_str!("../../migrations/0015_stale_tallies.surql"),
    include_str!("../../migrations/0016_log_without_device_index.surql"),
    include_str!("../../migrations/0017_log_words_as_types.surql"),
    include_str!("../../migrations/0018_sign_in_failures.surql"),
    include_str!("../../migrations/0019_publications.surql"),
    include_str!("../../migrations/0020_push_writer.surql"),
    include_str!("../../migrations/0021_publication_recount.surql"),
    include_str!("../../migrations/0022_sign_in_attempts.surql"),
    include_str!("../../migrations/0023_done_since.surql"),
    include_str!("../../migrations/0024_photo_days.surql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub async fn current_version(db: &Connection) -> Result<i64, DbError> {
    let context = "reading the schema version";
    let mut response = db
        .query("DEFINE TABLE IF NOT EXISTS schema_meta SCHEMAFULL; DEFINE FIELD IF NOT EXISTS version ON schema_meta TYPE int; SELECT VALUE version FROM ONLY schema_meta:current;", serde_json::json!({}))
        .await
        .and_then(|response| response.check())
        .map_err(|source| DbError::query(context, source))?;
    let version: Option<i64> = response.take(2).map_err(|source| DbError::query(context, source))?;
    Ok(version.unwrap_or(0))
}

/// What an app server does at start with a schema older than its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Migrations {
    /// Bring it up to date (one machine, or replicas starting together: each migration is
    /// applied once, whoever gets there first).
    Apply,
    /// Refuse to start until `chidao migrate` has run (an operator's deliberate step).
    Check,
}

/// Refuses a schema this build cannot work with: newer than it knows, or, when
/// migrations are the operator's step, older.
pub fn check_version(found: i64) -> Result<(), DbError> {
    match found.cmp(&SCHEMA_VERSION) {
        std::cmp::Ordering::Greater => Err(DbError::SchemaTooNew { found, known: SCHEMA_VERSION }),
        std::cmp::Ordering::Less => Err(DbError::SchemaTooOld { found, known: SCHEMA_VERSION }),
        std::cmp::Ordering::Equal => Ok(()),
    }
}

pub async fn migrate(db: &Connection) -> Result<(), DbError> {
    migrate_to(db, SCHEMA_VERSION).await
}

/// Applies the migrations after the recorded version up to `target` (for a test of one
/// migration on data written before it). Each migration's transaction first checks that
/// the version is still the one read: when several app servers start at once on one
/// database, one applies it and the others, refused, read the version again and go on.
pub async fn migrate_to(db: &Connection, target: i64) -> Result<(), DbError> {
    let target = target.clamp(0, SCHEMA_VERSION);
    // Another process migrating at the same moment can make any step fail (a conflict on
    // the catalog, a table it just defined): read the version again, a few times.
    let mut races_left = 8;
    loop {
        match migrate_step(db, target).await {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(error) if races_left > 0 && !matches!(error, DbError::SchemaTooNew { .. }) => {
                races_left -= 1;
                tracing::info!(%error, "a migration step failed, perhaps racing another app server; reading the version again");
                tokio::time::sleep(std::time::Duration::from_millis(50 + rand::random::<u64>() % 200)).await;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Applies the next migration towards `target`; true when there is nothing left to apply.
async fn migrate_step(db: &Connection, target: i64) -> Result<bool, DbError> {
    let found = current_version(db).await?;
    if found > SCHEMA_VERSION {
        return Err(DbError::SchemaTooNew { found, known: SCHEMA_VERSION });
    }
    if found >= target {
        return Ok(true);
    }
    let version = found + 1;
    let statements = MIGRATIONS[found as usize];
    let script = format!(
        "BEGIN TRANSACTION; \
         IF (schema_meta:current.version ?? 0) != $found {{ THROW 'the schema moved' }}; \
         {statements}; UPSERT schema_meta:current SET version = $version; COMMIT TRANSACTION;"
    );
    let result = db.query(script, serde_json::json!({"found": found, "version": version})).await;
    let mut response = result.map_err(|source| DbError::query("applying a schema migration", source))?;
    // A failed transaction marks every statement "not executed"; report the one that
    // actually failed.
    let mut errors: Vec<(usize, surrealdb::Error)> = response.take_errors().into_iter().collect();
    errors.sort_by_key(|(statement, _)| *statement);
    let cause = errors.iter().position(|(_, error)| error.query_details() != Some(&surrealdb::types::QueryError::NotExecuted));
    if let Some(index) = cause.or(if errors.is_empty() { None } else { Some(0) }) {
        let (_, source) = errors.swap_remove(index);
        if source.is_thrown() || super::store::is_conflict(&source) {
            tracing::info!(version, "another app server is migrating; reading the version again");
            return Ok(false);
        }
        return Err(DbError::query("applying a schema migration", source));
    }
    tracing::info!(version, "schema migrated");
    Ok(false)
}
