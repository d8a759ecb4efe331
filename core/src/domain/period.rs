//! Recurring work in periods. A recurring task's published checklist is a template; each
//! period (a week, month, quarter or year) gets its own copy of it, with its own deadline,
//! ticks and state. The copy's item ids are derived from the template item's id and the
//! period, so the tablet that opens a new period offline, the server that opens it on its
//! timer and a second tablet all make the very same items: there is nothing to
//! deduplicate.

use super::{ChecklistItem, Deadline, DeadlineKind, DomainError, Recurrence};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// How many periods of a recurring task are kept open, counting back from the current one:
/// two years of monthly reports. Older periods are not opened when a directive is
/// published late; what was opened stays.
pub const KEPT_PERIODS: usize = 24;

super::worded::worded_enum! {
    /// How long a period lasts.
    pub enum Cycle {
        Weekly = "weekly",
        Monthly = "monthly",
        Quarterly = "quarterly",
        Yearly = "yearly",
    }
}

impl Cycle {
    /// The largest day a recurrence of this cycle may name: a weekday (Monday is 1) for a
    /// week, a day of the month otherwise.
    pub fn last_named_day(self) -> u32 {
        if self == Cycle::Weekly {
            7
        } else {
            31
        }
    }
}

impl Recurrence {
    /// Reads `monthly:25`-like words into the cycle and the named day, if they are sound.
    pub fn read(raw: &str) -> Option<(Cycle, Option<u32>)> {
        let (cycle, day) = raw.split_once(':').map_or((raw, None), |(cycle, day)| (cycle, Some(day)));
        let cycle = Cycle::from_word(cycle)?;
        let day = match day {
            None => None,
            Some(day) => Some(day.parse::<u32>().ok().filter(|day| (1..=cycle.last_named_day()).contains(day))?),
        };
        Some((cycle, day))
    }

    /// The words [`Recurrence::read`] reads: `monthly:25`, `quarterly`.
    pub fn written(cycle: Cycle, day: Option<u32>) -> String {
        match day {
            Some(day) => format!("{}:{day}", cycle.as_str()),
            None => cycle.as_str().to_owned(),
        }
    }

    fn rule(&self) -> (Cycle, Option<u32>) {
        Self::read(self.as_str()).expect("a recurrence is validated when made")
    }

    pub fn cycle(&self) -> Cycle {
        self.rule().0
    }

    /// The period that holds `day`.
    pub fn period_of(&self, day: NaiveDate) -> Period {
        Period::holding(self.cycle(), day)
    }

    /// When a period's work is due: before the named day of the period's last month (or of
    /// its week), or by the period's last day when no day is named.
    pub fn deadline_in(&self, period: Period) -> Deadline {
        let (cycle, day) = self.rule();
        let Some(day) = day else { return Deadline { date: period.last_day(), kind: DeadlineKind::NoLaterThan } };
        let date = if cycle == Cycle::Weekly {
            period.first_day() + Duration::days(i64::from(day) - 1)
        } else {
            let last = period.last_day();
            let month_start = last.with_day(1).expect("every month has a first day");
            month_start + Duration::days(i64::from(day.min(last.day())) - 1)
        };
        Deadline { date, kind: DeadlineKind::Before }
    }

    /// Every period of work that started on `first` and runs to `through`, oldest first:
    /// from the one holding `first` to the one holding `through`.
    pub fn periods(&self, first: NaiveDate, through: NaiveDate) -> Vec<Period> {
        let cycle = self.cycle();
        let mut periods = Vec::new();
        if first > through {
            return periods;
        }
        let mut period = Period::holding(cycle, first);
        let last = Period::holding(cycle, through);
        while period <= last {
            periods.push(period);
            period = period.next();
        }
        periods
    }

    /// The periods to open for such work: the last [`KEPT_PERIODS`] of [`Self::periods`].
    pub fn periods_to_open(&self, first: NaiveDate, through: NaiveDate) -> Vec<Period> {
        let mut periods = self.periods(first, through);
        periods.drain(..periods.len().saturating_sub(KEPT_PERIODS));
        periods
    }
}

impl super::Task {
    /// When the work is due: in `period` for a recurring task's copy, otherwise the
    /// task's own deadline.
    pub fn deadline_in(&self, period: Option<Period>) -> Option<Deadline> {
        match (&self.recurrence, period) {
            (Some(recurrence), Some(period)) => Some(recurrence.deadline_in(period)),
            _ => self.deadline,
        }
    }
}

/// One period of recurring work, named as `2026-11` (a month), `2026-Q4`, `2026-W48` (an
/// ISO week) or `2026`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    pub cycle: Cycle,
    pub year: i32,
    /// The month (1–12), quarter (1–4) or ISO week (1–53); 1 for a year.
    pub number: u32,
}

impl Period {
    pub fn holding(cycle: Cycle, day: NaiveDate) -> Self {
        match cycle {
            Cycle::Weekly => {
                let week = day.iso_week();
                Period { cycle, year: week.year(), number: week.week() }
            }
            Cycle::Monthly => Period { cycle, year: day.year(), number: day.month() },
            Cycle::Quarterly => Period { cycle, year: day.year(), number: day.month0() / 3 + 1 },
            Cycle::Yearly => Period { cycle, year: day.year(), number: 1 },
        }
    }

    pub fn first_day(self) -> NaiveDate {
        let month_start = |month: u32| NaiveDate::from_ymd_opt(self.year, month, 1).expect("a checked period's month exists");
        match self.cycle {
            Cycle::Weekly => NaiveDate::from_isoywd_opt(self.year, self.number, Weekday::Mon).expect("a checked period's week exists"),
            Cycle::Monthly => month_start(self.number),
            Cycle::Quarterly => month_start((self.number - 1) * 3 + 1),
            Cycle::Yearly => month_start(1),
        }
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a period's last day exists")
    }

    pub fn next(self) -> Self {
        let after = match self.cycle {
            Cycle::Weekly => self.first_day() + Duration::days(7),
            Cycle::Monthly | Cycle::Quarterly | Cycle::Yearly => {
                let months = match self.cycle {
                    Cycle::Monthly => 1,
                    Cycle::Quarterly => 3,
                    _ => 12,
                };
                self.first_day().checked_add_months(chrono::Months::new(months)).expect("the calendar goes on")
            }
        };
        Period::holding(self.cycle, after)
    }

    pub fn previous(self) -> Self {
        Period::holding(self.cycle, self.first_day().pred_opt().expect("the calendar goes back"))
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let refuse = || DomainError::Invalid { field: "period", reason: format!("`{raw}` is not like 2026-11, 2026-Q4, 2026-W48 or 2026") };
        let (year, rest) = match raw.split_once('-') {
            Some((year, rest)) => (year, Some(rest)),
            None => (raw, None),
        };
        let year: i32 = year.parse().ok().filter(|year| (1900..=9999).contains(year)).ok_or_else(refuse)?;
        let number = |digits: &str, max: u32| digits.parse::<u32>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(refuse);
        let period = match rest {
            None => Period { cycle: Cycle::Yearly, year, number: 1 },
            Some(rest) if rest.starts_with('Q') => Period { cycle: Cycle::Quarterly, year, number: number(&rest[1..], 4)? },
            Some(rest) if rest.starts_with('W') => {
                let week = number(&rest[1..], 53)?;
                NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(refuse)?;
                Period { cycle: Cycle::Weekly, year, number: week }
            }
            Some(rest) if rest.len() == 2 => Period { cycle: Cycle::Monthly, year, number: number(rest, 12)? },
            Some(_) => return Err(refuse()),
        };
        // One spelling per period, so ids derived from it never differ.
        if period.to_string() != raw {
            return Err(refuse());
        }
        Ok(period)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cycle {
            Cycle::Weekly => write!(f, "{}-W{:02}", self.year, self.number),
            Cycle::Monthly => write!(f, "{}-{:02}", self.year, self.number),
            Cycle::Quarterly => write!(f, "{}-Q{}", self.year, self.number),
            Cycle::Yearly => write!(f, "{}", self.year),
        }
    }
}

impl TryFrom<String> for Period {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Period::parse(&raw)
    }
}

impl From<Period> for String {
    fn from(period: Period) -> Self {
        period.to_string()
    }
}

/// The namespace of derived item ids (a fixed random UUID; never change it, or ids made
/// before and after would differ).
const PERIOD_ITEM_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2b0e_93a4_4c57_a1d8_5e2f_0c9b_7d41);

impl ChecklistItem {
    /// The id of this template item's copy for `period`: a name-based UUID of the fixed
    /// namespace, the template's id and the period's name, hashed with SHA-256 (RFC 9562's
    /// version 8 form for name-based ids with a newer hash). SHA-256 rather than version
    /// 5's SHA-1 because the tablet already carries it for photo ids.
    pub fn id_in(template: Uuid, period: Period) -> Uuid {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(PERIOD_ITEM_NAMESPACE.as_bytes())
            .chain_update(template.as_bytes())
            .chain_update(period.to_string().as_bytes())
            .finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_custom_bytes(bytes).into_uuid()
    }

    /// This template item's copy for `period`: the same unit, label and place, nothing
    /// ticked or written yet.
    pub fn in_period(&self, period: Period) -> ChecklistItem {
        let mut copy = ChecklistItem::new(ChecklistItem::id_in(self.id, period), self.task, self.unit.clone(), "x", self.position)
            .expect("a placeholder label is valid");
        copy.label = self.label.clone();
        copy.period = Some(period);
        copy
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn recurrence(raw: &str) -> Recurrence {
        Recurrence::parse(raw).unwrap()
    }

    #[test]
    fn periods_are_named_one_way() {
        assert_eq!(Period::holding(Cycle::Monthly, date(2026, 11, 30)).to_string(), "2026-11");
        assert_eq!(Period::holding(Cycle::Quarterly, date(2026, 11, 30)).to_string(), "2026-Q4");
        assert_eq!(Period::holding(Cycle::Weekly, date(2026, 11, 30)).to_string(), "2026-W49");
        assert_eq!(Period::holding(Cycle::Weekly, date(2027, 1, 1)).to_string(), "2026-W53", "ISO weeks cross the new year");
        assert_eq!(Period::holding(Cycle::Yearly, date(2026, 11, 30)).to_string(), "2026");
        for wrong in ["2026-1", "2026-13", "2026-Q5", "2025-W53", "26", "2026-W7", "2026/11", ""] {
            assert!(Period::parse(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn a_named_day_is_due_before_it_in_the_periods_last_month() {
        let monthly = recurrence("monthly:25");
        assert_eq!(
            monthly.deadline_in(Period::parse("2026-11").unwrap()),
            Deadline { date: date(2026, 11, 25), kind: DeadlineKind::Before }
        );
        let on_31 = recurrence("monthly:31");
        assert_eq!(on_31.deadline_in(Period::parse("2024-02").unwrap()).date, date(2024, 2, 29), "a leap February's last day");
        let quarterly = recurrence("quarterly:20");
        assert_eq!(quarterly.deadline_in(Period::parse("2026-Q1").unwrap()).date, date(2026, 3, 20));
        let friday = recurrence("weekly:5");
        assert_eq!(friday.deadline_in(Period::parse("2026-W49").unwrap()).date, date(2026, 12, 4));
    }

    #[test]
    fn without_a_day_the_period_is_due_by_its_last_day() {
        let deadline = recurrence("quarterly").deadline_in(Period::parse("2026-Q4").unwrap());
        assert_eq!(deadline, Deadline { date: date(2026, 12, 31), kind: DeadlineKind::NoLaterThan });
        assert_eq!(recurrence("weekly").deadline_in(Period::parse("2026-W53").unwrap()).date, date(2027, 1, 3));
    }

    #[test]
    fn a_weekday_past_sunday_is_refused() {
        assert!(Recurrence::parse("weekly:8").is_err());
        assert!(Recurrence::parse("monthly:31").is_ok());
    }

    #[test]
    fn work_opens_every_period_since_it_started_keeping_the_last_two_years() {
        let monthly = recurrence("monthly:25");
        let names = |periods: Vec<Period>| periods.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(names(monthly.periods(date(2026, 9, 30), date(2026, 11, 2))), ["2026-09", "2026-10", "2026-11"]);
        assert_eq!(monthly.periods(date(2020, 1, 1), date(2026, 11, 2)).len(), 83);
        let long = monthly.periods_to_open(date(2020, 1, 1), date(2026, 11, 2));
        assert_eq!(long.len(), KEPT_PERIODS);
        assert_eq!(long.last().unwrap().to_string(), "2026-11");
        assert!(monthly.periods(date(2026, 12, 1), date(2026, 11, 2)).is_empty(), "work that has not started has no period");
    }

    #[test]
    fn a_copy_has_the_same_id_wherever_it_is_made() {
        let unit = crate::domain::testing::code("XA-1");
        let template = ChecklistItem::new(Uuid::from_u128(7), Uuid::from_u128(8), unit, "Báo cáo tháng", 1).unwrap();
        let period = Period::parse("2026-11").unwrap();
        let copy = template.in_period(period);
        assert_eq!(copy.id, template.in_period(period).id);
        assert_ne!(copy.id, template.in_period(period.next()).id);
        assert_eq!((copy.label.as_str(), copy.period, copy.done), ("Báo cáo tháng", Some(period), false));
    }

    fn any_cycle() -> impl Strategy<Value = Cycle> {
        prop_oneof![Just(Cycle::Weekly), Just(Cycle::Monthly), Just(Cycle::Quarterly), Just(Cycle::Yearly)]
    }

    proptest! {
        #[test]
        fn periods_tile_the_calendar(cycle in any_cycle(), days in 0i64..40_000) {
            let day = date(1950, 1, 1) + Duration::days(days);
            let period = Period::holding(cycle, day);
            prop_assert!(period.first_day() <= day && day <= period.last_day());
            prop_assert_eq!(period.next().first_day(), period.last_day().succ_opt().unwrap());
            prop_assert_eq!(period.next().previous(), period);
            prop_assert_eq!(Period::parse(&period.to_string()), Ok(period));
        }

        #[test]
        fn every_periods_deadline_falls_inside_it(cycle in any_cycle(), day in proptest::option::of(1u32..=31), days in 0i64..40_000) {
            let day = day.map(|day| if cycle == Cycle::Weekly { day % 7 + 1 } else { day });
            let raw = Recurrence::written(cycle, day);
            prop_assert_eq!(Recurrence::read(&raw), Some((cycle, day)));
            let recurrence = Recurrence::parse(&raw).unwrap();
            let period = recurrence.period_of(date(1950, 1, 1) + Duration::days(days));
            let deadline = recurrence.deadline_in(period);
            prop_assert!(period.first_day() <= deadline.date && deadline.date <= period.last_day());
        }
    }
}
