//! The bar at the top of a signed-in person's pages: their unit and name, the language,
//! their password, and signing out (warning first about changes not yet sent).

use super::chunk::OnDemand;
use super::password::{password_page, PasswordBuilder};
use super::who::Who;
use super::{tr, LanguageSwitch};
use crate::api::SessionInfo;
use crate::i18n::Key;
use leptos::prelude::*;

#[component]
pub(super) fn Header(session: SessionInfo) -> impl IntoView {
    let who = expect_context::<RwSignal<Who>>();
    // Unsynced changes counted when sign-out was asked for; the person then confirms.
    let confirming = RwSignal::new(None::<usize>);
    let leave = move || {
        confirming.set(None);
        leptos::task::spawn_local(async move {
            // The outbox and snapshot stay under this person's keys: signing out on a
            // shared tablet never throws away unsynced work. The page is signed out at
            // once; the server's session ends now, or as soon as the server is reached.
            crate::session::forget_session();
            crate::session::remember_pending_sign_out();
            who.set(Who::SignedOut);
            super::who::send_pending_sign_out().await;
        });
    };
    let account_open = RwSignal::new(false);
    let everywhere = move |_| {
        leptos::task::spawn_local(async move {
            if crate::client::sign_out_everywhere().await.is_ok() {
                crate::session::forget_session();
                who.set(Who::SignedOut);
            }
        });
    };
    let username = session.username.clone();
    let sign_out = move |_| {
        let unsynced = crate::session::unsent_changes(&username);
        if unsynced > 0 {
            confirming.set(Some(unsynced));
            return;
        }
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
