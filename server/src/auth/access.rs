//! The one place that decides who may read and change what. Routes and the sync service
//! ask here; none decides on its own.

use super::User;
use app::domain::{Role, UnitCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    Everything,
    Units(Vec<UnitCode>),
}

pub fn read_scope(user: &User) -> ReadScope {
    match user.role {
        Role::Supervisor => ReadScope::Everything,
        Role::Official => ReadScope::Units(vec![user.unit.clone()]),
    }
}

/// Officials change their own unit's checklist items only. Supervisors watch and assign;
/// they do not tick a commune's items for it.
pub fn may_change_item(user: &User, item_unit: &UnitCode) -> bool {
    match user.role {
        Role::Official => &user.unit == item_unit,
        Role::Supervisor => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, unit: &str) -> User {
        User { username: "u".into(), display_name: "U".into(), role, unit: UnitCode::parse(unit).unwrap() }
    }

    #[test]
    fn officials_change_and_read_only_their_own_unit() {
        let official = user(Role::Official, "XA-A");
        assert!(may_change_item(&official, &UnitCode::parse("XA-A").unwrap()));
        assert!(!may_change_item(&official, &UnitCode::parse("XA-B").unwrap()));
        assert_eq!(read_scope(&official), ReadScope::Units(vec![UnitCode::parse("XA-A").unwrap()]));
    }

    #[test]
    fn supervisors_read_everything_and_tick_nothing() {
        let supervisor = user(Role::Supervisor, "VP-UBND");
        assert_eq!(read_scope(&supervisor), ReadScope::Everything);
        assert!(!may_change_item(&supervisor, &UnitCode::parse("XA-A").unwrap()));
    }
}
