//! A head's button that signs off a unit's report or takes the sign-off back, in a wasm
//! chunk of its own: only heads sign, and only online, so a commune tablet's offline shell
//! need not carry it.

use super::chunk::ChunkUnavailable;
use super::sign_offs::SignOffs;
use super::tr;
use crate::domain::{Period, UnitCode};
use crate::i18n::DeskKey;
use leptos::prelude::*;
use uuid::Uuid;

/// The report a button signs off, and whether it is signed off now.
pub struct SignOffTarget {
    pub sign_offs: SignOffs,
    pub task: Uuid,
    pub unit: UnitCode,
    pub period: Option<Period>,
    pub signed: Signal<bool>,
    /// The labels of the checklist's items not done, as this device shows them.
    pub open_items: Signal<Vec<String>>,
}

/// What the sign-off chunk gives back: the button for one report.
pub type SignOffButtonBuilder = fn(SignOffTarget) -> AnyView;

#[leptos::wasm_split::wasm_split(sign_off, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn sign_off_button() -> Result<SignOffButtonBuilder, ChunkUnavailable> {
    Ok(|target| view! { <SignOffButton target/> }.into_any())
}

#[component]
fn SignOffButton(target: SignOffTarget) -> impl IntoView {
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    let SignOffTarget { sign_offs, task, unit, period, signed, open_items } = target;
    let failure = RwSignal::new(None::<crate::client::ClientError>);
    // Asked before signing off work not done: the head sees what is open and decides.
    let confirming = RwSignal::new(false);
    let send = move |unfinished: bool| {
        let unit = unit.clone();
        let sign = !signed.get_untracked();
        leptos::task::spawn_local(async move {
            use crate::client;
            let outcome = if sign {
                client::sign_off(task, &unit, period, unfinished).await.map(Some)
            } else {
                client::withdraw_sign_off(task, &unit, period).await.map(|()| None)
            };
            match outcome {
                Ok(report) => {
                    failure.set(None);
                    confirming.set(false);
                    sign_offs.reports.update(|reports| {
                        reports.retain(|r| !(r.task == task && r.unit == unit && r.period == period));
                        reports.extend(report);
                    });
                }
                // The server knew of open items this device did not: ask, as for those it knew.
                Err(client::ClientError::Refused { code: Some(crate::api::ErrorCode::Unfinished), .. }) => confirming.set(true),
                Err(error) => failure.set(Some(error)),
            }
        });
    };
    let send_first = send.clone();
    let toggle = move |_| {
        if !signed.get_untracked() && !open_items.with_untracked(Vec::is_empty) {
            confirming.set(true);
        } else {
            send_first(false);
        }
    };
    view! {
        <button class="secondary" on:click=toggle data-testid="sign-off-report">
            {move || if signed.get() { tr(DeskKey::TakeBackReport)() } else { tr(DeskKey::SignOffReport)() }}
        </button>
        <Show when=move || confirming.get()>
            <div class="confirm" role="alertdialog" aria-labelledby="sign-off-open-items" data-testid="sign-off-confirm">
                <p id="sign-off-open-items">{tr(DeskKey::SignOffOpenItems)}</p>
                <ul>{move || open_items.get().into_iter().map(|label| view! { <li>{label}</li> }).collect_view()}</ul>
                <button class="primary" on:click={
                    let send = send.clone();
                    move |_| send(true)
                } data-testid="sign-off-anyway">{tr(DeskKey::SignOffAnyway)}</button>
                <button class="secondary" on:click=move |_| confirming.set(false)>{tr(DeskKey::Cancel)}</button>
            </div>
        </Show>
        {move || failure.get().map(|reason| view! {
            <span class="error" role="alert">{tr(DeskKey::SignOffFailed)} " " {super::failure_words(locale.get(), &reason)}</span>
        })}
    }
}
