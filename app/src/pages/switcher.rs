//! The home page: signed out, the sign-in form; signed in, the header and the pages the
//! person may open, with tabs between them.

use super::chunk::{keep_offline, page, OnDemand};
use super::field::FieldPage;
use super::header::Header;
use super::on_demand::{
    admin_page, compose_page, dashboard_page, progress_page, ADMIN_CHUNK, COMPOSE_CHUNK, DASHBOARD_CHUNK, PROGRESS_CHUNK,
};
use super::password::{password_page, PasswordBuilder};
use super::sign_in::SignInPage;
use super::tr;
use super::who::{SignedInAs, Who};
use crate::api::SessionInfo;
use crate::domain::access::{permits, Action};
use crate::i18n::Key;
use crate::workspace::Workspace;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let who = RwSignal::new(Who::Unknown);
    provide_context(who);

    Effect::new(move |_| {
        // A sign-out not yet heard by the server: nobody is signed in here, and the
        // server is told first, now and whenever the network comes back.
        if crate::session::sign_out_pending() {
            crate::session::forget_session();
            who.set(Who::SignedOut);
            leptos::task::spawn_local(super::who::send_pending_sign_out());
            let retry = window_event_listener(leptos::ev::online, move |_| leptos::task::spawn_local(super::who::send_pending_sign_out()));
            on_cleanup(move || retry.remove());
            return;
        }
        // A cached session opens the page at once, offline included; the server is asked
        // afterwards and has the last word when it answers.
        let shown = match crate::session::cached_session() {
            Some(session) => Who::SignedIn(session),
            None => Who::SignedOut,
        };
        who.set(shown.clone());
        leptos::task::spawn_local(async move {
            use crate::client::{current_session, ClientError};
            let verdict = current_session().await;
            // The person may have signed in or out while the server was asked; then this
            // answer is about a session that no longer matters.
            if who.get_untracked() != shown {
                return;
            }
            match verdict {
                Ok(session) => {
                    let _ = crate::session::cache_session(&session);
                    if who.get_untracked() != Who::SignedIn(session.clone()) {
                        who.set(Who::SignedIn(session));
                    }
                }
                Err(ClientError::Unauthorized) => {
                    crate::session::forget_session();
                    // Setting it again would rebuild the sign-in form under the person's
                    // fingers and lose what they were typing.
                    if who.get_untracked() != Who::SignedOut {
                        who.set(Who::SignedOut);
                    }
                }
                Err(_) => {}
            }
        });
    });

    view! {
        {move || match who.get() {
            Who::Unknown => view! { <p class="loading">{tr(Key::Loading)}</p> }.into_any(),
            Who::SignedOut => view! { <SignInPage/> }.into_any(),
            Who::SignedIn(session) if session.must_change_password => {
                view! { <Header session=session.clone()/> <OnDemand load=password_page show=|build: PasswordBuilder| build(true)/> }.into_any()
            }
            Who::SignedIn(session) => view! { <Header session=session.clone()/> <Workplace session/> }.into_any(),
        }}
    }
}

/// The pages a person's roles open, first the one they start on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Field,
    Progress,
    Dashboard,
    Compose,
    Admin,
}

impl View {
    /// The wasm chunk the page lives in (see `on_demand`); the field page is in the shell.
    fn chunk(self) -> Option<&'static str> {
        match self {
            View::Field => None,
            View::Progress => Some(PROGRESS_CHUNK),
            View::Dashboard => Some(DASHBOARD_CHUNK),
            View::Compose => Some(COMPOSE_CHUNK),
            View::Admin => Some(ADMIN_CHUNK),
        }
    }
}

/// The pages a person may open, asked of the one access function.
fn views(session: &SessionInfo) -> Vec<View> {
    let may = |action: Action| permits(&session.roles, &session.unit, &[], action);
    [
        (View::Field, Action::FieldWork),
        // The office starts on the dashboard: it counts in the database, where the
        // progress page lists every item.
        (View::Dashboard, Action::FollowWork),
        (View::Progress, Action::OverseeProvince),
        (View::Compose, Action::WriteDirectives),
        (View::Admin, Action::Administer),
    ]
    .into_iter()
    .filter(|(_, action)| may(*action))
    .map(|(view, _)| view)
    .collect()
}

/// Someone with several roles switches between their pages with tabs.
#[component]
fn Workplace(session: SessionInfo) -> impl IntoView {
    let views = views(&session);
    provide_context(SignedInAs(session.username.clone()));
    // One workspace per signed-in person, made here and not by the field page: switching
    // to a desk page and back must not make another (it would take another device id while
    // the first still holds the tab's).
    if views.contains(&View::Field) {
        let workspace = Workspace::new(session.clone());
        Effect::new(move |_| workspace.start());
        provide_context(workspace);
    }
    keep_offline(views.iter().filter_map(|view| view.chunk()).collect());
    let shown = RwSignal::new(views.first().copied().unwrap_or(View::Admin));
    if shown.get_untracked() == View::Dashboard {
        // The first dashboard is asked for now, while the page's chunk is fetched.
        let first = crate::api::DashboardFilter { rows: Some(crate::api::Dashboard::FIRST_ROWS), ..Default::default() };
        provide_context(crate::client::EarlyRequest::begin(crate::api::dashboard_url(&first)));
    }
    let key = |view: View| match view {
        View::Field => Key::ViewField,
        View::Progress => Key::ViewProgress,
        View::Dashboard => Key::ViewDashboard,
        View::Compose => Key::ViewCompose,
        View::Admin => Key::ViewAdmin,
    };
    let tabs = (views.len() > 1).then(|| {
        view! {
            <nav class="tabs">
                {views.iter().map(|view| {
                    let view = *view;
                    view! {
                        <button class="tab" class:active=move || shown.get() == view
                            on:click=move |_| shown.set(view)>{tr(key(view))}</button>
                    }
                }).collect_view()}
            </nav>
        }
    });
    view! {
        {tabs}
        {move || match shown.get() {
            View::Field => view! { <FieldPage/> }.into_any(),
            View::Progress => page(progress_page),
            View::Dashboard => page(dashboard_page),
            View::Compose => page(compose_page),
            View::Admin => page(admin_page),
        }}
    }
}
