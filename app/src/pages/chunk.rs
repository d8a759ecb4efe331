//! Loading a part of the app from its wasm chunk (cargo-leptos `--split`): the error when
//! it cannot be fetched, the view that shows it (or says so, with a retry), and asking
//! the service worker to keep a person's chunks. The chunks themselves are defined where
//! their pages are (`on_demand`, `review`, `password`).

use super::tr;
use crate::i18n::Key;
use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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
pub fn keep_offline(pages: Vec<&'static str>) {
    leptos::task::spawn_local(async move {
        crate::offline::shell_controlled().await;
        crate::offline::keep_pages(&pages);
    });
}

/// What a chunk's view is made by once the chunk is in.
type Shown = Arc<dyn Fn() -> AnyView + Send + Sync>;
/// Fetching a chunk, ending in the maker of its view.
type Loading = Pin<Box<dyn Future<Output = Result<Shown, ChunkUnavailable>>>>;

/// Shows what `load` fetches, built by `show`: a loading line first, then the view, or
/// a notice that it could not be fetched with a button to try again. A `quiet` part (a
/// panel within a page) shows nothing instead of the notice.
#[component]
pub fn OnDemand<Built, Load, Fetching, Show>(load: Load, show: Show, #[prop(optional)] quiet: bool) -> impl IntoView
where
    Built: Copy + Send + Sync + 'static,
    Load: Fn() -> Fetching + Copy + Send + Sync + 'static,
    Fetching: Future<Output = Result<Built, ChunkUnavailable>> + 'static,
    Show: Fn(Built) -> AnyView + Send + Sync + 'static,
{
    // Only this adapter is made once per chunk; the view below is one piece of code for all.
    let show = Arc::new(show);
    let load = move || -> Loading {
        let show = Arc::clone(&show);
        Box::pin(async move { load().await.map(|built| Arc::new(move || show(built)) as Shown) })
    };
    loaded(Arc::new(load), quiet)
}

fn loaded(load: Arc<dyn Fn() -> Loading + Send + Sync>, quiet: bool) -> AnyView {
    let state = RwSignal::new(None::<Result<Shown, ChunkUnavailable>>);
    let fetch = move || {
        state.set(None);
        let loading = load();
        leptos::task::spawn_local(async move { state.set(Some(loading.await)) });
    };
    fetch();
    view! {
        {move || match state.get() {
            None if quiet => ().into_any(),
            None => view! { <p class="loading">{tr(Key::Loading)}</p> }.into_any(),
            Some(Ok(shown)) => shown(),
            Some(Err(ChunkUnavailable)) if quiet => ().into_any(),
            Some(Err(ChunkUnavailable)) => {
                let fetch = fetch.clone();
                view! {
                    <div class="banner error" role="alert" data-testid="page-unavailable">
                        <p>{tr(Key::PageUnavailable)}</p>
                        <button on:click=move |_| fetch()>{tr(Key::TryAgain)}</button>
                    </div>
                }
                .into_any()
            }
        }}
    }
    .into_any()
}

/// A page from its chunk.
pub fn page<Load, Fetching>(load: Load) -> AnyView
where
    Load: Fn() -> Fetching + Copy + Send + Sync + 'static,
    Fetching: Future<Output = Result<PageBuilder, ChunkUnavailable>> + 'static,
{
    view! { <OnDemand load show=|build: PageBuilder| build()/> }.into_any()
}
