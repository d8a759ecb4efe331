//! Writing a directive: paste the summary (or open a .txt), read it into a draft, correct
//! it beside the source text, and publish. Supervisors do this online at the office.

use super::tr;
use crate::domain::authoring::{DirectiveInput, InputProblem, ProblemKind, SectionInput, TaskInput};
use crate::domain::{Deadline, DeadlineKind, Party, Unit, UnitCode};
use crate::i18n::{DeskKey, Key};
use leptos::prelude::*;

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
fn province_name(units: RwSignal<Vec<Unit>>) -> String {
    units.with_untracked(|tree| tree.iter().find(|unit| unit.parent.is_none()).map(|unit| unit.name.to_string())).unwrap_or_default()
}

// Built only by browser code.
#[cfg_attr(not(feature = "browser"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Published { tasks: usize, items: usize },
    Revised { added: usize, removed: usize },
    Problems(Vec<InputProblem>),
    Failed(String),
}

#[component]
pub fn ComposePage() -> impl IntoView {
    let source = RwSignal::new(String::new());
    let form = RwSignal::new(None::<DirectiveInput>);
    let units = RwSignal::new(Vec::<Unit>::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    // `Some(id)` while a published directive is being edited.
    let editing = RwSignal::new(None::<uuid::Uuid>);
    let published = RwSignal::new(Vec::<(uuid::Uuid, String)>::new());
    let chosen = RwSignal::new(String::new());
    #[cfg(feature = "browser")]
    let load_published = move || {
        leptos::task::spawn_local(async move {
            if let Ok(report) = crate::client::progress_report().await {
                published.set(report.directives.into_iter().map(|d| (d.directive.id, d.directive.title.to_string())).collect());
            }
        });
    };
    #[cfg(feature = "browser")]
    Effect::new(move |_| {
        load_published();
        leptos::task::spawn_local(async move {
            if let Ok(tree) = crate::client::unit_tree().await {
                units.set(tree);
                // A blank directive opened before the tree arrived gets its issuer now.
                let issuer = province_name(units);
                form.update(|form| {
                    if let Some(form) = form.as_mut().filter(|form| form.issuer.is_empty()) {
                        form.issuer = issuer;
                    }
                });
            }
        });
    });
    let blank = move |_| {
        let issuer = province_name(units);
        editing.set(None);
        outcome.set(None);
        form.set(Some(DirectiveInput {
            title: String::new(),
            issuer,
            issued_on: Deadline::today_in_vietnam(chrono::Utc::now()),
            documents: Vec::new(),
            sections: vec![SectionInput::blank()],
        }));
    };
    let open = move |_| {
        let Ok(id) = uuid::Uuid::parse_str(&chosen.get_untracked()) else { return };
        outcome.set(None);
        #[cfg(feature = "browser")]
        leptos::task::spawn_local(async move {
            match crate::client::directive_input(id).await {
                Ok(input) => {
                    editing.set(Some(id));
                    form.set(Some(input));
                }
                Err(error) => outcome.set(Some(Outcome::Failed(error.to_string()))),
            }
        });
        let _ = id;
    };

    let read = move |_| {
        busy.set(true);
        outcome.set(None);
        #[cfg(feature = "browser")]
        leptos::task::spawn_local(async move {
            match crate::client::import_directive(source.get_untracked()).await {
                Ok(draft) => {
                    form.set(Some(draft.to_input(province_name(units), Deadline::today_in_vietnam(chrono::Utc::now()))));
                }
                Err(error) => outcome.set(Some(Outcome::Failed(error.to_string()))),
            }
            busy.set(false);
        });
    };
    let publish = move |_| {
        let Some(input) = form.get_untracked() else { return };
        busy.set(true);
        #[cfg(feature = "browser")]
        leptos::task::spawn_local(async move {
            use crate::client::ClientError;
            let answer = match editing.get_untracked() {
                Some(id) => crate::client::revise_directive(id, &input)
                    .await
                    .map(|revised| Outcome::Revised { added: revised.added_items, removed: revised.removed_items }),
                None => crate::client::publish_directive(&input)
                    .await
                    .map(|published| Outcome::Published { tasks: published.tasks, items: published.items }),
            };
            outcome.set(Some(match answer {
                Ok(done) => {
                    form.set(None);
                    editing.set(None);
                    source.set(String::new());
                    load_published();
                    done
                }
                Err(ClientError::InvalidDirective(problems)) => Outcome::Problems(problems),
                Err(error) => Outcome::Failed(error.to_string()),
            }));
            busy.set(false);
        });
        let _ = input;
    };
    let choose_file = move |ev: leptos::ev::Event| super::read_chosen_file(ev, source);

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
                Outcome::Failed(reason) => view! { <p class="error" role="alert" data-testid="compose-outcome">{tr(Key::AdminFailed)} " " {reason}</p> }.into_any(),
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
                        {move || published.get().into_iter().map(|(id, title)| view! { <option value=id.to_string()>{title}</option> }).collect_view()}
                    </select></label>
                <button class="secondary" on:click=open data-testid="open-directive">{tr(DeskKey::Edit)}</button>
                <button class="secondary" on:click=blank data-testid="blank-directive">{tr(DeskKey::BlankDirective)}</button>
            </div>
            <div class="side-by-side">
                <section class="source">
                    <h2>{tr(DeskKey::SourceText)}</h2>
                    <input type="file" accept=".txt,text/plain" name="directive-file" on:change=choose_file/>
                    <textarea name="directive-text" rows="24" prop:value=move || source.get() on:input=move |ev| source.set(event_target_value(&ev))></textarea>
                    <button class="primary" on:click=read disabled=move || busy.get() data-testid="read-directive">{tr(DeskKey::ReadDirective)}</button>
                </section>
                <section class="draft">
                    {move || form.with(|form| form.as_ref().map(shape)).map(|shape| view! {
                        <DraftForm form units shape/>
                        <button class="primary" on:click=publish disabled=move || busy.get() data-testid="publish-directive">
                            {move || if editing.get().is_some() { tr(DeskKey::SaveChanges)() } else { tr(DeskKey::PublishDirective)() }}
                        </button>
                    })}
                </section>
            </div>
        </main>
    }
}

/// How many tasks each section has: the form is rebuilt only when this changes.
fn shape(input: &DirectiveInput) -> Vec<usize> {
    input.sections.iter().map(|section| section.tasks.len()).collect()
}

#[component]
fn DraftForm(form: RwSignal<Option<DirectiveInput>>, units: RwSignal<Vec<Unit>>, shape: Vec<usize>) -> impl IntoView {
    let edit = move |change: Box<dyn FnOnce(&mut DirectiveInput)>| {
        form.update(|form| {
            if let Some(input) = form.as_mut() {
                change(input);
            }
        })
    };
    let read = move |get: fn(&DirectiveInput) -> String| move || form.with(|form| form.as_ref().map(get).unwrap_or_default());
    view! {
        <div class="draft-form">
            <label>{tr(DeskKey::DirectiveTitle)}
                <input name="title" prop:value=read(|i| i.title.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |i| i.title = v)) }/></label>
            <label>{tr(DeskKey::Issuer)}
                <input name="issuer" prop:value=read(|i| i.issuer.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |i| i.issuer = v)) }/></label>
            <label>{tr(DeskKey::IssuedOn)}
                <input name="issued-on" type="date" prop:value=read(|i| i.issued_on.to_string())
                    on:change=move |ev| { if let Ok(date) = event_target_value(&ev).parse() { edit(Box::new(move |i| i.issued_on = date)) } }/></label>
            <label>{tr(DeskKey::Documents)}
                <input name="documents" prop:value=read(|i| i.documents.join(", "))
                    on:change=move |ev| {
                        let v: Vec<String> = event_target_value(&ev).split(',').map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
                        edit(Box::new(move |i| i.documents = v))
                    }/></label>
            {shape.into_iter().enumerate().map(|(s, tasks)| view! {
                <fieldset class="section-form">
                    <legend>{format!("{}.", s + 1)}</legend>
                    <input name=format!("heading-{s}") placeholder=tr(DeskKey::SectionHeading) prop:value=move || form.with(|f| f.as_ref().map(|i| i.sections[s].heading.clone()).unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |i| i.sections[s].heading = v)) }/>
                    {(0..tasks).map(|t| view! {
                        <TaskForm form units s t/>
                        <button class="link" on:click=move |_| edit(Box::new(move |i| { i.sections[s].tasks.remove(t); })) data-testid="remove-task">{tr(DeskKey::RemoveTask)}</button>
                    }).collect_view()}
                    <button class="secondary" on:click=move |_| edit(Box::new(move |i| i.sections[s].tasks.push(TaskInput::blank()))) data-testid="add-task">{tr(DeskKey::AddTask)}</button>
                </fieldset>
            }).collect_view()}
            <button class="secondary" on:click=move |_| edit(Box::new(|i| i.sections.push(SectionInput::blank()))) data-testid="add-section">{tr(DeskKey::AddSection)}</button>
        </div>
    }
}

/// The unit codes chosen in a multiple select.
fn selected_units(ev: &leptos::ev::Event) -> Vec<UnitCode> {
    #[cfg(feature = "browser")]
    {
        let options = event_target::<web_sys::HtmlSelectElement>(ev).selected_options();
        (0..options.length())
            .filter_map(|i| options.item(i))
            .filter_map(|option| option.get_attribute("value"))
            .filter_map(|value| UnitCode::parse(&value).ok())
            .collect()
    }
    #[cfg(not(feature = "browser"))]
    {
        let _ = ev;
        Vec::new()
    }
}

#[component]
fn TaskForm(form: RwSignal<Option<DirectiveInput>>, units: RwSignal<Vec<Unit>>, s: usize, t: usize) -> impl IntoView {
    let task = move || form.with(|f| f.as_ref().and_then(|i| i.sections.get(s)).and_then(|sec| sec.tasks.get(t)).cloned());
    let update = move |change: Box<dyn FnOnce(&mut TaskInput)>| {
        form.update(|f| {
            if let Some(task) = f.as_mut().and_then(|i| i.sections.get_mut(s)).and_then(|sec| sec.tasks.get_mut(t)) {
                change(task);
            }
        })
    };
    let lead_value = move || {
        task()
            .map(|task| match task.lead {
                Party::Unit(code) => code.to_string(),
                Party::Phrase(_) => String::new(),
            })
            .unwrap_or_default()
    };
    let lead_phrase = move || {
        task().and_then(|task| match task.lead {
            Party::Phrase(text) => Some(text.to_string()),
            Party::Unit(_) => None,
        })
    };
    let groups = move || {
        task()
            .map(|task| {
                task.coordinating.iter().filter(|p| p.unit_code().is_none()).map(ToString::to_string).collect::<Vec<_>>().join(", ")
            })
            .unwrap_or_default()
    };
    let coordinates = move |code: &UnitCode| task().is_some_and(|task| task.coordinating.contains(&Party::Unit(code.clone())));
    let carries_out = move |code: &UnitCode| task().is_some_and(|task| task.assigned.contains(code));
    view! {
        <div class="task-form" data-testid="task-form">
            <textarea name=format!("task-{s}-{t}-text") rows="3" prop:value=move || task().map(|t| t.text).unwrap_or_default()
                on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |t| t.text = v)) }></textarea>
            <label>{tr(Key::Lead)}
                <select name=format!("task-{s}-{t}-lead") prop:value=lead_value
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Ok(code) = UnitCode::parse(&value) { update(Box::new(move |t| t.lead = Party::Unit(code))) }
                    }>
                    <option value="">{move || lead_phrase().map(|p| format!("“{p}”")).unwrap_or_else(|| "—".into())}</option>
                    {move || units.get().into_iter().map(|unit| {
                        let code = unit.code.to_string();
                        view! { <option value=code.clone()>{unit.name.to_string()}</option> }
                    }).collect_view()}
                </select></label>
            {move || lead_phrase().map(|phrase| view! { <p class="hint warning-text">{tr(DeskKey::NotAUnit)} " “" {phrase} "”"</p> })}
            <label>{tr(Key::Coordinating)}
                <select multiple name=format!("task-{s}-{t}-coordinating")
                    on:change=move |ev| {
                        let chosen = selected_units(&ev);
                        update(Box::new(move |t| {
                            t.coordinating.retain(|party| party.unit_code().is_none());
                            t.coordinating.extend(chosen.into_iter().map(Party::Unit));
                        }))
                    }>
                    {move || units.get().into_iter().map(|unit| {
                        let code = unit.code.clone();
                        view! { <option value=code.to_string() prop:selected=move || coordinates(&code)>{unit.name.to_string()}</option> }
                    }).collect_view()}
                </select></label>
            {move || Some(groups()).filter(|g| !g.is_empty()).map(|groups| view! { <p class="hint">{tr(DeskKey::AsWritten)} ": " {groups}</p> })}
            <label>{tr(Key::Target)}
                <input name=format!("task-{s}-{t}-target") prop:value=move || task().and_then(|t| t.target).unwrap_or_default()
                    on:change=move |ev| { let v = event_target_value(&ev); update(Box::new(move |t| t.target = Some(v).filter(|v| !v.trim().is_empty()))) }/></label>
            <div class="deadline-form">
                <label>{tr(DeskKey::DeadlineLabel)}
                    <input type="date" name=format!("task-{s}-{t}-deadline") prop:value=move || task().and_then(|t| t.deadline).map(|d| d.date.to_string()).unwrap_or_default()
                        on:change=move |ev| {
                            let date = event_target_value(&ev).parse().ok();
                            update(Box::new(move |t| t.deadline = date.map(|date| Deadline { date, kind: t.deadline.map_or(DeadlineKind::Before, |d| d.kind) })))
                        }/></label>
                <select name=format!("task-{s}-{t}-kind") prop:value=move || task().and_then(|t| t.deadline).map(|d| d.kind.as_str().to_owned()).unwrap_or_default()
                    on:change=move |ev| { let kind = DeadlineKind::from_word(&event_target_value(&ev)).unwrap_or(DeadlineKind::Before); update(Box::new(move |t| if let Some(d) = t.deadline.as_mut() { d.kind = kind })) }>
                    {DeadlineKind::ALL.iter().map(|&k| view! { <option value=k.as_str()>{tr(k)}</option> }).collect_view()}
                </select>
                <label>{tr(DeskKey::RecurrenceLabel)}
                    <input name=format!("task-{s}-{t}-recurrence") prop:value=move || task().and_then(|t| t.recurrence).unwrap_or_default()
                        on:change=move |ev| { let v = event_target_value(&ev); update(Box::new(move |t| t.recurrence = Some(v).filter(|v| !v.trim().is_empty()))) }/></label>
            </div>
            <label>{tr(DeskKey::AssignedUnits)}
                <select multiple name=format!("task-{s}-{t}-assigned")
                    on:change=move |ev| { let chosen = selected_units(&ev); update(Box::new(move |t| t.assigned = chosen)) }>
                    {move || units.get().into_iter().map(|unit| {
                        let code = unit.code.clone();
                        view! { <option value=code.to_string() prop:selected=move || carries_out(&code)>{unit.name.to_string()}</option> }
                    }).collect_view()}
                </select></label>
            <label>{tr(DeskKey::ChecklistLines)}
                <textarea name=format!("task-{s}-{t}-checklist") rows="3" prop:value=move || task().map(|t| t.checklist.join("\n")).unwrap_or_default()
                    on:input=move |ev| { let v: Vec<String> = event_target_value(&ev).lines().map(str::to_owned).collect(); update(Box::new(move |t| t.checklist = v)) }></textarea></label>
        </div>
    }
}
