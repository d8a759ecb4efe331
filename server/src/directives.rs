//! Supervisors' directives: a draft read from pasted text, publishing a directive with its
//! tasks and each assigned unit's checklist, and editing it. The checklists go in steps of
//! bounded size, however many units a directive reaches; see `db::store::publications`.

use crate::db::retry::until_written;
use crate::db::{ChecklistKey, DbError, FinalRecount, Recorded, Store, Unfinished, ITEMS_PER_WRITE, LEASE_SECONDS};
use chidao_core::api::{DirectivePublished, DirectiveRevised};
use chidao_core::domain::authoring::{self, DirectiveInput, InputProblem};
use chidao_core::domain::ChecklistItem;
use chidao_core::import::{Draft, ImportError};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{} problems in the directive; nothing was published", .0.len())]
    Invalid(Vec<InputProblem>),
    #[error("no directive has id {0}")]
    Unknown(Uuid),
    #[error(
        "directive {directive} is saved but its checklists are still being written; they will be completed without publishing it again"
    )]
    Unfinished { directive: Uuid, source: Option<DbError> },
    #[error(transparent)]
    Db(#[from] DbError),
}

#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error(transparent)]
    Text(#[from] ImportError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Reads `text` against the database's unit tree; nothing is written.
pub async fn draft(store: &Store, text: &str) -> Result<Draft, DraftError> {
    let units = store.units.units().await?;
    Ok(chidao_core::import::extract(text, &units)?)
}

pub async fn publish(store: &Store, input: &DirectiveInput, by: &str) -> Result<DirectivePublished, PublishError> {
    let units = store.units.units().await?;
    let publication = authoring::plan(input, &units, chidao_core::domain::new_id).map_err(PublishError::Invalid)?;
    let directive = publication.directive.id;
    let target = authoring::with_task_ids(input, &publication.tasks);
    let writer = Writer::new();
    let issued = std::collections::BTreeMap::from([(directive, publication.directive.issued_on)]);
    let dues = crate::periods::due_rows(&publication.tasks, &issued, chrono::Utc::now());
    let form = recorded_form(&target)?;
    match store
        .directives
        .begin_checklists(&publication.directive, &publication.tasks, &dues, &form, &writer.name, FinalRecount::Nothing)
        .await?
    {
        Recorded::Written => {}
        // No other writer can hold a directive whose id was made just now: only a conflict
        // inside the engine lands here, answered as one.
        Recorded::Stale => return Err(DbError::Contended.into()),
    }
    let (task_ids, items) = (publication.tasks.iter().map(|task| task.id).collect::<Vec<Uuid>>(), publication.items.len());
    let outcome = write_checklists(store, directive, &writer, Some(Changes { new: publication.items, removed: Vec::new() })).await;
    finished(outcome, directive)?;
    tracing::info!(%directive, tasks = task_ids.len(), items, by, "directive published");
    crate::periods::open(store, Some(&task_ids), None, chrono::Utc::now(), crate::periods::Reach::SinceIssue).await?;
    Ok(DirectivePublished { directive, tasks: task_ids.len(), items })
}

/// The published directive as an editable form: while its checklists are still being
/// written, the form they are being written towards.
pub async fn editable(store: &Store, id: Uuid) -> Result<Option<DirectiveInput>, DbError> {
    if let Some(unfinished) = store.directives.unfinished_checklists(id).await? {
        return Ok(Some(form_of(&unfinished)?));
    }
    Ok(store
        .directives
        .directive_records(id)
        .await?
        .map(|(directive, tasks, items)| authoring::editable(&authoring::Published { directive, tasks, items })))
}

/// Applies an edit; items taken off a checklist are kept, marked removed, with what was
/// ticked and written on them. Retried when another write to the directive got in first.
pub async fn revise(store: &Store, id: Uuid, input: &DirectiveInput, by: &str) -> Result<DirectiveRevised, PublishError> {
    let writer = Writer::new();
    let (revised, changes, task_ids) = until_written("revising a directive", || revise_once(store, id, input, &writer)).await?;
    let outcome = write_checklists(store, id, &writer, Some(changes)).await;
    finished(outcome, id)?;
    tracing::info!(directive = %id, added = revised.added_items, removed = revised.removed_items, by, "directive revised");
    // Lines and units added to recurring work are owed from now on, not in the periods
    // already behind us; their copies are the items people see (the templates are not).
    let opened = crate::periods::open(store, Some(&task_ids), None, chrono::Utc::now(), crate::periods::Reach::Latest).await?;
    Ok(DirectiveRevised { added_items: revised.added_items + opened, ..revised })
}

/// One attempt at starting an edit: the directive and its tasks written as edited, and
/// the edit recorded as what its checklists are now written towards; answers what is left
/// to write and the edited directive's tasks. `None` when another writer holds the
/// directive or a write got in first.
async fn revise_once(
    store: &Store,
    id: Uuid,
    input: &DirectiveInput,
    writer: &Writer,
) -> Result<Option<(DirectiveRevised, Changes, Vec<Uuid>)>, PublishError> {
    let (directive, tasks, items) = store.directives.directive_records(id).await?.ok_or(PublishError::Unknown(id))?;
    let published = authoring::Published { directive, tasks, items };
    let units = store.units.units().await?;
    let now = chrono::Utc::now();
    let today = chidao_core::domain::Deadline::today_in_vietnam(now);
    let revision = authoring::revise(&published, input, &units, today, chidao_core::domain::new_id).map_err(PublishError::Invalid)?;
    let target = authoring::with_task_ids(input, &revision.tasks);
    let issued = std::collections::BTreeMap::from([(revision.directive.id, revision.directive.issued_on)]);
    let dues = crate::periods::due_rows(&revision.tasks, &issued, now);
    let form = recorded_form(&target)?;
    match store.directives.begin_checklists(&revision.directive, &revision.tasks, &dues, &form, &writer.name, FinalRecount::Every).await? {
        Recorded::Written => {
            let recurring: std::collections::HashSet<Uuid> =
                revision.tasks.iter().filter(|task| task.recurrence.is_some()).map(|task| task.id).collect();
            // A recurring task's new lines are templates: what is seen is their copies, counted once opened.
            let added_items = revision.new_items.iter().filter(|item| !recurring.contains(&item.task)).count();
            let revised = DirectiveRevised { directive: id, added_items, removed_items: revision.removed_items.len() };
            let task_ids = revision.tasks.iter().map(|task| task.id).collect();
            Ok(Some((revised, Changes::of(revision, &published.items), task_ids)))
        }
        Recorded::Stale => Ok(None),
    }
}

/// Someone writing a directive's checklists: a name no other writer has.
struct Writer {
    name: String,
}

impl Writer {
    fn new() -> Self {
        Self { name: chidao_core::domain::new_id().to_string() }
    }
}

/// The form a directive's checklists are written towards, as its `publication` record keeps it.
fn recorded_form(input: &DirectiveInput) -> Result<String, DbError> {
    serde_json::to_string(input).map_err(|error| DbError::Shape { context: "recording a directive's form", detail: error.to_string() })
}

fn form_of(unfinished: &Unfinished) -> Result<DirectiveInput, DbError> {
    serde_json::from_str(&unfinished.target)
        .map_err(|error| DbError::Shape { context: "reading a directive's unfinished writing", detail: error.to_string() })
}

/// What is left to write of a directive's checklists.
#[derive(Default)]
struct Changes {
    new: Vec<ChecklistItem>,
    /// Items to mark removed, with the checklists they are on.
    removed: Vec<(Uuid, ChecklistKey)>,
}

impl Changes {
    fn of(revision: authoring::Revision, items: &[ChecklistItem]) -> Self {
        let by_id: HashMap<Uuid, &ChecklistItem> = items.iter().map(|item| (item.id, item)).collect();
        let removed = revision.removed_items.iter().filter_map(|id| Some((*id, ChecklistKey::of(by_id.get(id)?)))).collect();
        Self { new: revision.new_items, removed }
    }

    fn len(&self) -> usize {
        self.new.len() + self.removed.len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a directive's writing ended for the request that started it.
enum Ending {
    Done,
    /// Another writer took the work over (this one was held up past its lease).
    TakenOver,
}

fn finished(outcome: Result<Ending, DbError>, directive: Uuid) -> Result<(), PublishError> {
    match outcome {
        Ok(Ending::Done) => Ok(()),
        Ok(Ending::TakenOver) => Err(PublishError::Unfinished { directive, source: None }),
        Err(source) => {
            tracing::error!(%directive, error = %source, "a directive's checklists were left part-written; another writer will finish them");
            Err(PublishError::Unfinished { directive, source: Some(source) })
        }
    }
}

/// Writes what is left of `directive`'s checklists, step by step, as `writer`: `known`
/// when the caller has just worked it out, otherwise read from what is stored. A step
/// that finds the items moved (a concurrent push) works out the rest again.
async fn write_checklists(store: &Store, directive: Uuid, writer: &Writer, known: Option<Changes>) -> Result<Ending, DbError> {
    let mut known = known;
    'afresh: loop {
        let changes = match known.take() {
            Some(changes) => changes,
            None => match remaining(store, directive, writer).await? {
                Some(changes) => changes,
                None => return Ok(Ending::TakenOver),
            },
        };
        for step in steps(changes) {
            let removed: Vec<Uuid> = step.removed.iter().map(|(id, _)| *id).collect();
            let mut touched: Vec<ChecklistKey> =
                step.new.iter().map(ChecklistKey::of).chain(step.removed.iter().map(|(_, key)| key.clone())).collect();
            touched.sort();
            touched.dedup();
            if store.directives.write_checklist_step(directive, &writer.name, &step.new, &removed, &touched).await? == Recorded::Stale {
                continue 'afresh;
            }
        }
        return match store.directives.finish_checklists(directive, &writer.name).await? {
            Recorded::Written => Ok(Ending::Done),
            Recorded::Stale => Ok(Ending::TakenOver),
        };
    }
}

/// What is left to write, worked out from the stored records and the recorded form;
/// `None` when `writer` no longer holds the directive.
async fn remaining(store: &Store, directive: Uuid, writer: &Writer) -> Result<Option<Changes>, DbError> {
    let Some(unfinished) = store.directives.unfinished_checklists(directive).await? else { return Ok(None) };
    if unfinished.holder != writer.name {
        return Ok(None);
    }
    let target = form_of(&unfinished)?;
    let Some((directive_record, tasks, items)) = store.directives.directive_records(directive).await? else {
        return Err(DbError::Shape { context: "finishing a directive's writing", detail: format!("directive {directive} is missing") });
    };
    let published = authoring::Published { directive: directive_record, tasks, items };
    let units = store.units.units().await?;
    let today = chidao_core::domain::Deadline::today_in_vietnam(chrono::Utc::now());
    match authoring::revise(&published, &target, &units, today, chidao_core::domain::new_id) {
        Ok(revision) => Ok(Some(Changes::of(revision, &published.items))),
        Err(problems) => {
            // The unit tree changed under the form (a unit renamed away): what was written
            // stays, and the supervisor edits the directive again.
            tracing::warn!(%directive, problems = problems.len(), "a directive's recorded form no longer fits the unit tree; its writing ends here");
            Ok(Some(Changes::default()))
        }
    }
}

/// `changes` cut into steps of at most [`ITEMS_PER_WRITE`] items, a unit's checklists
/// kept together where they fit, so that its devices see them whole.
fn steps(changes: Changes) -> Vec<Changes> {
    fn close(current: &mut Changes, steps: &mut Vec<Changes>) {
        if !current.is_empty() {
            steps.push(std::mem::take(current));
        }
    }
    let Changes { mut new, removed } = changes;
    new.sort_by(|a, b| (&a.unit, a.task, a.period, a.position).cmp(&(&b.unit, b.task, b.period, b.position)));
    let mut steps = Vec::new();
    let mut current = Changes::default();
    for unit_part in new.chunk_by(|a, b| a.unit == b.unit) {
        if current.len() + unit_part.len() > ITEMS_PER_WRITE {
            close(&mut current, &mut steps);
        }
        for piece in unit_part.chunks(ITEMS_PER_WRITE) {
            if current.len() + piece.len() > ITEMS_PER_WRITE {
                close(&mut current, &mut steps);
            }
            current.new.extend_from_slice(piece);
        }
    }
    for removal in removed {
        if current.len() >= ITEMS_PER_WRITE {
            close(&mut current, &mut steps);
        }
        current.removed.push(removal);
    }
    close(&mut current, &mut steps);
    steps
}

/// Finishes, as a new writer, every directive's writing left behind by a writer that
/// stopped and whose lease has run out.
pub async fn finish_abandoned(store: &Store) -> Result<usize, DbError> {
    let writer = Writer::new();
    let taken = store.directives.take_abandoned_checklists(&writer.name).await?;
    for directive in &taken {
        tracing::info!(%directive, "finishing a directive's writing left part-done");
        write_checklists(store, *directive, &writer, None).await?;
    }
    Ok(taken.len())
}

/// Finishes abandoned writing at start-up and then once a lease, for as long as the server
/// runs. A failure is logged and tried again next time.
pub async fn keep_finishing(store: Store) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(LEASE_SECONDS.into()));
    loop {
        every.tick().await;
        if let Err(error) = finish_abandoned(&store).await {
            tracing::warn!(%error, "finishing a directive's part-done writing failed; trying again later");
        }
    }
}

impl crate::db::retry::MaybeRace for PublishError {
    fn is_race(&self) -> bool {
        matches!(self, PublishError::Db(error) if error.is_transient())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chidao_core::domain::UnitCode;
    use std::collections::BTreeSet;

    fn items_of(unit: &str, count: usize) -> Vec<ChecklistItem> {
        let task = Uuid::from_u128(1);
        (0..count)
            .map(|n| ChecklistItem::new(Uuid::new_v4(), task, UnitCode::parse(unit).unwrap(), &format!("Mục {n}"), n as u32 + 1).unwrap())
            .collect()
    }

    #[test]
    fn steps_stay_within_the_bound_and_keep_a_units_checklists_together_where_they_fit() {
        let parts = [("XA-A", 1_500), ("XA-B", 700), ("XA-C", ITEMS_PER_WRITE + 500), ("XA-D", 10)];
        let new: Vec<ChecklistItem> = parts.iter().flat_map(|(unit, count)| items_of(unit, *count)).collect();
        let removed: Vec<(Uuid, ChecklistKey)> = items_of("XA-E", 300).iter().map(|item| (item.id, ChecklistKey::of(item))).collect();
        let all_ids: BTreeSet<Uuid> = new.iter().map(|item| item.id).chain(removed.iter().map(|(id, _)| *id)).collect();

        let steps = steps(Changes { new, removed });
        assert!(steps.iter().all(|step| !step.is_empty() && step.len() <= ITEMS_PER_WRITE));
        let written: Vec<Uuid> =
            steps.iter().flat_map(|step| step.new.iter().map(|item| item.id).chain(step.removed.iter().map(|(id, _)| *id))).collect();
        assert_eq!(written.len(), all_ids.len(), "each item once");
        assert_eq!(written.into_iter().collect::<BTreeSet<_>>(), all_ids);
        for (unit, count) in parts {
            let holding = steps.iter().filter(|step| step.new.iter().any(|item| item.unit.as_str() == unit)).count();
            let whole_fits = count <= ITEMS_PER_WRITE;
            assert_eq!(holding == 1, whole_fits, "{unit}: {count} items in {holding} steps");
        }
        assert!(steps.len() <= 5, "no more steps than the bound needs: {}", steps.len());
    }

    #[test]
    fn a_writing_cut_short_is_told_as_unfinished_not_as_failed() {
        let id = Uuid::from_u128(7);
        assert!(finished(Ok(Ending::Done), id).is_ok());
        assert!(
            matches!(finished(Ok(Ending::TakenOver), id), Err(PublishError::Unfinished { directive, source: None }) if directive == id)
        );
        assert!(matches!(finished(Err(DbError::Contended), id), Err(PublishError::Unfinished { source: Some(_), .. })));
    }
}
