//! Accounts and sessions: who may sign in, and who is signed in.

use super::{to_json, DbError, PeopleStore};
use chidao_core::domain::{Roles, UnitCode};
use serde::{Deserialize, Serialize};
use serde_json::json;

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

const ACCOUNT_FIELDS: &str = "username, display_name, roles, unit, password_hash, disabled, must_change_password, last_sign_in_ms";

impl PeopleStore {
    pub async fn account(&self, username: &str) -> Result<Option<AccountRow>, DbError> {
        let query = format!("SELECT {ACCOUNT_FIELDS} FROM account WHERE username = $username;");
        self.db.select_first("reading an account", &query, json!({"username": username})).await
    }

    pub async fn accounts(&self) -> Result<Vec<AccountRow>, DbError> {
        let query = format!("SELECT {ACCOUNT_FIELDS} FROM account ORDER BY username;");
        self.db.select("reading accounts", &query, json!({})).await
    }

    /// Creates the account; `false` when the username is taken.
    pub async fn create_account(&self, account: &AccountRow) -> Result<bool, DbError> {
        let context = "creating an account";
        let query = "IF (SELECT VALUE username FROM account WHERE username = $account.username) = [] { \
                         CREATE type::record('account', $account.username) CONTENT $account; RETURN true; \
                     } ELSE { RETURN false; };";
        let mut response = self.db.run(context, query, json!({"account": to_json(account, context)?})).await?;
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
        self.db.run(context, query, json!({"username": username, "change": to_json(change, context)?})).await?;
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
        self.db.run(context, query, vars).await?;
        Ok(true)
    }

    /// Tablets sharing an account sign in at once through different app servers after an
    /// outage; their writes to the account row race, and the loser tries again. The time
    /// kept is the latest, whichever write lands last.
    pub async fn record_sign_in(&self, username: &str, now_ms: i64) -> Result<(), DbError> {
        self.db
            .run_until_written(
                "recording a sign-in",
                "UPDATE account SET last_sign_in_ms = math::max([last_sign_in_ms ?? 0, $now]) WHERE username = $username;",
                json!({"username": username, "now": now_ms}),
            )
            .await
    }

    pub async fn create_session(&self, token_hash: &str, username: &str, now_ms: i64, expires_at_ms: i64) -> Result<(), DbError> {
        self.db.run(
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
        let joined: Option<Joined> = self.db.select_first("reading a session", &query, json!({"key": token_hash})).await?;
        Ok(joined.map(|joined| (joined.session, joined.account)))
    }

    pub async fn touch_session(&self, token_hash: &str, now_ms: i64) -> Result<(), DbError> {
        self.db
            .run_until_written(
                "marking a session used",
                "UPDATE type::record('session', $key) SET last_seen_ms = $now;",
                json!({"key": token_hash, "now": now_ms}),
            )
            .await
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), DbError> {
        self.db.run("deleting a session", "DELETE type::record('session', $key);", json!({"key": token_hash})).await.map(|_| ())
    }

    /// Signs the account out on every device.
    pub async fn delete_sessions_of(&self, username: &str) -> Result<(), DbError> {
        self.db
            .run("ending an account's sessions", "DELETE session WHERE username = $username;", json!({"username": username}))
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::province;
    use super::*;
    use chidao_core::domain::Role;

    #[tokio::test]
    async fn an_account_is_created_once_and_its_sessions_end_together() {
        let province = province().await;
        let people = &province.store.people;
        let again = AccountRow::new(
            "canbo.tinhha",
            "Người khác",
            &Roles::one(Role::Head),
            &province.lead,
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$b3RoZXI".to_owned(),
        );
        assert!(!people.create_account(&again).await.unwrap(), "a taken username is refused");
        assert_eq!(people.account("canbo.tinhha").await.unwrap().unwrap().display_name, "Cán bộ xã Tịnh Hà");

        people.create_session("phien-1", "canbo.tinhha", 1_000, 9_000).await.unwrap();
        people.create_session("phien-2", "canbo.tinhha", 2_000, 9_000).await.unwrap();
        let (session, account) = people.session("phien-1").await.unwrap().unwrap();
        assert_eq!((session.username.as_str(), session.expires_at_ms), ("canbo.tinhha", 9_000));
        assert_eq!(account.unwrap().unit, "XA-TINH-HA");
        people.touch_session("phien-1", 5_000).await.unwrap();
        assert_eq!(people.session("phien-1").await.unwrap().unwrap().0.last_seen_ms, 5_000);

        people.delete_sessions_of("canbo.tinhha").await.unwrap();
        assert!(people.session("phien-1").await.unwrap().is_none());
        assert!(people.session("phien-2").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_password_change_keeps_only_the_session_it_names() {
        let province = province().await;
        let people = &province.store.people;
        people.create_session("giu-lai", "canbo.tinhha", 1_000, 9_000).await.unwrap();
        people.create_session("bo-di", "canbo.tinhha", 1_000, 9_000).await.unwrap();
        assert!(people.set_password("canbo.tinhha", "$argon2id$v=19$new", false, Some("giu-lai")).await.unwrap());
        assert!(people.session("giu-lai").await.unwrap().is_some());
        assert!(people.session("bo-di").await.unwrap().is_none());
        assert_eq!(people.account("canbo.tinhha").await.unwrap().unwrap().password_hash, "$argon2id$v=19$new");
        assert!(!people.set_password("khong.co", "$argon2id$v=19$x", false, None).await.unwrap());
    }
}
