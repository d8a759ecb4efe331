//! The server's one door to the access rules in `app::domain::access`: every route, the
//! sync push (per change), the pull (its scope) and photo reads ask here with the
//! signed-in user; none decides on its own.

use super::User;
use crate::db::{DbError, Store};
use app::domain::access;
pub use app::domain::access::{Action, ReadScope};

/// What `user` may read; heads need the unit tree, so this asks the store.
pub async fn read_scope(store: &Store, user: &User) -> Result<ReadScope, DbError> {
    let units = if access::needs_unit_tree(&user.roles) { store.units().await? } else { Vec::new() };
    Ok(access::read_scope(&user.roles, &user.unit, &units))
}

/// `Ok(true)` when `user` may do `action`.
pub async fn authorize(store: &Store, user: &User, action: Action<'_>) -> Result<bool, DbError> {
    let units = if action.needs_unit_tree() && access::needs_unit_tree(&user.roles) { store.units().await? } else { Vec::new() };
    Ok(access::permits(&user.roles, &user.unit, &units, action))
}
