//! Accounts, passwords, sessions, and the one access function every path asks.

mod access;
mod password;

pub use access::{authorize, read_scope, Access, Action, ReadScope};
pub use password::{
    hash_password, hash_password_in_turn, temporary_password, verify_password, verify_password_in_turn, PasswordError, MIN_PASSWORD_CHARS,
};

use chidao_core::api::SessionInfo;
use chidao_core::domain::{Roles, UnitCode};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The signed-in person as the server sees them for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: String,
    pub display_name: String,
    pub roles: Roles,
    pub unit: UnitCode,
    /// Set by an admin's reset: until the password is changed, nothing else is allowed.
    pub must_change_password: bool,
}

impl User {
    /// The account as a user; a stored row that no longer parses is a server fault.
    pub fn from_row(account: crate::db::AccountRow) -> Result<User, crate::db::DbError> {
        let shape = |detail: chidao_core::domain::DomainError| crate::db::DbError::Shape {
            context: "reading an account",
            detail: detail.to_string(),
        };
        let roles =
            account.roles.iter().map(|role| chidao_core::domain::Role::parse(role)).collect::<Result<Vec<_>, _>>().map_err(shape)?;
        Ok(User {
            roles: Roles::new(roles).map_err(shape)?,
            unit: UnitCode::parse(&account.unit).map_err(shape)?,
            username: account.username,
            display_name: account.display_name,
            must_change_password: account.must_change_password,
        })
    }

    pub fn session_info(&self, unit_name: String) -> SessionInfo {
        SessionInfo {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            roles: self.roles.clone(),
            unit: self.unit.clone(),
            unit_name,
            must_change_password: self.must_change_password,
        }
    }
}

/// A new session token for the cookie (256 random bits, hex).
pub fn new_session_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// Sessions are stored under the token's hash, so a copy of the database holds no
/// usable cookie.
pub fn session_key(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Whether a stored session still stands at `now_ms`: not past its end, used within the
/// idle limit, and its account there and not disabled. One rule for every request and for
/// the live stream, which asks again while it stays open.
pub fn session_stands(session: &crate::db::SessionRow, account: Option<&crate::db::AccountRow>, idle_days: u32, now_ms: i64) -> bool {
    let idle_limit_ms = i64::from(idle_days) * 24 * 3600 * 1000;
    session.expires_at_ms > now_ms && now_ms - session.last_seen_ms < idle_limit_ms && account.is_some_and(|account| !account.disabled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_only_as_hashes() {
        let a = new_session_token();
        let b = new_session_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_ne!(session_key(&a), a);
        assert_eq!(session_key(&a), session_key(&a));
    }
}
