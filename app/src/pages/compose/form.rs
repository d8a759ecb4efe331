//! The directive form: sections, tasks, their units, deadline and checklist, edited in
//! place. It holds no rules; publishing checks the whole directive (`authoring::plan`).

use super::super::tr;
use super::Reading;
use crate::domain::authoring::{DirectiveInput, SectionInput, TaskInput};
use crate::domain::{tree_order, Cycle, Deadline, DeadlineKind, Party, Recurrence, Unit, UnitCode};
use crate::i18n::{DeskKey, Key};
use leptos::prelude::*;

/// How many tasks each section has: the form is rebuilt only when this changes.
pub(super) fn shape(input: &DirectiveInput) -> Vec<usize> {
    input.sections.iter().map(|section| section.tasks.len()).collect()
}

#[component]
pub(super) fn DraftForm(
    form: RwSignal<Option<DirectiveInput>>,
    units: Signal<Vec<Unit>>,
    shape: Vec<usize>,
    reading: Reading,
) -> impl IntoView {
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
                <input name="issued-on" type="date" class:asked=move || reading.date_asked.get()
                    prop:value=move || if reading.date_asked.get() { String::new() } else { read(|i| i.issued_on.to_string())() }
                    on:change=move |ev| {
                        if let Ok(date) = event_target_value(&ev).parse() {
                            reading.date_asked.set(false);
                            edit(Box::new(move |i| i.issued_on = date))
                        }
                    }/></label>
            <Show when=move || reading.date_asked.get()>
                <p class="hint warning-text" data-testid="issue-date-asked">{tr(DeskKey::IssueDateMissing)}</p>
            </Show>
            <label>{tr(DeskKey::Documents)}
                <input name="documents" prop:value=read(|i| i.documents.join(", "))
                    on:change=move |ev| {
                        let v: Vec<String> = event_target_value(&ev).split(',').map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
                        edit(Box::new(move |i| i.documents = v))
                    }/></label>
            {shape.into_iter().enumerate().map(|(s, tasks)| view! {
                <fieldset class="section-form">
                    <legend>{format!("{}.", s + 1)}</legend>
                    <input name=format!("heading-{s}") placeholder=tr(DeskKey::SectionHeading) aria-label=tr(DeskKey::SectionHeading) prop:value=move || form.with(|f| f.as_ref().map(|i| i.sections[s].heading.clone()).unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |i| i.sections[s].heading = v)) }/>
                    {(0..tasks).map(|t| view! {
                        <TaskForm form units s t reading/>
                        <button class="link" on:click=move |_| { reading.task_removed(s, t); edit(Box::new(move |i| { i.sections[s].tasks.remove(t); })) } data-testid="remove-task">{tr(DeskKey::RemoveTask)}</button>
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
    let options = event_target::<web_sys::HtmlSelectElement>(ev).selected_options();
    (0..options.length())
        .filter_map(|i| options.item(i))
        .filter_map(|option| option.get_attribute("value"))
        .filter_map(|value| UnitCode::parse(&value).ok())
        .collect()
}

/// The units as options of a select, in the tree's order and indented by depth; those the
/// search does not find are hidden, not removed, so a unit chosen stays chosen.
fn unit_options(
    units: Signal<Vec<Unit>>,
    query: RwSignal<String>,
    chosen: impl Fn(&UnitCode) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        units.with(|units| {
            tree_order(units)
                .into_iter()
                .map(|(depth, unit)| {
                    let code = unit.code.clone();
                    let found = unit.clone();
                    let label = format!("{}{}", "\u{a0}\u{a0}\u{a0}".repeat(depth), unit.name);
                    view! {
                        <option value=code.to_string() prop:selected=move || chosen(&code) prop:hidden=move || !query.with(|query| found.answers_to(query))>{label}</option>
                    }
                })
                .collect_view()
        })
    }
}

/// The recurrence picker's value: a cycle and the day due in each period.
fn recurrence_of(task: Option<TaskInput>) -> (Option<Cycle>, Option<u32>) {
    task.and_then(|task| task.recurrence).and_then(|raw| Recurrence::read(&raw)).map_or((None, None), |(cycle, day)| (Some(cycle), day))
}

#[component]
fn TaskForm(form: RwSignal<Option<DirectiveInput>>, units: Signal<Vec<Unit>>, s: usize, t: usize, reading: Reading) -> impl IntoView {
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
    let leads = move |code: &UnitCode| task().is_some_and(|task| task.lead == Party::Unit(code.clone()));
    let query = RwSignal::new(String::new());
    let note = move || reading.note(s, t);
    let current = move || reading.focused.get() == Some((s, t));
    let set_recurrence = move |cycle: Option<Cycle>, day: Option<u32>| {
        let day = day.filter(|day| cycle.is_some_and(|cycle| (1..=cycle.last_named_day()).contains(day)));
        update(Box::new(move |t| t.recurrence = cycle.map(|cycle| Recurrence::written(cycle, day))))
    };
    view! {
        <div class="task-form" class:current=current data-testid="task-form" data-task=format!("{}.{}", s + 1, t + 1)
            on:focusin=move |_| if note().is_some() { reading.focused.set(Some((s, t))) }>
            {move || note().map(|_| view! {
                <button class="link" on:click=move |_| reading.focused.set(Some((s, t))) data-testid="see-source-clause">
                    {format!("{}.{} · ", s + 1, t + 1)} {tr(DeskKey::SeeSourceClause)}
                </button>
            })}
            <textarea name=format!("task-{s}-{t}-text") rows="3" aria-label=tr(DeskKey::TaskText) prop:value=move || task().map(|t| t.text).unwrap_or_default()
                on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |t| t.text = v)) }></textarea>
            <label>{tr(Key::Lead)}
                <select name=format!("task-{s}-{t}-lead") prop:value=lead_value
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        if let Ok(code) = UnitCode::parse(&value) { update(Box::new(move |t| t.lead = Party::Unit(code))) }
                    }>
                    <option value="">{move || lead_phrase().map(|p| format!("“{p}”")).unwrap_or_else(|| "—".into())}</option>
                    {unit_options(units, query, leads)}
                </select></label>
            {move || lead_phrase().map(|phrase| view! { <p class="hint warning-text">{tr(DeskKey::NotAUnit)} " “" {phrase} "”"</p> })}
            <label>{tr(DeskKey::FindUnit)}
                <input type="search" name=format!("task-{s}-{t}-find-unit") prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))/></label>
            <label>{tr(Key::Coordinating)}
                <select multiple name=format!("task-{s}-{t}-coordinating")
                    on:change=move |ev| {
                        let chosen = selected_units(&ev);
                        update(Box::new(move |t| {
                            t.coordinating.retain(|party| party.unit_code().is_none());
                            t.coordinating.extend(chosen.into_iter().map(Party::Unit));
                        }))
                    }>
                    {unit_options(units, query, coordinates)}
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
                    <select name=format!("task-{s}-{t}-cycle") prop:value=move || recurrence_of(task()).0.map(Cycle::as_str).unwrap_or_default()
                        on:change=move |ev| set_recurrence(Cycle::from_word(&event_target_value(&ev)), recurrence_of(task()).1)>
                        <option value="">{tr(DeskKey::NotRecurring)}</option>
                        {Cycle::ALL.iter().map(|&cycle| view! { <option value=cycle.as_str()>{tr(cycle)}</option> }).collect_view()}
                    </select></label>
                {move || recurrence_of(task()).0.map(|cycle| view! {
                    <label>{if cycle == Cycle::Weekly { tr(DeskKey::DueWeekdayInPeriod)() } else { tr(DeskKey::DueDayInPeriod)() }}
                        <input type="number" min="1" max=cycle.last_named_day() name=format!("task-{s}-{t}-due-day")
                            prop:value=move || recurrence_of(task()).1.map(|day| day.to_string()).unwrap_or_default()
                            on:change=move |ev| set_recurrence(Some(cycle), event_target_value(&ev).trim().parse().ok())/></label>
                })}
            </div>
            {move || note().filter(|note| note.deadline_inferred).map(|_| view! { <p class="hint warning-text" data-testid="deadline-inferred">{tr(DeskKey::DeadlineYearInferred)}</p> })}
            {move || note().and_then(|note| note.deadline_as_written).map(|words| view! {
                <p class="hint warning-text" data-testid="deadline-occasion">{tr(DeskKey::DeadlineOccasion)} " “" {words} "”"</p>
            })}
            <label>{tr(DeskKey::AssignedUnits)}
                <select multiple name=format!("task-{s}-{t}-assigned")
                    on:change=move |ev| { let chosen = selected_units(&ev); update(Box::new(move |t| t.assigned = chosen)) }>
                    {unit_options(units, query, carries_out)}
                </select></label>
            <label>{tr(DeskKey::ChecklistLines)}
                <textarea name=format!("task-{s}-{t}-checklist") rows="3" prop:value=move || task().map(|t| t.checklist.join("\n")).unwrap_or_default()
                    on:input=move |ev| { let v: Vec<String> = event_target_value(&ev).lines().map(str::to_owned).collect(); update(Box::new(move |t| t.checklist = v)) }></textarea></label>
        </div>
    }
}
