//! Signing in, and signing in again when the server says the session has expired.

use super::who::Who;
use super::{tr, LanguageSwitch};
use crate::i18n::Key;
use leptos::prelude::*;

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
        leptos::task::spawn_local(async move {
            use crate::api::SignInRequest;
            use crate::client::{sign_in, ClientError};
            let request = SignInRequest { username: username.get_untracked().trim().to_owned(), password: password.get_untracked() };
            match sign_in(&request).await {
                Ok(session) => {
                    // Signing in ended the session of the cookie it replaced, on the server.
                    crate::session::clear_pending_sign_out();
                    let _ = crate::session::cache_session(&session);
                    who.set(Who::SignedIn(session));
                }
                Err(ClientError::Unauthorized) => error.set(Some(Key::WrongCredentials)),
                Err(ClientError::Refused { status: 429, .. }) => error.set(Some(Key::TooManyAttempts)),
                Err(ClientError::Refused { status: 400..=499, .. }) => error.set(Some(Key::WrongCredentials)),
                Err(_) => error.set(Some(Key::SignInFailed)),
            }
            busy.set(false);
        });
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
        crate::session::forget_session();
        who.set(Who::SignedOut);
    };
    view! {
        <div class="banner warning" role="alert">
            <span>{tr(Key::SessionExpired)}</span>
            <button class="primary" on:click=again>{tr(Key::SignIn)}</button>
        </div>
    }
}
