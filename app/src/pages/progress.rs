//! The supervisor's progress page: every task's checklist completion per unit.

use super::chunk::OnDemand;
use super::review::{review_panel, ReviewBuilder};
use super::shell::ShellUpdateBanner;
use super::status::{browser_online, NetworkPill};
use super::{tr, DeadlineTerm};
use crate::api::{photo_url, DirectiveProgress, ProgressReport, TaskProgress, UnitProgress};
use crate::i18n::{vietnam_date, vietnam_time};
use crate::i18n::{DeskKey, Key};
use crate::workspace::Connection;
use leptos::prelude::*;

/// A report as shown, and when it arrived.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    report: ProgressReport,
    at_ms: i64,
}

#[component]
pub fn ProgressPage() -> impl IntoView {
    let refreshes = RwSignal::new(0u32);
    let online = browser_online();
    let loaded = LocalResource::new(move || {
        refreshes.track();
        crate::client::progress_report()
    });
    // A report already on screen stays when a refresh fails; the status line says why it
    // is not newer.
    let shown = Memo::new(move |before: Option<&Option<Shown>>| match loaded.get() {
        Some(Ok(report)) => Some(Shown { report, at_ms: chrono::Utc::now().timestamp_millis() }),
        _ => before.cloned().flatten(),
    });
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    let failure = move || loaded.get().and_then(Result::err).map(|error| super::failure_words(locale.get(), &error));
    // While a refresh is on its way the last answer still says how the server was.
    let connection = Memo::new(move |before: Option<&Connection>| match loaded.get() {
        None => before.copied().unwrap_or(Connection::Checking),
        Some(Err(crate::client::ClientError::Network(_))) => Connection::Unreachable,
        Some(_) => Connection::Reached,
    });
    let reload = move || refreshes.update(|count| *count = count.wrapping_add(1));
    // Supervisors watch live: when the network returns, and on the sync beat.
    Effect::new(move |was_online: Option<bool>| {
        let now_online = online.get();
        if now_online && was_online == Some(false) {
            reload();
        }
        now_online
    });
    Effect::new(move |_| {
        let beat = std::time::Duration::from_millis(crate::sync::SYNC_INTERVAL_MS);
        if let Ok(timer) = set_interval_with_handle(reload, beat) {
            on_cleanup(move || timer.clear());
        }
    });

    view! {
        <main class="progress">
            <div class="title-row">
                <h1>{tr(DeskKey::ProgressTitle)}</h1>
                <button class="secondary" on:click=move |_| reload() data-testid="refresh">{tr(DeskKey::Refresh)}</button>
            </div>
            <section class="status" aria-live="polite" data-testid="report-status">
                <NetworkPill connection/>
                <span class="last-sync">
                    {tr(Key::LastSync)} ": "
                    <span data-testid="report-time">
                        {move || shown.get().map(|shown| vietnam_time(shown.at_ms)).unwrap_or_else(|| tr(Key::Never)().to_owned())}
                    </span>
                </span>
                {move || failure().map(|reason| view! { <p class="error" role="alert">{tr(DeskKey::ProgressFailed)} " " {reason}</p> })}
            </section>
            <ShellUpdateBanner pending=Signal::stored(0)/>
            <OnDemand load=review_panel quiet=true
                show=move |build: ReviewBuilder| build(refreshes.into(), Callback::new(move |_| reload()))/>
            {move || match shown.get() {
                Some(shown) => shown.report.directives.into_iter().map(|directive| view! { <DirectiveBlock directive/> }).collect_view().into_any(),
                // The status line above says why, when it failed.
                None if failure().is_some() => ().into_any(),
                None => view! { <p class="loading">{tr(Key::Loading)}</p> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn DirectiveBlock(directive: DirectiveProgress) -> impl IntoView {
    let DirectiveProgress { directive, tasks, unit_names } = directive;
    let name_of = move |party: &crate::domain::Party| match party {
        crate::domain::Party::Unit(code) => {
            unit_names.iter().find(|(known, _)| known == code).map_or_else(|| code.to_string(), |(_, name)| name.clone())
        }
        crate::domain::Party::Phrase(text) => text.to_string(),
    };
    view! {
        <article class="directive">
            <h2>{directive.title.to_string()}</h2>
            <p class="meta">{directive.issuer.to_string()} " · " {vietnam_date(directive.issued_on)}</p>
            {tasks.into_iter().map(|TaskProgress { task, units }| {
                let heading = directive.sections.get(task.section).map(|s| s.heading.to_string()).unwrap_or_default();
                view! {
                    <section class="task" data-testid="task-progress">
                        <p class="section-name">{format!("{}. {heading}", task.section + 1)}</p>
                        <p class="task-text">{task.text.to_string()}</p>
                        <dl class="task-meta">
                            {task.deadline.map(|deadline| view! { <DeadlineTerm deadline/> })}
                            <dt>{tr(Key::Lead)}</dt>
                            <dd>{name_of(&task.lead)}</dd>
                        </dl>
                        {if units.is_empty() {
                            view! { <p class="meta">{tr(DeskKey::NoChecklist)}</p> }.into_any()
                        } else {
                            view! {
                                <table class="progress-table">
                                    <thead><tr><th>{tr(DeskKey::Unit)}</th><th>{tr(DeskKey::Items)}</th><th>{tr(DeskKey::Percent)}</th></tr></thead>
                                    <tbody>
                                        {units.into_iter().map(|unit| view! { <UnitRow unit/> }).collect_view()}
                                    </tbody>
                                </table>
                            }
                            .into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </article>
    }
}

#[component]
fn UnitRow(unit: UnitProgress) -> impl IntoView {
    let percent = unit.percent();
    let UnitProgress { unit, done, total, items, report } = unit;
    let code = unit.code.to_string();
    view! {
        <tr data-testid="unit-progress" data-unit=code>
            <td>
                <details>
                    <summary>
                        {unit.name.to_string()}
                        {report.map(|report| view! {
                            " " <span class="pill online" data-testid="report-signed-off">
                                {tr(Key::ReportSignedOff)} " · " {report.by} " · " {vietnam_time(report.at_ms)}
                                {(report.open_items > 0).then(|| view! { " · " {report.open_items} " " {tr(Key::SignedOffWithOpenItems)} })}
                            </span>
                        })}
                    </summary>
                    <ul class="checklist readonly">
                        {items.into_iter().map(|item| view! {
                            <li class="item" class:done=item.done data-testid="progress-item" data-done=item.done.to_string()>
                                <span class="mark">{if item.done { "☑" } else { "☐" }}</span>
                                <span class="label">{item.label.to_string()}</span>
                                {item.conflict.then(|| view! { <span class="pill overdue" data-testid="conflict">{tr(DeskKey::Conflict)}</span> })}
                                {item.parallel_update.then(|| view! { <span class="pill offline" data-testid="parallel-update">{tr(DeskKey::ParallelUpdate)}</span> })}
                                {(!item.note.is_empty()).then(|| view! { <blockquote class="note" data-testid="progress-note">{item.note.as_str().to_owned()}</blockquote> })}
                                {(!item.photos.is_empty()).then(|| view! {
                                    <div class="photos">
                                        {item.photos.iter().map(|photo| {
                                            let (link, source) = (photo_url(&photo.id), photo_url(&photo.id));
                                            view! {
                                                <a href=link target="_blank" rel="noopener" data-testid="evidence" data-photo=photo.id.to_string()>
                                                    <img src=source alt=tr(Key::Evidence) loading="lazy"/>
                                                </a>
                                            }
                                        }).collect_view()}
                                    </div>
                                })}
                                {item.last_change().cloned().map(|mark| view! {
                                    <small class="changed">{tr(DeskKey::ChangedBy)} " " {mark.by} " · " {vietnam_time(mark.stamp.wall_ms)}</small>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                </details>
            </td>
            <td data-testid="unit-done">{format!("{done}/{total}")}</td>
            <td>
                <meter min="0" max="100" value=percent></meter>
                " " {format!("{percent}%")}
            </td>
        </tr>
    }
}
