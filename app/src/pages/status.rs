//! The sync status bar: network, pending changes, last sync, and what went wrong.

use super::shell::{ShellUpdateBanner, StorageInfo};
use super::tr;
use crate::domain::HO_CHI_MINH_OFFSET_SECONDS;
use crate::i18n::{t, Key, Locale};
use crate::sync::PhotoState;
use crate::workspace::{Connection, Problem, Workspace};
use leptos::prelude::*;

/// A date as people in Vietnam write it, e.g. `15/08/2022`. Written out by hand: chrono's
/// format strings bring their parser into the browser bundle.
pub(crate) fn vietnam_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// A time as people in Vietnam read it, e.g. `14:05:09 26/11/2026`.
pub(crate) fn vietnam_time(at_ms: i64) -> String {
    use chrono::Timelike;
    let offset = chrono::FixedOffset::east_opt(HO_CHI_MINH_OFFSET_SECONDS).expect("UTC+7 is valid");
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|at| at.with_timezone(&offset))
        .map(|at| format!("{:02}:{:02}:{:02} {}", at.hour(), at.minute(), at.second(), vietnam_date(at.date_naive())))
        .unwrap_or_default()
}

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
    #[cfg(feature = "browser")]
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
            Problem::NoteRefused(error) => crate::i18n::note_refused(locale.get(), &error),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_vietnam() {
        // 2022-08-14T17:00:00Z is midnight on the 15th in Hồ Chí Minh City.
        assert_eq!(vietnam_time(1_660_496_400_000), "00:00:00 15/08/2022");
        assert_eq!(vietnam_time(1_660_541_109_000), "12:25:09 15/08/2022");
        assert_eq!(vietnam_date(chrono::NaiveDate::from_ymd_opt(2022, 12, 1).unwrap()), "01/12/2022");
    }
}
