//! Who may read and change which unit's work. Pure, so the server enforces exactly what
//! the browser shows as editable.

use super::{Role, Roles, Unit, UnitCode};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    Everything,
    Units(BTreeSet<UnitCode>),
}

impl ReadScope {
    pub fn includes(&self, unit: &UnitCode) -> bool {
        match self {
            ReadScope::Everything => true,
            ReadScope::Units(units) => units.contains(unit),
        }
    }
}

/// `root` and every unit below it in `units`. A parent loop in bad data cannot make this
/// run forever: each unit is taken at most once.
pub fn subtree(root: &UnitCode, units: &[Unit]) -> BTreeSet<UnitCode> {
    let mut found = BTreeSet::from([root.clone()]);
    let mut frontier = vec![root.clone()];
    while let Some(parent) = frontier.pop() {
        for unit in units.iter().filter(|unit| unit.parent.as_ref() == Some(&parent)) {
            if found.insert(unit.code.clone()) {
                frontier.push(unit.code.clone());
            }
        }
    }
    found
}

/// Officials read their own unit; heads their unit and everything beneath it; supervisors
/// everything; an admin alone no checklist at all. Several roles read the widest of their
/// scopes. `units` is the whole unit tree.
pub fn read_scope(roles: &Roles, own_unit: &UnitCode, units: &[Unit]) -> ReadScope {
    if roles.has(Role::Supervisor) {
        ReadScope::Everything
    } else if roles.has(Role::Head) {
        ReadScope::Units(subtree(own_unit, units))
    } else if roles.has(Role::Official) {
        ReadScope::Units(BTreeSet::from([own_unit.clone()]))
    } else {
        ReadScope::Units(BTreeSet::new())
    }
}

/// Only the people of the unit an item belongs to tick it or write its note. A head
/// follows the units below but does not do their work for them; supervisors watch and
/// assign; admins keep the records of people, not of work.
pub fn may_change_item(roles: &Roles, own_unit: &UnitCode, item_unit: &UnitCode) -> bool {
    (roles.has(Role::Official) || roles.has(Role::Head)) && own_unit == item_unit
}

/// A head signs off the reports, and settles the conflicts, of their own unit and of every
/// unit beneath it.
pub fn may_sign_off_report(roles: &Roles, own_unit: &UnitCode, unit: &UnitCode, units: &[Unit]) -> bool {
    roles.has(Role::Head) && subtree(own_unit, units).contains(unit)
}

/// Province-wide reports and conflict review.
pub fn oversees_everything(roles: &Roles) -> bool {
    roles.has(Role::Supervisor)
}

/// The unit tree and the accounts.
pub fn administers(roles: &Roles) -> bool {
    roles.has(Role::Admin)
}

/// Everything a request can ask to do, for [`permits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// See a unit's checklists, notes and photos.
    ReadUnit(&'a UnitCode),
    /// Tick an item, write its note, attach a photo.
    ChangeItemOf(&'a UnitCode),
    /// Sign off that a unit's report on a task is done.
    SignOffReport(&'a UnitCode),
    /// Open the conflict review at all (supervisors, and heads for the units below them).
    ReviewConflicts,
    /// Settle a conflict on an item of this unit.
    ReviewItemOf(&'a UnitCode),
    /// Province-wide progress.
    OverseeProvince,
    /// Follow where the work of one's units stands (the dashboard).
    FollowWork,
    /// Write, import and edit directives.
    WriteDirectives,
    /// Work through checklists in the field: one's own unit's (officials) or those below
    /// (heads, who follow them and sign off).
    FieldWork,
    /// The unit tree and the accounts.
    Administer,
}

impl Action<'_> {
    pub fn needs_unit_tree(&self) -> bool {
        matches!(self, Action::ReadUnit(_) | Action::SignOffReport(_) | Action::ReviewItemOf(_))
    }
}

/// Whether [`read_scope`] for these roles depends on the unit tree (so callers fetch it
/// only then).
pub fn needs_unit_tree(roles: &Roles) -> bool {
    roles.has(Role::Head) && !roles.has(Role::Supervisor)
}

/// The one answer to "may this person do this": every path of the server asks here.
pub fn permits(roles: &Roles, own_unit: &UnitCode, units: &[Unit], action: Action<'_>) -> bool {
    match action {
        Action::ReadUnit(unit) => read_scope(roles, own_unit, units).includes(unit),
        Action::ChangeItemOf(unit) => may_change_item(roles, own_unit, unit),
        Action::SignOffReport(unit) => may_sign_off_report(roles, own_unit, unit, units),
        Action::ReviewConflicts => roles.has(Role::Supervisor) || roles.has(Role::Head),
        Action::ReviewItemOf(unit) => roles.has(Role::Supervisor) || may_sign_off_report(roles, own_unit, unit, units),
        Action::OverseeProvince | Action::WriteDirectives => oversees_everything(roles),
        Action::FieldWork => roles.has(Role::Official) || roles.has(Role::Head),
        Action::FollowWork => roles.has(Role::Supervisor) || roles.has(Role::Head),
        Action::Administer => administers(roles),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UnitKind;

    use crate::domain::testing::code;

    fn tree() -> Vec<Unit> {
        let province = Unit::new(code("TINH"), "Tỉnh", UnitKind::Province, None).unwrap();
        let district = |c: &str| Unit::new(code(c), c, UnitKind::District, Some((code("TINH"), UnitKind::Province))).unwrap();
        let commune = |c: &str, d: &str| Unit::new(code(c), c, UnitKind::Commune, Some((code(d), UnitKind::District))).unwrap();
        vec![
            province,
            district("HUYEN-A"),
            district("HUYEN-B"),
            commune("XA-A1", "HUYEN-A"),
            commune("XA-A2", "HUYEN-A"),
            commune("XA-B1", "HUYEN-B"),
        ]
    }

    #[test]
    fn a_head_reads_their_unit_and_everything_below_it() {
        let scope = read_scope(&Roles::one(Role::Head), &code("HUYEN-A"), &tree());
        assert_eq!(scope, ReadScope::Units(["HUYEN-A", "XA-A1", "XA-A2"].into_iter().map(code).collect()));
        assert!(!scope.includes(&code("XA-B1")));
        assert!(!scope.includes(&code("TINH")));
    }

    #[test]
    fn the_province_head_reads_the_whole_tree() {
        let ReadScope::Units(units) = read_scope(&Roles::one(Role::Head), &code("TINH"), &tree()) else {
            panic!("a head has a unit scope")
        };
        assert_eq!(units.len(), 6);
    }

    #[test]
    fn officials_read_only_their_unit_and_supervisors_everything() {
        assert_eq!(read_scope(&Roles::one(Role::Official), &code("XA-A1"), &tree()), ReadScope::Units(BTreeSet::from([code("XA-A1")])));
        assert_eq!(read_scope(&Roles::one(Role::Supervisor), &code("TINH"), &tree()), ReadScope::Everything);
    }

    #[test]
    fn only_the_items_own_unit_changes_it() {
        assert!(may_change_item(&Roles::one(Role::Official), &code("XA-A1"), &code("XA-A1")));
        assert!(!may_change_item(&Roles::one(Role::Official), &code("XA-A1"), &code("XA-A2")));
        assert!(may_change_item(&Roles::one(Role::Head), &code("HUYEN-A"), &code("HUYEN-A")));
        assert!(!may_change_item(&Roles::one(Role::Head), &code("HUYEN-A"), &code("XA-A1")), "heads follow, communes tick");
        assert!(!may_change_item(&Roles::one(Role::Supervisor), &code("TINH"), &code("XA-A1")));
    }

    #[test]
    fn the_pages_a_person_opens_follow_their_roles() {
        let may = |roles: &[Role], action: Action| permits(&Roles::new(roles.iter().copied()).unwrap(), &code("XA-A1"), &tree(), action);
        assert!(may(&[Role::Official], Action::FieldWork) && may(&[Role::Head], Action::FieldWork));
        assert!(!may(&[Role::Supervisor], Action::FieldWork) && !may(&[Role::Admin], Action::FieldWork));
        assert!(may(&[Role::Supervisor], Action::WriteDirectives) && may(&[Role::Supervisor], Action::OverseeProvince));
        for role in [Role::Official, Role::Head, Role::Admin] {
            assert!(!may(&[role], Action::WriteDirectives), "{role:?}");
        }
        assert!(
            may(&[Role::Official, Role::Supervisor], Action::FieldWork)
                && may(&[Role::Official, Role::Supervisor], Action::WriteDirectives)
        );
    }

    #[test]
    fn several_roles_read_the_widest_scope_and_admins_alone_read_nothing() {
        let admin = Roles::one(Role::Admin);
        assert_eq!(read_scope(&admin, &code("TINH"), &tree()), ReadScope::Units(BTreeSet::new()));
        assert!(!may_change_item(&admin, &code("XA-A1"), &code("XA-A1")));
        assert!(administers(&admin) && !oversees_everything(&admin));
        let head_and_admin = Roles::new([Role::Admin, Role::Head]).unwrap();
        assert_eq!(
            read_scope(&head_and_admin, &code("HUYEN-B"), &tree()),
            ReadScope::Units(["HUYEN-B", "XA-B1"].into_iter().map(code).collect())
        );
        let supervisor_and_official = Roles::new([Role::Official, Role::Supervisor]).unwrap();
        assert_eq!(read_scope(&supervisor_and_official, &code("XA-A1"), &tree()), ReadScope::Everything);
        assert!(may_change_item(&supervisor_and_official, &code("XA-A1"), &code("XA-A1")));
    }

    #[test]
    fn heads_sign_off_reports_below_them_and_nobody_else_does() {
        let head = Roles::one(Role::Head);
        assert!(permits(&head, &code("HUYEN-A"), &tree(), Action::SignOffReport(&code("XA-A1"))));
        assert!(permits(&head, &code("HUYEN-A"), &tree(), Action::SignOffReport(&code("HUYEN-A"))));
        assert!(!permits(&head, &code("HUYEN-A"), &tree(), Action::SignOffReport(&code("XA-B1"))));
        for other in [Role::Official, Role::Supervisor, Role::Admin] {
            assert!(!permits(&Roles::one(other), &code("HUYEN-A"), &tree(), Action::SignOffReport(&code("XA-A1"))), "{other:?}");
        }
    }

    #[test]
    fn heads_review_conflicts_below_them_and_supervisors_everywhere() {
        let head = Roles::one(Role::Head);
        assert!(permits(&head, &code("HUYEN-A"), &tree(), Action::ReviewItemOf(&code("XA-A2"))));
        assert!(!permits(&head, &code("HUYEN-A"), &tree(), Action::ReviewItemOf(&code("XA-B1"))));
        assert!(permits(&Roles::one(Role::Supervisor), &code("TINH"), &tree(), Action::ReviewItemOf(&code("XA-B1"))));
        assert!(!permits(&Roles::one(Role::Official), &code("XA-A1"), &tree(), Action::ReviewConflicts));
    }

    #[test]
    fn a_parent_loop_in_bad_data_ends() {
        let mut units = tree();
        units[0].parent = Some(code("XA-A1"));
        assert_eq!(subtree(&code("HUYEN-A"), &units).len(), 6);
    }
}
