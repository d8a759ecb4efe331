//! The field page: a commune official's tasks and checklists, usable offline on a tablet.

use super::sign_in::SessionExpired;
use super::sign_offs::SignOffs;
use super::status::StatusBar;
use super::{tr, DeadlineTerm, StatePill};
use crate::api::photo_url;
use crate::domain::access::Action;
use crate::domain::{Deadline, Party, Period, Task, UnitCode};
use crate::i18n::{period_name, Key};
use crate::i18n::{vietnam_date, vietnam_time};
use crate::sync::{PeriodTally, PhotoState, TaskView};
use crate::workspace::Workspace;
use leptos::prelude::*;
use uuid::Uuid;

/// The signed-in person's checklists, from their workspace (made once by the page switcher).
#[component]
pub fn FieldPage() -> impl IntoView {
    let workspace = expect_context::<Workspace>();
    let sign_offs = SignOffs { reports: RwSignal::new(Vec::new()) };
    provide_context(sign_offs);
    Effect::new(move |_| {
        // Sign-offs are an online matter: heads give them at the office. When the server
        // is reached again the list is read again.
        if workspace.connection.get() == crate::workspace::Connection::Reached {
            sign_offs.load();
        }
    });
    // Only the shape (which directives, tasks and items exist) rebuilds the list; a tick
    // re-renders just its own row, so a note being typed elsewhere keeps its focus.
    let shape = Memo::new(move |_| {
        workspace
            .view()
            .into_iter()
            .map(|directive| {
                let sections = directive
                    .sections
                    .into_iter()
                    .map(|(index, tasks)| {
                        let tasks = tasks
                            .into_iter()
                            .map(|TaskView { task, items, period, earlier }| {
                                let items = items.iter().map(|item| (item.id, item.unit.clone())).collect::<Vec<_>>();
                                (task, items, period, earlier)
                            })
                            .collect::<Vec<_>>();
                        (index, tasks)
                    })
                    .collect::<Vec<_>>();
                (directive.directive, sections)
            })
            .collect::<Vec<_>>()
    });

    view! {
        <main class="field">
            <StatusBar workspace/>
            <Show when=move || workspace.session_expired.get()>
                <SessionExpired/>
            </Show>
            <RejectedList workspace/>
            // Conflicts are settled where the person works: on the progress page for those
            // who have one, here for heads of the units below.
            {(workspace.permits(Action::ReviewConflicts) && !workspace.permits(Action::OverseeProvince)).then(|| view! {
                // Heads settle conflicts in the units below them; a decision travels back by sync.
                <super::chunk::OnDemand load=super::review::review_panel quiet=true
                    show=move |build: super::review::ReviewBuilder| build(
                        Signal::derive(move || workspace.last_sync_ms.get().unwrap_or(0) as u32),
                        Callback::new(move |_| workspace.sync_now()))/>
            })}
            <h1>{tr(Key::FieldTitle)}</h1>
            {move || {
                if !workspace.loaded.get() {
                    return view! { <p class="loading">{tr(Key::Loading)}</p> }.into_any();
                }
                let directives = shape.get();
                if directives.is_empty() {
                    return view! { <p class="empty">{tr(Key::NoTasks)}</p> }.into_any();
                }
                directives
                    .into_iter()
                    .map(|(directive, sections)| {
                        view! {
                            <article class="directive">
                                <h2>{directive.title.to_string()}</h2>
                                <p class="meta">
                                    {directive.issuer.to_string()} " · " {vietnam_date(directive.issued_on)}
                                </p>
                                {sections
                                    .into_iter()
                                    .map(|(index, tasks)| {
                                        let heading = directive.sections.get(index).map(|s| s.heading.to_string()).unwrap_or_default();
                                        view! {
                                            <section class="section">
                                                <h3>{format!("{}. {heading}", index + 1)}</h3>
                                                {tasks
                                                    .into_iter()
                                                    .map(|(task, items, period, earlier)| view! { <TaskCard workspace task items period earlier/> })
                                                    .collect_view()}
                                            </section>
                                        }
                                    })
                                    .collect_view()}
                            </article>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </main>
    }
}

#[component]
fn TaskCard(
    workspace: Workspace,
    task: Task,
    items: Vec<(Uuid, UnitCode)>,
    period: Option<(Period, Deadline)>,
    earlier: Vec<PeriodTally>,
) -> impl IntoView {
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    let lead = workspace.party_name(&task.lead);
    let session = workspace.session.get_value();
    // Items arrive sorted by unit; each unit's run becomes one list, headed by the unit's
    // name when it is not the reader's own.
    let mut by_unit: Vec<(UnitCode, Vec<Uuid>)> = Vec::new();
    for (id, unit) in items {
        match by_unit.last_mut() {
            Some((last, ids)) if *last == unit => ids.push(id),
            _ => by_unit.push((unit, vec![id])),
        }
    }
    let coordinating = task.coordinating.iter().map(|party| workspace.party_name(party)).collect::<Vec<_>>().join(", ");
    view! {
        <div class="task">
            <p class="task-text">{task.text.to_string()}</p>
            <dl class="task-meta">
                {period.map(|(period, _)| view! { <dt>{tr(Key::Period)}</dt><dd data-testid="period">{move || period_name(locale.get(), period)}</dd> })}
                {period.map(|(_, deadline)| deadline).or(task.deadline).map(|deadline| view! { <DeadlineTerm deadline/> })}
                <dt>{tr(Key::Lead)}</dt>
                <dd>{lead}</dd>
                {(!coordinating.is_empty()).then(|| view! { <dt>{tr(Key::Coordinating)}</dt><dd>{coordinating}</dd> })}
                {task.target.map(|target| view! { <dt>{tr(Key::Target)}</dt><dd>{target.to_string()}</dd> })}
            </dl>
            {by_unit
                .into_iter()
                .map(|(unit, ids)| {
                    let editable = workspace.permits(Action::ChangeItemOf(&unit));
                    let may_sign = workspace.permits(Action::SignOffReport(&unit));
                    let heading = (unit != session.unit).then(|| {
                        let name = workspace.party_name(&Party::Unit(unit.clone()));
                        view! {
                            <h4 class="unit-name">
                                {name}
                                {(!editable).then(|| view! { " " <span class="badge">{tr(Key::ViewOnly)}</span> })}
                            </h4>
                        }
                    });
                    let task_id = task.id;
                    let shown_period = period.map(|(period, _)| period);
                    let deadline = period.map(|(_, deadline)| deadline).or(task.deadline);
                    let checklist = ids.clone();
                    let listed = ids.clone();
                    let open_items = Signal::derive(move || {
                        listed
                            .iter()
                            .filter_map(|id| workspace.item(*id))
                            .filter(|item| !item.done)
                            .map(|item| item.label.to_string())
                            .collect::<Vec<_>>()
                    });
                    let standing = Signal::derive(move || {
                        let items: Vec<_> = checklist.iter().filter_map(|id| workspace.item(*id)).collect();
                        let done_at = crate::domain::checklist_done_at_ms(&items).and_then(chrono::DateTime::from_timestamp_millis);
                        crate::domain::standing(deadline, done_at, chrono::Utc::now(), crate::domain::DUE_SOON_DAYS)
                    });
                    view! {
                        {heading}
                        <p class="checklist-state"><StatePill standing/></p>
                        <ul class="checklist">
                            {ids.into_iter().map(|id| view! { <ItemRow workspace id editable/> }).collect_view()}
                        </ul>
                        <SignOff task=task_id unit=unit.clone() period=shown_period may_sign open_items/>
                    }
                })
                .collect_view()}
            {(!earlier.is_empty()).then(|| view! {
                <details class="earlier">
                    <summary>{tr(Key::EarlierPeriods)}</summary>
                    <ul>
                        {earlier.into_iter().map(|tally| {
                            let unit = (tally.unit != session.unit).then(|| format!(" · {}", workspace.party_name(&Party::Unit(tally.unit.clone()))));
                            view! { <li>{move || period_name(locale.get(), tally.period)} {unit} ": " {tally.done} "/" {tally.total}</li> }
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </div>
    }
}

/// Whether a unit's report on a task (for recurring work, on the period shown) is signed
/// off; heads give or take back the sign-off with a button from its own chunk.
#[component]
fn SignOff(task: Uuid, unit: UnitCode, period: Option<Period>, may_sign: bool, open_items: Signal<Vec<String>>) -> impl IntoView {
    let sign_offs = expect_context::<SignOffs>();
    let unit_for_report = unit.clone();
    let report = Memo::new(move |_| {
        sign_offs
            .reports
            .with(|reports| reports.iter().find(|r| r.task == task && r.unit == unit_for_report && r.period == period).cloned())
    });
    let signed = Signal::derive(move || report.with(Option::is_some));
    view! {
        <div class="sign-off" data-testid="sign-off">
            {move || report.get().map(|report| view! {
                <span class="pill online" data-testid="report-signed-off">
                    {tr(Key::ReportSignedOff)} " · " {report.by} " · " {vietnam_time(report.at_ms)}
                    {(report.open_items > 0).then(|| view! { " · " {report.open_items} " " {tr(Key::SignedOffWithOpenItems)} })}
                </span>
            })}
            {may_sign.then(|| view! {
                <super::chunk::OnDemand load=super::sign_off::sign_off_button quiet=true
                    show=move |build: super::sign_off::SignOffButtonBuilder| build(super::sign_off::SignOffTarget {
                        sign_offs, task, unit: unit.clone(), period, signed, open_items,
                    })/>
            })}
        </div>
    }
}

#[component]
fn ItemRow(workspace: Workspace, id: Uuid, editable: bool) -> impl IntoView {
    let item = Memo::new(move |_| workspace.item(id));
    let done = move || item.with(|item| item.as_ref().is_some_and(|item| item.done));
    let note = move || item.with(|item| item.as_ref().map(|item| item.note.as_str().to_owned()).unwrap_or_default());
    let label = move || item.with(|item| item.as_ref().map(|item| item.label.to_string()).unwrap_or_default());
    let note_ok = RwSignal::new(true);
    view! {
        <li class="item" class:done=done data-testid="checklist-item" data-item=id.to_string()>
            <label class="tick">
                <input type="checkbox" prop:checked=done disabled=!editable
                    on:change=move |ev| {
                        let stored = workspace.set_done(id, event_target_checked(&ev));
                        if stored {
                            crate::timing::measure_since(crate::timing::TAP_TO_STORAGE, ev.time_stamp());
                        }
                        if !stored {
                            // The browser already flipped the box; put it back to what is stored.
                            event_target::<leptos::web_sys::HtmlInputElement>(&ev).set_checked(done());
                        }
                    }/>
                <span class="label">{label}</span>
            </label>
            <label class="note">
                <span class="sr-only">{tr(Key::Note)}</span>
                <textarea rows="2" placeholder=tr(Key::Note) prop:value=note readonly=!editable class:invalid=move || !note_ok.get()
                    on:change=move |ev| note_ok.set(workspace.set_note(id, &event_target_value(&ev)))></textarea>
            </label>
            <Photos workspace id editable/>
        </li>
    }
}

#[component]
fn RejectedList(workspace: Workspace) -> impl IntoView {
    view! {
        <Show when=move || workspace.rejected.with(|rejected| !rejected.is_empty())>
            <section class="banner warning" data-testid="rejected">
                <h2>{tr(Key::Rejected)}</h2>
                <ul>
                    {move || workspace.rejected.get().into_iter().map(|(change, reason)| {
                        let label = workspace.snapshot.with(|s| s.items.get(&change.item).map(|i| i.label.to_string()))
                            .unwrap_or_else(|| change.item.to_string());
                        view! { <li>{label} ": " {reason}</li> }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// The item's photos: those kept on this device (shown from browser storage, offline
/// too) and those others sent, from the server.
#[component]
fn Photos(workspace: Workspace, id: Uuid, editable: bool) -> impl IntoView {
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    let local = move || workspace.photos.with(|kept| kept.iter().filter(|photo| photo.item == id).cloned().collect::<Vec<_>>());
    let from_others = move || {
        let here: Vec<_> =
            workspace.photos.with(|kept| kept.iter().filter(|photo| photo.item == id).map(|photo| photo.id.clone()).collect());
        workspace
            .item(id)
            .map(|item| item.photos.into_iter().filter(|photo| !here.contains(&photo.id)).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let chosen = move |ev: leptos::ev::Event| {
        let input = event_target::<leptos::web_sys::HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            workspace.attach_photo(id, file);
        }
        // The same picture may be chosen again later.
        input.set_value("");
    };
    view! {
        <div class="photos">
            {move || local().into_iter().map(|photo| {
                let (state, reason) = match &photo.state {
                    PhotoState::Waiting => ("waiting", None),
                    PhotoState::Uploaded => ("uploaded", None),
                    PhotoState::Refused(reason) => ("refused", Some(reason.clone())),
                };
                let refused = reason.is_some();
                view! {
                    <figure class="photo" class:refused=refused data-testid="photo" data-state=state data-photo=photo.id.to_string()>
                        <img src=photo.url alt=tr(Key::Evidence)/>
                        {(state == "waiting").then(|| view! { <figcaption>{tr(Key::PhotoWaiting)}</figcaption> })}
                        {reason.map(|reason| {
                            let said = move || match crate::api::ErrorCode::from_word(&reason) {
                                Some(code) => crate::i18n::t(locale.get(), code).to_owned(),
                                None => reason.clone(),
                            };
                            view! { <figcaption class="error">{tr(Key::PhotoRefused)} ": " {said}</figcaption> }
                        })}
                    </figure>
                }
            }).collect_view()}
            {move || from_others().into_iter().map(|photo| view! {
                <figure class="photo" data-testid="photo" data-state="server" data-photo=photo.id.to_string()>
                    <img src=photo_url(&photo.id) alt=tr(Key::Evidence) loading="lazy"/>
                    <figcaption>{photo.by}</figcaption>
                </figure>
            }).collect_view()}
            {editable.then(|| view! {
                <label class="photo-add">
                    <input type="file" accept="image/*" capture="environment" class="sr-only" on:change=chosen data-testid="add-photo"/>
                    {tr(Key::AddPhoto)}
                </label>
            })}
        </div>
    }
}
