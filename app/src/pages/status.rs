//! The sync status bar: network, pending changes, last sync, and what went wrong.

use super::shell::{ShellUpdateBanner, StorageInfo};
use super::tr;
use crate::i18n::{t, vietnam_time, Key, Locale};
use crate::sync::PhotoState;
use crate::workspace::{Connection, Problem, Workspace};
use leptos::prelude::*;

/// The connection as the last exchange with the server showed it.
#[component]
pub fn NetworkPill(#[prop(into)] connection: Signal<Connection>) -> impl IntoView {
    let look = move || match connection.get() {
        Connection::Reached => ("pill online", Key::Online),
        Connection::Unreachable => ("pill offline", Key::Offline),
        Connection::Checking => ("pill", Key::Connecting),
    };
    view! {
        <span class=move || look().0 data-testid="network">{move || tr(look().1)()}</span>
    }
}

/// The browser's word on the network, kept current by its `online` and `offline` events.
pub fn browser_online() -> RwSignal<bool> {
    let online = RwSignal::new(true);
    Effect::new(move |_| {
        online.set(web_sys::window().map(|window| window.navigator().on_line()).unwrap_or(true));
        let up = window_event_listener(leptos::ev::online, move |_| online.set(true));
        let down = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        on_cleanup(move || {
            up.remove();
            down.remove();
        });
    });
    online
}

#[component]
pub fn StatusBar(workspace: Workspace) -> impl IntoView {
    let locale = expect_context::<RwSignal<Locale>>();
    // People count items, not edits: a tick and a note on one item are one thing waiting.
    let pending =
        move || workspace.outbox.with(|outbox| outbox.iter().map(|change| change.item).collect::<std::collections::BTreeSet<_>>().len());
    let pending_edits = move || workspace.outbox.with(Vec::len).to_string();
    let problem_text = move || {
        workspace.problem.get().map(|problem| match problem {
            Problem::Message(key) => t(locale.get(), key).to_owned(),
            Problem::Detail(key, detail) => format!("{}: {detail}", t(locale.get(), key)),
            Problem::Failed(key, error) => format!("{}: {}", t(locale.get(), key), super::failure_words(locale.get(), &error)),
        })
    };
    view! {
        <section class="status" aria-live="polite" data-testid="sync-status">
            <NetworkPill connection=workspace.connection/>
            <span class="pending" title=pending_edits>
                {tr(Key::Pending)} ": " <strong data-testid="pending-count">{pending}</strong>
            </span>
            {move || {
                let waiting = workspace.photos.with(|kept| kept.iter().filter(|photo| photo.state == PhotoState::Waiting).count());
                (waiting > 0).then(|| view! {
                    <span class="pending">{tr(Key::PhotoWaiting)} ": " <strong data-testid="photos-waiting">{waiting}</strong></span>
                })
            }}
            <span class="last-sync">
                {tr(Key::LastSync)} ": "
                <span data-testid="last-sync">
                    {move || workspace.last_sync_ms.get().map(vietnam_time).unwrap_or_else(|| tr(Key::Never)().to_owned())}
                </span>
            </span>
            <button class="secondary" on:click=move |_| workspace.sync_now()
                disabled=move || workspace.syncing.get() data-testid="sync-now">
                {move || if workspace.syncing.get() { tr(Key::Syncing)() } else { tr(Key::SyncNow)() }}
            </button>
            <StorageInfo changed=Signal::derive(move || workspace.outbox.with(Vec::len) + workspace.last_sync_ms.get().map_or(0, |at| at as usize))/>
            {move || problem_text().map(|text| view! {
                <p class="error" role="alert" data-testid="sync-problem">
                    {text}
                    {move || (workspace.failures.get() > 0).then(|| workspace.next_sync_ms.get()).flatten().map(|at| view! {
                        " · " {tr(Key::RetryAt)} " " <span data-testid="next-sync">{vietnam_time(at)}</span>
                    })}
                </p>
            })}
        </section>
        <ShellUpdateBanner pending=Signal::derive(move || workspace.outbox.with(Vec::len))/>
    }
}
