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

/// Trimmed, non-empty text of at most `MAX` characters (characters, not bytes: Vietnamese
/// letters take two or three bytes each). Read from JSON through [`BoundedText::parse`]
/// too, so no way in skips its checks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct BoundedText<const MAX: usize>(String);

impl<const MAX: usize> BoundedText<MAX> {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, DomainError> {
        bounded(field, raw, MAX).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The checks of every [`BoundedText`], once for all limits (one copy in the bundle).
fn bounded(field: &'static str, raw: &str, max: usize) -> Result<String, DomainError> {
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
    Ok(trimmed.to_owned())
}

impl<'de, const MAX: usize> Deserialize<'de> for BoundedText<MAX> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse("text", &raw).map_err(serde::de::Error::custom)
    }
}

impl<const MAX: usize> std::fmt::Display for BoundedText<MAX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Vowel pairs whose tone mark old and new spelling put on different letters at the end
/// of a syllable: "uỷ"/"ủy", "hoà"/"hòa". Folded to one spelling so both match.
const TONE_PLACEMENT: [([char; 2], [char; 2]); 15] = [
    (['o', 'à'], ['ò', 'a']),
    (['o', 'á'], ['ó', 'a']),
    (['o', 'ả'], ['ỏ', 'a']),
    (['o', 'ã'], ['õ', 'a']),
    (['o', 'ạ'], ['ọ', 'a']),
    (['o', 'è'], ['ò', 'e']),
    (['o', 'é'], ['ó', 'e']),
    (['o', 'ẻ'], ['ỏ', 'e']),
    (['o', 'ẽ'], ['õ', 'e']),
    (['o', 'ẹ'], ['ọ', 'e']),
    (['u', 'ỳ'], ['ù', 'y']),
    (['u', 'ý'], ['ú', 'y']),
    (['u', 'ỷ'], ['ủ', 'y']),
    (['u', 'ỹ'], ['ũ', 'y']),
    (['u', 'ỵ'], ['ụ', 'y']),
];

/// The lower case of a letter of the scripts Vietnamese text is written in: ASCII,
/// Latin-1, Latin Extended-A (đ), ơ and ư, and Latin Extended Additional (the toned
/// vowels). Any other character is kept as it is. The standard library's full Unicode
/// table would put about 12 KB into the field page's download to lower letters no
/// directive uses.
fn lower(c: char) -> char {
    let code = u32::from(c);
    let even = code % 2 == 0;
    let lowered = match code {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => code + 0x20,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 | 0x1E00..=0x1E95 | 0x1EA0..=0x1EFF if even => code + 1,
        0x139..=0x148 | 0x179..=0x17E if !even => code + 1,
        0x178 => 0xFF,
        0x1A0 | 0x1AF => code + 1,
        0x1E9E => 0xDF,
        _ => code,
    };
    char::from_u32(lowered).unwrap_or(c)
}

/// Whether `c` is a letter of those scripts (see [`lower`]), either case.
fn is_letter(c: char) -> bool {
    matches!(u32::from(c), 0x41..=0x5A | 0x61..=0x7A | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x17F | 0x1A0 | 0x1A1 | 0x1AF | 0x1B0 | 0x1E00..=0x1EFF)
}

/// Lower case with one tone placement, character for character: `fold(s)[i]` stands for
/// `s.chars()[i]`.
pub fn fold(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().map(lower).collect();
    for index in 0..chars.len().saturating_sub(1) {
        let ends_syllable = chars.get(index + 2).is_none_or(|next| !is_letter(*next));
        // In "quý", "qu" is the consonant and the tone is where it belongs.
        let after_q = index > 0 && chars[index - 1] == 'q';
        if !ends_syllable || after_q {
            continue;
        }
        if let Some((_, new)) = TONE_PLACEMENT.iter().find(|(old, _)| chars[index..index + 2] == *old) {
            chars[index..index + 2].copy_from_slice(new);
        }
    }
    chars
}

pub fn fold_str(text: &str) -> String {
    fold(text).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_vietnamese_text() {
        let text = BoundedText::<10>::parse("name", "  Sở Y tế ").unwrap();
        assert_eq!(text.as_str(), "Sở Y tế");
    }

    #[test]
    fn both_tone_spellings_fold_alike_and_keep_their_length() {
        assert_eq!(fold_str("Uỷ ban"), fold_str("Ủy ban"));
        assert_eq!(fold_str("hoà bình"), fold_str("hòa bình"));
        assert_eq!(fold_str("hoàn thành"), "hoàn thành", "a tone inside a syllable stays");
        assert_eq!(fold("Thủy Lợi").len(), "Thủy Lợi".chars().count());
        assert_eq!(fold_str("quý I"), "quý i");
    }

    #[test]
    fn every_letter_lowers_as_unicode_says_and_every_other_character_is_kept() {
        let vietnamese = "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXYÀẢÃÁẠẰẲẴẮẶẦẨẪẤẬÈẺẼÉẸỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙỦŨÚỤỪỬỮỨỰỲỶỸÝỴ";
        for c in vietnamese.chars() {
            assert!(is_letter(c) && is_letter(lower(c)), "{c} is a letter");
            assert_ne!(lower(c), c, "{c} has a lower case");
        }
        for c in (0..0x2000).chain(0x1E00..0x1F00).filter_map(char::from_u32) {
            let mut unicode = c.to_lowercase();
            let (first, more) = (unicode.next().unwrap_or(c), unicode.next().is_some());
            if lower(c) != c {
                assert_eq!(lower(c), first, "U+{:04X}", u32::from(c));
            } else if is_letter(c) && !more {
                assert_eq!(first, c, "U+{:04X} is a letter of ours left upper case", u32::from(c));
            }
            if !is_letter(c) {
                assert_eq!(lower(c), c, "U+{:04X} is not ours to change", u32::from(c));
            }
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(BoundedText::<5>::parse("name", "Đường").is_ok());
        assert_eq!(BoundedText::<5>::parse("name", "Đường!"), Err(DomainError::TooLong { field: "name", max: 5 }));
    }

    #[test]
    fn json_is_read_through_the_same_checks() {
        assert_eq!(serde_json::from_str::<BoundedText<5>>("\" Đường \"").unwrap().as_str(), "Đường");
        for bad in ["\"Đường!\"", "\"  \"", "\"a\\u0000b\""] {
            assert!(serde_json::from_str::<BoundedText<5>>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_blank_and_control_characters() {
        assert_eq!(BoundedText::<5>::parse("name", " \n "), Err(DomainError::Empty { field: "name" }));
        assert!(BoundedText::<5>::parse("name", "a\u{0}b").is_err());
    }
}
