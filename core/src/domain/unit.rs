use super::{BoundedText, DomainError};
use serde::{Deserialize, Serialize};

/// A unit's short code, e.g. `SO-YT` or `XA-BINH-CHAU`: upper-case ASCII letters, digits
/// and dashes, so it is safe in URLs, record keys and CSV files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub const MAX_LEN: usize = 40;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let field = "unit code";
        super::text::present_within(field, raw, Self::MAX_LEN)?;
        let allowed = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-';
        if !raw.chars().all(allowed) || raw.starts_with('-') || raw.ends_with('-') {
            return Err(DomainError::Invalid { field, reason: format!("`{raw}` may hold only A-Z, 0-9 and inner dashes") });
        }
        Ok(Self(raw.to_owned()))
    }
}

super::text::validated_string!(UnitCode);

super::worded::worded_enum! {
    pub enum UnitKind {
        Province = "province",
        Department = "department",
        District = "district",
        Commune = "commune",
    }
}

impl UnitKind {
    /// The word a Vietnamese unit file may use for the kind instead of the code.
    pub fn vietnamese_word(self) -> &'static str {
        match self {
            UnitKind::Province => "tỉnh",
            UnitKind::Department => "sở",
            UnitKind::District => "huyện",
            UnitKind::Commune => "xã",
        }
    }

    /// How many levels sit above a unit of this kind: the province 0, a commune 2.
    pub fn depth(self) -> usize {
        self.allowed_parent().map_or(0, |parent| parent.depth() + 1)
    }

    /// Which kind of unit may stand directly above this one. Departments and districts
    /// answer to the province; communes to a district.
    fn allowed_parent(self) -> Option<UnitKind> {
        match self {
            UnitKind::Province => None,
            UnitKind::Department | UnitKind::District => Some(UnitKind::Province),
            UnitKind::Commune => Some(UnitKind::District),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    pub code: UnitCode,
    pub name: BoundedText<{ Unit::NAME_MAX }>,
    pub kind: UnitKind,
    pub parent: Option<UnitCode>,
}

impl Unit {
    pub const NAME_MAX: usize = 200;

    /// `parent_kind` is the kind of the unit named as parent, looked up by the caller, so
    /// that the tree's shape is checked here and not in each importer.
    pub fn new(code: UnitCode, name: &str, kind: UnitKind, parent: Option<(UnitCode, UnitKind)>) -> Result<Self, DomainError> {
        let name = BoundedText::parse("unit name", name)?;
        let parent = match (kind.allowed_parent(), parent) {
            (None, None) => None,
            (None, Some(_)) => return Err(DomainError::Invalid { field: "parent", reason: "a province has no parent".into() }),
            (Some(_), None) => return Err(DomainError::Invalid { field: "parent", reason: format!("unit {code} needs a parent") }),
            (Some(expected), Some((parent_code, parent_kind))) => {
                if parent_kind != expected {
                    return Err(DomainError::Invalid {
                        field: "parent",
                        reason: format!("{code} cannot sit under a {parent_kind:?} unit"),
                    });
                }
                if parent_code == code {
                    return Err(DomainError::Invalid { field: "parent", reason: "a unit cannot be its own parent".into() });
                }
                Some(parent_code)
            }
        };
        Ok(Self { code, name, kind, parent })
    }
}

/// The units in the tree's order, each with its depth (the province 0): every unit right
/// after its parent, siblings by name. Units whose parent is missing come last, at depth 0.
pub fn tree_order(units: &[Unit]) -> Vec<(usize, &Unit)> {
    let mut ordered = Vec::with_capacity(units.len());
    let mut placed = std::collections::BTreeSet::new();
    let children = |parent: Option<&UnitCode>| {
        let mut below: Vec<&Unit> = units.iter().filter(|unit| unit.parent.as_ref() == parent).collect();
        below.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
        below
    };
    let mut stack: Vec<(usize, &Unit)> = children(None).into_iter().rev().map(|unit| (0, unit)).collect();
    while let Some((depth, unit)) = stack.pop() {
        if !placed.insert(&unit.code) {
            continue;
        }
        ordered.push((depth, unit));
        stack.extend(children(Some(&unit.code)).into_iter().rev().map(|child| (depth + 1, child)));
    }
    let mut orphans: Vec<&Unit> = units.iter().filter(|unit| !placed.contains(&unit.code)).collect();
    orphans.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    ordered.extend(orphans.into_iter().map(|unit| (0, unit)));
    ordered
}

impl Unit {
    /// Whether a person looking for `query` means this unit: words of its name in any case
    /// and either tone placement, its code, or its initials after the kind ("Sở TTTT",
    /// "tttt" for "Sở Thông tin và Truyền thông").
    pub fn answers_to(&self, query: &str) -> bool {
        let query = super::text::fold_str(query.trim());
        if query.is_empty() {
            return true;
        }
        let name = super::text::fold_str(self.name.as_str());
        let mut words = name.split_whitespace().filter(|word| *word != "và");
        let kind_word = words.next().unwrap_or_default();
        let abbreviated: String =
            std::iter::once(kind_word).chain(words.filter_map(|word| word.get(..word.chars().next()?.len_utf8()))).collect();
        let compact = |text: &str| text.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
        name.contains(&query) || self.code.as_str().to_lowercase().contains(&query) || compact(&abbreviated).contains(&compact(&query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_lists_each_unit_after_its_parent_with_its_depth() {
        let unit = |raw: &str, name: &str, kind, parent: Option<(&str, UnitKind)>| {
            Unit::new(code(raw), name, kind, parent.map(|(p, k)| (code(p), k))).unwrap()
        };
        let units = vec![
            unit("XA-B", "UBND xã B", UnitKind::Commune, Some(("HUYEN-A", UnitKind::District))),
            unit("SO-YT", "Sở Y tế", UnitKind::Department, Some(("TINH", UnitKind::Province))),
            unit("TINH", "UBND tỉnh", UnitKind::Province, None),
            unit("HUYEN-A", "UBND huyện A", UnitKind::District, Some(("TINH", UnitKind::Province))),
            unit("XA-A", "UBND xã A", UnitKind::Commune, Some(("HUYEN-A", UnitKind::District))),
        ];
        let order: Vec<(usize, &str)> = tree_order(&units).into_iter().map(|(depth, unit)| (depth, unit.code.as_str())).collect();
        assert_eq!(order, [(0, "TINH"), (1, "SO-YT"), (1, "HUYEN-A"), (2, "XA-A"), (2, "XA-B")]);
    }

    #[test]
    fn a_unit_is_found_by_words_of_its_name_its_code_or_its_initials() {
        let unit =
            Unit::new(code("SO-TTTT"), "Sở Thông tin và Truyền thông", UnitKind::Department, Some((code("TINH"), UnitKind::Province)))
                .unwrap();
        for query in ["truyền", "THÔNG TIN", "so-tttt", "Sở TTTT", "tttt", "Sở TT&TT", "", "  "] {
            assert!(unit.answers_to(query), "{query}");
        }
        for query in ["Sở Y tế", "xã", "TNMT"] {
            assert!(!unit.answers_to(query), "{query}");
        }
        let commune =
            Unit::new(code("XA-AN-HOA"), "UBND xã An Hòa", UnitKind::Commune, Some((code("HUYEN-A"), UnitKind::District))).unwrap();
        assert!(commune.answers_to("an hoà"), "either tone placement");
    }

    use crate::domain::testing::code;

    #[test]
    fn unit_codes_are_upper_case_ascii_with_inner_dashes() {
        assert!(UnitCode::parse("SO-TTTT").is_ok());
        assert!(UnitCode::parse("so-tttt").is_err());
        assert!(UnitCode::parse("-SO").is_err());
        assert!(UnitCode::parse("SỞ").is_err());
        assert!(UnitCode::parse("").is_err());
        assert!(UnitCode::parse(&"A".repeat(41)).is_err());
    }

    #[test]
    fn unit_code_deserialisation_validates() {
        assert!(serde_json::from_str::<UnitCode>("\"XA-1\"").is_ok());
        assert!(serde_json::from_str::<UnitCode>("\"x a\"").is_err());
    }

    #[test]
    fn a_kind_is_as_deep_as_the_kinds_above_it() {
        let depths: Vec<usize> =
            [UnitKind::Province, UnitKind::Department, UnitKind::District, UnitKind::Commune].map(UnitKind::depth).into();
        assert_eq!(depths, [0, 1, 1, 2]);
    }

    #[test]
    fn a_commune_hangs_under_a_district() {
        let commune = Unit::new(code("XA-A"), "Xã A", UnitKind::Commune, Some((code("HUYEN-B"), UnitKind::District)));
        assert!(commune.is_ok());
        let wrong = Unit::new(code("XA-A"), "Xã A", UnitKind::Commune, Some((code("TINH"), UnitKind::Province)));
        assert!(wrong.is_err());
    }

    #[test]
    fn only_the_province_has_no_parent() {
        assert!(Unit::new(code("TINH"), "UBND tỉnh", UnitKind::Province, None).is_ok());
        assert!(Unit::new(code("SO-YT"), "Sở Y tế", UnitKind::Department, None).is_err());
        let province_with_parent = Unit::new(code("TINH"), "UBND tỉnh", UnitKind::Province, Some((code("X"), UnitKind::Province)));
        assert!(province_with_parent.is_err());
    }
}
