//! Sign-in, sign-out, and the home page that sends each person to their own view.

use super::{field::FieldPage, progress::ProgressPage, tr, LanguageSwitch};
use crate::api::SessionInfo;
use crate::domain::Role;
use crate::i18n::Key;
use leptos::prelude::*;

/// Where the home page stands after hydration.
// Some variants are only built by browser code.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
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

    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        // A cached session opens the page at once, offline included; the server is asked
        // afterwards and has the last word when it answers.
        let shown = match crate::offline::cached_session() {
            Some(session) => Who::SignedIn(session),
            None => Who::SignedOut,
        };
        who.set(shown.clone());
        leptos::task::spawn_local(async move {
            use crate::sync::client::{current_session, ClientError};
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
            Who::SignedIn(session) => {
                let role = session.role;
                view! {
                    <Header session=session.clone()/>
                    {match role {
                        Role::Official | Role::Head => view! { <FieldPage session/> }.into_any(),
                        Role::Supervisor => view! { <ProgressPage/> }.into_any(),
                    }}
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn Header(session: SessionInfo) -> impl IntoView {
    let who = expect_context::<RwSignal<Who>>();
    // Unsynced changes counted when sign-out was asked for; the person then confirms.
    let confirming = RwSignal::new(None::<usize>);
    let leave = move || {
        confirming.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            // The outbox and snapshot stay under this person's keys: signing out on a
            // shared tablet never throws away unsynced work.
            let _ = crate::sync::client::sign_out().await;
            crate::offline::forget_session();
            who.set(Who::SignedOut);
        });
        let _ = who;
    };
    let username = session.username.clone();
    let sign_out = move |_| {
        #[cfg(feature = "hydrate")]
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
                <button class="link" on:click=sign_out data-testid="sign-out">{tr(Key::SignOut)}</button>
            </div>
        </header>
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
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::api::SignInRequest;
            use crate::sync::client::{sign_in, ClientError};
            let request = SignInRequest { username: username.get_untracked().trim().to_owned(), password: password.get_untracked() };
            match sign_in(&request).await {
                Ok(session) => {
                    let _ = crate::offline::cache_session(&session);
                    who.set(Who::SignedIn(session));
                }
                Err(ClientError::Unauthorized) => error.set(Some(Key::WrongCredentials)),
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
        #[cfg(feature = "hydrate")]
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
