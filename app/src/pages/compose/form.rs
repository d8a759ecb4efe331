//! The directive form: sections, tasks, their units, deadline and checklist, edited in
//! place. It holds no rules; publishing checks the whole directive (`authoring::plan`).

use super::super::tr;
use crate::domain::authoring::{DirectiveInput, SectionInput, TaskInput};
use crate::domain::{Deadline, DeadlineKind, Party, Unit, UnitCode};
use crate::i18n::{DeskKey, Key};
use leptos::prelude::*;

/// How many tasks each section has: the form is rebuilt only when this changes.
pub(super) fn shape(input: &DirectiveInput) -> Vec<usize> {
    input.sections.iter().map(|section| section.tasks.len()).collect()
}

#[component]
pub(super) fn DraftForm(form: RwSignal<Option<DirectiveInput>>, units: Signal<Vec<Unit>>, shape: Vec<usize>) -> impl IntoView {
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
fn TaskForm(form: RwSignal<Option<DirectiveInput>>, units: Signal<Vec<Unit>>, s: usize, t: usize) -> impl IntoView {
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
