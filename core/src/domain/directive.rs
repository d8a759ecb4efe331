use super::{BoundedText, Deadline, DomainError, UnitCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A referenced document's number as the directive writes it: `21/KH-UBND`,
/// `121-KL/TW`, `680/CĐ-TTg`. A number, then `/` or `-`, then the issuing code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub const MAX_LEN: usize = 40;

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let field = "document number";
        let raw = raw.trim();
        super::text::present_within(field, raw, Self::MAX_LEN)?;
        let digits = raw.chars().take_while(char::is_ascii_digit).count();
        let rest: Vec<char> = raw.chars().skip(digits).collect();
        let well_formed = digits > 0
            && rest.len() >= 2
            && matches!(rest[0], '/' | '-')
            && rest[1].is_alphabetic()
            && rest.iter().all(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '&' | '.'));
        if !well_formed {
            return Err(DomainError::Invalid { field, reason: format!("`{raw}` is not like 21/KH-UBND") });
        }
        Ok(Self(raw.to_owned()))
    }
}

super::text::validated_string!(DocumentNumber);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Section {
    pub heading: BoundedText<{ Directive::HEADING_MAX }>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Directive {
    pub id: Uuid,
    pub title: BoundedText<{ Directive::TITLE_MAX }>,
    pub issuer: BoundedText<{ Unit::NAME_MAX }>,
    #[serde(with = "super::iso_date")]
    pub issued_on: NaiveDate,
    pub documents: Vec<DocumentNumber>,
    pub sections: Vec<Section>,
}

impl Directive {
    pub const TITLE_MAX: usize = 500;
    pub const HEADING_MAX: usize = 500;

    pub fn new(
        id: Uuid,
        title: &str,
        issuer: &str,
        issued_on: NaiveDate,
        documents: Vec<DocumentNumber>,
        headings: &[&str],
    ) -> Result<Self, DomainError> {
        let title = BoundedText::parse("title", title)?;
        let issuer = BoundedText::parse("issuer", issuer)?;
        if headings.is_empty() {
            return Err(DomainError::Invalid { field: "sections", reason: "a directive needs a section".into() });
        }
        let sections = headings
            .iter()
            .map(|heading| BoundedText::parse("section heading", heading).map(|heading| Section { heading }))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { id, title, issuer, issued_on, documents, sections })
    }
}

use super::Unit;

/// Who a task names: a unit of our tree, or a group as the directive words it ("các sở,
/// ban ngành", "cơ quan liên quan"), kept verbatim so nothing the text says is lost.
///
/// On the wire and in the database it is `{"unit": CODE}` or `{"phrase": TEXT}`; reading
/// accepts the other key present as null, which is how a database may return it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PartyRepr", into = "PartyRepr")]
pub enum Party {
    Unit(UnitCode),
    Phrase(BoundedText<{ Party::PHRASE_MAX }>),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyRepr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unit: Option<UnitCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phrase: Option<String>,
}

impl TryFrom<PartyRepr> for Party {
    type Error = DomainError;
    fn try_from(repr: PartyRepr) -> Result<Self, Self::Error> {
        match (repr.unit, repr.phrase) {
            (Some(code), None) => Ok(Party::Unit(code)),
            (None, Some(text)) => Party::phrase(&text),
            _ => Err(DomainError::Invalid { field: "unit or group", reason: "name exactly one of `unit` and `phrase`".into() }),
        }
    }
}

impl From<Party> for PartyRepr {
    fn from(party: Party) -> Self {
        match party {
            Party::Unit(code) => PartyRepr { unit: Some(code), phrase: None },
            Party::Phrase(text) => PartyRepr { unit: None, phrase: Some(text.as_str().to_owned()) },
        }
    }
}

impl Party {
    pub const PHRASE_MAX: usize = 300;

    pub fn phrase(raw: &str) -> Result<Self, DomainError> {
        BoundedText::parse("unit or group", raw).map(Party::Phrase)
    }

    pub fn unit_code(&self) -> Option<&UnitCode> {
        match self {
            Party::Unit(code) => Some(code),
            Party::Phrase(_) => None,
        }
    }
}

impl std::fmt::Display for Party {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Party::Unit(code) => code.fmt(f),
            Party::Phrase(text) => text.fmt(f),
        }
    }
}

/// One assignment: what is to be done, by which unit (lead, chủ trì) with whom (phối hợp).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: Uuid,
    pub directive: Uuid,
    /// Index into the directive's sections.
    pub section: usize,
    pub text: BoundedText<{ Task::TEXT_MAX }>,
    pub lead: Party,
    pub coordinating: Vec<Party>,
    pub deadline: Option<Deadline>,
    pub target: Option<BoundedText<{ Task::TARGET_MAX }>>,
    /// Repeated work ("định kỳ hằng tháng … trước ngày 25"): see [`Recurrence`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
}

/// How often a task comes round: `monthly`, `quarterly`, `weekly` or `yearly`, with the
/// day it is due after a colon when the directive names one (`monthly:25`; for a week, the
/// weekday, Monday being 1). Each period is worked on its own: see `period.rs`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Recurrence(String);

impl Recurrence {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        if Self::read(raw).is_none() {
            return Err(DomainError::Invalid {
                field: "recurrence",
                reason: format!("`{raw}` is not like monthly, quarterly:20 or weekly (a weekday 1–7 after the colon)"),
            });
        }
        Ok(Self(raw.to_owned()))
    }
}

super::text::validated_string!(Recurrence);

impl Task {
    /// One limit for a task's text, in the reader's drafts and in what is published, so a
    /// draft never holds text that publishing would refuse.
    pub const TEXT_MAX: usize = 4000;
    pub const TARGET_MAX: usize = 300;

    // Each argument is one field a task is checked on; a builder would let one be forgotten.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: Uuid,
        directive: &Directive,
        section: usize,
        text: &str,
        lead: Party,
        coordinating: Vec<Party>,
        deadline: Option<Deadline>,
        target: Option<&str>,
    ) -> Result<Self, DomainError> {
        if section >= directive.sections.len() {
            return Err(DomainError::Invalid {
                field: "section",
                reason: format!("the directive has {} sections, not {}", directive.sections.len(), section + 1),
            });
        }
        if coordinating.contains(&lead) {
            return Err(DomainError::Invalid { field: "coordinating", reason: format!("{lead} already leads") });
        }
        if let Some(deadline) = deadline {
            if deadline.date < directive.issued_on {
                return Err(DomainError::Invalid {
                    field: "deadline",
                    reason: format!("{} is before the directive was issued", deadline.date),
                });
            }
        }
        let text = BoundedText::parse("task text", text)?;
        let target = target.map(|raw| BoundedText::parse("target", raw)).transpose()?;
        Ok(Self { id, directive: directive.id, section, text, lead, coordinating, deadline, target, recurrence: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeadlineKind;

    fn directive() -> Directive {
        Directive::new(
            Uuid::nil(),
            "Một số nội dung chỉ đạo",
            "UBND tỉnh Quảng Ngãi",
            NaiveDate::from_ymd_opt(2022, 8, 5).unwrap(),
            vec![DocumentNumber::parse("21/KH-UBND").unwrap()],
            &["Cải cách thủ tục hành chính", "An toàn giao thông"],
        )
        .unwrap()
    }

    #[test]
    fn document_numbers_in_their_usual_forms() {
        for ok in ["21/KH-UBND", "121-KL/TW", "680/CĐ-TTg", "4009/BTTTT-CATTT", "2817/UBND-KTN"] {
            assert!(DocumentNumber::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "KH-UBND", "21", "21/", "21 /KH", "21/KH UBND", "21/-KH"] {
            assert!(DocumentNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_directive_needs_sections() {
        let none = Directive::new(Uuid::nil(), "T", "UBND", NaiveDate::MIN, vec![], &[]);
        assert!(none.is_err());
        assert_eq!(directive().sections.len(), 2);
    }

    #[test]
    fn a_task_points_at_an_existing_section() {
        let lead = Party::Unit(UnitCode::parse("SO-GTVT").unwrap());
        assert!(Task::new(Uuid::nil(), &directive(), 1, "Làm gờ giảm tốc", lead.clone(), vec![], None, None).is_ok());
        assert!(Task::new(Uuid::nil(), &directive(), 2, "Làm gờ giảm tốc", lead, vec![], None, None).is_err());
    }

    #[test]
    fn a_deadline_cannot_precede_the_directive() {
        let lead = Party::Unit(UnitCode::parse("SO-TTTT").unwrap());
        let early = Deadline { date: NaiveDate::from_ymd_opt(2022, 8, 1).unwrap(), kind: DeadlineKind::Before };
        let task = Task::new(Uuid::nil(), &directive(), 0, "Báo cáo", lead, vec![], Some(early), None);
        assert!(matches!(task, Err(DomainError::Invalid { field: "deadline", .. })));
    }

    #[test]
    fn parties_read_back_as_written_and_refuse_ambiguity() {
        let unit = Party::Unit(UnitCode::parse("SO-YT").unwrap());
        let json = serde_json::to_string(&unit).unwrap();
        assert_eq!(json, r#"{"unit":"SO-YT"}"#);
        assert_eq!(serde_json::from_str::<Party>(&json).unwrap(), unit);
        assert_eq!(serde_json::from_str::<Party>(r#"{"unit":"SO-YT","phrase":null}"#).unwrap(), unit);
        assert!(serde_json::from_str::<Party>(r#"{"unit":"SO-YT","phrase":"x"}"#).is_err());
        assert!(serde_json::from_str::<Party>(r#"{}"#).is_err());
    }

    #[test]
    fn a_group_phrase_can_lead() {
        let lead = Party::phrase("các sở, ban ngành").unwrap();
        assert!(Task::new(Uuid::nil(), &directive(), 0, "Gửi báo cáo", lead, vec![], None, None).is_ok());
        assert!(Party::phrase("  ").is_err());
    }

    #[test]
    fn the_lead_is_not_also_coordinating() {
        let lead = Party::Unit(UnitCode::parse("CONG-AN").unwrap());
        let task = Task::new(Uuid::nil(), &directive(), 0, "Tích hợp dữ liệu", lead.clone(), vec![lead], None, None);
        assert!(task.is_err());
    }
}
