//! From a pasted directive summary to a draft: title and date, sections, one task per
//! assignment with its lead, coordinating units, deadline or recurrence, and the
//! documents it cites. Pure: the unit tree comes in, the draft goes out, and the
//! supervisor corrects it before anything is published.
//!
//! How text is read, in order: one Unicode form and line ending; the title is the line
//! before a standalone date line; a heading is a short line without closing punctuation
//! followed by a paragraph; everything before the first heading is the summary's preamble;
//! an all-capitals line starts the web page's footer. Each sentence that names who does
//! the work becomes a task per deadline; a sentence that names nobody continues the task
//! before it, or, when it carries a deadline or opens with "Đồng thời", becomes a task of
//! the same lead.

pub mod dates;
pub mod documents;
pub mod parties;
pub mod text;

use crate::domain::authoring::{DirectiveInput, SectionInput, TaskInput};
use crate::domain::{ChecklistItem, Deadline, DocumentNumber, Party, Unit, UnitCode};
use chrono::NaiveDate;
use parties::{Named, UnitMatcher};
use serde::{Deserialize, Serialize};

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
            Named::Unmatched(text) => DraftParty { name: text, kind: PartyKind::Unmatched, unit: None },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftTask {
    pub text: String,
    pub lead: DraftParty,
    pub coordinating: Vec<DraftParty>,
    pub deadline: Option<Deadline>,
    /// `monthly:25`, `quarterly`, `weekly`, `yearly`…
    pub recurrence: Option<String>,
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
    pub sections: Vec<DraftSection>,
    pub referenced_documents: Vec<DocumentNumber>,
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
                    tasks: section
                        .tasks
                        .iter()
                        .filter_map(|task| {
                            Some(TaskInput {
                                text: task.text.clone(),
                                lead: task.lead.party()?,
                                coordinating: task.coordinating.iter().filter_map(DraftParty::party).collect(),
                                deadline: task.deadline,
                                recurrence: task.recurrence.clone(),
                                checklist: vec![task.text.chars().take(ChecklistItem::LABEL_MAX).collect()],
                                ..TaskInput::blank()
                            })
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The stable exchange form `chidao import-directive` prints (see README).
    pub fn exchange(&self) -> ExchangeDraft {
        ExchangeDraft {
            title: self.title.clone(),
            issued_on: self.issued_on.map(|date| date.to_string()),
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
                            recurrence: task.recurrence.clone(),
                        })
                        .collect(),
                })
                .collect(),
            referenced_documents: self.referenced_documents.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The exchange form: exactly these fields, in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeDraft {
    pub title: String,
    pub issued_on: Option<String>,
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

    let date_line = paragraphs.iter().take(8).position(|p| p.chars().count() <= 80 && dates::issue_date(&text::fold(p)).is_some());
    let issued_on = date_line.and_then(|at| dates::issue_date(&text::fold(&paragraphs[at])));
    let (title, body_start) = match date_line {
        Some(0) => (paragraphs.get(1).cloned().unwrap_or_default(), 2),
        Some(at) => (paragraphs[at - 1].clone(), at + 1),
        None if paragraphs.len() > 1 && looks_like_heading(&paragraphs[0]) => (paragraphs[0].clone(), 1),
        None => (String::new(), 0),
    };
    let body: Vec<&String> = paragraphs.iter().skip(body_start).filter(|p| p.chars().count() > 5).collect();

    // Headings: short, unpunctuated, with a paragraph after them.
    let heading_at: Vec<bool> = (0..body.len()).map(|i| i + 1 < body.len() && looks_like_heading(body[i])).collect();
    let mut sections: Vec<(String, Vec<&String>)> = Vec::new();
    if heading_at.iter().any(|h| *h) {
        for (paragraph, is_heading) in body.iter().zip(&heading_at) {
            if *is_heading {
                sections.push((strip_numbering(paragraph).to_owned(), Vec::new()));
            } else if let Some((_, paragraphs)) = sections.last_mut() {
                paragraphs.push(paragraph);
            }
        }
    } else {
        let heading = if title.is_empty() { "Nội dung chỉ đạo".to_owned() } else { title.clone() };
        sections.push((heading, body.clone()));
    }

    let matcher = UnitMatcher::new(units);
    let sections = sections
        .into_iter()
        .map(|(heading, paragraphs)| DraftSection { heading: clip(&heading, 500), tasks: tasks_of(&matcher, &paragraphs) })
        .collect();
    let cited: String = paragraphs.iter().map(String::as_str).collect::<Vec<_>>().join("\n");
    Ok(Draft { title: clip(&title, 500), issued_on, sections, referenced_documents: documents::document_numbers(&cited) })
}

fn tasks_of(matcher: &UnitMatcher, paragraphs: &[&String]) -> Vec<DraftTask> {
    let mut tasks: Vec<DraftTask> = Vec::new();
    for sentence in paragraphs.iter().flat_map(|paragraph| text::sentences(paragraph)) {
        let folded = text::fold(&sentence);
        let assignment = parties::assignment(matcher, &sentence);
        let deadlines = dates::deadlines(&folded);
        let recurrence = dates::recurrence(&folded);
        let opens_anew = ["đồng thời", "giao", "chủ trì"].iter().any(|word| text::word_at(&folded, 0, word).is_some());
        let (lead, coordinating): (DraftParty, Vec<DraftParty>) = match (assignment.lead, tasks.last()) {
            (Some(lead), _) => (DraftParty::from(lead), assignment.coordinating.into_iter().map(DraftParty::from).collect()),
            (None, Some(previous)) if !deadlines.is_empty() || recurrence.is_some() || opens_anew => {
                (previous.lead.clone(), assignment.coordinating.into_iter().map(DraftParty::from).collect())
            }
            (None, Some(_)) => {
                let previous = tasks.last_mut().expect("matched Some");
                previous.text = clip(&format!("{} {sentence}", previous.text), crate::domain::Task::TEXT_MAX);
                continue;
            }
            (None, None) => continue,
        };
        let text = clip(&sentence, crate::domain::Task::TEXT_MAX);
        let dated: Vec<Option<Deadline>> =
            if deadlines.is_empty() || recurrence.is_some() { vec![None] } else { deadlines.into_iter().map(Some).collect() };
        for deadline in dated {
            tasks.push(DraftTask {
                text: text.clone(),
                lead: lead.clone(),
                coordinating: coordinating.clone(),
                deadline,
                recurrence: recurrence.clone(),
            });
        }
    }
    tasks
}

#[cfg(test)]
mod tests;
