//! From a pasted directive summary to a draft: title and date, sections, one task per
//! assignment with its lead, coordinating units, deadline or recurrence, and the
//! documents it cites. Pure: the unit tree comes in, the draft goes out, and the
//! supervisor corrects it before anything is published.
//!
//! How text is read, in order: one Unicode form and line ending; the title is the line
//! before a standalone date line or a news page's dateline; a heading is a short line
//! without closing punctuation followed by a paragraph; everything before the first
//! heading is the summary's preamble; an all-capitals line starts the web page's footer
//! and a short line of names at the end is a byline. Paragraphs are cut into clauses at
//! each sentence's stop, each semicolon, and where a new subject (a unit, a group or "sở"
//! for the department named before) starts mid-sentence. A clause that names who does
//! the work becomes a task per deadline; a clause that names nobody continues the task
//! before it, gives that task its deadline when it has none, or, when it opens with
//! "Đồng thời" or carries a second deadline, becomes a task of the same lead.

pub mod dates;
pub mod documents;
pub mod parties;
pub mod text;

use crate::domain::authoring::{DirectiveInput, SectionInput, TaskInput};
use crate::domain::{ChecklistItem, Deadline, DocumentNumber, Party, Unit, UnitCode};
use chrono::NaiveDate;
use parties::{Named, UnitMatcher};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A directive summary is a few pages; beyond this it is not one.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;
const HEADING_MAX_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the text is empty")]
    Empty,
    #[error("the text is longer than {max} bytes; a directive summary is much shorter")]
    TooLong { max: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Unit,
    Group,
    /// Not found in the unit tree: the supervisor must choose the unit.
    Unmatched,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftParty {
    /// The unit's name as the tree has it, or the words as written.
    pub name: String,
    pub kind: PartyKind,
    pub unit: Option<UnitCode>,
}

impl DraftParty {
    /// As a directive names it: the unit when matched, otherwise the words as written.
    pub fn party(&self) -> Option<Party> {
        match (&self.unit, self.kind) {
            (Some(code), PartyKind::Unit) => Some(Party::Unit(code.clone())),
            _ => Party::phrase(&self.name).ok(),
        }
    }
}

impl From<Named> for DraftParty {
    fn from(named: Named) -> Self {
        match named {
            Named::Unit { code, name } => DraftParty { name, kind: PartyKind::Unit, unit: Some(code) },
            Named::Group(text) => DraftParty { name: text, kind: PartyKind::Group, unit: None },
            Named::Unmatched(text) | Named::Reference(text) => DraftParty { name: text, kind: PartyKind::Unmatched, unit: None },
        }
    }
}

/// Where a task was read: characters `start..end` of [`Draft::source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceSpan {
    pub start: u32,
    pub end: u32,
}

impl SourceSpan {
    fn of(range: Range<usize>) -> Self {
        let clamp = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        SourceSpan { start: clamp(range.start), end: clamp(range.end) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftTask {
    pub text: String,
    pub lead: DraftParty,
    pub coordinating: Vec<DraftParty>,
    pub deadline: Option<Deadline>,
    /// The deadline's year was not written; it came from the text's own date, so the
    /// supervisor should check it.
    #[serde(default)]
    pub deadline_inferred: bool,
    /// A deadline named by an occasion ("trước Tết Nguyên đán"), as written: no date is
    /// invented for it.
    #[serde(default)]
    pub deadline_as_written: Option<String>,
    /// `monthly:25`, `quarterly`, `weekly`, `yearly`…
    pub recurrence: Option<String>,
    /// The clauses it was read from.
    pub source: SourceSpan,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftSection {
    pub heading: String,
    pub tasks: Vec<DraftTask>,
}

/// What the extractor read, with everything the review screen needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    pub title: String,
    pub issued_on: Option<NaiveDate>,
    /// The directive's own number, when a news report names it ("ban hành Công văn số
    /// 65/UBND-VP5"); it is not among the referenced documents.
    #[serde(default)]
    pub document_number: Option<DocumentNumber>,
    pub sections: Vec<DraftSection>,
    pub referenced_documents: Vec<DocumentNumber>,
    /// The text as read (one Unicode form, one space between words, one paragraph per
    /// line), which the tasks' spans point into.
    #[serde(default)]
    pub source: String,
}

impl Draft {
    /// Every name in the draft that is not a unit of the tree nor a group.
    pub fn unmatched(&self) -> Vec<&str> {
        self.sections
            .iter()
            .flat_map(|section| &section.tasks)
            .flat_map(|task| std::iter::once(&task.lead).chain(&task.coordinating))
            .filter(|party| party.kind == PartyKind::Unmatched)
            .map(|party| party.name.as_str())
            .collect()
    }

    /// The draft as the compose form starts it. Each task's checklist starts as one line,
    /// its own text, until the supervisor writes the items; a lead that is a unit of the
    /// tree keeps it, a group or an unmatched name waits for units to be chosen (and is
    /// kept as written when it is a group). A task whose lead cannot be written at all is
    /// left out; the source text beside the form still shows it.
    /// `today` stands in for an issue date the text does not give; the form asks for one
    /// then (see [`Draft::issued_on`]).
    pub fn to_input(&self, issuer: String, today: NaiveDate) -> DirectiveInput {
        DirectiveInput {
            title: self.title.clone(),
            issuer,
            issued_on: self.issued_on.unwrap_or(today),
            documents: self.referenced_documents.iter().map(ToString::to_string).collect(),
            sections: self
                .sections
                .iter()
                .map(|section| SectionInput {
                    heading: section.heading.clone(),
                    tasks: written_tasks(section).map(|(_, input)| input).collect(),
                })
                .collect(),
        }
    }

    /// What the reader says about each task of [`Draft::to_input`]'s form, section by
    /// section and task by task as the form has them.
    pub fn notes(&self) -> Vec<Vec<TaskNote>> {
        self.sections
            .iter()
            .map(|section| {
                written_tasks(section)
                    .map(|(task, _)| TaskNote {
                        source: task.source,
                        deadline_inferred: task.deadline_inferred,
                        deadline_as_written: task.deadline_as_written.clone(),
                    })
                    .collect()
            })
            .collect()
    }

    /// The stable exchange form `chidao import-directive` prints (see docs/directives.md).
    pub fn exchange(&self) -> ExchangeDraft {
        ExchangeDraft {
            title: self.title.clone(),
            issued_on: self.issued_on.map(|date| date.to_string()),
            document_number: self.document_number.as_ref().map(ToString::to_string),
            sections: self
                .sections
                .iter()
                .map(|section| ExchangeSection {
                    heading: section.heading.clone(),
                    tasks: section
                        .tasks
                        .iter()
                        .map(|task| ExchangeTask {
                            text: task.text.clone(),
                            lead: task.lead.name.clone(),
                            coordinating: task.coordinating.iter().map(|party| party.name.clone()).collect(),
                            deadline: task.deadline.map(|deadline| deadline.date.to_string()),
                            deadline_kind: task.deadline.map(|deadline| deadline.kind.as_str().to_owned()),
                            deadline_inferred: task.deadline_inferred,
                            deadline_as_written: task.deadline_as_written.clone(),
                            recurrence: task.recurrence.clone(),
                        })
                        .collect(),
                })
                .collect(),
            referenced_documents: self.referenced_documents.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The tasks of a section the form can hold, each beside the draft task it came from: a
/// task whose lead cannot be written at all is left out.
fn written_tasks(section: &DraftSection) -> impl Iterator<Item = (&DraftTask, TaskInput)> {
    section.tasks.iter().filter_map(|task| {
        let input = TaskInput {
            text: task.text.clone(),
            lead: task.lead.party()?,
            coordinating: task.coordinating.iter().filter_map(DraftParty::party).collect(),
            deadline: task.deadline,
            recurrence: task.recurrence.clone(),
            checklist: vec![task.text.chars().take(ChecklistItem::LABEL_MAX).collect()],
            ..TaskInput::blank()
        };
        Some((task, input))
    })
}

/// What the reader says about a task of the form, for the supervisor checking it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskNote {
    pub source: SourceSpan,
    pub deadline_inferred: bool,
    pub deadline_as_written: Option<String>,
}

/// The source cut where any of `spans` starts or ends: each stretch with the indices of
/// the spans covering it, in order, covering `0..len` whole. Spans past `len` are cut.
pub fn marked_stretches(spans: &[SourceSpan], len: usize) -> Vec<(Range<usize>, Vec<usize>)> {
    let mut cuts: Vec<usize> = spans.iter().flat_map(|span| [span.start as usize, span.end as usize]).map(|at| at.min(len)).collect();
    cuts.extend([0, len]);
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|pair| {
            let covering = spans
                .iter()
                .enumerate()
                .filter(|(_, span)| span.start as usize <= pair[0] && pair[1] <= span.end as usize)
                .map(|(index, _)| index)
                .collect();
            (pair[0]..pair[1], covering)
        })
        .collect()
}

/// The exchange form: exactly these fields, in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeDraft {
    pub title: String,
    pub issued_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    pub sections: Vec<ExchangeSection>,
    pub referenced_documents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeSection {
    pub heading: String,
    pub tasks: Vec<ExchangeTask>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeTask {
    pub text: String,
    pub lead: String,
    pub coordinating: Vec<String>,
    pub deadline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_kind: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deadline_inferred: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_as_written: Option<String>,
    pub recurrence: Option<String>,
}

/// A line in capitals only ("CỔNG THÔNG TIN ĐIỆN TỬ TỈNH QUẢNG NGÃI"): the page footer.
fn is_footer(paragraph: &str) -> bool {
    let letters: Vec<char> = paragraph.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 6 && paragraph.split_whitespace().count() >= 2 && letters.iter().all(|c| c.is_uppercase())
}

/// "1. ", "II. ", "a) ", "3- " before a heading.
fn strip_numbering(heading: &str) -> &str {
    let marker_end = heading.find(['.', ')', '-']).filter(|at| *at <= 5);
    match marker_end {
        Some(at)
            if heading[..at].chars().all(|c| c.is_ascii_digit() || "IVXivx".contains(c) || (at == 1 && c.is_ascii_lowercase()))
                && at > 0 =>
        {
            heading[at + 1..].trim_start()
        }
        _ => heading,
    }
}

/// Headings in these summaries are a dozen words or so; the preamble that sums up the
/// week runs longer and trails off with "…".
const HEADING_MAX_WORDS: usize = 25;

fn looks_like_heading(paragraph: &str) -> bool {
    let chars = paragraph.chars().count();
    let closing = paragraph.ends_with(['.', ';', ':', ',', '!', '?', '…']) || paragraph.contains('…');
    if paragraph.split_whitespace().count() > HEADING_MAX_WORDS {
        return false;
    }
    let opens = paragraph.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    (10..=HEADING_MAX_CHARS).contains(&chars) && !closing && opens
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// A news report's own line of source before its first paragraph: "(Baoquangngai.vn) - ",
/// a name in brackets, not a number ("(1) Sở Y tế …").
fn strip_source_tag(paragraph: &str) -> &str {
    let Some(rest) = paragraph.strip_prefix('(') else { return paragraph };
    let Some(close) =
        rest.find(')').filter(|close| rest[..*close].chars().count() <= 40 && rest[..*close].chars().any(char::is_alphabetic))
    else {
        return paragraph;
    };
    rest[close + 1..].trim_start().trim_start_matches(['-', '–', '—']).trim_start()
}

/// A news report's byline: a last short line of capitalised names without a stop
/// ("Thanh Nhàn", "PV", "Theo Báo Quảng Ngãi").
fn is_byline(paragraph: &str) -> bool {
    let words: Vec<&str> = paragraph.split_whitespace().collect();
    let capitalised = words.iter().all(|word| word.chars().next().is_some_and(|c| c.is_uppercase() || !c.is_alphabetic()));
    (1..=6).contains(&words.len())
        && !paragraph.ends_with(['.', ';', ':', '!', '?'])
        && (capitalised || words[0] == "Theo" || words[0] == "Nguồn:")
}

/// The opening of a news report: "Ngày 28-1, UBND tỉnh ban hành Công văn số 65/UBND-VP5
/// về việc …" gives the directive's date and, first in that sentence, its own number.
fn reported_directive(paragraph: &str, reported_on: NaiveDate) -> Option<(NaiveDate, Option<DocumentNumber>)> {
    let issued = dates::reported_issue_date(&text::fold(paragraph), reported_on)?;
    let first_sentence = text::clauses(paragraph).into_iter().next().map(|range| paragraph.chars().take(range.end).collect::<String>());
    let number = first_sentence.and_then(|sentence| documents::document_numbers(&sentence).into_iter().next());
    Some((issued, number))
}

/// Reads `raw` against the unit tree `units`.
pub fn extract(raw: &str, units: &[Unit]) -> Result<Draft, ImportError> {
    if raw.len() > MAX_TEXT_BYTES {
        return Err(ImportError::TooLong { max: MAX_TEXT_BYTES });
    }
    let normalised = text::normalise(raw);
    let mut paragraphs = text::paragraphs(&normalised);
    if paragraphs.is_empty() {
        return Err(ImportError::Empty);
    }
    if let Some(footer) = paragraphs.iter().skip(1).position(|p| is_footer(p)) {
        paragraphs.truncate(footer + 1);
    }
    if paragraphs.len() > 2 && paragraphs.last().is_some_and(|last| is_byline(last)) {
        paragraphs.pop();
    }

    let date_line = paragraphs.iter().take(8).position(|p| p.chars().count() <= 80 && dates::issue_date(&text::fold(p)).is_some());
    let mut issued_on = date_line.and_then(|at| dates::issue_date(&text::fold(&paragraphs[at])));
    let dateline = if date_line.is_none() {
        paragraphs.iter().take(8).enumerate().find_map(|(at, p)| dates::dateline(&text::fold(p)).map(|date| (at, date)))
    } else {
        None
    };
    let (title, body_start) = match date_line.or(dateline.map(|(at, _)| at)) {
        Some(0) => (paragraphs.get(1).cloned().unwrap_or_default(), 2),
        Some(at) => (paragraphs[at - 1].clone(), at + 1),
        None if paragraphs.len() > 1 && looks_like_heading(&paragraphs[0]) => (paragraphs[0].clone(), 1),
        None => (String::new(), 0),
    };
    if let Some(first) = paragraphs.get_mut(body_start) {
        *first = strip_source_tag(first).to_owned();
    }
    // A news report's own date is not the directive's: without "Ngày 28-1, … ban hành",
    // the issue date is left for the supervisor, and the report's date only dates the
    // deadlines written without a year.
    let mut document_number = None;
    if let Some((issued, number)) =
        dateline.and_then(|(_, reported_on)| paragraphs.get(body_start).and_then(|first| reported_directive(first, reported_on)))
    {
        issued_on = Some(issued);
        document_number = number;
    }

    // Each paragraph's first character in the source the spans point into.
    let mut offsets = Vec::with_capacity(paragraphs.len());
    let mut next = 0;
    for paragraph in &paragraphs {
        offsets.push(next);
        next += paragraph.chars().count() + 1;
    }
    let source = paragraphs.join("\n");
    let body: Vec<(usize, &str)> = (body_start..paragraphs.len())
        .filter(|at| paragraphs[*at].chars().count() > 5)
        .map(|at| (offsets[at], paragraphs[at].as_str()))
        .collect();

    // Headings: short, unpunctuated, with a paragraph after them.
    let heading_at: Vec<bool> = (0..body.len()).map(|i| i + 1 < body.len() && looks_like_heading(body[i].1)).collect();
    let mut sections: Vec<(String, Vec<(usize, &str)>)> = Vec::new();
    if heading_at.iter().any(|h| *h) {
        for (paragraph, is_heading) in body.iter().zip(&heading_at) {
            if *is_heading {
                sections.push((strip_numbering(paragraph.1).to_owned(), Vec::new()));
            } else if let Some((_, paragraphs)) = sections.last_mut() {
                paragraphs.push(*paragraph);
            }
        }
    } else {
        let heading = if title.is_empty() { "Nội dung chỉ đạo".to_owned() } else { title.clone() };
        sections.push((heading, body.clone()));
    }

    let source_chars: Vec<char> = source.chars().collect();
    let reading = Reading {
        matcher: UnitMatcher::new(units),
        folded_source: std::sync::OnceLock::new(),
        source: &source_chars,
        source_text: &source,
        reference: issued_on.or(dateline.map(|(_, reported_on)| reported_on)),
    };
    let sections = sections
        .into_iter()
        .map(|(heading, paragraphs)| DraftSection { heading: clip(&heading, 500), tasks: reading.tasks_of(&paragraphs) })
        .collect();
    let own = document_number.as_ref();
    let referenced_documents = documents::document_numbers(&source).into_iter().filter(|number| Some(number) != own).collect();
    Ok(Draft { title: clip(&title, 500), issued_on, document_number, sections, referenced_documents, source })
}

/// What every clause is read against.
struct Reading<'a> {
    matcher: UnitMatcher,
    source: &'a [char],
    source_text: &'a str,
    /// Folded when a back-reference first needs it.
    folded_source: std::sync::OnceLock<Vec<char>>,
    /// The date a year-less deadline counts from.
    reference: Option<NaiveDate>,
}

/// What one clause says.
struct Clause {
    text: String,
    span: Range<usize>,
    lead: Option<DraftParty>,
    coordinating: Vec<DraftParty>,
    deadlines: Vec<dates::Found>,
    occasion: Option<String>,
    recurrence: Option<String>,
    opens_anew: bool,
}

impl Reading<'_> {
    /// `range` of a paragraph cut again where a new subject starts after a comma or
    /// before "để" ("…, trình UBND tỉnh để sở tổ chức thẩm định …"). A comma inside or
    /// right after a party is a list going on, and one after a lead-in without a verb
    /// ("Hằng quý, …") introduces the subject: neither starts a new clause.
    fn split_at_subjects(&self, chars: &[char], folded: &[char], range: Range<usize>) -> Vec<Range<usize>> {
        let mut starts = vec![range.start];
        for at in range.clone() {
            let (cut, subject) = if folded[at] == ',' {
                (at + 1, text::skip_spaces(folded, at + 1))
            } else if let Some(end) = (folded[at] == ' ').then(|| text::word_at(folded, at + 1, "để")).flatten() {
                (at + 1, text::skip_spaces(folded, end))
            } else {
                continue;
            };
            if self.matcher.subject_at(chars, folded, subject).is_none_or(|(_, end)| end >= range.end) {
                continue;
            }
            let from = *starts.last().unwrap_or(&range.start);
            let in_list = folded[at] == ',' && self.party_reaches(chars, folded, from, at);
            let lead_in = !(from..at).any(|verb| parties::verb_at(folded, verb));
            if !in_list && !lead_in {
                starts.push(cut);
            }
        }
        let mut ranges: Vec<Range<usize>> = starts.windows(2).map(|pair| pair[0]..pair[1]).collect();
        ranges.push(*starts.last().unwrap_or(&range.start)..range.end);
        ranges
            .into_iter()
            .map(|range| {
                let start = text::skip_spaces(folded, range.start);
                let end = range.end - folded[start.min(range.end)..range.end].iter().rev().take_while(|c| **c == ' ').count();
                start..end
            })
            .filter(|range| !range.is_empty())
            .collect()
    }

    /// A semicolon that ends a list of parties ("yêu cầu Thủ trưởng các sở, ban ngành, đơn
    /// vị; Chủ tịch UBND các huyện … tăng cường …") joins the list, not two clauses.
    fn lists_rejoined(&self, chars: &[char], folded: &[char], clauses: Vec<Range<usize>>) -> Vec<Range<usize>> {
        let mut joined: Vec<Range<usize>> = Vec::with_capacity(clauses.len());
        for range in clauses {
            match joined.last_mut() {
                Some(last) if folded[last.end - 1] == ';' && self.ends_addressing(chars, folded, last.clone()) => last.end = range.end,
                _ => joined.push(range),
            }
        }
        joined
    }

    /// Whether `range` ends by naming whom its last verb charges ("yêu cầu Thủ trưởng các
    /// sở, ban ngành, đơn vị;"), with the work still to come.
    fn ends_addressing(&self, chars: &[char], folded: &[char], range: Range<usize>) -> bool {
        let Some(last_verb) = range.clone().rev().find(|at| parties::verb_at(folded, *at)) else { return false };
        parties::charging_at(folded, last_verb)
            .is_some_and(|end| (end..range.end).any(|at| self.matcher.party_at(chars, folded, at).is_some()))
    }

    /// Whether a party named after `from` runs up to `to` or past it.
    fn party_reaches(&self, chars: &[char], folded: &[char], from: usize, to: usize) -> bool {
        (from..to).any(|at| self.matcher.party_at(chars, folded, at).is_some_and(|(_, party_end)| party_end >= to))
    }

    /// The department named last before `before` in the source: what "sở" refers to.
    fn department_before(&self, before: usize) -> Option<Named> {
        let folded = self.folded_source.get_or_init(|| text::fold(self.source_text));
        (0..before.min(self.source.len()))
            .rev()
            .filter(|at| self.source[*at] == 'S' && text::word_at(folded, *at, "sở").is_some())
            .find_map(|at| {
                self.matcher
                    .party_at(self.source, folded, at)
                    .map(|(named, _)| named)
                    .filter(|named| matches!(named, Named::Unit { .. } | Named::Unmatched(_)))
            })
    }

    fn clause(&self, paragraph_offset: usize, chars: &[char], range: Range<usize>) -> Clause {
        let text: String = chars[range.clone()].iter().collect();
        let folded = text::fold(&text);
        let assignment = parties::assignment_of(&self.matcher, &chars[range.clone()], &folded);
        let span = paragraph_offset + range.start..paragraph_offset + range.end;
        let lead = assignment.lead.map(|lead| match lead {
            Named::Reference(written) => self.department_before(span.start).unwrap_or(Named::Unmatched(written)),
            other => other,
        });
        let deadlines = dates::deadlines(&folded, self.reference);
        let occasion = if deadlines.is_empty() {
            dates::occasion(&folded).map(|(start, end)| chars[range.start + start..range.start + end].iter().collect())
        } else {
            None
        };
        Clause {
            opens_anew: ["đồng thời", "giao", "chủ trì"].iter().any(|word| text::word_at(&folded, 0, word).is_some()),
            recurrence: dates::recurrence(&folded),
            lead: lead.map(DraftParty::from),
            coordinating: assignment.coordinating.into_iter().map(DraftParty::from).collect(),
            deadlines,
            occasion,
            text,
            span,
        }
    }

    fn tasks_of(&self, paragraphs: &[(usize, &str)]) -> Vec<DraftTask> {
        let mut tasks: Vec<DraftTask> = Vec::new();
        for (offset, paragraph) in paragraphs {
            let chars: Vec<char> = paragraph.chars().collect();
            let folded = text::fold(paragraph);
            let ranges = self
                .lists_rejoined(&chars, &folded, text::clauses(paragraph))
                .into_iter()
                .flat_map(|range| self.split_at_subjects(&chars, &folded, range));
            for range in ranges.collect::<Vec<_>>() {
                let clause = self.clause(*offset, &chars, range);
                let dated = !clause.deadlines.is_empty() || clause.occasion.is_some();
                let lead = match (clause.lead.clone(), tasks.last_mut()) {
                    (Some(lead), _) => lead,
                    // "…; hoàn thành trước ngày 30/3": the deadline of the task it follows
                    // in the same paragraph, when that task has none.
                    (None, Some(previous))
                        if dated
                            && !clause.opens_anew
                            && clause.deadlines.len() <= 1
                            && clause.recurrence.is_none()
                            && previous.deadline.is_none()
                            && previous.deadline_as_written.is_none()
                            && previous.recurrence.is_none()
                            && previous.source.end as usize >= *offset =>
                    {
                        previous.continue_with(&clause);
                        previous.deadline = clause.deadlines.first().map(|found| found.deadline);
                        previous.deadline_inferred = clause.deadlines.first().is_some_and(|found| found.inferred);
                        previous.deadline_as_written = clause.occasion.clone();
                        continue;
                    }
                    (None, Some(previous)) if dated || clause.recurrence.is_some() || clause.opens_anew => previous.lead.clone(),
                    (None, Some(previous)) => {
                        previous.continue_with(&clause);
                        continue;
                    }
                    (None, None) => continue,
                };
                let text = clip(&clause.text, crate::domain::Task::TEXT_MAX);
                let each: Vec<Option<dates::Found>> = if clause.deadlines.is_empty() || clause.recurrence.is_some() {
                    vec![None]
                } else {
                    clause.deadlines.iter().copied().map(Some).collect()
                };
                for found in each {
                    tasks.push(DraftTask {
                        text: text.clone(),
                        lead: lead.clone(),
                        coordinating: clause.coordinating.clone(),
                        deadline: found.map(|found| found.deadline),
                        deadline_inferred: found.is_some_and(|found| found.inferred),
                        deadline_as_written: clause.occasion.clone(),
                        recurrence: clause.recurrence.clone(),
                        source: SourceSpan::of(clause.span.clone()),
                    });
                }
            }
        }
        tasks
    }
}

impl DraftTask {
    /// A clause that names no one adds to the task before it.
    fn continue_with(&mut self, clause: &Clause) {
        self.text = clip(&format!("{} {}", self.text, clause.text), crate::domain::Task::TEXT_MAX);
        self.source.end = SourceSpan::of(clause.span.clone()).end;
        for party in &clause.coordinating {
            if !self.coordinating.contains(party) && *party != self.lead {
                self.coordinating.push(party.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests;
