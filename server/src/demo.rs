//! The demo data set: the Quảng Ngãi directive of 5 August 2022 with a small unit tree,
//! built from our own data file through the domain's validating constructors.

use crate::auth::hash_password;
pub use crate::config::DemoScope;
use crate::db::{AccountRow, DbError, Store};
use chidao_core::domain::{
    new_id, ChecklistItem, Deadline, Directive, DocumentNumber, DomainError, Party, Role, Roles, Task, Unit, UnitCode, UnitKind,
};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;

mod activity;

pub use activity::added_accounts;

const DEMO_FILE: &str = include_str!("../demo/quangngai-2022-08-05.json");

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo file is not valid JSON of the expected shape: {0}")]
    Format(#[from] serde_json::Error),
    #[error("demo file has a bad value: {0}")]
    Domain(#[from] DomainError),
    #[error("demo file names unknown unit `{0}`")]
    UnknownUnit(String),
    #[error("cannot hash a demo password: {0}")]
    Password(#[from] crate::auth::PasswordError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("staging the office's demo: {0}")]
    Staging(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    // The data file says what it is for the people who read it; the code has no use for it.
    #[allow(dead_code)]
    about: String,
    units: Vec<FileUnit>,
    directive: FileDirective,
    tasks: Vec<FileTask>,
    accounts: Vec<FileAccount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileUnit {
    code: String,
    name: String,
    kind: UnitKind,
    parent: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDirective {
    title: String,
    issuer: String,
    issued_on: NaiveDate,
    documents: Vec<String>,
    sections: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum FileParty {
    Unit(String),
    Phrase(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTask {
    /// 1-based, as the directive numbers its sections.
    section: usize,
    lead: FileParty,
    #[serde(default)]
    coordinating: Vec<FileParty>,
    deadline: Option<Deadline>,
    target: Option<String>,
    text: String,
    checklist: Option<FileChecklist>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileChecklist {
    units: Vec<String>,
    items: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAccount {
    username: String,
    display_name: String,
    roles: Vec<String>,
    unit: String,
}

/// Everything the demo puts in an empty database, already validated.
#[derive(Debug, Clone)]
pub struct DemoSet {
    pub units: Vec<Unit>,
    pub directive: Directive,
    pub tasks: Vec<Task>,
    pub items: Vec<ChecklistItem>,
    /// (username, display name, role, unit)
    pub accounts: Vec<(String, String, Roles, UnitCode)>,
}

impl DemoSet {
    pub fn build() -> Result<Self, DemoError> {
        Self::from_json(DEMO_FILE)
    }

    pub fn from_json(text: &str) -> Result<Self, DemoError> {
        let file: File = serde_json::from_str(text)?;
        let kinds: BTreeMap<&str, UnitKind> = file.units.iter().map(|unit| (unit.code.as_str(), unit.kind)).collect();
        let known = |raw: &str| -> Result<UnitCode, DemoError> {
            if kinds.contains_key(raw) {
                Ok(UnitCode::parse(raw)?)
            } else {
                Err(DemoError::UnknownUnit(raw.to_owned()))
            }
        };
        let party = |raw: &FileParty| -> Result<Party, DemoError> {
            match raw {
                FileParty::Unit(code) => Ok(Party::Unit(known(code)?)),
                FileParty::Phrase(text) => Ok(Party::phrase(text)?),
            }
        };

        let units = file
            .units
            .iter()
            .map(|unit| {
                let parent = match &unit.parent {
                    Some(code) => Some((known(code)?, kinds[code.as_str()])),
                    None => None,
                };
                Ok(Unit::new(UnitCode::parse(&unit.code)?, &unit.name, unit.kind, parent)?)
            })
            .collect::<Result<Vec<_>, DemoError>>()?;

        let documents = file.directive.documents.iter().map(|raw| DocumentNumber::parse(raw)).collect::<Result<Vec<_>, _>>()?;
        let headings: Vec<&str> = file.directive.sections.iter().map(String::as_str).collect();
        let directive =
            Directive::new(new_id(), &file.directive.title, &file.directive.issuer, file.directive.issued_on, documents, &headings)?;

        let mut tasks = Vec::new();
        let mut items = Vec::new();
        for raw in &file.tasks {
            let coordinating = raw.coordinating.iter().map(party).collect::<Result<Vec<_>, _>>()?;
            let section =
                raw.section.checked_sub(1).ok_or(DomainError::Invalid { field: "section", reason: "sections count from 1".into() })?;
            let task =
                Task::new(new_id(), &directive, section, &raw.text, party(&raw.lead)?, coordinating, raw.deadline, raw.target.as_deref())?;
            if let Some(checklist) = &raw.checklist {
                for unit in &checklist.units {
                    let unit = known(unit)?;
                    for (position, label) in checklist.items.iter().enumerate() {
                        items.push(ChecklistItem::new(new_id(), task.id, unit.clone(), label, position as u32 + 1)?);
                    }
                }
            }
            tasks.push(task);
        }

        let accounts = file
            .accounts
            .iter()
            .map(|account| {
                let roles = Roles::new(account.roles.iter().map(|role| Role::parse(role)).collect::<Result<Vec<_>, _>>()?)?;
                Ok((account.username.clone(), account.display_name.clone(), roles, known(&account.unit)?))
            })
            .collect::<Result<Vec<_>, DemoError>>()?;

        Ok(Self { units, directive, tasks, items, accounts })
    }
}

/// Fills an empty database with the demo; does nothing to one that has data. Returns the
/// usernames created, or an empty list when the database already had data.
pub async fn seed_if_empty(store: &Store, password: &str, scope: DemoScope) -> Result<Vec<String>, DemoError> {
    if scope == DemoScope::Province {
        return generated_province(store, password).await;
    }
    let mut created = seed_only(store, password).await?;
    if scope == DemoScope::Office && !created.is_empty() {
        activity::stage(store, password, chrono::Utc::now()).await?;
        created.extend(added_accounts().map(str::to_owned));
    }
    Ok(created)
}

async fn generated_province(store: &Store, password: &str) -> Result<Vec<String>, DemoError> {
    if !store.maintenance.is_empty().await? {
        return Ok(Vec::new());
    }
    let generated = crate::scale::generate(store, &crate::scale::ProvinceSpec::default(), chrono::Utc::now()).await?;
    let hash = hash_password(password)?;
    let province = UnitCode::parse(crate::scale::PROVINCE_CODE)?;
    let commune = generated.sample_commune.ok_or(DemoError::UnknownUnit("a commune of the generated province".into()))?;
    let accounts = [
        AccountRow::new("supervisor", "Văn phòng UBND tỉnh", &Roles::one(Role::Supervisor), &province, hash.clone()),
        AccountRow::new("official", "Cán bộ xã", &Roles::one(Role::Official), &commune, hash),
    ];
    for account in &accounts {
        store.people.create_account(account).await?;
    }
    Ok(accounts.into_iter().map(|account| account.username).collect())
}

async fn seed_only(store: &Store, password: &str) -> Result<Vec<String>, DemoError> {
    if !store.maintenance.is_empty().await? {
        return Ok(Vec::new());
    }
    let demo = DemoSet::build()?;
    let hash = hash_password(password)?;
    let accounts: Vec<AccountRow> = demo
        .accounts
        .iter()
        .map(|(username, display_name, roles, unit)| AccountRow::new(username, display_name, roles, unit, hash.clone()))
        .collect();
    store.maintenance.seed(&demo.units, std::slice::from_ref(&demo.directive), &demo.tasks, &demo.items, &accounts).await?;
    Ok(accounts.into_iter().map(|account| account.username).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::path::PathBuf;

    fn party_name(demo: &DemoSet, party: &Party) -> String {
        match party {
            Party::Unit(code) => demo.units.iter().find(|unit| &unit.code == code).unwrap().name.to_string(),
            Party::Phrase(text) => text.to_string(),
        }
    }

    #[test]
    fn the_demo_file_builds() {
        let demo = DemoSet::build().unwrap();
        assert_eq!(demo.directive.sections.len(), 4);
        assert_eq!(demo.units.iter().filter(|unit| unit.kind == UnitKind::District).count(), 2);
        assert_eq!(demo.units.iter().filter(|unit| unit.kind == UnitKind::Commune).count(), 3);
        // The traffic-safety checklist: seven items for each of the three communes.
        assert_eq!(demo.items.len(), 21);
        assert!(demo.accounts.iter().any(|(name, _, role, _)| name == "official" && role.has(Role::Official)));
        assert!(demo.accounts.iter().any(|(name, _, role, _)| name == "supervisor" && role.has(Role::Supervisor)));
    }

    #[test]
    fn a_bad_demo_file_is_refused_with_a_reason() {
        assert!(matches!(DemoSet::from_json("{"), Err(DemoError::Format(_))));
        let unknown_parent = DEMO_FILE.replace(r#""parent": "HUYEN-SON-TINH""#, r#""parent": "NOWHERE""#);
        assert!(matches!(DemoSet::from_json(&unknown_parent), Err(DemoError::UnknownUnit(code)) if code == "NOWHERE"));
        let early = DEMO_FILE.replace("2022-08-15", "2022-08-01");
        assert!(matches!(DemoSet::from_json(&early), Err(DemoError::Domain(_))));
    }

    /// Where `../shared` is present (CI has it), the demo must hold every fact the
    /// fixture's annotation lists; a newcomer's clone without it skips this check.
    #[test]
    fn the_demo_matches_the_fixture_facts() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/directives/quangngai-2022-08-05.expected.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("fixture not found at {}: checking the demo against it is skipped", path.display());
            return;
        };
        let expected: Value = serde_json::from_str(&text).unwrap();
        let demo = DemoSet::build().unwrap();

        assert_eq!(demo.directive.title.as_str(), expected["title"].as_str().unwrap());
        assert_eq!(demo.directive.issued_on.to_string(), expected["published"].as_str().unwrap());
        assert_eq!(demo.directive.issuer.as_str(), expected["issuer"].as_str().unwrap());
        let headings: Vec<&str> = demo.directive.sections.iter().map(|s| s.heading.as_str()).collect();
        let expected_headings: Vec<&str> = expected["sections"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(headings, expected_headings);

        let documents: Vec<&str> = demo.directive.documents.iter().map(DocumentNumber::as_str).collect();
        let expected_documents: Vec<&str> =
            expected["referenced_documents"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(documents, expected_documents);

        for deadline in expected["deadlines"].as_array().unwrap() {
            let date = deadline["date"].as_str().unwrap();
            let lead = deadline["lead"].as_str().unwrap();
            let found = demo
                .tasks
                .iter()
                .any(|task| task.deadline.is_some_and(|d| d.date.to_string() == date) && party_name(&demo, &task.lead) == lead);
            assert!(found, "deadline {date} led by {lead} is missing");
        }

        for assignment in expected["assignments"].as_array().unwrap() {
            let section = assignment["section"].as_u64().unwrap() as usize - 1;
            let lead = assignment["lead"].as_str().unwrap();
            let coordinating: Vec<&str> = assignment["coordinate"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            let found = demo.tasks.iter().any(|task| {
                task.section == section
                    && party_name(&demo, &task.lead) == lead
                    && task.coordinating.iter().map(|p| party_name(&demo, p)).collect::<Vec<_>>() == coordinating
            });
            assert!(found, "section {} assignment led by {lead} with {coordinating:?} is missing", section + 1);
        }

        let example = &expected["checklist_example"];
        let labels: Vec<String> = demo
            .items
            .iter()
            .filter(|item| item.unit.as_str() == "XA-BINH-CHAU")
            .map(|item| item.label.to_string().to_lowercase())
            .collect();
        assert_eq!(labels.len(), example["items"].as_array().unwrap().len());
        for point in example["items"].as_array().unwrap() {
            let point = point.as_str().unwrap().to_lowercase();
            let key_words: Vec<&str> = point.split_whitespace().filter(|w| w.chars().count() > 3).collect();
            assert!(labels.iter().any(|label| key_words.iter().all(|word| label.contains(word))), "checklist point `{point}` is missing");
        }
    }
}
