#![recursion_limit = "256"]
//! Chidao's shared crate: the pure domain and sync rules (compiled for browser and server),
//! the translations, and the Leptos pages.

pub mod api;
pub mod domain;
pub mod i18n;
pub mod import;
pub mod sync;

#[cfg(feature = "browser")]
pub mod offline;
#[cfg(feature = "browser")]
mod timing;

mod pages;
mod workspace;

pub use pages::{shell, App};

/// The browser's entry point. Leptos's loader script calls it by this name; the app is
/// rendered here rather than hydrated, in place of the server's loading line.
#[cfg(feature = "browser")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    if let Some(placeholder) = leptos::prelude::document().get_element_by_id(pages::BOOT_PLACEHOLDER) {
        placeholder.remove();
    }
    leptos::mount::mount_to_body(App);
}
