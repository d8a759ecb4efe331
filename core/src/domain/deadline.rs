use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975, so a fixed offset is
/// exact for every date this app handles and spares the browser bundle a time-zone database.
pub const HO_CHI_MINH_OFFSET_SECONDS: i32 = 7 * 3600;

super::worded::worded_enum! {
    /// How a directive words its date, which decides when the task counts as overdue.
    pub enum DeadlineKind {
        /// "trước ngày 15/8/2022": due by the end of the day before.
        Before = "before",
        /// "chậm nhất ngày 30/8/2022": due by the end of that day.
        NoLaterThan = "no_later_than",
        /// "từ nay đến cuối năm 2022": due by the end of 31 December.
        ByEndOfYear = "by_end_of_year",
        /// "từ 01/12/2022": a start date, never overdue.
        From = "from",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    #[serde(with = "super::iso_date")]
    pub date: NaiveDate,
    pub kind: DeadlineKind,
}

impl Deadline {
    /// The calendar day it is now in Vietnam.
    pub fn today_in_vietnam(now: DateTime<Utc>) -> NaiveDate {
        let offset = FixedOffset::east_opt(HO_CHI_MINH_OFFSET_SECONDS).expect("UTC+7 is a valid offset");
        now.with_timezone(&offset).date_naive()
    }

    /// The last calendar day on which the work is still on time, if there is one.
    pub fn last_day_on_time(&self) -> Option<NaiveDate> {
        match self.kind {
            DeadlineKind::Before => self.date.pred_opt(),
            DeadlineKind::NoLaterThan | DeadlineKind::ByEndOfYear => Some(self.date),
            DeadlineKind::From => None,
        }
    }

    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.last_day_on_time().is_some_and(|last| Self::today_in_vietnam(now) > last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn vietnam_day_starts_at_17_utc() {
        let before_midnight = Utc.with_ymd_and_hms(2022, 8, 14, 16, 59, 59).unwrap();
        let after_midnight = Utc.with_ymd_and_hms(2022, 8, 14, 17, 0, 0).unwrap();
        assert_eq!(Deadline::today_in_vietnam(before_midnight), date(2022, 8, 14));
        assert_eq!(Deadline::today_in_vietnam(after_midnight), date(2022, 8, 15));
    }

    #[test]
    fn before_a_date_is_overdue_on_that_date_in_vietnam() {
        let deadline = Deadline { date: date(2022, 8, 15), kind: DeadlineKind::Before };
        assert!(!deadline.is_overdue(Utc.with_ymd_and_hms(2022, 8, 14, 16, 59, 0).unwrap()));
        assert!(deadline.is_overdue(Utc.with_ymd_and_hms(2022, 8, 14, 17, 0, 0).unwrap()));
    }

    #[test]
    fn no_later_than_includes_the_day_itself() {
        let deadline = Deadline { date: date(2022, 8, 30), kind: DeadlineKind::NoLaterThan };
        assert!(!deadline.is_overdue(Utc.with_ymd_and_hms(2022, 8, 30, 16, 0, 0).unwrap()));
        assert!(deadline.is_overdue(Utc.with_ymd_and_hms(2022, 8, 30, 17, 0, 0).unwrap()));
    }

    #[test]
    fn a_start_date_is_never_overdue() {
        let start = Deadline { date: date(2022, 12, 1), kind: DeadlineKind::From };
        assert!(!start.is_overdue(Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()));
    }
}
