//! Changing one's password, in a wasm chunk of its own (it needs the network anyway).

use super::chunk::ChunkUnavailable;
use super::tr;
use super::who::Who;
use crate::i18n::Key;
use leptos::prelude::*;

/// What the password chunk gives back: the form, `forced` after an admin's reset.
pub type PasswordBuilder = fn(bool) -> AnyView;

#[leptos::wasm_split::wasm_split(password, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn password_page() -> Result<PasswordBuilder, ChunkUnavailable> {
    Ok(|forced| view! { <PasswordPage forced/> }.into_any())
}

/// Changing one's password; `forced` after an admin's reset, when nothing else opens.
#[component]
fn PasswordPage(forced: bool) -> impl IntoView {
    let who = expect_context::<RwSignal<Who>>();
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
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
        leptos::task::spawn_local(async move {
            use crate::api::PasswordChange;
            let change = PasswordChange { current_password: current.get_untracked(), new_password: new.get_untracked() };
            match crate::client::change_password(&change).await {
                Ok(session) => {
                    let _ = crate::session::cache_session(&session);
                    current.set(String::new());
                    new.set(String::new());
                    outcome.set(Some(Ok(())));
                    who.set(Who::SignedIn(session));
                }
                Err(error) => outcome.set(Some(Err(super::failure_words(locale.get_untracked(), &error)))),
            }
            busy.set(false);
        });
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
                    <input name="new-password" type="password" autocomplete="new-password" required minlength="12"
                        aria-describedby="new-password-rule"
                        prop:value=move || new.get() on:input=move |ev| new.set(event_target_value(&ev))/>
                </label>
                <p class="hint" id="new-password-rule">{tr(Key::PasswordRule)}</p>
                <button type="submit" class="primary" disabled=move || busy.get()>{tr(Key::ChangePassword)}</button>
            </form>
            {move || outcome.get().map(|outcome| match outcome {
                Ok(()) => view! { <p class="notice" role="status">{tr(Key::PasswordChanged)}</p> }.into_any(),
                Err(reason) => view! { <p class="error" role="alert">{reason}</p> }.into_any(),
            })}
        </section>
    }
}
