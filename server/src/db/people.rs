//! Accounts, sessions and the unit tree: the records an admin keeps.

use super::store::to_json;
use super::{DbError, Store};
use chidao_core::domain::{Period, Roles, TaskReport, Unit, UnitCode};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountRow {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub unit: String,
    pub password_hash: String,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub must_change_password: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sign_in_ms: Option<i64>,
}

impl AccountRow {
    pub fn new(username: &str, display_name: &str, roles: &Roles, unit: &UnitCode, password_hash: String) -> Self {
        Self {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            roles: roles.iter().map(|role| role.as_str().to_owned()).collect(),
            unit: unit.to_string(),
            password_hash,
            disabled: false,
            must_change_password: false,
            last_sign_in_ms: None,
        }
    }
}

/// What an admin changes on an account; `None` leaves the field as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccountChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SessionRow {
    pub username: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub last_seen_ms: i64,
}

/// Units written per transaction: with the longest names and codes, a step of this many
/// fits the embedded engine's least write buffer many times over (a test imports the
/// largest file allowed), while a whole such file in one transaction does not.
const UNITS_PER_WRITE: usize = 2_000;

const ACCOUNT_FIELDS: &str = "username, display_name, roles, unit, password_hash, disabled, must_change_password, last_sign_in_ms";

impl Store {
    pub async fn account(&self, username: &str) -> Result<Option<AccountRow>, DbError> {
        let query = format!("SELECT {ACCOUNT_FIELDS} FROM account WHERE username = $username;");
        self.select_first("reading an account", &query, json!({"username": username})).await
    }

    pub async fn accounts(&self) -> Result<Vec<AccountRow>, DbError> {
        let query = format!("SELECT {ACCOUNT_FIELDS} FROM account ORDER BY username;");
        self.select("reading accounts", &query, json!({})).await
    }

    /// Creates the account; `false` when the username is taken.
    pub async fn create_account(&self, account: &AccountRow) -> Result<bool, DbError> {
        let context = "creating an account";
        let query = "IF (SELECT VALUE username FROM account WHERE username = $account.username) = [] { \
                         CREATE type::record('account', $account.username) CONTENT $account; RETURN true; \
                     } ELSE { RETURN false; };";
        let mut response = self.run(context, query, json!({"account": to_json(account, context)?})).await?;
        let created: Option<bool> = response.take(0).map_err(|source| DbError::query(context, source))?;
        Ok(created.unwrap_or(false))
    }

    /// Applies `change`; a disabled account loses its sessions in the same transaction.
    /// `false` when there is no such account (accounts are disabled, never deleted).
    pub async fn update_account(&self, username: &str, change: &AccountChange) -> Result<bool, DbError> {
        if self.account(username).await?.is_none() {
            return Ok(false);
        }
        let context = "changing an account";
        let query = "BEGIN TRANSACTION; \
                     UPDATE account MERGE $change WHERE username = $username; \
                     IF $change.disabled = true { DELETE session WHERE username = $username; }; \
                     COMMIT TRANSACTION;";
        self.run(context, query, json!({"username": username, "change": to_json(change, context)?})).await?;
        Ok(true)
    }

    /// Replaces the password and ends every session of the account except `keep` (the
    /// session that made the change, if any). `false` when there is no such account.
    pub async fn set_password(&self, username: &str, hash: &str, must_change: bool, keep: Option<&str>) -> Result<bool, DbError> {
        if self.account(username).await?.is_none() {
            return Ok(false);
        }
        let context = "setting a password";
        let query = "BEGIN TRANSACTION; \
                     UPDATE account SET password_hash = $hash, must_change_password = $must_change WHERE username = $username; \
                     DELETE session WHERE username = $username AND record::id(id) != $keep; \
                     COMMIT TRANSACTION;";
        let vars = json!({"username": username, "hash": hash, "must_change": must_change, "keep": keep.unwrap_or("")});
        self.run(context, query, vars).await?;
        Ok(true)
    }

    /// Tablets sharing an account sign in at once through different app servers after an
    /// outage; their writes to the account row race, and the loser tries again. The time
    /// kept is the latest, whichever write lands last.
    pub async fn record_sign_in(&self, username: &str, now_ms: i64) -> Result<(), DbError> {
        let context = "recording a sign-in";
        crate::db::retry::until_written(context, || async {
            self.run(
                context,
                "UPDATE account SET last_sign_in_ms = math::max([last_sign_in_ms ?? 0, $now]) WHERE username = $username;",
                json!({"username": username, "now": now_ms}),
            )
            .await
            .map(|_| Some(()))
        })
        .await
    }

    pub async fn create_session(&self, token_hash: &str, username: &str, now_ms: i64, expires_at_ms: i64) -> Result<(), DbError> {
        self.run(
            "creating a session",
            "CREATE type::record('session', $key) CONTENT { username: $username, created_at_ms: $now, last_seen_ms: $now, expires_at_ms: $expires };",
            json!({"key": token_hash, "username": username, "now": now_ms, "expires": expires_at_ms}),
        )
        .await
        .map(|_| ())
    }

    /// A session with its account (`None` when the account is gone), in one query: every
    /// signed-in request asks this first, and over a SurrealDB server each query is a round
    /// trip and about a millisecond of the database's time.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(SessionRow, Option<AccountRow>)>, DbError> {
        #[derive(Deserialize)]
        struct Joined {
            #[serde(flatten)]
            session: SessionRow,
            account: Option<AccountRow>,
        }
        let query = format!(
            "SELECT username, created_at_ms, expires_at_ms, last_seen_ms,
                (SELECT {ACCOUNT_FIELDS} FROM account WHERE username = $parent.username LIMIT 1)[0] AS account
             FROM type::record('session', $key);"
        );
        let joined: Option<Joined> = self.select_first("reading a session", &query, json!({"key": token_hash})).await?;
        Ok(joined.map(|joined| (joined.session, joined.account)))
    }

    pub async fn touch_session(&self, token_hash: &str, now_ms: i64) -> Result<(), DbError> {
        self.run(
            "marking a session used",
            "UPDATE type::record('session', $key) SET last_seen_ms = $now;",
            json!({"key": token_hash, "now": now_ms}),
        )
        .await
        .map(|_| ())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), DbError> {
        self.run("deleting a session", "DELETE type::record('session', $key);", json!({"key": token_hash})).await.map(|_| ())
    }

    /// Signs the account out on every device.
    pub async fn delete_sessions_of(&self, username: &str) -> Result<(), DbError> {
        self.run("ending an account's sessions", "DELETE session WHERE username = $username;", json!({"username": username}))
            .await
            .map(|_| ())
    }

    /// Sign-offs in `units` (all when `None`).
    pub async fn task_reports(&self, units: Option<&[UnitCode]>) -> Result<Vec<TaskReport>, DbError> {
        let filter = if units.is_some() { "WHERE unit IN $units" } else { "" };
        let query = format!("SELECT task, unit, period, by, at_ms, open_items FROM task_report {filter} ORDER BY task, unit, period;");
        self.select("reading task reports", &query, json!({"units": units})).await
    }

    /// Whether `unit` has work on `task` (in `period`, for recurring work; a recurring
    /// task's templates are no one's work), i.e. was assigned it.
    pub async fn task_assigned_to(&self, task: uuid::Uuid, unit: &UnitCode, period: Option<Period>) -> Result<bool, DbError> {
        let found: Vec<Value> = self
            .select(
                "looking up an assignment",
                "SELECT VALUE total FROM type::record('assignment', [$task, $unit, $period ?? '']) WHERE total > 0;",
                json!({"task": task, "unit": unit, "period": period}),
            )
            .await?;
        Ok(!found.is_empty())
    }

    /// Records the sign-off, replacing an earlier one of the same task and unit.
    pub async fn put_task_report(&self, report: &TaskReport) -> Result<(), DbError> {
        let context = "signing off a task report";
        self.run(
            context,
            "UPSERT type::record('task_report', [$report.task, $report.unit, $report.period ?? '']) CONTENT $report;",
            json!({"report": to_json(report, context)?}),
        )
        .await
        .map(|_| ())
    }

    pub async fn delete_task_report(&self, task: uuid::Uuid, unit: &UnitCode, period: Option<Period>) -> Result<(), DbError> {
        self.run(
            "taking back a task report",
            "DELETE type::record('task_report', [$task, $unit, $period ?? '']);",
            json!({"task": task, "unit": unit, "period": period}),
        )
        .await
        .map(|_| ())
    }

    /// Writes new and changed `units` in steps of a bounded size, each unit in a step after
    /// its parent's, so that a write cut short leaves no unit without its parent; the same
    /// file imported again writes the rest.
    pub async fn write_units(&self, units: &[Unit]) -> Result<(), DbError> {
        let context = "writing units";
        let mut parents_first: Vec<&Unit> = units.iter().collect();
        parents_first.sort_by_key(|unit| unit.kind.depth());
        let query = "BEGIN TRANSACTION; \
                     FOR $unit IN $units { UPSERT type::record('unit', $unit.code) CONTENT $unit; }; \
                     COMMIT TRANSACTION;";
        for step in parents_first.chunks(UNITS_PER_WRITE) {
            self.run(context, query, json!({"units": to_json(&step, context)?})).await?;
        }
        Ok(())
    }
}
