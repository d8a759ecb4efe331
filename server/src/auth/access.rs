//! The server's door to the access rules in `app::domain::access`: every route and the
//! sync service ask here, with the signed-in user, and none decides on its own.

use super::User;
use crate::db::{DbError, Store};
use app::domain::access;
use app::domain::UnitCode;

pub use access::ReadScope;

/// What `user` may read; heads need the unit tree, so this asks the store.
pub async fn read_scope(store: &Store, user: &User) -> Result<ReadScope, DbError> {
    Ok(match user.role {
        app::domain::Role::Head => access::read_scope(user.role, &user.unit, &store.units().await?),
        role => access::read_scope(role, &user.unit, &[]),
    })
}

pub fn may_change_item(user: &User, item_unit: &UnitCode) -> bool {
    access::may_change_item(user.role, &user.unit, item_unit)
}

pub fn oversees_everything(user: &User) -> bool {
    access::oversees_everything(user.role)
}
