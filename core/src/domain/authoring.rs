//! A directive as a supervisor writes it (or corrects an imported draft), checked whole
//! against the unit tree before anything is published: each task's lead, the units that
//! carry it out and their checklist. Every problem is reported with where it is, so the
//! form can point at it; a directive with any problem publishes nothing.

use super::{ChecklistItem, Deadline, Directive, DocumentNumber, Party, Recurrence, Task, Unit, UnitCode};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DirectiveInput {
    pub title: String,
    pub issuer: String,
    #[serde(with = "super::iso_date")]
    pub issued_on: NaiveDate,
    #[serde(default)]
    pub documents: Vec<String>,
    pub sections: Vec<SectionInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SectionInput {
    pub heading: String,
    pub tasks: Vec<TaskInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    /// The published task this edits; none for a new task.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub text: String,
    pub lead: Party,
    #[serde(default)]
    pub coordinating: Vec<Party>,
    #[serde(default)]
    pub deadline: Option<Deadline>,
    #[serde(default)]
    pub recurrence: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    /// Units that get their own copy of the checklist.
    pub assigned: Vec<UnitCode>,
    /// One line per item to tick.
    pub checklist: Vec<String>,
}

impl SectionInput {
    /// A section to fill in, with one task.
    pub fn blank() -> Self {
        Self { heading: String::new(), tasks: vec![TaskInput::blank()] }
    }
}

impl TaskInput {
    /// A task to fill in: its lead is a placeholder that publishing refuses until a unit
    /// is chosen.
    pub fn blank() -> Self {
        Self {
            id: None,
            text: String::new(),
            lead: Party::phrase("?").expect("a one-character phrase is valid"),
            coordinating: Vec::new(),
            deadline: None,
            recurrence: None,
            target: None,
            assigned: Vec::new(),
            checklist: Vec::new(),
        }
    }
}

super::worded::worded_enum! {
    /// The fields of the form, as a problem points at them.
    pub enum InputField {
        Title = "title",
        Issuer = "issuer",
        Documents = "documents",
        Heading = "heading",
        Id = "id",
        Text = "text",
        Lead = "lead",
        Coordinating = "coordinating",
        Assigned = "assigned",
        Checklist = "checklist",
        Deadline = "deadline",
        Recurrence = "recurrence",
        Target = "target",
    }
}

impl InputField {
    /// The form field a rule's error is about, from the field the rule names.
    fn of(error: &super::DomainError) -> Option<Self> {
        let named = match error {
            super::DomainError::Empty { field } | super::DomainError::TooLong { field, .. } | super::DomainError::Invalid { field, .. } => {
                field
            }
        };
        match *named {
            "section heading" => Some(InputField::Heading),
            "task text" => Some(InputField::Text),
            "sections" | "section" => None,
            other => InputField::from_word(other),
        }
    }
}

/// Where a problem is in the directive: counted from zero, like the lists of
/// [`DirectiveInput`]. All empty is the directive as a whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemPlace {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<InputField>,
    /// Which entry of a list field: a document, a coordinating unit, a checklist line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<usize>,
}

impl ProblemPlace {
    pub fn field(field: InputField) -> Self {
        Self { field: Some(field), ..Self::default() }
    }

    pub fn task(section: usize, task: usize) -> Self {
        Self { section: Some(section), task: Some(task), ..Self::default() }
    }

    pub fn at(self, field: InputField) -> Self {
        Self { field: Some(field), ..self }
    }

    pub fn entry(self, entry: usize) -> Self {
        Self { entry: Some(entry), ..self }
    }

    /// The place as a path into the JSON of the input, for programs that send it:
    /// `sections[1].tasks[0].lead`, `documents[2]`, empty for the whole directive.
    pub fn path(&self) -> String {
        let mut parts = Vec::new();
        if let Some(section) = self.section {
            parts.push(format!("sections[{section}]"));
        }
        if let Some(task) = self.task {
            parts.push(format!("tasks[{task}]"));
        }
        if let Some(field) = self.field {
            parts.push(match self.entry {
                Some(entry) => format!("{}[{entry}]", field.as_str()),
                None => field.as_str().to_owned(),
            });
        }
        parts.join(".")
    }
}

/// One problem and where it is. `kind` lets the page say it in the reader's language,
/// `message` says it in English for the API, `path` is `place` for programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InputProblem {
    pub path: String,
    pub place: ProblemPlace,
    pub message: String,
    #[serde(default)]
    pub kind: ProblemKind,
}

impl InputProblem {
    pub fn new(place: ProblemPlace, kind: ProblemKind, message: String) -> Self {
        Self { path: place.path(), place, message, kind }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The lead is a group or an unmatched name and no unit carries the task out.
    NoLeadUnit,
    UnknownUnit,
    NoChecklistItem,
    DeadlineBeforeIssue,
    BadRecurrence,
    BadDocumentNumber,
    /// Anything else: the message says what.
    #[default]
    Invalid,
}

/// What publishing writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub directive: Directive,
    pub tasks: Vec<Task>,
    pub items: Vec<ChecklistItem>,
}

/// Checks `input` against `units` and builds the records, with ids from `new_id`.
pub fn plan(input: &DirectiveInput, units: &[Unit], new_id: impl FnMut() -> Uuid) -> Result<Publication, Vec<InputProblem>> {
    build(input, units, None, new_id)
}

/// `input` as `build` made it into `tasks`: each task carrying the id it was given, so that
/// the same input written again (after an interrupted write) names the same tasks rather
/// than new ones. `tasks` are those built from `input`, one per task in the same order.
pub fn with_task_ids(input: &DirectiveInput, tasks: &[Task]) -> DirectiveInput {
    let mut built = tasks.iter();
    let mut named = input.clone();
    for task in named.sections.iter_mut().flat_map(|section| section.tasks.iter_mut()) {
        task.id = built.next().map(|built| built.id);
    }
    named
}

/// A published directive as stored: the records an edit starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub directive: Directive,
    pub tasks: Vec<Task>,
    pub items: Vec<ChecklistItem>,
}

/// What an edit changes. Items are never deleted: one taken off a checklist is marked
/// removed and keeps its ticks and notes as history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub directive: Directive,
    /// Every task of the edited directive, new and old.
    pub tasks: Vec<Task>,
    pub new_items: Vec<ChecklistItem>,
    pub removed_items: Vec<Uuid>,
}

/// The items an edit works on: those not taken off, and of a recurring task its
/// templates, not the periods' copies of them.
fn is_edited(item: &&ChecklistItem) -> bool {
    !item.removed && item.period.is_none()
}

/// The published directive as a form: each task's units are those with items on it, its
/// checklist the labels of the first of them.
pub fn editable(published: &Published) -> DirectiveInput {
    let live: Vec<&ChecklistItem> = published.items.iter().filter(is_edited).collect();
    DirectiveInput {
        title: published.directive.title.to_string(),
        issuer: published.directive.issuer.to_string(),
        issued_on: published.directive.issued_on,
        documents: published.directive.documents.iter().map(ToString::to_string).collect(),
        sections: published
            .directive
            .sections
            .iter()
            .enumerate()
            .map(|(index, section)| SectionInput {
                heading: section.heading.to_string(),
                tasks: published
                    .tasks
                    .iter()
                    // Tasks without a checklist too: an edit must not lose them.
                    .filter(|task| task.section == index)
                    .map(|task| {
                        let mut mine: Vec<&&ChecklistItem> = live.iter().filter(|item| item.task == task.id).collect();
                        mine.sort_by(|a, b| a.unit.cmp(&b.unit).then(a.position.cmp(&b.position)));
                        let mut assigned: Vec<UnitCode> = mine.iter().map(|item| item.unit.clone()).collect();
                        assigned.dedup();
                        let checklist =
                            mine.iter().filter(|item| Some(&item.unit) == assigned.first()).map(|item| item.label.to_string()).collect();
                        TaskInput {
                            id: Some(task.id),
                            text: task.text.to_string(),
                            lead: task.lead.clone(),
                            coordinating: task.coordinating.clone(),
                            deadline: task.deadline,
                            recurrence: task.recurrence.as_ref().map(ToString::to_string),
                            target: task.target.as_ref().map(ToString::to_string),
                            assigned,
                            checklist,
                        }
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Checks an edit of `published` and works out what changes: a label kept on a unit's
/// checklist keeps its item (and its ticks); a new label or unit gets new items; a label,
/// unit or task no longer there has its items marked removed. For recurring work the
/// templates are edited; a removed template takes with it its copies in periods not over
/// by `today`, while copies of ended periods stay as the record of what was owed then.
pub fn revise(
    published: &Published,
    input: &DirectiveInput,
    units: &[Unit],
    today: chrono::NaiveDate,
    new_id: impl FnMut() -> Uuid,
) -> Result<Revision, Vec<InputProblem>> {
    for (section, tasks) in input.sections.iter().enumerate() {
        for (index, task) in tasks.tasks.iter().enumerate() {
            if let Some(id) = task.id {
                if !published.tasks.iter().any(|known| known.id == id) {
                    return Err(vec![InputProblem::new(
                        ProblemPlace::task(section, index).at(InputField::Id),
                        ProblemKind::Invalid,
                        format!("task {id} is not part of this directive"),
                    )]);
                }
            }
        }
    }
    let planned = build(input, units, Some(published.directive.id), new_id)?;
    // Looked up by key, not searched: a province-wide directive has tens of thousands of items.
    let mut live_by_line: HashMap<(Uuid, &UnitCode, &str), Uuid> = HashMap::new();
    for old in published.items.iter().filter(is_edited) {
        live_by_line.entry((old.task, &old.unit, old.label.as_str())).or_insert(old.id);
    }
    let mut last_position: HashMap<(Uuid, &UnitCode), u32> = HashMap::new();
    for old in &published.items {
        let last = last_position.entry((old.task, &old.unit)).or_insert(0);
        *last = (*last).max(old.position);
    }
    let mut new_items = Vec::new();
    let mut kept = HashSet::new();
    for item in planned.items {
        match live_by_line.get(&(item.task, &item.unit, item.label.as_str())) {
            Some(old) => {
                kept.insert(*old);
            }
            None => {
                // New items go after the unit's existing ones, so positions stay unique.
                let after = last_position.get(&(item.task, &item.unit)).copied().unwrap_or(0);
                new_items.push(ChecklistItem { position: after + item.position, ..item });
            }
        }
    }
    let dropped: Vec<&ChecklistItem> = published.items.iter().filter(is_edited).filter(|item| !kept.contains(&item.id)).collect();
    let mut dropped_by_checklist: HashMap<(Uuid, &UnitCode), Vec<Uuid>> = HashMap::new();
    for template in &dropped {
        dropped_by_checklist.entry((template.task, &template.unit)).or_default().push(template.id);
    }
    let copies_dropped = published.items.iter().filter(|item| !item.removed).filter_map(|copy| {
        let period = copy.period.filter(|period| period.last_day() >= today)?;
        let templates = dropped_by_checklist.get(&(copy.task, &copy.unit))?;
        templates.iter().any(|template| ChecklistItem::id_in(*template, period) == copy.id).then_some(copy.id)
    });
    let removed_items = dropped.iter().map(|item| item.id).chain(copies_dropped).collect();
    Ok(Revision { directive: planned.directive, tasks: planned.tasks, new_items, removed_items })
}

/// Each value once, in the order first given.
fn first_of_each<T: Clone + PartialEq>(values: &[T]) -> Vec<T> {
    let mut kept: Vec<T> = Vec::with_capacity(values.len());
    for value in values {
        if !kept.contains(value) {
            kept.push(value.clone());
        }
    }
    kept
}

fn build(
    input: &DirectiveInput,
    units: &[Unit],
    keep_directive: Option<Uuid>,
    mut new_id: impl FnMut() -> Uuid,
) -> Result<Publication, Vec<InputProblem>> {
    let mut problems = Vec::new();
    let mut problem = |place: ProblemPlace, kind: ProblemKind, message: String| problems.push(InputProblem::new(place, kind, message));
    let known = |code: &UnitCode| units.iter().any(|unit| &unit.code == code);

    let mut documents = Vec::new();
    for (index, raw) in input.documents.iter().enumerate() {
        match DocumentNumber::parse(raw) {
            Ok(number) => documents.push(number),
            Err(error) => {
                problem(ProblemPlace::field(InputField::Documents).entry(index), ProblemKind::BadDocumentNumber, error.to_string())
            }
        }
    }
    let headings: Vec<&str> = input.sections.iter().map(|section| section.heading.as_str()).collect();
    let directive = match Directive::new(
        keep_directive.unwrap_or_else(&mut new_id),
        &input.title,
        &input.issuer,
        input.issued_on,
        documents,
        &headings,
    ) {
        Ok(directive) => directive,
        Err(error) => {
            let place = InputField::of(&error).map(ProblemPlace::field).unwrap_or_default();
            problem(place, ProblemKind::Invalid, error.to_string());
            return Err(problems);
        }
    };

    let mut tasks = Vec::new();
    let mut items = Vec::new();
    for (section_index, section) in input.sections.iter().enumerate() {
        for (task_index, task) in section.tasks.iter().enumerate() {
            let at = ProblemPlace::task(section_index, task_index);
            match &task.lead {
                Party::Unit(code) if !known(code) => {
                    problem(at.at(InputField::Lead), ProblemKind::UnknownUnit, format!("there is no unit {code}"))
                }
                Party::Phrase(phrase) if task.assigned.is_empty() => problem(
                    at.at(InputField::Lead),
                    ProblemKind::NoLeadUnit,
                    format!("“{phrase}” is not a unit: choose the lead unit, or the units that carry the task out"),
                ),
                _ => {}
            }
            for (index, party) in task.coordinating.iter().enumerate() {
                if let Party::Unit(code) = party {
                    if !known(code) {
                        problem(at.at(InputField::Coordinating).entry(index), ProblemKind::UnknownUnit, format!("there is no unit {code}"));
                    }
                }
            }
            for (index, code) in task.assigned.iter().enumerate() {
                if !known(code) {
                    problem(at.at(InputField::Assigned).entry(index), ProblemKind::UnknownUnit, format!("there is no unit {code}"));
                }
            }
            // A unit chosen twice still gets one checklist; a line written twice is one item.
            let assigned: Vec<UnitCode> =
                if task.assigned.is_empty() { task.lead.unit_code().cloned().into_iter().collect() } else { first_of_each(&task.assigned) };
            if !assigned.is_empty() && task.checklist.iter().all(|line| line.trim().is_empty()) {
                problem(at.at(InputField::Checklist), ProblemKind::NoChecklistItem, "give the checklist at least one item to tick".into());
            }
            let recurrence = match task.recurrence.as_deref().map(Recurrence::parse).transpose() {
                Ok(recurrence) => recurrence,
                Err(error) => {
                    problem(at.at(InputField::Recurrence), ProblemKind::BadRecurrence, error.to_string());
                    None
                }
            };
            let coordinating = first_of_each(&task.coordinating);
            let built = Task::new(
                task.id.unwrap_or_else(&mut new_id),
                &directive,
                section_index,
                &task.text,
                task.lead.clone(),
                coordinating,
                task.deadline,
                task.target.as_deref(),
            );
            let built = match built {
                Ok(built) => Task { recurrence, ..built },
                Err(error) => {
                    let kind = match &error {
                        super::DomainError::Invalid { field: "deadline", .. } => ProblemKind::DeadlineBeforeIssue,
                        _ => ProblemKind::Invalid,
                    };
                    let place = InputField::of(&error).map_or(at, |field| at.at(field));
                    problem(place, kind, error.to_string());
                    continue;
                }
            };
            let lines: Vec<&str> = task.checklist.iter().map(|line| line.trim()).filter(|line| !line.is_empty()).collect();
            let labels = first_of_each(&lines);
            for unit in &assigned {
                for (position, label) in labels.iter().enumerate() {
                    match ChecklistItem::new(new_id(), built.id, unit.clone(), label, position as u32 + 1) {
                        Ok(item) => items.push(item),
                        Err(error) => problem(at.at(InputField::Checklist).entry(position), ProblemKind::Invalid, error.to_string()),
                    }
                }
            }
            tasks.push(built);
        }
    }
    if !problems.is_empty() {
        // Each label is checked once per unit; say it once.
        problems.dedup();
        return Err(problems);
    }
    Ok(Publication { directive, tasks, items })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeadlineKind, Period, UnitKind};

    use crate::domain::testing::code;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn tree() -> Vec<Unit> {
        vec![
            Unit::new(code("TINH"), "UBND tỉnh", UnitKind::Province, None).unwrap(),
            Unit::new(code("HUYEN-A"), "UBND huyện A", UnitKind::District, Some((code("TINH"), UnitKind::Province))).unwrap(),
            Unit::new(code("XA-A1"), "UBND xã A1", UnitKind::Commune, Some((code("HUYEN-A"), UnitKind::District))).unwrap(),
            Unit::new(code("XA-A2"), "UBND xã A2", UnitKind::Commune, Some((code("HUYEN-A"), UnitKind::District))).unwrap(),
        ]
    }

    fn task() -> TaskInput {
        TaskInput {
            id: None,
            text: "Rà soát các điểm đen giao thông".into(),
            lead: Party::Unit(code("HUYEN-A")),
            coordinating: vec![],
            deadline: Some(Deadline { date: NaiveDate::from_ymd_opt(2022, 9, 30).unwrap(), kind: DeadlineKind::Before }),
            recurrence: None,
            target: Some("giảm ít nhất 5%".into()),
            assigned: vec![code("XA-A1"), code("XA-A2")],
            checklist: vec!["Lập danh sách điểm đen".into(), " ".into(), "Gửi báo cáo".into()],
        }
    }

    fn input(tasks: Vec<TaskInput>) -> DirectiveInput {
        DirectiveInput {
            title: "Chỉ đạo về an toàn giao thông".into(),
            issuer: "UBND tỉnh".into(),
            issued_on: NaiveDate::from_ymd_opt(2022, 8, 5).unwrap(),
            documents: vec!["21/KH-UBND".into()],
            sections: vec![SectionInput { heading: "Bảo đảm TTATGT".into(), tasks }],
        }
    }

    #[test]
    fn each_assigned_unit_gets_its_own_checklist() {
        let publication = plan(&input(vec![task()]), &tree(), Uuid::now_v7).unwrap();
        assert_eq!(publication.tasks.len(), 1);
        assert_eq!(publication.items.len(), 4, "two units × two non-empty lines");
        assert!(publication.items.iter().all(|item| item.task == publication.tasks[0].id));
        let for_a1: Vec<&str> = publication.items.iter().filter(|i| i.unit == code("XA-A1")).map(|i| i.label.as_str()).collect();
        assert_eq!(for_a1, ["Lập danh sách điểm đen", "Gửi báo cáo"]);
    }

    #[test]
    fn a_unit_or_a_line_given_twice_counts_once() {
        let twice = TaskInput {
            assigned: vec![code("XA-A1"), code("XA-A1")],
            coordinating: vec![Party::Unit(code("XA-A2")), Party::Unit(code("XA-A2"))],
            checklist: vec!["Gửi báo cáo".into(), " Gửi báo cáo ".into()],
            ..task()
        };
        let publication = plan(&input(vec![twice]), &tree(), Uuid::now_v7).unwrap();
        assert_eq!(publication.items.len(), 1);
        assert_eq!(publication.tasks[0].coordinating, [Party::Unit(code("XA-A2"))]);
    }

    #[test]
    fn a_lead_unit_alone_is_assigned_its_own_checklist() {
        let publication = plan(&input(vec![TaskInput { assigned: vec![], ..task() }]), &tree(), Uuid::now_v7).unwrap();
        assert!(publication.items.iter().all(|item| item.unit == code("HUYEN-A")));
    }

    #[test]
    fn every_problem_is_reported_with_where_it_is() {
        let early = Deadline { date: NaiveDate::from_ymd_opt(2022, 7, 1).unwrap(), kind: DeadlineKind::NoLaterThan };
        let problems = plan(
            &input(vec![
                TaskInput { deadline: Some(early), ..task() },
                TaskInput { lead: Party::phrase("các sở, ban ngành").unwrap(), assigned: vec![], ..task() },
                TaskInput { lead: Party::Unit(code("XA-NOWHERE")), assigned: vec![code("XA-GONE")], ..task() },
                TaskInput { checklist: vec![" ".into()], recurrence: Some("daily".into()), ..task() },
            ]),
            &tree(),
            Uuid::now_v7,
        )
        .unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "sections[0].tasks[0].deadline",
                "sections[0].tasks[1].lead",
                "sections[0].tasks[2].lead",
                "sections[0].tasks[2].assigned[0]",
                "sections[0].tasks[3].checklist",
                "sections[0].tasks[3].recurrence",
            ],
            "{problems:#?}"
        );
        assert!(problems[0].message.contains("before the directive was issued"));
        assert!(problems[1].message.contains("not a unit"));
        let task_and_field = ProblemPlace { section: Some(0), task: Some(2), field: Some(InputField::Assigned), entry: Some(0) };
        assert_eq!(problems[3].place, task_and_field);
        let kinds: Vec<ProblemKind> = problems.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                ProblemKind::DeadlineBeforeIssue,
                ProblemKind::NoLeadUnit,
                ProblemKind::UnknownUnit,
                ProblemKind::UnknownUnit,
                ProblemKind::NoChecklistItem,
                ProblemKind::BadRecurrence
            ]
        );
    }

    #[test]
    fn a_problem_of_the_whole_directive_points_at_its_field() {
        let problems = plan(&DirectiveInput { title: " ".into(), ..input(vec![task()]) }, &tree(), Uuid::now_v7).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].place, ProblemPlace::field(InputField::Title));
        assert_eq!(problems[0].path, "title");
        let documents = DirectiveInput { documents: vec!["21/KH-UBND".into(), "not a number".into()], ..input(vec![task()]) };
        let problems = plan(&documents, &tree(), Uuid::now_v7).unwrap_err();
        assert_eq!(problems[0].place, ProblemPlace::field(InputField::Documents).entry(1));
        assert_eq!(problems[0].path, "documents[1]");
    }

    #[test]
    fn a_group_lead_with_units_chosen_is_kept_as_written() {
        let group = TaskInput { lead: Party::phrase("UBND các xã, phường").unwrap(), ..task() };
        let publication = plan(&input(vec![group]), &tree(), Uuid::now_v7).unwrap();
        assert_eq!(publication.tasks[0].lead, Party::phrase("UBND các xã, phường").unwrap());
        assert_eq!(publication.items.len(), 4);
    }

    #[test]
    fn an_edit_keeps_ticked_items_adds_new_ones_and_marks_dropped_ones_removed() {
        let first = plan(&input(vec![task()]), &tree(), Uuid::now_v7).unwrap();
        let mut items = first.items.clone();
        items.iter_mut().filter(|i| i.label.as_str() == "Gửi báo cáo").for_each(|i| i.done = true);
        let published = Published { directive: first.directive.clone(), tasks: first.tasks.clone(), items };

        let mut form = editable(&published);
        assert_eq!(form.sections[0].tasks[0].id, Some(first.tasks[0].id));
        assert_eq!(form.sections[0].tasks[0].assigned, [code("XA-A1"), code("XA-A2")]);
        assert_eq!(form.sections[0].tasks[0].checklist, ["Lập danh sách điểm đen", "Gửi báo cáo"]);
        form.title = "Chỉ đạo về an toàn giao thông (sửa)".into();
        form.sections[0].tasks[0].checklist = vec!["Lập danh sách điểm đen".into(), "Lắp biển cảnh báo".into()];
        form.sections[0].tasks[0].assigned = vec![code("XA-A1")];

        let revision = revise(&published, &form, &tree(), date(2022, 8, 1), Uuid::now_v7).unwrap();
        assert_eq!(revision.directive.id, first.directive.id);
        assert_eq!(revision.tasks[0].id, first.tasks[0].id);
        assert_eq!(revision.new_items.len(), 1);
        assert_eq!(revision.new_items[0].label.as_str(), "Lắp biển cảnh báo");
        assert!(revision.new_items[0].position > 2, "after the unit's existing items");
        let removed: Vec<(&str, &str)> = published
            .items
            .iter()
            .filter(|i| revision.removed_items.contains(&i.id))
            .map(|i| (i.unit.as_str(), i.label.as_str()))
            .collect();
        assert_eq!(removed, [("XA-A1", "Gửi báo cáo"), ("XA-A2", "Lập danh sách điểm đen"), ("XA-A2", "Gửi báo cáo")]);

        let foreign = TaskInput { id: Some(Uuid::now_v7()), ..task() };
        assert!(revise(&published, &input(vec![foreign]), &tree(), date(2022, 8, 1), Uuid::now_v7).is_err());
        let emptied = revise(&published, &input(vec![]), &tree(), date(2022, 8, 1), Uuid::now_v7).unwrap();
        assert_eq!(emptied.removed_items.len(), 4, "a task taken out removes its items");
    }

    #[test]
    fn an_interrupted_publication_written_again_adds_only_what_is_missing() {
        let second = TaskInput { assigned: vec![code("XA-A2")], checklist: vec!["Tuyên truyền".into()], ..task() };
        let form = input(vec![task(), second]);
        let publication = plan(&form, &tree(), Uuid::now_v7).unwrap();
        let named = with_task_ids(&form, &publication.tasks);
        let ids: Vec<Option<Uuid>> = named.sections[0].tasks.iter().map(|task| task.id).collect();
        assert_eq!(ids, publication.tasks.iter().map(|task| Some(task.id)).collect::<Vec<_>>());
        let line = |item: &ChecklistItem| (item.task, item.unit.clone(), item.label.to_string());
        for written in 0..=publication.items.len() {
            let (done, missing) = publication.items.split_at(written);
            let published = Published { directive: publication.directive.clone(), tasks: publication.tasks.clone(), items: done.to_vec() };
            let rest = revise(&published, &named, &tree(), date(2022, 8, 5), Uuid::now_v7).unwrap();
            assert_eq!(rest.tasks, publication.tasks, "after {written} items: the same tasks");
            assert!(rest.removed_items.is_empty(), "after {written} items: nothing removed");
            let mut added: Vec<_> = rest.new_items.iter().map(line).collect();
            let mut expected: Vec<_> = missing.iter().map(line).collect();
            added.sort();
            expected.sort();
            assert_eq!(added, expected, "after {written} items: the rest, each once");
        }
    }

    #[test]
    fn an_edit_of_recurring_work_edits_its_templates_and_keeps_ended_periods() {
        let monthly = TaskInput { recurrence: Some("monthly:25".into()), deadline: None, ..task() };
        let first = plan(&input(vec![monthly]), &tree(), Uuid::now_v7).unwrap();
        let (august, september) = (Period::parse("2022-08").unwrap(), Period::parse("2022-09").unwrap());
        let copies: Vec<ChecklistItem> =
            first.items.iter().flat_map(|template| [template.in_period(august), template.in_period(september)]).collect();
        let published =
            Published { directive: first.directive.clone(), tasks: first.tasks.clone(), items: [first.items.clone(), copies].concat() };

        let form = editable(&published);
        assert_eq!(form.sections[0].tasks[0].checklist, ["Lập danh sách điểm đen", "Gửi báo cáo"], "each line once, not once a period");
        let unchanged = revise(&published, &form, &tree(), date(2022, 9, 10), Uuid::now_v7).unwrap();
        assert_eq!((unchanged.new_items.len(), unchanged.removed_items.len()), (0, 0));

        let mut form = form;
        form.sections[0].tasks[0].checklist = vec!["Lập danh sách điểm đen".into()];
        let revision = revise(&published, &form, &tree(), date(2022, 9, 10), Uuid::now_v7).unwrap();
        let removed: Vec<(Option<String>, &str)> = published
            .items
            .iter()
            .filter(|i| revision.removed_items.contains(&i.id))
            .map(|i| (i.period.map(|p| p.to_string()), i.unit.as_str()))
            .collect();
        assert_eq!(
            removed,
            [(None, "XA-A1"), (None, "XA-A2"), (Some("2022-09".into()), "XA-A1"), (Some("2022-09".into()), "XA-A2")],
            "the dropped line goes from the templates and from September, not from August, which has ended"
        );
    }

    #[test]
    fn recurrences_are_checked() {
        assert!(Recurrence::parse("monthly:25").is_ok());
        assert!(Recurrence::parse("quarterly").is_ok());
        assert!(Recurrence::parse("monthly:32").is_err());
        assert!(Recurrence::parse("sometimes").is_err());
    }
}
