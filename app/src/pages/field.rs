//! The field page: a unit's work as a list of tasks, what is left first and the soonest
//! last day on top, each opening to its checklist; for a head, the units below summed
//! first. Made for a tablet offline for days: every rule it shows by (the state, the
//! filters, the order) is the core's [`crate::worklist`].

use super::sign_in::SessionExpired;
use super::sign_offs::SignOffs;
use super::status::StatusBar;
use super::{tr, DeadlineTerm, StatePill};
use crate::api::photo_url;
use crate::domain::access::Action;
use crate::domain::{Party, Period, Task, UnitCode, DUE_SOON_DAYS, NOTE_MAX_CHARS};
use crate::i18n::{period_name, vietnam_time, Key};
use crate::sync::{PeriodTally, PhotoState};
use crate::worklist::{assignments, unit_summaries, work_list, Assignment, WorkFilter, WorkList};
use crate::workspace::Workspace;
use leptos::prelude::*;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One row of the list: a task for one unit, in one period for recurring work.
type RowKey = (Uuid, UnitCode, Option<Period>);

fn key_of(assignment: &Assignment) -> RowKey {
    (assignment.task, assignment.unit.clone(), assignment.period)
}

/// What a row shows of its task beyond the assignment: the task, its directive's title and
/// the earlier periods of recurring work.
#[derive(Clone, PartialEq)]
struct TaskFacts {
    task: Task,
    directive_title: String,
    earlier: Vec<PeriodTally>,
}

/// Lists of at most this many tasks open every checklist at once: nothing to look for.
const OPEN_ALL_UP_TO: usize = 3;

/// The signed-in person's work, from their workspace (made once by the page switcher).
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
    let filter = RwSignal::new(WorkFilter::default());
    let search = RwSignal::new(String::new());
    let views = Memo::new(move |_| workspace.view());
    let facts = Memo::new(move |_| {
        views.with(|views| {
            let mut facts = BTreeMap::new();
            for view in views {
                for task_view in view.sections.iter().flat_map(|(_, tasks)| tasks) {
                    facts.insert(
                        task_view.task.id,
                        TaskFacts {
                            task: task_view.task.clone(),
                            directive_title: view.directive.title.to_string(),
                            earlier: task_view.earlier.clone(),
                        },
                    );
                }
            }
            facts
        })
    });
    let all = Memo::new(move |_| views.with(|views| assignments(views, chrono::Utc::now(), DUE_SOON_DAYS)));
    let own = workspace.session.with_value(|session| session.unit.clone());
    // The reader's own unit first, then the units below by name.
    let units = Memo::new(move |_| {
        let mut units: Vec<UnitCode> = all.with(|all| all.iter().map(|assignment| assignment.unit.clone()).collect());
        units.sort_by_cached_key(|unit| (*unit != own, workspace.party_name(&Party::Unit(unit.clone()))));
        units.dedup();
        units
    });
    let listing = Memo::new(move |_| {
        let search = search.get();
        let text_of = |assignment: &Assignment| {
            facts.with(|facts| {
                facts
                    .get(&assignment.task)
                    .map(|facts| format!("{} {}", facts.task.text.as_str(), facts.directive_title))
                    .unwrap_or_default()
            })
        };
        all.with(|all| units.with(|units| work_list(all, units, filter.get(), &search, text_of)))
    });
    let rows = sticky_rows(listing, filter, search);
    let open_all = Memo::new(move |_| rows.with(Vec::len) <= OPEN_ALL_UP_TO);
    // Whether there is anything at all, and anything shown: the list below is drawn again
    // only when these change, never on a tick.
    let has_work = Memo::new(move |_| all.with(|all| !all.is_empty()));
    let has_rows = Memo::new(move |_| rows.with(|rows| !rows.is_empty()));
    let own_unit = StoredValue::new(workspace.session.with_value(|session| session.unit.clone()));
    // The page opens on what is left; when nothing is, on everything, rather than on an
    // empty list. Decided once, when the work is first there: later the person chooses.
    let opening_decided = StoredValue::new(false);
    Effect::new(move |_| {
        if opening_decided.get_value() || !has_work.get() {
            return;
        }
        opening_decided.set_value(true);
        if listing.with_untracked(|listing| listing.counts[0]) == 0 {
            filter.set(WorkFilter::All);
        }
    });

    view! {
        <main class="field">
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
            <Show when=move || { units.with(Vec::len) > 1 }>
                <UnitsOverview workspace all units/>
            </Show>
            <div class="work-tools">
                <div class="work-filters" role="group" aria-label=tr(Key::WorkFilters)>
                    {WorkFilter::EVERY.into_iter().enumerate().map(|(index, each)| view! {
                        <button class="chip" aria-pressed=move || (filter.get() == each).to_string()
                            data-testid="work-filter" data-filter=format!("{each:?}")
                            on:click=move |_| filter.set(each)>
                            {tr(each)} " " <span class="count">{move || listing.with(|listing| listing.counts[index])}</span>
                        </button>
                    }).collect_view()}
                </div>
                <label class="work-search">
                    <span class="sr-only">{tr(Key::WorkSearch)}</span>
                    <input type="search" placeholder=tr(Key::WorkSearch) data-testid="work-search"
                        prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
                </label>
            </div>
            {move || {
                if !workspace.loaded.get() {
                    return view! { <p class="loading">{tr(Key::Loading)}</p> }.into_any();
                }
                if !has_work.get() {
                    return view! { <p class="empty">{tr(Key::NoTasks)}</p> }.into_any();
                }
                if !has_rows.get() {
                    return view! { <p class="empty" data-testid="nothing-here">{tr(Key::NothingHere)}</p> }.into_any();
                }
                view! {
                    <ul class="work-list">
                        <For each=move || rows.get() key=Clone::clone let:key>
                            <AssignmentRow workspace key all facts open=open_all.get_untracked() own=own_unit.get_value()/>
                        </For>
                    </ul>
                }.into_any()
            }}
            <StatusBar workspace/>
        </main>
    }
}

/// The rows shown: those the filter and search admit when they were last changed, plus
/// any that came since. Ticking the last item of a task does not whisk it away from under
/// the finger; the next filter or search sorts it out.
fn sticky_rows(listing: Memo<WorkList>, filter: RwSignal<WorkFilter>, search: RwSignal<String>) -> Memo<Vec<RowKey>> {
    let asked = StoredValue::new(None::<(WorkFilter, String)>);
    Memo::new(move |before: Option<&Vec<RowKey>>| {
        let now = (filter.get(), search.get());
        let fresh: Vec<RowKey> = listing.with(|listing| listing.shown.iter().map(key_of).collect());
        let same_question = asked.with_value(|asked| asked.as_ref() == Some(&now));
        asked.set_value(Some(now));
        match before {
            Some(before) if same_question => {
                let mut kept = before.clone();
                kept.extend(fresh.into_iter().filter(|key| !before.contains(key)));
                kept
            }
            _ => fresh,
        }
    })
}

/// A head's units side by side: their assignments by state, and items done of all.
#[component]
fn UnitsOverview(workspace: Workspace, all: Memo<Vec<Assignment>>, units: Memo<Vec<UnitCode>>) -> impl IntoView {
    use crate::domain::TaskState;
    let states = [TaskState::DoneOnTime, TaskState::DoneLate, TaskState::InProgress, TaskState::Overdue];
    view! {
        <section class="panel units-overview" data-testid="units-overview">
            <h2>{tr(Key::UnitsOverview)}</h2>
            <div class="table-scroll">
                <table>
                    <thead><tr>
                        <th scope="col">{tr(Key::Unit)}</th>
                        {states.map(|state| view! { <th scope="col" class="number">{tr(state)}</th> })}
                        <th scope="col" class="number">{tr(Key::ItemsDone)}</th>
                    </tr></thead>
                    <tbody>
                        {move || all.with(|all| units.with(|units| unit_summaries(all, units))).into_iter().map(|summary| view! {
                            <tr data-testid="unit-summary" data-unit=summary.unit.to_string()>
                                <th scope="row">{workspace.party_name(&Party::Unit(summary.unit.clone()))}</th>
                                {states.map(|state| view! { <td class="number" data-state=state.as_str()>{summary.counts.of(state)}</td> })}
                                <td class="number" data-testid="unit-items">{format!("{}/{}", summary.items_done, summary.items_total)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// One task for one unit: a line to scan (state, task, directive, last day, progress,
/// anything not sent) that opens to the checklist.
#[component]
fn AssignmentRow(
    workspace: Workspace,
    key: RowKey,
    all: Memo<Vec<Assignment>>,
    facts: Memo<BTreeMap<Uuid, TaskFacts>>,
    open: bool,
    own: UnitCode,
) -> impl IntoView {
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    let (task_id, unit, period) = key;
    let found = {
        let unit = unit.clone();
        Memo::new(move |_| all.with(|all| all.iter().find(|a| a.task == task_id && a.unit == unit && a.period == period).cloned()))
    };
    let Some(first) = found.get_untracked() else { return ().into_any() };
    let Some(TaskFacts { task, directive_title, earlier }) = facts.with_untracked(|facts| facts.get(&task_id).cloned()) else {
        return ().into_any();
    };
    let standing = Signal::derive(move || found.with(|found| found.as_ref().map(|a| a.standing)).unwrap_or(first.standing));
    let progress = move || found.with(|found| found.as_ref().map(|a| format!("{}/{}", a.items_done, a.items_total))).unwrap_or_default();
    // The checklist's ids alone: a tick redraws its own row, a directive edit the list.
    let ids = Memo::new(move |_| found.with(|found| found.as_ref().map(|a| a.items.clone())).unwrap_or_default());
    let unsent = move || ids.with(|ids| ids.iter().any(|item| workspace.unsent(*item)));
    let editable = workspace.permits(Action::ChangeItemOf(&unit));
    let may_sign = workspace.permits(Action::SignOffReport(&unit));
    let unit_name = (unit != own).then(|| workspace.party_name(&Party::Unit(unit.clone())));
    let lead = workspace.party_name(&task.lead);
    let coordinating = task.coordinating.iter().map(|party| workspace.party_name(party)).collect::<Vec<_>>().join(", ");
    let role = first.role;
    let open_items = Signal::derive(move || {
        ids.with(|ids| {
            ids.iter().filter_map(|id| workspace.item(*id)).filter(|item| !item.done).map(|item| item.label.to_string()).collect()
        })
    });
    let earlier: Vec<PeriodTally> = earlier.into_iter().filter(|tally| tally.unit == unit).collect();
    let is_open = RwSignal::new(open);
    view! {
        <li class="assignment" data-testid="work-row" data-task=task_id.to_string() data-unit=unit.to_string()>
            <details open=open on:toggle=move |ev| is_open.set(event_target::<leptos::web_sys::Element>(&ev).has_attribute("open"))>
                <summary>
                    <span class="row-head">
                        <StatePill standing/>
                        <span class="progress" data-testid="row-progress">{progress}</span>
                        {move || unsent().then(|| view! { <span class="badge unsent" data-testid="row-unsent">{tr(Key::NotSent)}</span> })}
                    </span>
                    <span class="task-text">{task.text.to_string()}</span>
                    <span class="row-meta">
                        {unit_name.clone().map(|name| view! { <strong data-testid="row-unit">{name}</strong> " · " })}
                        {directive_title} " · " {tr(role)}
                        {first.deadline.map(|deadline| {
                            let (key, day) = match deadline.last_day_on_time() {
                                Some(last) => (Key::Deadline, last),
                                None => (Key::StartsFrom, deadline.date),
                            };
                            view! { " · " {tr(key)} " " <span data-testid="row-last-day">{crate::i18n::vietnam_date(day)}</span> }
                        })}
                        {period.map(|period| view! { " · " {move || period_name(locale.get(), period)} })}
                    </span>
                </summary>
                <div class="task">
                    <dl class="task-meta">
                        {period.map(|period| view! { <dt>{tr(Key::Period)}</dt><dd data-testid="period">{move || period_name(locale.get(), period)}</dd> })}
                        {first.deadline.map(|deadline| view! { <DeadlineTerm deadline/> })}
                        <dt>{tr(Key::Lead)}</dt>
                        <dd>{lead}</dd>
                        {(!coordinating.is_empty()).then(|| view! { <dt>{tr(Key::Coordinating)}</dt><dd>{coordinating}</dd> })}
                        {task.target.map(|target| view! { <dt>{tr(Key::Target)}</dt><dd>{target.to_string()}</dd> })}
                    </dl>
                    {(!editable).then(|| view! { <p class="meta"><span class="badge">{tr(Key::ViewOnly)}</span></p> })}
                    // Drawn while open only: a commune's thousand items are not a thousand live
                    // rows to keep current on every tick.
                    <Show when=move || is_open.get()>
                        <ul class="checklist" aria-label=tr(Key::Checklist)>
                            <For each=move || ids.get() key=|id| *id let:id>
                                <ItemRow workspace id editable/>
                            </For>
                        </ul>
                    </Show>
                    <SignOff task=task_id unit=unit.clone() period may_sign open_items/>
                    {(!earlier.is_empty()).then(|| view! {
                        <details class="earlier">
                            <summary>{tr(Key::EarlierPeriods)}</summary>
                            <ul>
                                {earlier.into_iter().map(|tally| {
                                    let done_at = tally.done_at_ms.and_then(chrono::DateTime::from_timestamp_millis);
                                    let standing = crate::domain::standing(Some(tally.deadline), done_at, chrono::Utc::now(), DUE_SOON_DAYS);
                                    view! {
                                        <li data-testid="earlier-period">
                                            {move || period_name(locale.get(), tally.period)} ": " {tally.done} "/" {tally.total} " "
                                            <StatePill standing=Signal::derive(move || standing)/>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </details>
                    })}
                </div>
            </details>
        </li>
    }
    .into_any()
}

/// One checklist item: a tick target the size of a fingertip, and the note and photos
/// behind buttons that say what is there.
#[component]
fn ItemRow(workspace: Workspace, id: Uuid, editable: bool) -> impl IntoView {
    let item = Memo::new(move |_| workspace.item(id));
    let done = move || item.with(|item| item.as_ref().is_some_and(|item| item.done));
    let label = move || item.with(|item| item.as_ref().map(|item| item.label.to_string()).unwrap_or_default());
    let has_note = move || item.with(|item| item.as_ref().is_some_and(|item| !item.note.is_empty()));
    let draft = RwSignal::new(workspace.note_draft(id));
    let photo_count = move || {
        let local =
            workspace.photos.with(|kept| kept.iter().filter(|photo| photo.item == id).map(|photo| photo.id.clone()).collect::<Vec<_>>());
        let others =
            item.with(|item| item.as_ref().map_or(0, |item| item.photos.iter().filter(|photo| !local.contains(&photo.id)).count()));
        local.len() + others
    };
    // A draft left by a reload or a crash opens the note at once, so it is seen.
    let note_open = RwSignal::new(draft.get_untracked().is_some());
    let photos_open = RwSignal::new(false);
    let label_id = format!("item-{id}");
    view! {
        <li class="item" class:done=done data-testid="checklist-item" data-item=id.to_string()>
            <div class="item-line">
                <label class="tick">
                    <input type="checkbox" prop:checked=done disabled=!editable aria-labelledby=label_id.clone()
                        on:change=move |ev| {
                            let stored = workspace.set_done(id, event_target_checked(&ev));
                            if stored {
                                crate::timing::measure_since(crate::timing::TAP_TO_STORAGE, ev.time_stamp());
                            } else {
                                // The browser already flipped the box; put it back to what is stored.
                                event_target::<leptos::web_sys::HtmlInputElement>(&ev).set_checked(done());
                            }
                        }/>
                    <span class="label" id=label_id>{label}</span>
                </label>
                {move || workspace.unsent(id).then(|| view! { <span class="badge unsent" data-testid="unsent">{tr(Key::NotSent)}</span> })}
                {move || (editable || draft.with(Option::is_some)).then(|| view! {
                    <button class="chip" class:filled=move || has_note() || draft.with(Option::is_some)
                        aria-expanded=move || note_open.get().to_string() data-testid="note-toggle"
                        on:click=move |_| note_open.update(|open| *open = !*open)>
                        {tr(Key::Note)}
                    </button>
                })}
                {move || (editable || photo_count() > 0).then(|| view! {
                    <button class="chip" class:filled=move || { photo_count() > 0 }
                        aria-expanded=move || photos_open.get().to_string() data-testid="photos-toggle"
                        on:click=move |_| photos_open.update(|open| *open = !*open)>
                        {move || match photo_count() {
                            0 => tr(Key::AddPhoto)().to_owned(),
                            count => format!("{count} {}", tr(Key::Photos)()),
                        }}
                    </button>
                })}
            </div>
            {move || (!editable && has_note()).then(|| view! {
                <p class="note-text">{move || item.with(|item| item.as_ref().map(|item| item.note.as_str().to_owned()).unwrap_or_default())}</p>
            })}
            <Show when=move || note_open.get()>
                <NoteField workspace id editable item draft/>
            </Show>
            <Show when=move || photos_open.get()>
                <Photos workspace id editable/>
            </Show>
        </li>
    }
}

/// A note: its length against the limit, why it is refused beside it, and a draft kept at
/// every keystroke until it is saved as a change.
#[component]
fn NoteField(
    workspace: Workspace,
    id: Uuid,
    editable: bool,
    item: Memo<Option<crate::domain::ChecklistItem>>,
    draft: RwSignal<Option<String>>,
) -> impl IntoView {
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    let saved = move || item.with(|item| item.as_ref().map(|item| item.note.as_str().to_owned()).unwrap_or_default());
    let text = RwSignal::new(draft.get_untracked().unwrap_or_else(saved));
    // A note saved here or arriving from elsewhere shows, unless a draft is being typed.
    Effect::new(move |_| {
        let now = saved();
        if draft.with_untracked(Option::is_none) {
            text.set(now);
        }
    });
    let refusal = RwSignal::new(None::<String>);
    let length = move || text.with(|text| text.chars().count());
    let message_id = format!("note-message-{id}");
    let save = move || match workspace.set_note(id, &text.get_untracked()) {
        Ok(true) => {
            draft.set(None);
            refusal.set(None);
        }
        Ok(false) => refusal.set(Some(tr(Key::StorageUnavailable)().to_owned())),
        Err(error) => refusal.set(Some(crate::i18n::note_refused(locale.get_untracked(), &error))),
    };
    let superseded = move || {
        item.with(|item| {
            let item = item.as_ref()?;
            let mark = item.note_mark.as_ref()?;
            let mine = workspace.session.with_value(|session| session.username.clone());
            (item.conflict && mark.by != mine).then(|| (mark.by.clone(), mark.stamp.wall_ms))
        })
    };
    view! {
        <div class="note">
            <label>
                <span class="sr-only">{tr(Key::Note)}</span>
                <textarea rows="3" placeholder=tr(Key::Note) readonly=!editable prop:value=move || text.get()
                    aria-describedby=message_id.clone() aria-invalid=move || refusal.with(Option::is_some).to_string()
                    on:input=move |ev| {
                        let typed = event_target_value(&ev);
                        workspace.keep_note_draft(id, &typed);
                        draft.set(Some(typed.clone()));
                        text.set(typed);
                        refusal.set(None);
                    }
                    on:change=move |_| save()></textarea>
            </label>
            <p class="note-status" id=message_id aria-live="polite">
                <span class="counter" class:over=move || { length() > NOTE_MAX_CHARS } data-testid="note-counter">
                    {move || format!("{}/{}", length(), NOTE_MAX_CHARS)}
                </span>
                {move || draft.with(Option::is_some).then(|| view! { " · " <span data-testid="note-draft">{tr(Key::NoteDraft)}</span> })}
                {move || refusal.get().map(|reason| view! { " · " <span class="error" role="alert" data-testid="note-refused">{reason}</span> })}
            </p>
            {move || superseded().map(|(by, at)| view! {
                <p class="notice" data-testid="note-superseded">{tr(Key::NoteSuperseded)} " " {by} " (" {vietnam_time(at)} ")."</p>
            })}
            {editable.then(|| view! {
                <button class="secondary" data-testid="save-note" on:click=move |_| save()>{tr(Key::SaveNote)}</button>
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
