//! Sign-in, sign-out, and the home page that sends each person to their own view.

use super::on_demand::{admin_page, compose_page, keep_offline, page, password_page, progress_page, OnDemand, PasswordBuilder};
use super::on_demand::{ADMIN_CHUNK, COMPOSE_CHUNK, PROGRESS_CHUNK};
use super::{field::FieldPage, tr, LanguageSwitch};
use crate::api::SessionInfo;
use crate::domain::access::{permits, Action};
use crate::i18n::Key;
use crate::workspace::Workspace;
use leptos::prelude::*;

/// Where the home page stands after hydration.
// Some variants are only built by browser code.
#[cfg_attr(not(feature = "browser"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    /// Server render and first browser frame: nothing known yet.
    Unknown,
    SignedOut,
    SignedIn(SessionInfo),
}

#[component]
pub fn Home() -> impl IntoView {
    let who = RwSignal::new(Who::Unknown);
    provide_context(who);

    #[cfg(feature = "browser")]
    Effect::new(move |_| {
        // A cached session opens the page at once, offline included; the server is asked
        // afterwards and has the last word when it answers.
        let shown = match crate::offline::cached_session() {
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
                    let _ = crate::offline::cache_session(&session);
                    if who.get_untracked() != Who::SignedIn(session.clone()) {
                        who.set(Who::SignedIn(session));
                    }
                }
                Err(ClientError::Unauthorized) => {
                    crate::offline::forget_session();
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
    Compose,
    Admin,
}

impl View {
    /// The wasm chunk the page lives in (see `on_demand`); the field page is in the shell.
    fn chunk(self) -> Option<&'static str> {
        match self {
            View::Field => None,
            View::Progress => Some(PROGRESS_CHUNK),
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
        (View::Progress, Action::OverseeProvince),
        (View::Compose, Action::WriteDirectives),
        (View::Admin, Action::Administer),
    ]
    .into_iter()
    .filter(|(_, action)| may(*action))
    .map(|(view, _)| view)
    .collect()
}

/// The username of the person signed in, for pages that must not let them act on
/// themselves (an admin cannot disable their own account).
#[derive(Debug, Clone)]
pub(crate) struct SignedInAs(pub String);

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
    let key = |view: View| match view {
        View::Field => Key::ViewField,
        View::Progress => Key::ViewProgress,
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
            View::Compose => page(compose_page),
            View::Admin => page(admin_page),
        }}
    }
}

/// Changing one's password; `forced` after an admin's reset, when nothing else opens.
#[component]
pub(super) fn PasswordPage(forced: bool) -> impl IntoView {
    let who = expect_context::<RwSignal<Who>>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        #[cfg(feature = "browser")]
        leptos::task::spawn_local(async move {
            use crate::api::{PasswordChange, PASSWORD_PATH};
            let change = PasswordChange { current_password: current.get_untracked(), new_password: new.get_untracked() };
            match crate::client::post_json::<_, SessionInfo>(PASSWORD_PATH, &change).await {
                Ok(session) => {
                    let _ = crate::offline::cache_session(&session);
                    current.set(String::new());
                    new.set(String::new());
                    outcome.set(Some(Ok(())));
                    who.set(Who::SignedIn(session));
                }
                Err(error) => outcome.set(Some(Err(error.to_string()))),
            }
            busy.set(false);
        });
        let _ = who;
    };
    view! {
        <section class="password" data-testid="password-page">
            <h2>{tr(Key::ChangePassword)}</h2>
            {forced.then(|| view! { <p class="banner info">{tr(Key::MustChangePassword)}</p> })}
            <form on:submit=submit>
                <label>
                    {tr(Key::CurrentPassword)}
                    <input name="current-password" type="password" autocomplete="current-password" required
                        prop:value=move || current.get() on:input=move |ev| current.set(event_target_value(&ev))/>
                </label>
                <label>
                    {tr(Key::NewPassword)}
                    <input name="new-password" type="password" autocomplete="new-password" required minlength="8"
                        prop:value=move || new.get() on:input=move |ev| new.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="primary" disabled=move || busy.get()>{tr(Key::ChangePassword)}</button>
            </form>
            {move || outcome.get().map(|outcome| match outcome {
                Ok(()) => view! { <p class="notice" role="status">{tr(Key::PasswordChanged)}</p> }.into_any(),
                Err(reason) => view! { <p class="error" role="alert">{tr(Key::AdminFailed)} " " {reason}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn Header(session: SessionInfo) -> impl IntoView {
    let who = expect_context::<RwSignal<Who>>();
    // Unsynced changes counted when sign-out was asked for; the person then confirms.
    let confirming = RwSignal::new(None::<usize>);
    let leave = move || {
        confirming.set(None);
        #[cfg(feature = "browser")]
        leptos::task::spawn_local(async move {
            // The outbox and snapshot stay under this person's keys: signing out on a
            // shared tablet never throws away unsynced work.
            let _ = crate::client::sign_out().await;
            crate::offline::forget_session();
            who.set(Who::SignedOut);
        });
        let _ = who;
    };
    let account_open = RwSignal::new(false);
    let everywhere = move |_| {
        #[cfg(feature = "browser")]
        leptos::task::spawn_local(async move {
            if crate::client::delete(crate::api::ALL_SESSIONS_PATH).await.is_ok() {
                crate::offline::forget_session();
                who.set(Who::SignedOut);
            }
        });
    };
    let username = session.username.clone();
    let sign_out = move |_| {
        #[cfg(feature = "browser")]
        {
            let unsynced = crate::offline::UserStore::new(&username).waiting().map(|waiting| waiting.len()).unwrap_or(0);
            if unsynced > 0 {
                confirming.set(Some(unsynced));
                return;
            }
        }
        let _ = &username;
        leave();
    };
    view! {
        <header class="top">
            <div class="brand">
                <strong>{tr(Key::AppName)}</strong>
                <span class="unit" data-testid="unit-name">{session.unit_name.clone()}</span>
            </div>
            <div class="actions">
                <span class="user">{session.display_name.clone()}</span>
                <LanguageSwitch/>
                <button class="link" on:click=move |_| account_open.update(|open| *open = !*open) data-testid="account-settings">{tr(Key::ChangePassword)}</button>
                <button class="link" on:click=sign_out data-testid="sign-out">{tr(Key::SignOut)}</button>
            </div>
        </header>
        {move || account_open.get().then(|| view! {
            <div class="account-settings">
                <OnDemand load=password_page show=|build: PasswordBuilder| build(false)/>
                <button class="secondary" on:click=everywhere data-testid="sign-out-everywhere">{tr(Key::SignOutEverywhere)}</button>
            </div>
        })}
        {move || confirming.get().map(|unsynced| view! {
            <div class="banner warning" role="alertdialog" data-testid="sign-out-warning">
                <span><strong>{unsynced}</strong> " " {tr(Key::UnsyncedSignOut)}</span>
                <button class="primary" on:click=move |_| confirming.set(None) data-testid="stay">{tr(Key::StaySignedIn)}</button>
                <button class="secondary" on:click=move |_| leave() data-testid="sign-out-anyway">{tr(Key::SignOut)}</button>
            </div>
        })}
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let who = expect_context::<RwSignal<Who>>();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Key>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        #[cfg(feature = "browser")]
        leptos::task::spawn_local(async move {
            use crate::api::SignInRequest;
            use crate::client::{sign_in, ClientError};
            let request = SignInRequest { username: username.get_untracked().trim().to_owned(), password: password.get_untracked() };
            match sign_in(&request).await {
                Ok(session) => {
                    let _ = crate::offline::cache_session(&session);
                    who.set(Who::SignedIn(session));
                }
                Err(ClientError::Unauthorized) => error.set(Some(Key::WrongCredentials)),
                Err(ClientError::Refused { status: 429, .. }) => error.set(Some(Key::TooManyAttempts)),
                Err(ClientError::Refused { status: 403, .. }) => error.set(Some(Key::AccountDisabled)),
                Err(ClientError::Refused { status: 400..=499, .. }) => error.set(Some(Key::WrongCredentials)),
                Err(_) => error.set(Some(Key::SignInFailed)),
            }
            busy.set(false);
        });
        let _ = who;
    };

    view! {
        <main class="sign-in">
            <h1>{tr(Key::AppName)}</h1>
            <p class="tagline">{tr(Key::Tagline)}</p>
            <form on:submit=submit>
                <h2>{tr(Key::SignInTitle)}</h2>
                <label>
                    {tr(Key::Username)}
                    <input name="username" autocomplete="username" required
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))/>
                </label>
                <label>
                    {tr(Key::Password)}
                    <input name="password" type="password" autocomplete="current-password" required
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                {move || error.get().map(|key| view! { <p class="error" role="alert">{tr(key)}</p> })}
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { tr(Key::SigningIn)() } else { tr(Key::SignIn)() }}
                </button>
            </form>
            <LanguageSwitch/>
        </main>
    }
}

/// Shown over the field page when the server says the session has expired: signing in
/// again keeps the outbox, which is then pushed.
#[component]
pub fn SessionExpired() -> impl IntoView {
    let who = expect_context::<RwSignal<Who>>();
    let again = move |_| {
        #[cfg(feature = "browser")]
        crate::offline::forget_session();
        who.set(Who::SignedOut);
    };
    view! {
        <div class="banner warning" role="alert">
            <span>{tr(Key::SessionExpired)}</span>
            <button class="primary" on:click=again>{tr(Key::SignIn)}</button>
        </div>
    }
}
