//! The top of the app: the entry point Leptos's loader calls, and the root component that
//! holds the language, registers the offline shell and opens the home page.

use super::{shell, switcher};
use crate::i18n::{t, Key, Locale};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The browser's entry point. Leptos's loader script calls it by this name; the app is
/// rendered here rather than hydrated, in place of the server's loading line.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    crate::timing::mark(crate::timing::STARTED);
    console_error_panic_hook::set_once();
    if let Some(placeholder) = leptos::prelude::document().get_element_by_id(chidao_core::api::PAGE_LOADING_ID) {
        placeholder.remove();
    }
    leptos::mount::mount_to_body(App);
}

/// The language of this page load: the `lang` the server wrote from the reader's cookie.
fn initial_locale() -> Locale {
    document().document_element().and_then(|root| root.get_attribute("lang")).map(|code| Locale::from_code(&code)).unwrap_or_default()
}

#[component]
pub fn App() -> impl IntoView {
    let locale = RwSignal::new(initial_locale());
    provide_context(locale);
    let update_waiting = RwSignal::new(false);
    provide_context(shell::ShellUpdate(update_waiting));
    crate::offline::register_shell(update_waiting);
    // A page from the offline shell was rendered in the language of the day it was
    // cached; the cookie says what the person chose since.
    let chosen = document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
        .and_then(|html| html.cookie().ok())
        .and_then(|cookie| Locale::from_cookie_header(&cookie));
    if let Some(chosen) = chosen {
        locale.set(chosen);
    }
    Effect::new(move |_| {
        let chosen = locale.get();
        document().set_title(t(chosen, Key::AppName));
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", chosen.code());
        }
    });
    view! { <switcher::Home/> }
}
