//! The parts of the app a commune official never opens, each in a wasm chunk of its own
//! that the browser fetches when it is first shown (cargo-leptos `--split`): the
//! supervisors' and admins' pages, the heads' conflict review, the password form (which
//! needs the network anyway). A commune tablet's offline shell then carries the field page
//! only; see docs/offline.md for the numbers.
//!
//! Each split function hands back a constructor, a plain function pointer into its chunk,
//! so the view can be built again whenever it is shown without asking for the chunk again.

use super::review::ReviewPanel;
use super::session::PasswordPage;
use super::{admin::AdminPage, compose::ComposePage, progress::ProgressPage, tr};
use crate::i18n::Key;
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

/// What a page's chunk gives back: the function that builds the page.
pub type PageBuilder = fn() -> AnyView;

/// What the review chunk gives back: the panel, given when to refresh and what to do
/// after a decision.
pub type ReviewBuilder = fn(Signal<u32>, Callback<()>) -> AnyView;

/// What the password chunk gives back: the form, `forced` after an admin's reset.
pub type PasswordBuilder = fn(bool) -> AnyView;

/// A chunk that could not be fetched: offline before the page was ever opened, or the
/// server gone. The page says so and offers to try again; nothing else is affected.
/// (The loader's own error says no more than that, and in English.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the page's code could not be fetched")]
pub struct ChunkUnavailable;

impl From<SplitLoaderError> for ChunkUnavailable {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

/// The names the service worker knows the pages' chunks by (see [`keep_offline`]): the
/// first argument of each `wasm_split` below, which must stay the same word.
pub const PROGRESS_CHUNK: &str = "progress";
pub const COMPOSE_CHUNK: &str = "compose";
pub const ADMIN_CHUNK: &str = "admin";

// With `fallible`, a chunk that fails to load is an error we show, not a panic: in a
// release build a panic aborts the whole app, field page and all.
#[leptos::wasm_split::wasm_split(progress, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn progress_page() -> Result<PageBuilder, ChunkUnavailable> {
    Ok(|| view! { <ProgressPage/> }.into_any())
}

#[leptos::wasm_split::wasm_split(compose, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn compose_page() -> Result<PageBuilder, ChunkUnavailable> {
    Ok(|| view! { <ComposePage/> }.into_any())
}

#[leptos::wasm_split::wasm_split(admin, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn admin_page() -> Result<PageBuilder, ChunkUnavailable> {
    Ok(|| view! { <AdminPage/> }.into_any())
}

#[leptos::wasm_split::wasm_split(review, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn review_panel() -> Result<ReviewBuilder, ChunkUnavailable> {
    Ok(|refresh, on_reviewed| view! { <ReviewPanel refresh on_reviewed/> }.into_any())
}

#[leptos::wasm_split::wasm_split(password, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn password_page() -> Result<PasswordBuilder, ChunkUnavailable> {
    Ok(|forced| view! { <PasswordPage forced/> }.into_any())
}

/// Has the service worker keep the chunks of the pages this person may open (by the
/// `*_CHUNK` names above), so they open offline too, even those never opened
/// online. Waits until the worker runs the page: on a first visit it takes over only
/// once installed, and chunks fetched before that bypass its cache.
#[cfg_attr(not(feature = "browser"), allow(dead_code))]
pub fn keep_offline(pages: Vec<&'static str>) {
    #[cfg(feature = "browser")]
    leptos::task::spawn_local(async move {
        crate::offline::shell_controlled().await;
        crate::offline::keep_pages(&pages);
    });
    #[cfg(not(feature = "browser"))]
    let _ = pages;
}

/// Shows what `load` fetches, built by `show`: a loading line first, then the view, or
/// a notice that it could not be fetched with a button to try again. A `quiet` part (a
/// panel within a page) shows nothing instead of the notice.
#[component]
pub fn OnDemand<Built, Load, Loading, Show>(load: Load, show: Show, #[prop(optional)] quiet: bool) -> impl IntoView
where
    Built: Copy + Send + Sync + 'static,
    Load: Fn() -> Loading + Copy + Send + Sync + 'static,
    Loading: std::future::Future<Output = Result<Built, ChunkUnavailable>> + 'static,
    Show: Fn(Built) -> AnyView + Send + Sync + 'static,
{
    let state = RwSignal::new(None::<Result<Built, ChunkUnavailable>>);
    let fetch = move || {
        state.set(None);
        leptos::task::spawn_local(async move { state.set(Some(load().await)) });
    };
    #[cfg(feature = "browser")]
    fetch();
    view! {
        {move || match state.get() {
            None if quiet => ().into_any(),
            None => view! { <p class="loading">{tr(Key::Loading)}</p> }.into_any(),
            Some(Ok(built)) => show(built),
            Some(Err(ChunkUnavailable)) if quiet => ().into_any(),
            Some(Err(ChunkUnavailable)) => view! {
                <div class="banner error" role="alert" data-testid="page-unavailable">
                    <p>{tr(Key::PageUnavailable)}</p>
                    <button on:click=move |_| fetch()>{tr(Key::TryAgain)}</button>
                </div>
            }.into_any(),
        }}
    }
}

/// A page from its chunk.
pub fn page<Load, Loading>(load: Load) -> AnyView
where
    Load: Fn() -> Loading + Copy + Send + Sync + 'static,
    Loading: std::future::Future<Output = Result<PageBuilder, ChunkUnavailable>> + 'static,
{
    view! { <OnDemand load show=|build: PageBuilder| build()/> }.into_any()
}
