//! Numbers, sizes, dates and times written as the reader writes them. By hand rather than
//! with chrono's format strings or the float printer, which would bring their parsers and
//! tables into the browser bundle.

use crate::domain::HO_CHI_MINH_OFFSET_SECONDS;

/// Bytes as people read them, e.g. `12 KB`, `3.4 MB`. In whole numbers: formatting a
/// float would bring the float printer (about 14 KB) into the offline shell.
pub fn human_size(bytes: f64) -> String {
    const KB: u64 = 1024;
    let bytes = bytes.max(0.0).round() as u64;
    let rounded_div = |value: u64, by: u64| (value + by / 2) / by;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < KB * KB {
        format!("{} KB", rounded_div(bytes, KB))
    } else {
        let tenths = rounded_div(bytes * 10, KB * KB);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// A date as people in Vietnam write it, e.g. `15/08/2022`. Written out by hand: chrono's
/// format strings bring their parser into the browser bundle.
pub fn vietnam_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// A time as people in Vietnam read it, e.g. `14:05:09 26/11/2026`.
pub fn vietnam_time(at_ms: i64) -> String {
    use chrono::Timelike;
    let offset = chrono::FixedOffset::east_opt(HO_CHI_MINH_OFFSET_SECONDS).expect("UTC+7 is valid");
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|at| at.with_timezone(&offset))
        .map(|at| format!("{:02}:{:02}:{:02} {}", at.hour(), at.minute(), at.second(), vietnam_date(at.date_naive())))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(512.0), "512 B");
        assert_eq!(human_size(13_000.0), "13 KB");
        assert_eq!(human_size(3.5 * 1024.0 * 1024.0), "3.5 MB");
        assert_eq!(human_size(1023.6), "1 KB");
        assert_eq!(human_size(2.0 * 1024.0 * 1024.0 - 1.0), "2.0 MB");
        assert_eq!(human_size(-3.0), "0 B");
    }

    #[test]
    fn times_read_in_vietnam() {
        // 2022-08-14T17:00:00Z is midnight on the 15th in Hồ Chí Minh City.
        assert_eq!(vietnam_time(1_660_496_400_000), "00:00:00 15/08/2022");
        assert_eq!(vietnam_time(1_660_541_109_000), "12:25:09 15/08/2022");
        assert_eq!(vietnam_date(chrono::NaiveDate::from_ymd_opt(2022, 12, 1).unwrap()), "01/12/2022");
    }
}
