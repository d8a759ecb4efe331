//! The parts of the app a commune official never opens, each in a wasm chunk of its own
//! that the browser fetches when it is first shown (cargo-leptos `--split`): the
//! supervisors' and admins' pages, A commune tablet's offline shell then carries the field page
//! only; see docs/offline.md for the numbers.
//!
//! Each split function hands back a constructor, a plain function pointer into its chunk,
//! so the view can be built again whenever it is shown without asking for the chunk again.

use super::chunk::{ChunkUnavailable, PageBuilder};
use super::{admin::AdminPage, compose::ComposePage, dashboard::DashboardPage, progress::ProgressPage};
use leptos::prelude::*;

/// The names the service worker knows the pages' chunks by (see [`keep_offline`]): the
/// first argument of each `wasm_split` below, which must stay the same word.
pub const PROGRESS_CHUNK: &str = "progress";
pub const COMPOSE_CHUNK: &str = "compose";
pub const ADMIN_CHUNK: &str = "admin";
pub const DASHBOARD_CHUNK: &str = "dashboard";

// With `fallible`, a chunk that fails to load is an error we show, not a panic: in a
// release build a panic aborts the whole app, field page and all.
#[leptos::wasm_split::wasm_split(progress, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn progress_page() -> Result<PageBuilder, ChunkUnavailable> {
    Ok(|| view! { <ProgressPage/> }.into_any())
}

#[leptos::wasm_split::wasm_split(dashboard, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn dashboard_page() -> Result<PageBuilder, ChunkUnavailable> {
    Ok(|| view! { <DashboardPage/> }.into_any())
}

#[leptos::wasm_split::wasm_split(compose, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn compose_page() -> Result<PageBuilder, ChunkUnavailable> {
    Ok(|| view! { <ComposePage/> }.into_any())
}

#[leptos::wasm_split::wasm_split(admin, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn admin_page() -> Result<PageBuilder, ChunkUnavailable> {
    Ok(|| view! { <AdminPage/> }.into_any())
}
