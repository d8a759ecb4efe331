//! Conflict review on the supervisor's page: each flagged item, each contested field with
//! the values in contention, and a choice of which to keep.

use super::chunk::ChunkUnavailable;
use super::tr;
use crate::api::{ConflictCase, ReviewQueue, ReviewRequest};
use crate::i18n::vietnam_time;
use crate::i18n::{DeskKey, Key};
use crate::sync::{Edit, Field, LoggedEdit, LoggedOutcome};
use leptos::prelude::*;
use std::collections::BTreeMap;
use uuid::Uuid;

#[component]
pub fn ReviewPanel(
    /// Changes whenever the page refreshes; the queue refreshes with it.
    #[prop(into)]
    refresh: Signal<u32>,
    #[prop(into)] on_reviewed: Callback<()>,
) -> impl IntoView {
    let loaded = LocalResource::new(move || {
        refresh.track();
        crate::client::review_queue()
    });
    // A failed load leaves the panel as it was; the page around it reports the network.
    let queue = Memo::new(move |shown: Option<&Option<ReviewQueue>>| match loaded.get() {
        Some(Ok(fresh)) => Some(fresh),
        _ => shown.cloned().flatten(),
    });
    // The page reloads, and with it (through `refresh`) this queue.
    let reviewed = Callback::new(move |_| on_reviewed.run(()));
    view! {
        <Show when=move || queue.with(|queue| queue.as_ref().is_some_and(|queue| !queue.cases.is_empty()))>
            <section class="review" data-testid="review">
                <h2>{tr(DeskKey::ReviewTitle)}</h2>
                <p class="meta">{tr(DeskKey::ReviewHint)}</p>
                {move || {
                    queue
                        .get()
                        .map(|queue| queue.cases.into_iter().map(|case| view! { <CaseCard case reviewed/> }).collect_view())
                }}
            </section>
        </Show>
    }
}

#[component]
fn CaseCard(case: ConflictCase, reviewed: Callback<()>) -> impl IntoView {
    let chosen = RwSignal::new(
        case.contests.iter().filter_map(|contest| Some((contest.field, contest.standing(&case.item)?))).collect::<BTreeMap<Field, Uuid>>(),
    );
    let item_id = case.item.id;
    let complete = {
        let fields = case.contests.len();
        move || chosen.with(|chosen| chosen.len() == fields)
    };
    let keep = Action::new_local(move |request: &ReviewRequest| {
        let request = request.clone();
        async move {
            let answer = crate::client::review(&request).await;
            if answer.is_ok() {
                reviewed.run(());
            }
            answer
        }
    });
    let busy = keep.pending();
    let failure = move || keep.value().get().and_then(Result::err).map(|error| error.to_string());
    let submit = move |_| {
        keep.dispatch(ReviewRequest { item: item_id, keep: chosen.get_untracked().into_values().collect() });
    };
    let standing_ids: Vec<Uuid> = case.contests.iter().filter_map(|contest| contest.standing(&case.item)).collect();
    view! {
        <article class="case" data-testid="conflict-case" data-item=item_id.to_string()>
            <p class="section-name">{case.unit_name.clone()} " · " {case.task_text.clone()}</p>
            <h3>{case.item.label.to_string()}</h3>
            {case
                .contests
                .into_iter()
                .map(|contest| {
                    let field = contest.field;
                    let group = format!("{item_id}-{field:?}");
                    view! {
                        <fieldset class="contest">
                            <legend>{tr(if field == Field::Done { Key::Done } else { Key::Note })}</legend>
                            {contest
                                .edits
                                .into_iter()
                                .map(|edit| {
                                    let is_standing = standing_ids.contains(&edit.change);
                                    view! { <Choice edit group=group.clone() field chosen is_standing/> }
                                })
                                .collect_view()}
                        </fieldset>
                    }
                })
                .collect_view()}
            <button class="primary" data-testid="keep-chosen" on:click=submit disabled=move || busy.get() || !complete()>
                {tr(DeskKey::KeepChosen)}
            </button>
            {move || failure().map(|reason| view! { <p class="error" role="alert">{tr(DeskKey::ReviewFailed)} " " {reason}</p> })}
        </article>
    }
}

#[component]
fn Choice(edit: LoggedEdit, group: String, field: Field, chosen: RwSignal<BTreeMap<Field, Uuid>>, is_standing: bool) -> impl IntoView {
    let id = edit.change;
    let value = match &edit.edit {
        Edit::Done { value: true } => view! { <span>"☑ " {tr(Key::Done)}</span> }.into_any(),
        Edit::Done { value: false } => view! { <span>"☐ " {tr(DeskKey::NotDone)}</span> }.into_any(),
        Edit::Note { value } if value.as_str().is_empty() => view! { <em>{tr(DeskKey::EmptyNote)}</em> }.into_any(),
        Edit::Note { value } => view! { <q>{value.as_str().to_owned()}</q> }.into_any(),
    };
    view! {
        <label class="choice" data-testid="contender" data-author=edit.author.clone()>
            <input type="radio" name=group prop:checked=move || chosen.with(|chosen| chosen.get(&field) == Some(&id))
                on:change=move |_| chosen.update(|chosen| { chosen.insert(field, id); })/>
            {value}
            <small class="changed">
                {edit.author.clone()} " · " {vietnam_time(edit.stamp.wall_ms)}
                {(edit.outcome == LoggedOutcome::Reviewed).then(|| view! { " · " {tr(DeskKey::ReviewedBefore)} })}
            </small>
            {is_standing.then(|| view! { <span class="badge">{tr(DeskKey::Standing)}</span> })}
        </label>
    }
}

/// What the review chunk gives back: the panel, given when to refresh and what to do
/// after a decision.
pub type ReviewBuilder = fn(Signal<u32>, Callback<()>) -> AnyView;

#[leptos::wasm_split::wasm_split(review, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn review_panel() -> Result<ReviewBuilder, ChunkUnavailable> {
    Ok(|refresh, on_reviewed| view! { <ReviewPanel refresh on_reviewed/> }.into_any())
}
