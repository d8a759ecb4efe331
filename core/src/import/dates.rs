//! Deadlines and recurrences as the summaries word them, resolved to calendar dates. A
//! month means its last day, a quarter its last day, "cuối năm" 31 December. A date that
//! belongs to a document ("Kế hoạch số 21/KH-UBND ngày 18/01/2022") is not a deadline:
//! only dates after a deadline phrase count. A date written without its year ("trước
//! ngày 28-10", "trong tháng 9") takes the year of the text's own date, or the next year
//! when that day has already passed by then; such a deadline is marked inferred.

use super::text::{number_at, skip_spaces, word_at};
use crate::domain::{Deadline, DeadlineKind};
use chrono::{Datelike, NaiveDate};

/// A day and month, with the year when written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Written {
    day: u32,
    month: u32,
    year: Option<i32>,
}

/// The first of `day`/`month` on or after `reference`.
fn next_on_or_after(day: u32, month: u32, reference: NaiveDate) -> Option<NaiveDate> {
    let this_year = NaiveDate::from_ymd_opt(reference.year(), month, day);
    match this_year {
        Some(date) if date >= reference => Some(date),
        _ => NaiveDate::from_ymd_opt(reference.year() + 1, month, day),
    }
}

/// The last `day`/`month` on or before `reference`: a text reports what was issued before it.
pub fn last_on_or_before(day: u32, month: u32, reference: NaiveDate) -> Option<NaiveDate> {
    match NaiveDate::from_ymd_opt(reference.year(), month, day) {
        Some(date) if date <= reference => Some(date),
        _ => NaiveDate::from_ymd_opt(reference.year() - 1, month, day),
    }
}

/// A date written `15/8/2022`, `15-8-2022`, `15.8.2022`, `15 tháng 8 năm 2022`, or
/// without its year: `28-10`, `10/11`, `28 tháng 10`.
fn written_date_at(folded: &[char], at: usize) -> Option<(Written, usize)> {
    let (day, end) = number_at(folded, at)?;
    if let Some(&separator) = folded.get(end).filter(|c| matches!(c, '/' | '-' | '.')) {
        let (month, end) = number_at(folded, end + 1)?;
        if folded.get(end) == Some(&separator) {
            let (year, end) = number_at(folded, end + 1)?;
            let year = if year < 100 { 2000 + year } else { year };
            return Some((Written { day, month, year: Some(year as i32) }, end));
        }
        // A year-less date stands alone: "01-5/8/2022" is a span of days, "10/11/" is cut.
        let stands_alone = folded.get(end).is_none_or(|c| !c.is_alphanumeric() && !matches!(c, '/' | '-' | '.'))
            || (folded.get(end) == Some(&'.') && folded.get(end + 1).is_none_or(|c| !c.is_ascii_digit()));
        // "từ 7-8 giờ" is a range of hours, not 7 August.
        let measure = ["giờ", "ngày", "tháng", "năm", "người", "lần", "km", "ha"]
            .iter()
            .any(|unit| word_at(folded, skip_spaces(folded, end), unit).is_some())
            || folded.get(skip_spaces(folded, end)) == Some(&'%');
        return (stands_alone && !measure && separator != '.').then_some((Written { day, month, year: None }, end));
    }
    let after_day = word_at(folded, skip_spaces(folded, end), "tháng")?;
    let (month, end) = number_at(folded, skip_spaces(folded, after_day))?;
    match word_at(folded, skip_spaces(folded, end), "năm") {
        Some(after_month) => {
            let (year, end) = number_at(folded, skip_spaces(folded, after_month))?;
            Some((Written { day, month, year: Some(year as i32) }, end))
        }
        None => Some((Written { day, month, year: None }, end)),
    }
}

/// A written date as a calendar day: its own year, or the one `reference` gives.
fn resolve(written: Written, reference: Option<NaiveDate>) -> Option<(NaiveDate, bool)> {
    if !(1..=12).contains(&written.month) {
        return None;
    }
    match written.year {
        Some(year) => Some((NaiveDate::from_ymd_opt(year, written.month, written.day)?, false)),
        None => Some((next_on_or_after(written.day, written.month, reference?)?, true)),
    }
}

/// A full date with its year, as in a document's own date line.
fn date_at(folded: &[char], at: usize) -> Option<(NaiveDate, usize)> {
    let (written, end) = written_date_at(folded, at)?;
    Some((NaiveDate::from_ymd_opt(written.year?, written.month, written.day)?, end))
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

/// "năm 2025", "/2025" or " 2025" after a month or quarter.
fn year_at(folded: &[char], at: usize) -> Option<(i32, usize)> {
    let at = skip_spaces(folded, at);
    let at = match (word_at(folded, at, "năm"), folded.get(at)) {
        (Some(end), _) => skip_spaces(folded, end),
        (None, Some('/')) => at + 1,
        _ => at,
    };
    let (year, end) = number_at(folded, at)?;
    (1900..=2200).contains(&year).then_some((year as i32, end))
}

fn quarter_at(folded: &[char], at: usize) -> Option<(u32, usize)> {
    for (text, quarter) in [("iv", 4), ("iii", 3), ("ii", 2), ("i", 1), ("4", 4), ("3", 3), ("2", 2), ("1", 1)] {
        if let Some(end) = word_at(folded, at, text) {
            return Some((quarter, end));
        }
    }
    None
}

/// A deadline as read from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub deadline: Deadline,
    /// The year was not written: it came from the text's own date.
    pub inferred: bool,
}

/// Deadline phrases that take a date right after them, and what they mean.
const DATED: [(&str, DeadlineKind); 9] = [
    ("trước ngày", DeadlineKind::Before),
    ("trước", DeadlineKind::Before),
    ("chậm nhất là ngày", DeadlineKind::NoLaterThan),
    ("chậm nhất vào ngày", DeadlineKind::NoLaterThan),
    ("chậm nhất ngày", DeadlineKind::NoLaterThan),
    ("chậm nhất", DeadlineKind::NoLaterThan),
    ("hạn chót ngày", DeadlineKind::NoLaterThan),
    ("từ ngày", DeadlineKind::From),
    ("từ", DeadlineKind::From),
];

/// Every deadline in a clause, in the order written; `reference` is the date a year-less
/// date counts from.
pub fn deadlines(folded: &[char], reference: Option<NaiveDate>) -> Vec<Found> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < folded.len() {
        if let Some((deadline, end)) = deadline_at(folded, at, reference) {
            found.push(deadline);
            at = end;
        } else {
            at += 1;
        }
    }
    found
}

/// The month `month` of `year` when written, else the next such month from `reference`.
fn month_end(month: u32, year: Option<i32>, reference: Option<NaiveDate>) -> Option<(NaiveDate, bool)> {
    if !(1..=12).contains(&month) {
        return None;
    }
    match year {
        Some(year) => Some((last_day_of_month(year, month)?, false)),
        None => {
            let reference = reference?;
            let year = if month < reference.month() { reference.year() + 1 } else { reference.year() };
            Some((last_day_of_month(year, month)?, true))
        }
    }
}

fn deadline_at(folded: &[char], at: usize, reference: Option<NaiveDate>) -> Option<(Found, usize)> {
    let found = |date, kind, inferred| Found { deadline: Deadline { date, kind }, inferred };
    for (phrase, kind) in DATED {
        if let Some(end) = word_at(folded, at, phrase) {
            if let Some((written, end)) = written_date_at(folded, skip_spaces(folded, end)) {
                if let Some((date, inferred)) = resolve(written, reference) {
                    return Some((found(date, kind, inferred), end));
                }
            }
        }
    }
    for phrase in ["trong tháng", "trước hết tháng", "hết tháng"] {
        if let Some(end) = word_at(folded, at, phrase) {
            let (month, end) = number_at(folded, skip_spaces(folded, end))?;
            let (year, end) = match year_at(folded, end) {
                Some((year, end)) => (Some(year), end),
                None => (None, end),
            };
            let (date, inferred) = month_end(month, year, reference)?;
            return Some((found(date, DeadlineKind::NoLaterThan, inferred), end));
        }
    }
    for phrase in ["trong quý", "hết quý", "quý"] {
        if let Some(end) = word_at(folded, at, phrase) {
            let (quarter, end) = quarter_at(folded, skip_spaces(folded, end))?;
            let (year, end) = year_at(folded, end)?;
            let date = last_day_of_month(year, quarter * 3)?;
            return Some((found(date, DeadlineKind::NoLaterThan, false), end));
        }
    }
    for phrase in ["từ nay đến cuối năm", "đến cuối năm", "trước cuối năm", "cuối năm"] {
        if let Some(end) = word_at(folded, at, phrase) {
            let (year, end) = year_at(folded, end)?;
            let date = NaiveDate::from_ymd_opt(year, 12, 31)?;
            return Some((found(date, DeadlineKind::ByEndOfYear, false), end));
        }
    }
    None
}

/// Deadlines named by an occasion rather than a date: kept as written for the supervisor,
/// no date invented.
const OCCASIONS: [&str; 5] =
    ["trước tết nguyên đán", "trước và sau tết nguyên đán", "trước tết", "dịp tết nguyên đán", "trước mùa mưa bão"];

/// Where a deadline named by an occasion is written in a clause, if one is.
pub fn occasion(folded: &[char]) -> Option<(usize, usize)> {
    (0..folded.len()).find_map(|at| OCCASIONS.iter().find_map(|phrase| word_at(folded, at, phrase).map(|end| (at, end))))
}

/// "định kỳ hằng tháng … trước ngày 25": `monthly:25`; "hằng quý": `quarterly`, with the
/// day of the quarter's last month when one is given; also `weekly` and `yearly`.
pub fn recurrence(folded: &[char]) -> Option<String> {
    let text: String = folded.iter().collect();
    let every = |words: &[&str]| words.iter().any(|word| text.contains(word));
    let period = if every(&["hằng tháng", "hàng tháng", "mỗi tháng"]) {
        "monthly"
    } else if every(&["hằng quý", "hàng quý", "mỗi quý"]) {
        "quarterly"
    } else if every(&["hằng tuần", "hàng tuần"]) {
        "weekly"
    } else if every(&["hằng năm", "hàng năm"]) {
        "yearly"
    } else {
        return None;
    };
    // A bare day ("trước ngày 25", "vào ngày 20") with no month after it.
    let day = ["trước ngày", "vào ngày", "ngày"].iter().find_map(|phrase| {
        (0..folded.len()).find_map(|at| {
            let end = word_at(folded, at, phrase)?;
            let (day, after) = number_at(folded, skip_spaces(folded, end))?;
            let joined_to_month =
                matches!(folded.get(after), Some('/' | '-' | '.')) && folded.get(after + 1).is_some_and(char::is_ascii_digit);
            let bare = !joined_to_month && word_at(folded, skip_spaces(folded, after), "tháng").is_none();
            (bare && (1..=31).contains(&day)).then_some(day)
        })
    });
    Some(match day {
        Some(day) => format!("{period}:{day}"),
        None => period.to_owned(),
    })
}

/// Words that mark a news page's dateline ("Cập nhật lúc 09:15, 29/01/2025",
/// "Thứ Tư, 29/01/2025 - 10:20").
const DATELINE_WORDS: [&str; 10] =
    ["cập nhật", "đăng lúc", "lúc", "thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu", "thứ bảy", "chủ nhật"];

/// The date of a news page's dateline: a short line with a full date and a time or a
/// dateline word.
pub fn dateline(folded: &[char]) -> Option<NaiveDate> {
    if folded.len() > 100 {
        return None;
    }
    let has_time = folded.windows(3).any(|w| w[0].is_ascii_digit() && (w[1] == ':' || w[1] == 'h') && w[2].is_ascii_digit());
    let has_word = (0..folded.len()).any(|at| DATELINE_WORDS.iter().any(|word| word_at(folded, at, word).is_some()));
    if !has_time && !has_word {
        return None;
    }
    (0..folded.len()).filter(|at| *at == 0 || !folded[at - 1].is_ascii_digit()).find_map(|at| date_at(folded, at).map(|(date, _)| date))
}

/// "Ngày 28-1, UBND tỉnh ban hành …": the date a news report gives its directive, with
/// the year of the report's own date when not written.
pub fn reported_issue_date(folded: &[char], reported_on: NaiveDate) -> Option<NaiveDate> {
    let start = skip_spaces(folded, 0);
    let end = word_at(folded, start, "ngày")?;
    let (written, end) = written_date_at(folded, skip_spaces(folded, end))?;
    if folded.get(end) != Some(&',') {
        return None;
    }
    match written.year {
        Some(year) => NaiveDate::from_ymd_opt(year, written.month, written.day),
        None => last_on_or_before(written.day, written.month, reported_on),
    }
}

/// A standalone date line ("05/08/2022") or "ngày 5 tháng 8 năm 2022" in a header line.
pub fn issue_date(folded: &[char]) -> Option<NaiveDate> {
    let start = skip_spaces(folded, 0);
    if let Some((date, end)) = date_at(folded, start) {
        if skip_spaces(folded, end) == folded.len() {
            return Some(date);
        }
    }
    (0..folded.len()).find_map(|at| {
        let end = word_at(folded, at, "ngày")?;
        let (date, _) = date_at(folded, skip_spaces(folded, end))?;
        // Only the written-out form: a slash date after "ngày" in a header is often the
        // date of something else.
        folded[skip_spaces(folded, end)..].iter().take(12).any(|c| *c == 't').then_some(date)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::fold;

    fn one(text: &str) -> (String, DeadlineKind) {
        let found = deadlines(&fold(text), None);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert!(!found[0].inferred);
        (found[0].deadline.date.to_string(), found[0].deadline.kind)
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The one deadline of `text` read on `reference`, with whether its year was inferred.
    fn dated_on(text: &str, reference: NaiveDate) -> (String, bool) {
        let found = deadlines(&fold(text), Some(reference));
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        (found[0].deadline.date.to_string(), found[0].inferred)
    }

    #[test]
    fn a_date_without_its_year_takes_the_texts_year_or_the_next() {
        let issued = date(2024, 10, 5);
        for written in ["trước ngày 28-10", "trước ngày 28/10", "trước ngày 28 tháng 10"] {
            assert_eq!(dated_on(written, issued), ("2024-10-28".into(), true), "{written}");
        }
        assert_eq!(dated_on("xong trước ngày 10/3.", issued), ("2025-03-10".into(), true), "already past: next year");
        assert_eq!(dated_on("trước ngày 5/10", issued), ("2024-10-05".into(), true), "the same day is not past");
        assert_eq!(dated_on("hoàn thành trong tháng 9", issued), ("2025-09-30".into(), true));
        assert_eq!(dated_on("hoàn thành trong tháng 12", issued), ("2024-12-31".into(), true));
        assert_eq!(dated_on("hoàn thành trong tháng 10", issued), ("2024-10-31".into(), true));
        assert_eq!(dated_on("trước ngày 29/2", date(2023, 3, 1)), ("2024-02-29".into(), true), "a leap day waits for its year");
        assert_eq!(dated_on("trước ngày 30/6/2025 và", issued), ("2025-06-30".into(), false));
    }

    #[test]
    fn a_date_without_its_year_and_no_date_to_count_from_is_no_deadline() {
        assert!(deadlines(&fold("trước ngày 28-10"), None).is_empty());
        assert!(deadlines(&fold("trong tháng 9"), None).is_empty());
    }

    #[test]
    fn numbers_that_look_like_days_are_not_year_less_dates() {
        let issued = Some(date(2024, 1, 1));
        assert!(deadlines(&fold("trực từ 7-8 giờ sáng"), issued).is_empty());
        assert!(deadlines(&fold("từ ngày 01-5/8/2022"), issued).is_empty());
        assert!(deadlines(&fold("trước ngày 31/2"), issued).is_empty());
        assert!(deadlines(&fold("trước ngày 12/13"), issued).is_empty());
        assert!(deadlines(&fold("trước ngày 25 hằng tháng"), issued).is_empty());
    }

    #[test]
    fn an_occasion_is_found_where_it_is_written() {
        let folded = fold("hoàn thành trước Tết Nguyên đán Ất Tỵ");
        assert_eq!(occasion(&folded), Some((11, 31)));
        assert!(deadlines(&folded, Some(date(2024, 12, 1))).is_empty());
    }

    #[test]
    fn a_news_dateline_and_its_reported_issue_date() {
        assert_eq!(dateline(&fold("Cập nhật lúc 09:15, 29/01/2025")), Some(date(2025, 1, 29)));
        assert_eq!(dateline(&fold("Thứ Tư, 29/01/2025 - 10:20")), Some(date(2025, 1, 29)));
        assert_eq!(dateline(&fold("Số liệu năm 29/01/2025 cho thấy")), None);
        let reported = date(2025, 1, 29);
        assert_eq!(reported_issue_date(&fold("Ngày 28-1, UBND tỉnh ban hành Công văn số 65/UBND-VP5"), reported), Some(date(2025, 1, 28)));
        assert_eq!(reported_issue_date(&fold("Ngày 30/12, UBND tỉnh ban hành"), reported), Some(date(2024, 12, 30)), "last year's");
        assert_eq!(reported_issue_date(&fold("Ngày 28 tháng 1 năm 2025, UBND tỉnh"), reported), Some(date(2025, 1, 28)));
        assert_eq!(reported_issue_date(&fold("Trong ngày 28-1, đoàn"), reported), None);
    }

    #[test]
    fn each_deadline_phrasing_resolves_to_its_date() {
        assert_eq!(one("báo cáo kết quả trước ngày 15/8/2022."), ("2022-08-15".into(), DeadlineKind::Before));
        assert_eq!(one("gửi chậm nhất ngày 30/8/2022 để thực hiện"), ("2022-08-30".into(), DeadlineKind::NoLaterThan));
        assert_eq!(one("chậm nhất là ngày 05-9-2023"), ("2023-09-05".into(), DeadlineKind::NoLaterThan));
        assert_eq!(one("thực hiện tại cấp huyện từ 01/12/2022"), ("2022-12-01".into(), DeadlineKind::From));
        assert_eq!(one("hoàn thành trong tháng 8 năm 2025"), ("2025-08-31".into(), DeadlineKind::NoLaterThan));
        assert_eq!(one("hoàn thành trong tháng 2/2024"), ("2024-02-29".into(), DeadlineKind::NoLaterThan));
        assert_eq!(one("hoàn thành trong quý I năm 2025"), ("2025-03-31".into(), DeadlineKind::NoLaterThan));
        assert_eq!(one("trong quý IV/2024"), ("2024-12-31".into(), DeadlineKind::NoLaterThan));
        assert_eq!(one("các giải pháp từ nay đến cuối năm 2022, với mục tiêu"), ("2022-12-31".into(), DeadlineKind::ByEndOfYear));
        assert_eq!(one("trước ngày 20 tháng 10 năm 2023"), ("2023-10-20".into(), DeadlineKind::Before));
    }

    #[test]
    fn a_documents_own_date_and_a_sentence_without_a_deadline_give_none() {
        assert!(deadlines(&fold("thực hiện Kế hoạch số 21/KH-UBND ngày 18/01/2022 của Chủ tịch UBND tỉnh"), None).is_empty());
        assert!(deadlines(&fold("Công an tỉnh tiếp tục tăng cường tuần tra kiểm soát."), None).is_empty());
        assert!(deadlines(&fold("từ ngày 01-5/8/2022"), None).is_empty(), "a span in a title is no deadline");
        assert!(deadlines(&fold("trước ngày 31/2/2022"), None).is_empty(), "no such day");
        assert!(deadlines(&fold("giai đoạn 2022 - 2025"), None).is_empty());
    }

    #[test]
    fn two_deadlines_in_one_sentence_are_both_found() {
        let found = deadlines(&fold("cấp huyện từ 01/12/2022, Bộ phận Một cửa cấp xã từ 01/6/2023."), None);
        assert_eq!(found.iter().map(|d| d.deadline.date.to_string()).collect::<Vec<_>>(), ["2022-12-01", "2023-06-01"]);
    }

    #[test]
    fn recurrences_are_named_with_their_day() {
        assert_eq!(recurrence(&fold("định kỳ hằng tháng báo cáo UBND tỉnh trước ngày 25")).as_deref(), Some("monthly:25"));
        assert_eq!(recurrence(&fold("báo cáo hàng quý")).as_deref(), Some("quarterly"));
        assert_eq!(recurrence(&fold("Hằng quý, báo cáo trước ngày 20 của tháng cuối quý.")).as_deref(), Some("quarterly:20"));
        assert_eq!(recurrence(&fold("hằng tháng, báo cáo trước ngày 25.")).as_deref(), Some("monthly:25"));
        assert_eq!(recurrence(&fold("định kỳ hằng năm, trước ngày 15/12")).as_deref(), Some("yearly"));
        assert_eq!(recurrence(&fold("báo cáo trước ngày 15/8/2022")), None);
    }

    #[test]
    fn the_issue_date_is_a_date_line_or_a_written_out_date() {
        assert_eq!(issue_date(&fold("05/08/2022")), NaiveDate::from_ymd_opt(2022, 8, 5));
        assert_eq!(issue_date(&fold("Quảng Ngãi, ngày 5 tháng 8 năm 2022")), NaiveDate::from_ymd_opt(2022, 8, 5));
        assert_eq!(issue_date(&fold("từ ngày 01-5/8/2022")), None);
    }
}
