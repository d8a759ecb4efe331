//! Where a task stands for one unit, in the four states official Vietnamese task reports
//! use, and the "due soon" flag. Pure rules on Vietnam's calendar: the server's aggregates,
//! the dashboard and the exports all call [`standing`].

use super::Deadline;
use chrono::{DateTime, NaiveDate, Utc};

super::worded::worded_enum! {
    /// A task for one unit: done or not, and on time or not.
    pub enum TaskState {
        /// Hoàn thành đúng hạn: the last item was ticked on or before the last day.
        DoneOnTime = "done_on_time",
        /// Hoàn thành quá hạn: the last item was ticked after the last day.
        DoneLate = "done_late",
        /// Đang thực hiện trong hạn: not done, and the last day has not passed (or there is none).
        InProgress = "in_progress",
        /// Quá hạn: not done, and the last day has passed.
        Overdue = "overdue",
    }
}

super::worded::worded_enum! {
    /// What a task asks of a unit that carries it out.
    pub enum UnitRole {
        /// Chủ trì: the task names the unit as its lead.
        Lead = "lead",
        /// Phối hợp: the task names the unit among those coordinating.
        Coordinating = "coordinating",
        /// Assigned by the directive's author without being named in the task's text.
        Assigned = "assigned",
    }
}

impl UnitRole {
    pub fn of(task: &super::Task, unit: &super::UnitCode) -> Self {
        let names = |party: &super::Party| party.unit_code() == Some(unit);
        if names(&task.lead) {
            UnitRole::Lead
        } else if task.coordinating.iter().any(names) {
            UnitRole::Coordinating
        } else {
            UnitRole::Assigned
        }
    }
}

/// How many days ahead a deadline counts as due soon, unless configured otherwise.
pub const DUE_SOON_DAYS: u32 = 3;

/// A task for one unit as a report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub state: TaskState,
    /// Not done, and the last day on time is today or within the next `due_soon_days`.
    pub due_soon: bool,
    /// Whole Vietnamese days past the last day on time: for overdue work, now; for late
    /// work, when it was done. Zero otherwise.
    pub days_late: i64,
}

impl TaskState {
    pub fn is_done(self) -> bool {
        matches!(self, TaskState::DoneOnTime | TaskState::DoneLate)
    }
}

/// Where a task with `deadline` stands for a unit that finished it at `done_at` (the
/// moment its last open item was ticked, on the device's clock; `None` while any item is
/// open), seen at `now`.
///
/// A tick made offline before the deadline and synced after it is on time: `done_at` is
/// when the official did it, not when the server heard. Work done on the last day on time
/// is on time whatever the hour; a start date ("từ ngày …") is no deadline.
pub fn standing(deadline: Option<Deadline>, done_at: Option<DateTime<Utc>>, now: DateTime<Utc>, due_soon_days: u32) -> Standing {
    let last_day = deadline.and_then(|deadline| deadline.last_day_on_time());
    let days_past = |day: NaiveDate| last_day.map_or(0, |last| (day - last).num_days().max(0));
    match done_at {
        Some(done_at) => {
            let late = days_past(Deadline::today_in_vietnam(done_at));
            let state = if late > 0 { TaskState::DoneLate } else { TaskState::DoneOnTime };
            Standing { state, due_soon: false, days_late: late }
        }
        None => {
            let today = Deadline::today_in_vietnam(now);
            let late = days_past(today);
            let days_left = last_day.map(|last| (last - today).num_days());
            let due_soon = days_left.is_some_and(|left| (0..=i64::from(due_soon_days)).contains(&left));
            let state = if late > 0 { TaskState::Overdue } else { TaskState::InProgress };
            Standing { state, due_soon, days_late: late }
        }
    }
}

/// The instant a Vietnamese calendar day begins, in UTC.
pub fn vietnam_day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists every day");
    DateTime::<Utc>::from_naive_utc_and_offset(midnight, Utc) - chrono::Duration::seconds(i64::from(super::HO_CHI_MINH_OFFSET_SECONDS))
}

impl Deadline {
    /// The instant the work stops being on time: the start of the day after the last day
    /// on time, in Vietnam. `None` for a start date.
    pub fn due_end(&self) -> Option<DateTime<Utc>> {
        self.last_day_on_time().and_then(|last| last.succ_opt()).map(vietnam_day_start)
    }
}

/// [`standing`]'s calendar turned into instants, for a store that classifies many
/// assignments at once by comparing numbers: a task is due soon while `now < due_end <=
/// soon_end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub now_ms: i64,
    /// The start of the day after the last day that still counts as due soon.
    pub soon_end_ms: i64,
}

impl Thresholds {
    pub fn at(now: DateTime<Utc>, due_soon_days: u32) -> Self {
        let today = Deadline::today_in_vietnam(now);
        let soon_end = today + chrono::Days::new(u64::from(due_soon_days) + 1);
        Self { now_ms: now.timestamp_millis(), soon_end_ms: vietnam_day_start(soon_end).timestamp_millis() }
    }

    /// The state an assignment was in at `now_ms`, looking back: a tick made later did not
    /// exist yet. For the record of states over time.
    pub fn classify_then(self, due_end_ms: Option<i64>, done_at_ms: Option<i64>) -> TaskState {
        self.classify(due_end_ms, done_at_ms.filter(|done| *done < self.now_ms)).0
    }

    /// The state and the due-soon flag from instants alone: what a store's query computes
    /// for each assignment. Agrees with [`standing`] (a property test holds it to).
    pub fn classify(self, due_end_ms: Option<i64>, done_at_ms: Option<i64>) -> (TaskState, bool) {
        match (done_at_ms, due_end_ms) {
            (Some(done), Some(due)) if done >= due => (TaskState::DoneLate, false),
            (Some(_), _) => (TaskState::DoneOnTime, false),
            (None, Some(due)) if due <= self.now_ms => (TaskState::Overdue, false),
            (None, Some(due)) => (TaskState::InProgress, due <= self.soon_end_ms),
            (None, None) => (TaskState::InProgress, false),
        }
    }
}

/// The due ends ([`Deadline::due_end`]) of deadlines whose last day on time falls between
/// `from` and `to`, both kept and either open: the range of instants a store compares
/// with to filter work by its last day.
pub fn due_ends_between(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (Option<i64>, Option<i64>) {
    let start_of_day_after = |day: NaiveDate| day.succ_opt().map(|next| vietnam_day_start(next).timestamp_millis());
    (from.and_then(start_of_day_after), to.and_then(start_of_day_after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeadlineKind;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn no_later_than(y: i32, m: u32, d: u32) -> Option<Deadline> {
        Some(Deadline { date: date(y, m, d), kind: DeadlineKind::NoLaterThan })
    }

    #[test]
    fn the_last_day_ends_at_midnight_in_vietnam_not_in_utc() {
        let due = no_later_than(2022, 8, 30);
        // 16:59 UTC on the 30th is 23:59 in Vietnam: still the last day.
        assert_eq!(standing(due, Some(utc(2022, 8, 30, 16, 59)), utc(2022, 9, 5, 0, 0), 3).state, TaskState::DoneOnTime);
        // 17:00 UTC is midnight: the 31st in Vietnam.
        let late = standing(due, Some(utc(2022, 8, 30, 17, 0)), utc(2022, 9, 5, 0, 0), 3);
        assert_eq!((late.state, late.days_late), (TaskState::DoneLate, 1));
        assert_eq!(standing(due, None, utc(2022, 8, 30, 16, 59), 3).state, TaskState::InProgress);
        let overdue = standing(due, None, utc(2022, 8, 30, 17, 0), 3);
        assert_eq!((overdue.state, overdue.days_late), (TaskState::Overdue, 1));
    }

    #[test]
    fn a_tick_made_offline_before_the_deadline_is_on_time_whenever_it_syncs() {
        // Ticked on the device on the last day; the server heard a week later. Only the
        // device's time is given to the rule: the sync time cannot make it late.
        let due = Some(Deadline { date: date(2022, 8, 15), kind: DeadlineKind::Before });
        let ticked_offline = utc(2022, 8, 14, 10, 0);
        assert_eq!(standing(due, Some(ticked_offline), utc(2022, 8, 21, 3, 0), 3).state, TaskState::DoneOnTime);
    }

    #[test]
    fn before_a_date_ends_the_day_before_across_month_ends_and_leap_days() {
        let before_march = Some(Deadline { date: date(2024, 3, 1), kind: DeadlineKind::Before });
        assert_eq!(standing(before_march, Some(utc(2024, 2, 29, 16, 59)), utc(2024, 3, 9, 0, 0), 3).state, TaskState::DoneOnTime);
        assert_eq!(standing(before_march, Some(utc(2024, 2, 29, 17, 0)), utc(2024, 3, 9, 0, 0), 3).state, TaskState::DoneLate);
        let before_new_year = Some(Deadline { date: date(2023, 1, 1), kind: DeadlineKind::Before });
        assert_eq!(standing(before_new_year, None, utc(2022, 12, 31, 16, 0), 3).state, TaskState::InProgress);
        assert_eq!(standing(before_new_year, None, utc(2022, 12, 31, 17, 0), 3).state, TaskState::Overdue);
    }

    #[test]
    fn due_soon_counts_vietnamese_days_left_and_never_flags_done_or_overdue_work() {
        let due = no_later_than(2022, 8, 30);
        let at = |d: u32| utc(2022, 8, d, 3, 0);
        let flags: Vec<bool> = (25..=31).map(|d| standing(due, None, at(d), 3).due_soon).collect();
        assert_eq!(flags, [false, false, true, true, true, true, false]);
        assert!(!standing(due, Some(at(28)), at(29), 3).due_soon);
        assert!(!standing(due, None, at(29), 0).due_soon, "N = 0 flags only the last day itself");
        assert!(standing(due, None, at(30), 0).due_soon);
    }

    #[test]
    fn the_due_end_is_midnight_in_vietnam_after_the_last_day() {
        let before = Deadline { date: date(2024, 3, 1), kind: DeadlineKind::Before };
        assert_eq!(before.due_end(), Some(utc(2024, 2, 29, 17, 0)), "last day 29 February; the 1st starts at 17:00 UTC");
        let year_end = Deadline { date: date(2022, 12, 31), kind: DeadlineKind::ByEndOfYear };
        assert_eq!(year_end.due_end(), Some(utc(2022, 12, 31, 17, 0)));
        assert_eq!(Deadline { date: date(2022, 12, 1), kind: DeadlineKind::From }.due_end(), None);
    }

    #[test]
    fn a_start_date_or_no_deadline_is_never_late() {
        let start = Some(Deadline { date: date(2022, 12, 1), kind: DeadlineKind::From });
        for deadline in [start, None] {
            let open = standing(deadline, None, utc(2030, 1, 1, 0, 0), 3);
            assert_eq!((open.state, open.due_soon, open.days_late), (TaskState::InProgress, false, 0));
            assert_eq!(standing(deadline, Some(utc(2029, 1, 1, 0, 0)), utc(2030, 1, 1, 0, 0), 3).state, TaskState::DoneOnTime);
        }
    }

    fn any_deadline() -> impl Strategy<Value = Option<Deadline>> {
        let kind = prop::sample::select(DeadlineKind::ALL.to_vec());
        prop::option::of(
            (0i64..3000, kind).prop_map(|(day, kind)| Deadline { date: date(2020, 1, 1) + chrono::Days::new(day as u64), kind }),
        )
    }

    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..3000 * 86_400).prop_map(|seconds| utc(2020, 1, 1, 0, 0) + chrono::Duration::seconds(seconds))
    }

    proptest! {
        /// The four states are one partition: done or not by `done_at`, late or not by the
        /// last day in Vietnam, whatever the deadline kind, done time and now.
        #[test]
        fn exactly_one_state_agrees_with_the_calendar(
            deadline in any_deadline(),
            done_at in prop::option::of(any_instant()),
            now in any_instant(),
            soon in 0u32..10,
        ) {
            let got = standing(deadline, done_at, now, soon);
            let last = deadline.and_then(|d| d.last_day_on_time());
            prop_assert_eq!(got.state.is_done(), done_at.is_some());
            let judged = done_at.unwrap_or(now);
            let past = last.is_some_and(|last| Deadline::today_in_vietnam(judged) > last);
            let expected = match (done_at.is_some(), past) {
                (true, false) => TaskState::DoneOnTime,
                (true, true) => TaskState::DoneLate,
                (false, false) => TaskState::InProgress,
                (false, true) => TaskState::Overdue,
            };
            prop_assert_eq!(got.state, expected);
            prop_assert_eq!(got.days_late > 0, past);
            prop_assert!(!(got.due_soon && (got.state.is_done() || got.state == TaskState::Overdue)));
            if deadline.is_some_and(|d| d.is_overdue(now)) && done_at.is_none() {
                prop_assert_eq!(got.state, TaskState::Overdue, "the field page's overdue pill and the report agree");
            }
        }

        /// The instants a store compares give the same state and flag as the calendar rule.
        #[test]
        fn thresholds_classify_as_the_calendar_does(
            deadline in any_deadline(),
            done_at in prop::option::of(any_instant()),
            now in any_instant(),
            soon in 0u32..10,
        ) {
            let by_calendar = standing(deadline, done_at, now, soon);
            let due_end = deadline.and_then(|d| d.due_end()).map(|end| end.timestamp_millis());
            let by_instants = Thresholds::at(now, soon).classify(due_end, done_at.map(|at| at.timestamp_millis()));
            prop_assert_eq!(by_instants, (by_calendar.state, by_calendar.due_soon));
        }

        /// Filtering by due end picks exactly the work whose last day is in the range.
        #[test]
        fn a_range_of_due_ends_is_a_range_of_last_days(
            deadline in any_deadline(),
            from in prop::option::of(0u64..3000),
            to in prop::option::of(0u64..3000),
        ) {
            let day = |offset: u64| date(2020, 1, 1) + chrono::Days::new(offset);
            let (from, to) = (from.map(day), to.map(day));
            let (low, high) = due_ends_between(from, to);
            let due_end = deadline.and_then(|d| d.due_end()).map(|end| end.timestamp_millis());
            let by_instants = due_end.is_some_and(|end| low.is_none_or(|low| end >= low) && high.is_none_or(|high| end <= high));
            let last = deadline.and_then(|d| d.last_day_on_time());
            let by_days = last.is_some_and(|last| from.is_none_or(|from| last >= from) && to.is_none_or(|to| last <= to));
            prop_assert_eq!(by_instants, by_days);
        }
    }
}
