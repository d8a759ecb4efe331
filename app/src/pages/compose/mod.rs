//! Writing a directive: paste the summary (or open a .txt), read it into a draft, correct
//! it beside the source text (each task's clauses marked in it), and publish. Supervisors
//! do this online at the office.

mod form;

use super::tr;
use crate::client::ClientError;
use crate::domain::authoring::{DirectiveInput, InputProblem, ProblemKind, SectionInput};
use crate::domain::{Deadline, Unit};
use crate::i18n::{DeskKey, Key};
use chidao_core::import::{marked_stretches, TaskNote};
use form::{shape, DraftForm};
use leptos::prelude::*;
use uuid::Uuid;

/// The problem in the reader's language; `None` leaves the server's own words.
fn problem_key(kind: ProblemKind) -> Option<DeskKey> {
    Some(match kind {
        ProblemKind::NoLeadUnit => DeskKey::ProblemNoLeadUnit,
        ProblemKind::UnknownUnit => DeskKey::ProblemUnknownUnit,
        ProblemKind::NoChecklistItem => DeskKey::ProblemNoChecklistItem,
        ProblemKind::DeadlineBeforeIssue => DeskKey::ProblemDeadlineBeforeIssue,
        ProblemKind::BadRecurrence => DeskKey::ProblemBadRecurrence,
        ProblemKind::BadDocumentNumber => DeskKey::ProblemBadDocumentNumber,
        ProblemKind::Invalid => return None,
    })
}

/// The issuer a new directive starts with: the unit at the top of the tree.
fn province_name(units: &[Unit]) -> String {
    units.iter().find(|unit| unit.parent.is_none()).map(|unit| unit.name.to_string()).unwrap_or_default()
}

fn today() -> chrono::NaiveDate {
    Deadline::today_in_vietnam(chrono::Utc::now())
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Published { tasks: usize, items: usize },
    Revised { added: usize, removed: usize },
    Problems(Vec<InputProblem>),
    Failed(ClientError),
}

impl From<ClientError> for Outcome {
    fn from(error: ClientError) -> Self {
        match error {
            ClientError::InvalidDirective(problems) => Outcome::Problems(problems),
            error => Outcome::Failed(error),
        }
    }
}

/// What the reader said about the draft on the form, kept beside it while it is edited.
#[derive(Clone, Copy)]
pub(super) struct Reading {
    /// The source as read, which the notes' spans point into; empty for a directive not
    /// read from a text.
    source: RwSignal<String>,
    /// Per section and task of the form.
    notes: RwSignal<Vec<Vec<TaskNote>>>,
    /// The text gave no issue date: the form asks for one before publishing.
    date_asked: RwSignal<bool>,
    /// The task whose source clause is marked as current.
    focused: RwSignal<Option<(usize, usize)>>,
}

impl Reading {
    fn new() -> Self {
        Reading {
            source: RwSignal::new(String::new()),
            notes: RwSignal::new(Vec::new()),
            date_asked: RwSignal::new(false),
            focused: RwSignal::new(None),
        }
    }

    fn clear(self) {
        self.source.set(String::new());
        self.notes.set(Vec::new());
        self.date_asked.set(false);
        self.focused.set(None);
    }

    pub(super) fn note(self, s: usize, t: usize) -> Option<TaskNote> {
        self.notes.with(|notes| notes.get(s).and_then(|tasks| tasks.get(t)).cloned())
    }

    /// Keeps the notes in step with a task taken out of the form.
    pub(super) fn task_removed(self, s: usize, t: usize) {
        self.notes.update(|notes| {
            if let Some(tasks) = notes.get_mut(s).filter(|tasks| t < tasks.len()) {
                tasks.remove(t);
            }
        });
        self.focused.set(None);
    }
}

/// The source as read, each task's clauses marked; a click on a mark shows its task.
#[component]
fn SourceAsRead(reading: Reading) -> impl IntoView {
    let marked = move || {
        let source: Vec<char> = reading.source.with(|source| source.chars().collect());
        let keys: Vec<(usize, usize)> =
            reading.notes.with(|notes| notes.iter().enumerate().flat_map(|(s, tasks)| (0..tasks.len()).map(move |t| (s, t))).collect());
        let spans: Vec<_> = reading.notes.with(|notes| notes.iter().flatten().map(|note| note.source).collect());
        marked_stretches(&spans, source.len())
            .into_iter()
            .map(|(range, covering)| {
                let words: String = source[range].iter().collect();
                if covering.is_empty() {
                    return words.into_any();
                }
                let tasks: Vec<(usize, usize)> = covering.iter().map(|index| keys[*index]).collect();
                let label = tasks.iter().map(|(s, t)| format!("{}.{}", s + 1, t + 1)).collect::<Vec<_>>().join(", ");
                let first = tasks[0];
                let current = move || reading.focused.get().is_some_and(|focused| tasks.contains(&focused));
                view! {
                    <mark class="clause" class:current=current data-tasks=label.clone() title=label on:click=move |_| reading.focused.set(Some(first))>{words}</mark>
                }
                .into_any()
            })
            .collect_view()
    };
    view! {
        <p class="hint">{tr(DeskKey::SourceAsRead)}</p>
        <div class="source-read" data-testid="source-as-read">{marked}</div>
    }
}

#[component]
pub fn ComposePage() -> impl IntoView {
    let source = RwSignal::new(String::new());
    let form = RwSignal::new(None::<DirectiveInput>);
    let outcome = RwSignal::new(None::<Outcome>);
    // `Some(id)` while a published directive is being edited.
    let editing = RwSignal::new(None::<Uuid>);
    let chosen = RwSignal::new(String::new());
    let reading = Reading::new();
    // The source shows as read, marked, until the supervisor edits it again.
    let source_as_read = RwSignal::new(false);

    let tree = LocalResource::new(crate::client::unit_tree);
    let units = Signal::derive(move || tree.get().and_then(Result::ok).unwrap_or_default());
    // A blank directive opened before the tree arrived gets its issuer when it comes.
    Effect::new(move |_| {
        let issuer = units.with(|units| province_name(units));
        form.update(|form| {
            if let Some(form) = form.as_mut().filter(|form| form.issuer.is_empty()) {
                form.issuer = issuer;
            }
        });
    });
    let published = LocalResource::new(crate::client::progress_report);
    let published_titles = move || {
        published
            .get()
            .and_then(Result::ok)
            .map(|report| report.directives.into_iter().map(|d| (d.directive.id, d.directive.title.to_string())).collect::<Vec<_>>())
            .unwrap_or_default()
    };

    let open = Action::new_local(move |id: &Uuid| {
        let id = *id;
        async move {
            match crate::client::directive_input(id).await {
                Ok(input) => {
                    editing.set(Some(id));
                    reading.clear();
                    source_as_read.set(false);
                    form.set(Some(input));
                }
                Err(error) => outcome.set(Some(error.into())),
            }
        }
    });
    let read = Action::new_local(move |text: &String| {
        let text = text.clone();
        async move {
            match crate::client::import_directive(text).await {
                Ok(draft) => {
                    reading.notes.set(draft.notes());
                    reading.date_asked.set(draft.issued_on.is_none());
                    reading.focused.set(None);
                    form.set(Some(draft.to_input(units.with_untracked(|units| province_name(units)), today())));
                    reading.source.set(draft.source);
                    source_as_read.set(true);
                }
                Err(error) => outcome.set(Some(error.into())),
            }
        }
    });
    let publish = Action::new_local(move |(input, revising): &(DirectiveInput, Option<Uuid>)| {
        let (input, revising) = (input.clone(), *revising);
        async move {
            let answer = match revising {
                Some(id) => crate::client::revise_directive(id, &input)
                    .await
                    .map(|revised| Outcome::Revised { added: revised.added_items, removed: revised.removed_items }),
                None => crate::client::publish_directive(&input)
                    .await
                    .map(|published| Outcome::Published { tasks: published.tasks, items: published.items }),
            };
            if answer.is_ok() {
                form.set(None);
                editing.set(None);
                source.set(String::new());
                reading.clear();
                source_as_read.set(false);
                published.refetch();
            }
            outcome.set(Some(answer.unwrap_or_else(Outcome::from)));
        }
    });
    let busy = Signal::derive(move || read.pending().get() || publish.pending().get() || open.pending().get());

    let blank = move |_| {
        editing.set(None);
        outcome.set(None);
        reading.clear();
        source_as_read.set(false);
        form.set(Some(DirectiveInput {
            title: String::new(),
            issuer: units.with_untracked(|units| province_name(units)),
            issued_on: today(),
            documents: Vec::new(),
            sections: vec![SectionInput::blank()],
        }));
    };
    let start_open = move |_| {
        if let Ok(id) = Uuid::parse_str(&chosen.get_untracked()) {
            outcome.set(None);
            open.dispatch(id);
        }
    };
    let start_read = move |_| {
        outcome.set(None);
        read.dispatch(source.get_untracked());
    };
    let start_publish = move |_| {
        if let Some(input) = form.get_untracked() {
            publish.dispatch((input, editing.get_untracked()));
        }
    };
    let choose_file = move |ev: leptos::ev::Event| super::read_chosen_file(ev, source);
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();

    view! {
        <main class="compose" data-testid="compose-page">
            <h1>{tr(DeskKey::ComposeTitle)}</h1>
            {move || outcome.get().map(|outcome| match outcome {
                Outcome::Published { tasks, items } => view! {
                    <p class="notice" role="status" data-testid="compose-outcome">{tr(DeskKey::Published)} " " {tasks} " " {tr(DeskKey::TasksWord)} ", " {items} " " {tr(DeskKey::ItemsWord)}</p>
                }.into_any(),
                Outcome::Revised { added, removed } => view! {
                    <p class="notice" role="status" data-testid="compose-outcome">{tr(DeskKey::Revised)} " +" {added} " / −" {removed} " " {tr(DeskKey::ItemsWord)}</p>
                }.into_any(),
                Outcome::Failed(reason) => view! { <p class="error" role="alert" data-testid="compose-outcome">{tr(Key::AdminFailed)} " " {move || super::failure_words(locale.get(), &reason)}</p> }.into_any(),
                Outcome::Problems(problems) => view! {
                    <div class="error" role="alert" data-testid="compose-outcome">
                        <p>{tr(DeskKey::DirectiveProblems)}</p>
                        <ul>{problems.into_iter().map(|p| {
                            let at = p.place;
                            // People count from one; the place counts like the lists, from zero.
                            let place = move || {
                                let mut parts = Vec::new();
                                if let Some(section) = at.section { parts.push(format!("{} {}", tr(DeskKey::SectionWord)(), section + 1)); }
                                if let Some(task) = at.task { parts.push(format!("{} {}", tr(DeskKey::TaskWord)(), task + 1)); }
                                if let Some(field) = at.field {
                                    parts.push(match at.entry {
                                        Some(entry) => format!("{} {}", tr(field)(), entry + 1),
                                        None => tr(field)().to_owned(),
                                    });
                                }
                                parts.join(" · ")
                            };
                            let said = problem_key(p.kind).map_or_else(|| p.message.clone(), |key| tr(key)().to_owned());
                            view! { <li data-path=p.path.clone()><strong>{place}</strong> ": " {said}</li> }
                        }).collect_view()}</ul>
                    </div>
                }.into_any(),
            })}
            <div class="edit-published">
                <label>{tr(DeskKey::EditPublished)}
                    <select name="published" prop:value=move || chosen.get() on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || published_titles().into_iter().map(|(id, title)| view! { <option value=id.to_string()>{title}</option> }).collect_view()}
                    </select></label>
                <button class="secondary" on:click=start_open data-testid="open-directive">{tr(DeskKey::Edit)}</button>
                <button class="secondary" on:click=blank data-testid="blank-directive">{tr(DeskKey::BlankDirective)}</button>
            </div>
            <div class="side-by-side">
                <section class="source">
                    <h2>{tr(DeskKey::SourceText)}</h2>
                    <Show when=move || source_as_read.get() && reading.source.with(|source| !source.is_empty())
                        fallback=move || view! {
                            <input type="file" accept=".txt,text/plain" name="directive-file" aria-label=tr(DeskKey::SourceFile) on:change=choose_file/>
                            <textarea name="directive-text" rows="24" aria-label=tr(DeskKey::SourceText) prop:value=move || source.get() on:input=move |ev| source.set(event_target_value(&ev))></textarea>
                            <button class="primary" on:click=start_read disabled=move || busy.get() data-testid="read-directive">{tr(DeskKey::ReadDirective)}</button>
                        }>
                        <SourceAsRead reading/>
                        <button class="secondary" on:click=move |_| source_as_read.set(false) data-testid="edit-source">{tr(DeskKey::EditSourceText)}</button>
                    </Show>
                </section>
                <section class="draft">
                    {move || form.with(|form| form.as_ref().map(shape)).map(|shape| view! {
                        <DraftForm form units shape reading/>
                        <button class="primary" on:click=start_publish disabled=move || busy.get() || reading.date_asked.get() data-testid="publish-directive">
                            {move || if editing.get().is_some() { tr(DeskKey::SaveChanges)() } else { tr(DeskKey::PublishDirective)() }}
                        </button>
                    })}
                </section>
            </div>
        </main>
    }
}
