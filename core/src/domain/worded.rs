//! Enums whose variants each have one word: the same word in JSON, in the database, in CSV
//! files and in form values. The word is written once, beside its variant.

/// Declares the enum with `ALL`, `as_str` and `from_word`, and serde renames taken from
/// the same words.
macro_rules! worded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $word:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$variant_meta])* #[serde(rename = $word)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            pub fn from_word(word: &str) -> Option<Self> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Every word, for messages that say what is allowed.
            pub fn words() -> String {
                [$($word),+].join(", ")
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($word),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use worded_enum;

#[cfg(test)]
mod tests {
    use crate::domain::{DeadlineKind, Role, UnitKind};

    fn round_trips<T: Copy + PartialEq + std::fmt::Debug + serde::Serialize>(
        all: &[T],
        word: impl Fn(T) -> &'static str,
        back: impl Fn(&str) -> Option<T>,
    ) {
        for &value in all {
            assert_eq!(back(word(value)), Some(value));
            assert_eq!(serde_json::to_value(value).unwrap(), serde_json::Value::String(word(value).into()));
        }
        assert_eq!(back("no such word"), None);
    }

    #[test]
    fn each_word_reads_back_as_its_variant_in_code_and_json() {
        round_trips(UnitKind::ALL, UnitKind::as_str, UnitKind::from_word);
        round_trips(DeadlineKind::ALL, DeadlineKind::as_str, DeadlineKind::from_word);
        round_trips(Role::ALL, Role::as_str, Role::from_word);
        assert_eq!(UnitKind::words(), "province, department, district, commune");
    }
}
