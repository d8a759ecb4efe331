//! Loading a part of the app from its wasm chunk (cargo-leptos `--split`): the error when
//! it cannot be fetched, the view that shows it (or says so, with a retry), and asking
//! the service worker to keep a person's chunks. The chunks themselves are defined where
//! their pages are (`on_demand`, `review`, `password`).

use super::tr;
use crate::i18n::Key;
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

/// What a page's chunk gives back: the function that builds the page.
pub type PageBuilder = fn() -> AnyView;

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
