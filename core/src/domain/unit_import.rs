//! Changes to the unit tree, from a CSV file or from the admin form alike: every row is
//! checked against the tree as it will be once the whole change is in, and either all
//! rows pass or none is taken.
//!
//! The CSV is UTF-8 with the header `code,name,kind,parent_code`; `kind` is one of
//! `province`, `department`, `district`, `commune`; `parent_code` is empty for the province.

use super::{Unit, UnitCode, UnitKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const CSV_HEADER: [&str; 4] = ["code", "name", "kind", "parent_code"];
/// More units than a province has; a file beyond this is a mistake, not a tree.
pub const MAX_ROWS: usize = 20_000;

/// One unit as written, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub parent_code: Option<String>,
}

super::worded::worded_enum! {
    /// What kind of thing is wrong with a row: what pages say in the person's language.
    pub enum RowProblem {
        /// The first line is not the header, or cannot be read.
        Header = "bad_header",
        TooManyRows = "too_many_rows",
        Unreadable = "unreadable_row",
        ColumnCount = "wrong_column_count",
        Code = "bad_code",
        DuplicateCode = "duplicate_code",
        Kind = "bad_kind",
        ParentCode = "bad_parent_code",
        UnknownParent = "unknown_parent",
        /// The name, or where the unit would sit, breaks a rule of the tree.
        Unit = "bad_unit",
        /// A unit already beneath this one could no longer sit under it.
        Children = "misplaced_children",
    }
}

/// What is wrong with one row; `line` counts from 1 with the header as line 1. `message`
/// gives the detail in English, for the command line and other systems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    pub line: usize,
    pub code: String,
    pub problem: RowProblem,
    pub message: String,
}

/// Reads the CSV text into rows; a file whose shape is wrong (no header, wrong columns,
/// too many rows) is reported as an error on its line.
pub fn parse_csv(text: &str) -> Result<Vec<(usize, UnitRow)>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Files saved on Windows end lines with CRLF; the reader's line count wants LF.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let file_error = |line: usize, problem: RowProblem, message: String| vec![RowError { line, code: String::new(), problem, message }];
    let header: Vec<String> = match reader.headers() {
        Ok(header) => header.iter().map(str::to_lowercase).collect(),
        Err(error) => return Err(file_error(1, RowProblem::Header, format!("cannot read the header: {error}"))),
    };
    if header != CSV_HEADER {
        return Err(file_error(1, RowProblem::Header, format!("the first line must be `{}`", CSV_HEADER.join(","))));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = record.as_ref().ok().and_then(|r| r.position()).map_or(index + 2, |p| p.line() as usize);
        if rows.len() + errors.len() >= MAX_ROWS {
            return Err(file_error(line, RowProblem::TooManyRows, format!("a file may hold at most {MAX_ROWS} units")));
        }
        match record {
            Err(error) => errors.push(RowError {
                line,
                code: String::new(),
                problem: RowProblem::Unreadable,
                message: format!("unreadable row: {error}"),
            }),
            Ok(record) if record.len() != 4 => errors.push(RowError {
                line,
                code: record.get(0).unwrap_or_default().to_owned(),
                problem: RowProblem::ColumnCount,
                message: format!("expected 4 columns, found {}", record.len()),
            }),
            Ok(record) => rows.push((
                line,
                UnitRow {
                    code: record[0].to_owned(),
                    name: record[1].to_owned(),
                    kind: record[2].to_owned(),
                    parent_code: Some(record[3].to_owned()).filter(|parent| !parent.is_empty()),
                },
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(rows)
}

fn parse_kind(raw: &str) -> Result<UnitKind, String> {
    let word = raw.trim().to_lowercase();
    UnitKind::from_word(&word)
        .or_else(|| UnitKind::ALL.iter().copied().find(|kind| kind.vietnamese_word() == word))
        .ok_or_else(|| format!("kind `{word}` is not one of {} (or tỉnh, sở, huyện, xã)", UnitKind::words()))
}

/// Checks `rows`, each with its line, against `existing` and returns the units to write:
/// new ones and changed ones. Rows may name parents that come later in the file.
pub fn plan(existing: &[Unit], rows: &[(usize, UnitRow)]) -> Result<Vec<Unit>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut seen: BTreeMap<UnitCode, usize> = BTreeMap::new();
    // First pass: each row on its own, and duplicates.
    let mut parsed = Vec::new();
    for (line, row) in rows {
        let line = *line;
        let error = |problem: RowProblem, message: String| RowError { line, code: row.code.clone(), problem, message };
        let code = match UnitCode::parse(row.code.trim()) {
            Ok(code) => code,
            Err(problem) => {
                errors.push(error(RowProblem::Code, problem.to_string()));
                continue;
            }
        };
        if let Some(earlier) = seen.insert(code.clone(), line) {
            errors.push(error(RowProblem::DuplicateCode, format!("unit {code} is also on line {earlier}")));
            continue;
        }
        let kind = match parse_kind(&row.kind) {
            Ok(kind) => kind,
            Err(message) => {
                errors.push(error(RowProblem::Kind, message));
                continue;
            }
        };
        let parent = match row.parent_code.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(UnitCode::parse).transpose() {
            Ok(parent) => parent,
            Err(problem) => {
                errors.push(error(RowProblem::ParentCode, format!("parent: {problem}")));
                continue;
            }
        };
        parsed.push((line, code, row.name.clone(), kind, parent));
    }
    // The tree as it will be: existing units, overlaid by the file's rows.
    let mut kinds: BTreeMap<UnitCode, UnitKind> = existing.iter().map(|unit| (unit.code.clone(), unit.kind)).collect();
    for (_, code, _, kind, _) in &parsed {
        kinds.insert(code.clone(), *kind);
    }
    let mut planned = Vec::new();
    for (line, code, name, kind, parent) in parsed {
        let parent_with_kind = match parent {
            None => None,
            Some(parent) => match kinds.get(&parent) {
                Some(parent_kind) => Some((parent, *parent_kind)),
                None => {
                    errors.push(RowError {
                        line,
                        code: code.to_string(),
                        problem: RowProblem::UnknownParent,
                        message: format!("parent {parent} is neither in the file nor in the tree"),
                    });
                    continue;
                }
            },
        };
        match Unit::new(code.clone(), &name, kind, parent_with_kind) {
            Ok(unit) => planned.push((line, unit)),
            Err(problem) => errors.push(RowError { line, code: code.to_string(), problem: RowProblem::Unit, message: problem.to_string() }),
        }
    }
    // A unit whose kind changes must still suit the units already beneath it.
    for (line, unit) in &planned {
        let orphaned = existing
            .iter()
            .filter(|child| child.parent.as_ref() == Some(&unit.code) && !planned.iter().any(|(_, p)| p.code == child.code))
            .find(|child| Unit::new(child.code.clone(), child.name.as_str(), child.kind, Some((unit.code.clone(), unit.kind))).is_err());
        if let Some(child) = orphaned {
            errors.push(RowError {
                line: *line,
                code: unit.code.to_string(),
                problem: RowProblem::Children,
                message: format!("unit {} beneath it could no longer sit under a unit of this kind", child.code),
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|error| error.line);
        return Err(errors);
    }
    let unchanged = |unit: &Unit| existing.iter().any(|old| old == unit);
    Ok(planned.into_iter().map(|(_, unit)| unit).filter(|unit| !unchanged(unit)).collect())
}

/// The whole path from CSV text to the units to write.
pub fn plan_csv(existing: &[Unit], text: &str) -> Result<Vec<Unit>, Vec<RowError>> {
    plan(existing, &parse_csv(text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::testing::code;

    fn tree() -> Vec<Unit> {
        vec![
            Unit::new(code("TINH-QN"), "UBND tỉnh Quảng Ngãi", UnitKind::Province, None).unwrap(),
            Unit::new(code("HUYEN-BS"), "UBND huyện Bình Sơn", UnitKind::District, Some((code("TINH-QN"), UnitKind::Province))).unwrap(),
        ]
    }

    #[test]
    fn a_good_file_plans_new_units_with_parents_later_in_the_file() {
        let text = "\u{feff}code,name,kind,parent_code\r\nXA-BC,\"UBND xã Bình Châu, huyện Bình Sơn\",commune,HUYEN-ST\r\nHUYEN-ST,UBND huyện Sơn Tịnh,district,TINH-QN\r\n";
        let planned = plan_csv(&tree(), text).unwrap();
        assert_eq!(planned.len(), 2);
        let broken = text.replace("commune,HUYEN-ST", "village,HUYEN-ST");
        assert_eq!(plan_csv(&tree(), &broken).unwrap_err()[0].line, 2, "CRLF lines count as lines");
        assert_eq!(planned[0].name.as_str(), "UBND xã Bình Châu, huyện Bình Sơn");
        assert_eq!(planned[0].parent, Some(code("HUYEN-ST")));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_is_planned() {
        let text = "code,name,kind,parent_code\nXA-1,Xã Một,commune,HUYEN-BS\nxa 2,Xã Hai,commune,HUYEN-BS\nXA-3,,commune,HUYEN-BS\nXA-4,Xã Bốn,village,HUYEN-BS\nXA-5,Xã Năm,commune,NOWHERE\nXA-1,Xã Một lại,commune,HUYEN-BS\nSO-X,Sở X,department,HUYEN-BS\n";
        let errors = plan_csv(&tree(), text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8], "{errors:#?}");
        assert!(errors[0].message.contains("A-Z"));
        assert!(errors[1].message.contains("empty"));
        assert!(errors[2].message.contains("village"));
        assert!(errors[3].message.contains("NOWHERE"));
        assert!(errors[4].message.contains("line 2"));
        assert!(errors[5].message.contains("cannot sit under"));
        let problems: Vec<RowProblem> = errors.iter().map(|e| e.problem).collect();
        assert_eq!(
            problems,
            [RowProblem::Code, RowProblem::Unit, RowProblem::Kind, RowProblem::UnknownParent, RowProblem::DuplicateCode, RowProblem::Unit]
        );
    }

    #[test]
    fn the_file_shape_is_checked_first() {
        assert_eq!(parse_csv("").unwrap_err()[0].line, 1);
        assert!(parse_csv("ma,ten,loai,cha\n").unwrap_err()[0].message.contains("code,name,kind,parent_code"));
        let short = parse_csv("code,name,kind,parent_code\nXA-1,Xã Một\n").unwrap_err();
        assert_eq!((short[0].line, short[0].code.as_str()), (2, "XA-1"));
    }

    #[test]
    fn re_importing_the_same_tree_changes_nothing_and_a_rename_changes_one_unit() {
        let text = "code,name,kind,parent_code\nTINH-QN,UBND tỉnh Quảng Ngãi,province,\nHUYEN-BS,UBND huyện Bình Sơn,district,TINH-QN\n";
        assert!(plan_csv(&tree(), text).unwrap().is_empty());
        let renamed = text.replace("UBND huyện Bình Sơn", "UBND thị xã Bình Sơn");
        let planned = plan_csv(&tree(), &renamed).unwrap();
        assert_eq!(planned.len(), 1);
        assert_eq!(planned[0].name.as_str(), "UBND thị xã Bình Sơn");
    }

    #[test]
    fn a_kind_may_be_written_in_vietnamese() {
        assert_eq!(parse_kind(" Xã "), Ok(UnitKind::Commune));
        assert_eq!(parse_kind("sở"), Ok(UnitKind::Department));
        assert_eq!(parse_kind("province"), Ok(UnitKind::Province));
        assert!(parse_kind("thôn").is_err());
    }

    #[test]
    fn a_kind_change_that_would_strand_the_units_below_is_refused() {
        let mut units = tree();
        units.push(Unit::new(code("XA-1"), "Xã Một", UnitKind::Commune, Some((code("HUYEN-BS"), UnitKind::District))).unwrap());
        let errors = plan_csv(&units, "code,name,kind,parent_code\nHUYEN-BS,Sở Bình Sơn,department,TINH-QN\n").unwrap_err();
        assert!(errors[0].message.contains("XA-1"), "{errors:?}");
    }

    #[test]
    fn text_that_looks_like_a_query_is_just_a_name() {
        let text = "code,name,kind,parent_code\nXA-Q,\"Xã'; DELETE unit; --<script>\",commune,HUYEN-BS\n";
        let planned = plan_csv(&tree(), text).unwrap();
        assert_eq!(planned[0].name.as_str(), "Xã'; DELETE unit; --<script>");
    }
}
