use super::DomainError;
use serde::{Deserialize, Serialize};

/// The conversions every validated string type shares. Serde goes through `parse` (via
/// `TryFrom<String>`), so a bad value never deserialises.
macro_rules! validated_string {
    ($name:ident) => {
        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use validated_string;

/// The first check of every short code (unit code, username, document number): present,
/// and no longer than `max` characters.
pub(crate) fn present_within(field: &'static str, raw: &str, max: usize) -> Result<(), DomainError> {
    if raw.is_empty() {
        return Err(DomainError::Empty { field });
    }
    if raw.chars().count() > max {
        return Err(DomainError::TooLong { field, max });
    }
    Ok(())
}

/// Trimmed, non-empty text of at most `max` characters (characters, not bytes: Vietnamese
/// letters take two or three bytes each).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BoundedText(String);

impl BoundedText {
    pub fn parse(field: &'static str, raw: &str, max: usize) -> Result<Self, DomainError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(DomainError::Empty { field });
        }
        if trimmed.chars().count() > max {
            return Err(DomainError::TooLong { field, max });
        }
        if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(DomainError::Invalid { field, reason: "contains control characters".into() });
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for BoundedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_vietnamese_text() {
        let text = BoundedText::parse("name", "  Sở Y tế ", 10).unwrap();
        assert_eq!(text.as_str(), "Sở Y tế");
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(BoundedText::parse("name", "Đường", 5).is_ok());
        assert_eq!(BoundedText::parse("name", "Đường!", 5), Err(DomainError::TooLong { field: "name", max: 5 }));
    }

    #[test]
    fn refuses_blank_and_control_characters() {
        assert_eq!(BoundedText::parse("name", " \n ", 5), Err(DomainError::Empty { field: "name" }));
        assert!(BoundedText::parse("name", "a\u{0}b", 5).is_err());
    }
}
