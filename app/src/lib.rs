#![recursion_limit = "256"]
//! Chidao's pages: the Leptos app that runs in the browser, on top of the pure core
//! (`chidao_core`). The server sends the page it starts in (server/src/routes/page.rs) and
//! links none of this.

// The pure core, under the names the pages have always used.
pub use chidao_core::{api, domain, i18n, import, sync};

pub mod client;

#[cfg(feature = "browser")]
pub mod offline;
#[cfg(feature = "browser")]
mod session;
#[cfg(feature = "browser")]
mod timing;

mod pages;
mod workspace;

pub use pages::App;

/// The browser's entry point. Leptos's loader script calls it by this name; the app is
/// rendered here rather than hydrated, in place of the server's loading line.
#[cfg(feature = "browser")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    if let Some(placeholder) = leptos::prelude::document().get_element_by_id(chidao_core::api::PAGE_LOADING_ID) {
        placeholder.remove();
    }
    leptos::mount::mount_to_body(App);
}
