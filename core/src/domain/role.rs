//! People: the roles an account holds and the names they sign in with.

use super::DomainError;
use serde::{Deserialize, Serialize};

super::worded::worded_enum! {
    /// Who may do what; the rules themselves are in [`super::access`].
    pub enum Role {
        /// Works through their own unit's checklists.
        Official = "official",
        /// Heads a unit: works its checklists and follows every unit beneath it.
        Head = "head",
        /// Sees every unit, writes and assigns directives, settles conflicts.
        Supervisor = "supervisor",
        /// Keeps the unit tree and the accounts; sees no checklist through this role alone.
        Admin = "admin",
    }
}

impl Role {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        Role::from_word(text).ok_or_else(|| DomainError::Invalid { field: "role", reason: format!("unknown role `{text}`") })
    }
}

/// The roles of one account: at least one, each once, in a fixed order so that two equal
/// sets compare and serialise alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "Vec<Role>")]
pub struct Roles(Vec<Role>);

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Result<Self, DomainError> {
        let mut roles: Vec<Role> = roles.into_iter().collect();
        roles.sort_unstable();
        roles.dedup();
        if roles.is_empty() {
            return Err(DomainError::Empty { field: "roles" });
        }
        Ok(Self(roles))
    }

    pub fn one(role: Role) -> Self {
        Self(vec![role])
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
}

impl From<Roles> for Vec<Role> {
    fn from(roles: Roles) -> Self {
        roles.0
    }
}

/// Sessions saved in browsers before accounts could hold several roles carry a single
/// `"role"` string; those still open offline after an update.
impl<'de> Deserialize<'de> for Roles {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(Role),
            Many(Vec<Role>),
        }
        let roles = match OneOrMany::deserialize(deserializer)? {
            OneOrMany::One(role) => vec![role],
            OneOrMany::Many(roles) => roles,
        };
        Roles::new(roles).map_err(serde::de::Error::custom)
    }
}

/// A sign-in name: lower-case ASCII letters, digits, `.`, `_` and `-`, starting with a
/// letter or digit, so it reads the same on every keyboard and is safe as a record key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let field = "username";
        let raw = raw.trim();
        super::text::present_within(field, raw, Self::MAX_LEN)?;
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
        if !raw.chars().all(allowed) || !raw.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(DomainError::Invalid {
                field,
                reason: "use lower-case letters a-z, digits, '.', '_' or '-', starting with a letter or digit".into(),
            });
        }
        Ok(Self(raw.to_owned()))
    }
}

super::text::validated_string!(Username);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_a_non_empty_ordered_set() {
        let roles = Roles::new([Role::Admin, Role::Official, Role::Admin]).unwrap();
        assert_eq!(Vec::from(roles.clone()), vec![Role::Official, Role::Admin]);
        assert!(roles.has(Role::Admin) && !roles.has(Role::Supervisor));
        assert!(Roles::new([]).is_err());
        assert_eq!(serde_json::to_string(&roles).unwrap(), r#"["official","admin"]"#);
    }

    #[test]
    fn roles_read_a_single_legacy_role_and_refuse_an_empty_list() {
        assert_eq!(serde_json::from_str::<Roles>(r#""head""#).unwrap(), Roles::one(Role::Head));
        assert_eq!(serde_json::from_str::<Roles>(r#"["supervisor","head"]"#).unwrap(), Roles::new([Role::Head, Role::Supervisor]).unwrap());
        assert!(serde_json::from_str::<Roles>("[]").is_err());
        assert!(serde_json::from_str::<Roles>(r#"["king"]"#).is_err());
        for &role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
    }

    #[test]
    fn usernames_are_plain_lower_case_ascii() {
        assert_eq!(Username::parse("  nguyen.van-a_2 ").unwrap().as_str(), "nguyen.van-a_2");
        for bad in ["", "Admin", "nguyễn", "a b", ".hidden", "x'; DROP", &"a".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
    }
}
