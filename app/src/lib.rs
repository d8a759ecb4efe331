//! Chidao's pages: the Leptos app that runs in the browser, on top of the pure core
//! (`chidao_core`). The server sends the page it starts in (server/src/routes/page.rs) and
//! links none of this.
//!
//! The crate is the browser's only: on any other target it is empty, so the pages hold no
//! code for a build that never runs them. What they compute beyond showing (dates, sizes,
//! words, the sync engine) lives in the core and is tested there.
#![cfg(target_arch = "wasm32")]
#![recursion_limit = "256"]

// The pure core, under the names the pages have always used.
pub use chidao_core::{api, domain, i18n, import, sync, worklist};

pub mod client;

pub mod offline;
mod session;
mod timing;

mod pages;
mod workspace;
