//! The office's reports as files, in the reader's language: CSV for other systems and
//! Excel for people. Both list every assignment of the view (a task for one unit) with
//! its state in words, from the same rows (`dashboard::report_rows`).

use crate::dashboard::ReportRow;
use chidao_core::domain::{Deadline, HO_CHI_MINH_OFFSET_SECONDS};
use chidao_core::i18n::{t, Locale, ReportKey, Words};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

/// What a report says about itself above its rows.
#[derive(Debug, Clone)]
pub struct Heading {
    /// The province, as the top of the unit tree names it.
    pub issuer: String,
    pub made_at: DateTime<Utc>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
}

const COLUMNS: [ReportKey; 12] = [
    ReportKey::Directive,
    ReportKey::Task,
    ReportKey::Unit,
    ReportKey::UnitCode,
    ReportKey::Period,
    ReportKey::Role,
    ReportKey::LastDay,
    ReportKey::State,
    ReportKey::DoneAt,
    ReportKey::ItemsDone,
    ReportKey::ItemsTotal,
    ReportKey::DaysLate,
];

fn word(locale: Locale, key: impl Words) -> &'static str {
    t(locale, key)
}

fn vietnam_local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.naive_utc() + chrono::Duration::seconds(i64::from(HO_CHI_MINH_OFFSET_SECONDS))
}

/// The task as a row names it: with its period, for recurring work.
fn task_words(locale: Locale, row: &ReportRow) -> String {
    match row.period {
        Some(period) => format!("{} ({})", row.task, chidao_core::i18n::period_name(locale, period)),
        None => row.task.clone(),
    }
}

fn state_words(locale: Locale, row: &ReportRow) -> String {
    let state = word(locale, row.state);
    if row.due_soon {
        format!("{state} ({})", word(locale, ReportKey::DueSoon))
    } else {
        state.to_owned()
    }
}

fn period(locale: Locale, heading: &Heading) -> String {
    let day = |date: Option<NaiveDate>| date.map(chidao_core::i18n::vietnam_date);
    match (day(heading.due_from), day(heading.due_to)) {
        (None, None) => word(locale, ReportKey::AllDeadlines).to_owned(),
        (from, to) => format!("{}: {} – {}", word(locale, ReportKey::Deadlines), from.unwrap_or_default(), to.unwrap_or_default()),
    }
}

/// Text a person wrote, made safe for a spreadsheet cell: one that begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice, so it gets a
/// leading apostrophe, which they show as text and do not display (OWASP's rule for CSV
/// injection). Numbers and dates the server writes itself never need it.
fn spreadsheet_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// RFC 4180 CSV in UTF-8 with a byte-order mark, so Excel shows Vietnamese as written;
/// dates as `YYYY-MM-DD` and times in Vietnam as `YYYY-MM-DD HH:MM`, for other systems.
pub fn csv(locale: Locale, rows: &[ReportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        writer.write_record(COLUMNS.map(|key| word(locale, key)))?;
        for row in rows {
            let done_at = row.done_at.map(|at| vietnam_local(at).format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default();
            writer.write_record([
                spreadsheet_text(&row.directive).into_owned(),
                spreadsheet_text(&task_words(locale, row)).into_owned(),
                spreadsheet_text(&row.unit).into_owned(),
                row.unit_code.to_string(),
                row.period.map(|period| period.to_string()).unwrap_or_default(),
                word(locale, row.role).to_owned(),
                row.last_day.map(|day| day.to_string()).unwrap_or_default(),
                state_words(locale, row),
                done_at,
                row.done.to_string(),
                row.total.to_string(),
                row.days_late.to_string(),
            ])?;
        }
        writer.flush()?;
    }
    Ok(out)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(title: &str, taken: &mut Vec<String>) -> String {
    let clean: String = title.chars().filter(|c| !"[]:*?/\\".contains(*c)).collect();
    let base: String = clean.trim().chars().take(27).collect();
    let base = if base.is_empty() { "Sheet".to_owned() } else { base };
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|known| known.eq_ignore_ascii_case(&name)) {
        name = format!("{base} ({n})");
        n += 1;
    }
    taken.push(name.clone());
    name
}

fn excel_date(day: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)
}

fn excel_time(at: DateTime<Utc>) -> Result<ExcelDateTime, XlsxError> {
    let local = vietnam_local(at);
    excel_date(local.date())?.and_hms(local.hour() as u16, local.minute() as u8, local.second() as f64)
}

/// An Excel workbook titled and dated as an official report, one sheet per directive:
/// the province, the title, the deadlines it covers and the day it was made above the
/// rows; real dates; states in words.
pub fn xlsx(locale: Locale, heading: &Heading, rows: &[ReportRow]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let centred = Format::new().set_align(FormatAlign::Center);
    let header = Format::new().set_bold().set_text_wrap().set_background_color("#E8ECF1");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let time = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let wrap = Format::new().set_text_wrap();
    let made_on = Deadline::today_in_vietnam(heading.made_at);
    let mut taken = Vec::new();
    let mut directives: Vec<&str> = rows.iter().map(|row| row.directive.as_str()).collect();
    directives.dedup();
    if directives.is_empty() {
        directives.push("");
    }
    let last_column = (COLUMNS.len() - 1) as u16;
    for directive in directives {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(if directive.is_empty() { word(locale, ReportKey::Title) } else { directive }, &mut taken))?;
        sheet.merge_range(0, 0, 0, last_column, &heading.issuer.to_uppercase(), &centred)?;
        sheet.merge_range(1, 0, 1, last_column, word(locale, ReportKey::Title), &title)?;
        sheet.merge_range(2, 0, 2, last_column, directive, &centred)?;
        sheet.merge_range(3, 0, 3, last_column, &period(locale, heading), &centred)?;
        sheet.write_with_format(4, 0, word(locale, ReportKey::MadeOn), &bold)?;
        sheet.write_with_format(4, 1, &excel_date(made_on)?, &date)?;
        for (column, key) in COLUMNS.iter().enumerate() {
            sheet.write_with_format(6, column as u16, word(locale, *key), &header)?;
        }
        for (width, column) in [28.0, 60.0, 32.0, 16.0, 10.0, 14.0, 12.0, 26.0, 17.0, 10.0, 10.0, 10.0].into_iter().zip(0u16..) {
            sheet.set_column_width(column, width)?;
        }
        let mut line = 7u32;
        for row in rows.iter().filter(|row| row.directive == directive) {
            sheet.write_with_format(line, 0, &row.directive, &wrap)?;
            sheet.write_with_format(line, 1, task_words(locale, row), &wrap)?;
            sheet.write(line, 2, &row.unit)?;
            sheet.write(line, 3, row.unit_code.as_str())?;
            if let Some(period) = row.period {
                sheet.write(line, 4, period.to_string())?;
            }
            sheet.write(line, 5, word(locale, row.role))?;
            if let Some(day) = row.last_day {
                sheet.write_with_format(line, 6, &excel_date(day)?, &date)?;
            }
            sheet.write(line, 7, state_words(locale, row))?;
            if let Some(at) = row.done_at {
                sheet.write_with_format(line, 8, &excel_time(at)?, &time)?;
            }
            sheet.write(line, 9, row.done)?;
            sheet.write(line, 10, row.total)?;
            sheet.write(line, 11, row.days_late as f64)?;
            line += 1;
        }
        sheet.set_freeze_panes(7, 0)?;
        sheet.autofilter(6, 0, line.saturating_sub(1).max(6), last_column)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chidao_core::domain::{TaskState, UnitRole};

    #[test]
    fn text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text() {
        for formula in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_text(formula), format!("'{formula}"));
        }
        for text in ["Sở Giao thông vận tải", "21/KH-UBND", "", "a=b"] {
            assert_eq!(spreadsheet_text(text), text);
        }
    }

    fn row_written_as(text: &str) -> ReportRow {
        ReportRow {
            directive: text.to_owned(),
            task: text.to_owned(),
            period: None,
            unit: text.to_owned(),
            unit_code: chidao_core::domain::UnitCode::parse("XA-BINH-CHAU").unwrap(),
            role: UnitRole::Lead,
            last_day: NaiveDate::from_ymd_opt(2026, 12, 9),
            state: TaskState::InProgress,
            due_soon: false,
            done_at: None,
            days_late: 0,
            done: 1,
            total: 3,
        }
    }

    #[test]
    fn a_csv_cell_never_starts_a_formula() {
        let formula = "=cmd|' /C calc'!A0";
        let bytes = csv(Locale::Vi, &[row_written_as(formula)]).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
        let record = reader.records().next().expect("one row").expect("a CSV row");
        for cell in [&record[0], &record[2]] {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell}");
            assert_eq!(cell, format!("'{formula}"));
        }
        assert!(record[1].contains(formula) && !record[1].starts_with('='), "{}", &record[1]);
    }

    /// The workbook writes every person's text as a string cell, never as a formula.
    #[test]
    fn an_xlsx_cell_that_looks_like_a_formula_is_a_string() {
        use calamine::{Data, Reader, Xlsx};
        let formula = "=HYPERLINK(\"http://example.com\",\"x\")";
        let heading = Heading { issuer: "UBND tỉnh".into(), made_at: Utc::now(), due_from: None, due_to: None };
        let bytes = xlsx(Locale::Vi, &heading, &[row_written_as(formula)]).unwrap();
        let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let name = workbook.sheet_names()[0].clone();
        assert!(workbook.worksheet_formula(&name).unwrap().used_cells().next().is_none(), "no formula anywhere");
        let cells = workbook.worksheet_range(&name).unwrap();
        assert_eq!(cells.get_value((7, 2)), Some(&Data::String(formula.to_owned())));
    }
}
