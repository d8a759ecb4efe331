//! Calendar dates on the wire and in browser storage as `YYYY-MM-DD`, written and read
//! here rather than by chrono's serde support: chrono's general parser and formatter
//! would otherwise sit in the offline shell (about 10 KB of wasm) for this one format.
//! The text is the same either way, so stored data and the server are unaffected.

use chrono::{Datelike, NaiveDate};
use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

/// For `#[serde(with = "iso_date")]`.
pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_args!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()))
}

/// For `#[serde(with = "iso_date")]`.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| D::Error::custom(format!("`{text}` is not a date written YYYY-MM-DD")))
}

/// For `#[serde(with = "iso_date::option")]`: an absent or null date is `None`.
pub mod option {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => super::serialize(date, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
        match <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)? {
            Some(text) => {
                super::parse(&text).map(Some).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date written YYYY-MM-DD")))
            }
            None => Ok(None),
        }
    }
}

/// A date written `YYYY-MM-DD` (four-digit year), if it names a real day.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |value, byte| byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0')))
    };
    NaiveDate::from_ymd_opt(i32::try_from(number(0..4)?).ok()?, number(5..7)?, number(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, Deserialize)]
    struct Dated {
        #[serde(with = "super")]
        on: NaiveDate,
    }

    #[test]
    fn reads_and_writes_what_chrono_does() {
        for (y, m, d) in [(2022, 8, 5), (2022, 12, 31), (2024, 2, 29), (1, 1, 1), (9999, 12, 31)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let ours = serde_json::to_string(&Dated { on: date }).unwrap();
            assert_eq!(ours, format!("{{\"on\":{}}}", serde_json::to_string(&date).unwrap()));
            assert_eq!(serde_json::from_str::<Dated>(&ours).unwrap().on, date);
        }
    }

    #[test]
    fn refuses_what_is_not_a_day() {
        for bad in
            ["2022-02-30", "2022-13-01", "2022-8-5", "22-08-05", "2022/08/05", "２０２２-08-05", "2022-08-0x", "", "2022-08-05T00:00"]
        {
            assert_eq!(parse(bad), None, "{bad}");
            let error = serde_json::from_str::<Dated>(&format!("{{\"on\":\"{bad}\"}}")).unwrap_err();
            assert!(error.to_string().contains("YYYY-MM-DD"), "{error}");
        }
        assert!(serde_json::from_str::<Dated>("{\"on\":20220805}").is_err());
    }
}
