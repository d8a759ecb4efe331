//! The server's one door to the access rules in `chidao_core::domain::access`: every route, the
//! sync push (per change), the pull (its scope) and photo reads ask here with the
//! signed-in user; none decides on its own.

use super::User;
use crate::db::{DbError, UnitStore};
pub use chidao_core::domain::access::{Action, ReadScope};
use chidao_core::domain::{access, Unit};

/// One user's questions within one request. The unit tree (needed for heads) is read
/// at most once, however many items a push or a review queue asks about.
pub struct Access<'a> {
    units: &'a UnitStore,
    user: &'a User,
    tree: Option<Vec<Unit>>,
}

impl<'a> Access<'a> {
    pub fn new(units: &'a UnitStore, user: &'a User) -> Self {
        Self { units, user, tree: None }
    }

    async fn tree(&mut self) -> Result<&[Unit], DbError> {
        if self.tree.is_none() {
            self.tree = Some(self.units.units().await?);
        }
        Ok(self.tree.as_deref().unwrap_or_default())
    }

    /// `Ok(true)` when the user may do `action`.
    pub async fn permits(&mut self, action: Action<'_>) -> Result<bool, DbError> {
        let user = self.user;
        let units = if action.needs_unit_tree() && access::needs_unit_tree(&user.roles) { self.tree().await? } else { &[] };
        Ok(access::permits(&user.roles, &user.unit, units, action))
    }

    /// What the user may read.
    pub async fn read_scope(&mut self) -> Result<ReadScope, DbError> {
        let user = self.user;
        let units = if access::needs_unit_tree(&user.roles) { self.tree().await? } else { &[] };
        Ok(access::read_scope(&user.roles, &user.unit, units))
    }
}

/// A single question: `Ok(true)` when `user` may do `action`.
pub async fn authorize(units: &UnitStore, user: &User, action: Action<'_>) -> Result<bool, DbError> {
    Access::new(units, user).permits(action).await
}

/// What `user` may read.
pub async fn read_scope(units: &UnitStore, user: &User) -> Result<ReadScope, DbError> {
    Access::new(units, user).read_scope().await
}
