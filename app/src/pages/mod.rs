//! The app's pages. Components know nothing of HTTP paths or storage keys: they talk to
//! [`crate::workspace::Workspace`] and to [`session`] helpers.

mod admin;
mod app;
mod chunk;
mod compose;
mod dashboard;
mod field;
mod header;
mod on_demand;
mod password;
mod progress;
mod review;
mod shell;
mod sign_in;
mod sign_off;
mod sign_offs;
mod status;
mod switcher;
mod who;

use crate::domain::Deadline;
use crate::i18n::{t, Key, Locale, Words, LOCALE_COOKIE};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A reactive translation: re-reads the chosen language whenever it changes.
pub(crate) fn tr(key: impl Words) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = expect_context::<RwSignal<Locale>>();
    move || t(locale.get(), key)
}

/// A failed call to the server as the reader reads it: what kind of failure, in their
/// language; in English, with the server's own detail after it.
pub(crate) fn failure_words(locale: Locale, error: &crate::client::ClientError) -> String {
    use crate::api::ErrorCode;
    use crate::client::ClientError;
    let (kind, detail) = match error {
        ClientError::Network(detail) => (t(locale, Key::ServerUnreachable), Some(detail)),
        ClientError::Unauthorized => (t(locale, ErrorCode::Unauthorized), None),
        ClientError::InvalidRows(_) => (t(locale, ErrorCode::InvalidRows), None),
        ClientError::InvalidDirective(_) => (t(locale, ErrorCode::InvalidDirective), None),
        ClientError::Refused { status, code, message } => {
            let code = code.unwrap_or(if *status >= 500 { ErrorCode::Internal } else { ErrorCode::BadRequest });
            (t(locale, code), Some(message))
        }
    };
    match (locale, detail) {
        (Locale::En, Some(detail)) if !detail.is_empty() => format!("{kind} ({detail})"),
        _ => kind.to_owned(),
    }
}

/// Reads the text file chosen in a file input into `into` (the unit CSV, a directive
/// summary). Nothing happens when no file is chosen or it cannot be read as text.
pub(crate) fn read_chosen_file(ev: leptos::ev::Event, into: RwSignal<String>) {
    use wasm_bindgen::JsCast;
    let file = ev
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0));
    if let Some(file) = file {
        leptos::task::spawn_local(async move {
            if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                into.set(text.as_string().unwrap_or_default());
            }
        });
    }
}

/// Switches the language for this page and, through the cookie, for the next load.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let locale = expect_context::<RwSignal<Locale>>();
    let switch = move |_| {
        let next = locale.get_untracked().other();
        locale.set(next);
        if let Ok(html) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&format!("{LOCALE_COOKIE}={}; path=/; max-age=31536000; samesite=strict", next.code()));
        }
    };
    view! {
        <button class="link" on:click=switch data-testid="switch-language">
            {move || t(locale.get(), Key::SwitchLanguage)}
        </button>
    }
}

/// A task's deadline as a `<dt>`/`<dd>` pair, as the office's pages and exports show it:
/// the last day on time ("trước ngày 09/12" is last day 08/12), or the day work starts.
#[component]
fn DeadlineTerm(deadline: Deadline) -> impl IntoView {
    let (key, day) = match deadline.last_day_on_time() {
        Some(last) => (Key::Deadline, last),
        None => (Key::StartsFrom, deadline.date),
    };
    view! {
        <dt>{tr(key)}</dt>
        <dd data-testid="last-day">{crate::i18n::vietnam_date(day)}</dd>
    }
}

/// Where a unit's checklist stands, by the rule the office's dashboard counts with:
/// done on time, done late, in progress (and due soon), or overdue.
#[component]
fn StatePill(#[prop(into)] standing: Signal<crate::domain::Standing>) -> impl IntoView {
    use crate::domain::TaskState;
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    let class = move || match standing.get().state {
        TaskState::DoneOnTime | TaskState::DoneLate => "pill done",
        TaskState::Overdue => "pill overdue",
        TaskState::InProgress if standing.get().due_soon => "pill soon",
        TaskState::InProgress => "pill",
    };
    let words = move || {
        let now = standing.get();
        let state = crate::i18n::t(locale.get(), now.state);
        if now.due_soon {
            // The field page's own word for it: the desk's words stay in the desk's chunks.
            format!("{state} · {}", crate::i18n::t(locale.get(), chidao_core::worklist::WorkFilter::DueSoon))
        } else {
            state.to_owned()
        }
    };
    view! { <span class=class data-testid="state" data-state=move || standing.get().state.as_str()>{words}</span> }
}
