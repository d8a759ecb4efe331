#![recursion_limit = "256"]
//! Chidao's shared crate: the pure domain and sync rules (compiled for browser and server),
//! the translations, and the Leptos pages.

pub mod api;
pub mod domain;
pub mod i18n;
pub mod import;
pub mod sync;

#[cfg(feature = "hydrate")]
pub mod offline;
#[cfg(feature = "hydrate")]
mod timing;

mod pages;
mod workspace;

pub use pages::{shell, App};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
