//! Deadlines and recurrences as the summaries word them, resolved to calendar dates. A
//! month means its last day, a quarter its last day, "cuối năm" 31 December. A date that
//! belongs to a document ("Kế hoạch số 21/KH-UBND ngày 18/01/2022") is not a deadline:
//! only dates after a deadline phrase count.

use super::text::{number_at, skip_spaces, word_at};
use crate::domain::{Deadline, DeadlineKind};
use chrono::NaiveDate;

/// A date written `15/8/2022`, `15-8-2022`, `15.8.2022` or `15 tháng 8 năm 2022`.
fn date_at(folded: &[char], at: usize) -> Option<(NaiveDate, usize)> {
    let (day, end) = number_at(folded, at)?;
    if let Some(&separator) = folded.get(end).filter(|c| matches!(c, '/' | '-' | '.')) {
        let (month, end) = number_at(folded, end + 1)?;
        if folded.get(end) != Some(&separator) {
            return None;
        }
        let (year, end) = number_at(folded, end + 1)?;
        let year = if year < 100 { 2000 + year } else { year };
        return Some((NaiveDate::from_ymd_opt(year as i32, month, day)?, end));
    }
    let after_day = word_at(folded, skip_spaces(folded, end), "tháng")?;
    let (month, end) = number_at(folded, skip_spaces(folded, after_day))?;
    let after_month = word_at(folded, skip_spaces(folded, end), "năm")?;
    let (year, end) = number_at(folded, skip_spaces(folded, after_month))?;
    Some((NaiveDate::from_ymd_opt(year as i32, month, day)?, end))
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

/// Every deadline in a sentence, in the order written.
pub fn deadlines(folded: &[char]) -> Vec<Deadline> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < folded.len() {
        if let Some((deadline, end)) = deadline_at(folded, at) {
            found.push(deadline);
            at = end;
        } else {
            at += 1;
        }
    }
    found
}

fn deadline_at(folded: &[char], at: usize) -> Option<(Deadline, usize)> {
    for (phrase, kind) in DATED {
        if let Some(end) = word_at(folded, at, phrase) {
            if let Some((date, end)) = date_at(folded, skip_spaces(folded, end)) {
                return Some((Deadline { date, kind }, end));
            }
        }
    }
    for phrase in ["trong tháng", "trước hết tháng", "hết tháng"] {
        if let Some(end) = word_at(folded, at, phrase) {
            let (month, end) = number_at(folded, skip_spaces(folded, end))?;
            let (year, end) = year_at(folded, end)?;
            let date = last_day_of_month(year, month)?;
            return Some((Deadline { date, kind: DeadlineKind::NoLaterThan }, end));
        }
    }
    for phrase in ["trong quý", "hết quý", "quý"] {
        if let Some(end) = word_at(folded, at, phrase) {
            let (quarter, end) = quarter_at(folded, skip_spaces(folded, end))?;
            let (year, end) = year_at(folded, end)?;
            let date = last_day_of_month(year, quarter * 3)?;
            return Some((Deadline { date, kind: DeadlineKind::NoLaterThan }, end));
        }
    }
    for phrase in ["từ nay đến cuối năm", "đến cuối năm", "trước cuối năm", "cuối năm"] {
        if let Some(end) = word_at(folded, at, phrase) {
            let (year, end) = year_at(folded, end)?;
            let date = NaiveDate::from_ymd_opt(year, 12, 31)?;
            return Some((Deadline { date, kind: DeadlineKind::ByEndOfYear }, end));
        }
    }
    None
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
        let found = deadlines(&fold(text));
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        (found[0].date.to_string(), found[0].kind)
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
        assert!(deadlines(&fold("thực hiện Kế hoạch số 21/KH-UBND ngày 18/01/2022 của Chủ tịch UBND tỉnh")).is_empty());
        assert!(deadlines(&fold("Công an tỉnh tiếp tục tăng cường tuần tra kiểm soát.")).is_empty());
        assert!(deadlines(&fold("từ ngày 01-5/8/2022")).is_empty(), "a span in a title is no deadline");
        assert!(deadlines(&fold("trước ngày 31/2/2022")).is_empty(), "no such day");
        assert!(deadlines(&fold("giai đoạn 2022 - 2025")).is_empty());
    }

    #[test]
    fn two_deadlines_in_one_sentence_are_both_found() {
        let found = deadlines(&fold("cấp huyện từ 01/12/2022, Bộ phận Một cửa cấp xã từ 01/6/2023."));
        assert_eq!(found.iter().map(|d| d.date.to_string()).collect::<Vec<_>>(), ["2022-12-01", "2023-06-01"]);
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
