//! The offline shell on screen: a new version waiting to take over, and the browser
//! storage the app holds.

use super::tr;
use crate::i18n::{human_size, Key};
use leptos::prelude::*;

/// A new shell is installed and waiting (set by the service worker registration).
#[derive(Debug, Clone, Copy)]
pub struct ShellUpdate(pub RwSignal<bool>);

/// Whether someone is typing: a reload now would lose the words not yet saved.
fn typing() -> bool {
    document().active_element().is_some_and(|element| matches!(element.tag_name().as_str(), "TEXTAREA" | "INPUT"))
}

/// Takes the new shell as soon as nothing is waiting to be synced and nobody is typing;
/// otherwise says a new version is ready and lets the person take it now (their unsynced
/// changes stay in this browser's storage either way).
#[component]
pub fn ShellUpdateBanner(#[prop(into)] pending: Signal<usize>) -> impl IntoView {
    let waiting = use_context::<ShellUpdate>().map(|update| update.0).unwrap_or_else(|| RwSignal::new(false));
    Effect::new(move |_| {
        if waiting.get() && pending.get() == 0 && !typing() {
            crate::offline::activate_new_shell();
        }
    });
    let update_now = move |_| {
        crate::offline::activate_new_shell();
    };
    let asks = move || waiting.get() && pending.get() != 0;
    view! {
        <Show when=asks>
            <div class="banner info" role="status" data-testid="update-waiting">
                <span>{tr(Key::UpdateWaiting)}</span>
                <button class="secondary" on:click=update_now data-testid="update-now">{tr(Key::UpdateNow)}</button>
            </div>
        </Show>
    }
}

/// Browser storage used by the app, and whether the browser promised to keep it.
#[component]
pub fn StorageInfo(#[prop(into)] changed: Signal<usize>) -> impl IntoView {
    let report = RwSignal::new(None::<(Option<f64>, bool)>);
    Effect::new(move |_| {
        changed.track();
        leptos::task::spawn_local(async move {
            if let Some(found) = crate::offline::storage_report().await {
                report.set(Some((found.used_bytes, found.persistent)));
            }
        });
    });
    view! {
        {move || report.get().map(|(used, persistent)| view! {
            <span class="storage" data-testid="storage" data-persistent=persistent.to_string()>
                {tr(Key::StorageUsed)} ": " {used.map(human_size).unwrap_or_else(|| "?".into())}
                " · " {move || if persistent { tr(Key::StoragePersistent)() } else { tr(Key::StorageBestEffort)() }}
            </span>
        })}
    }
}
