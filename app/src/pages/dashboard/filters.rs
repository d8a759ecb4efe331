//! The dashboard's filters: the state cards and the choosers of directive, unit, role and dates.

use super::*;

/// One card per state, and the due-soon flag; a card chooses that state as the filter.
#[component]
pub(super) fn Totals(counts: StateCounts, filter: RwSignal<DashboardFilter>) -> impl IntoView {
    let chosen = move |state: TaskState| filter.with(|filter| filter.state == Some(state));
    view! {
        <div class="totals" data-testid="totals">
            {STATES.map(|state| view! {
                <button class=format!("total {}", state_class(state)) class:chosen=move || chosen(state) data-state=state.as_str()
                    on:click=move |_| filter.update(|filter| filter.state = if filter.state == Some(state) { None } else { Some(state) })>
                    <strong data-testid="total-count">{counts.of(state)}</strong>
                    <span>{tr(state)}</span>
                </button>
            })}
            <div class="total due-soon" data-state="due_soon">
                <strong data-testid="total-count">{counts.due_soon}</strong>
                <span>{tr(DeskKey::DueSoon)}</span>
            </div>
        </div>
    }
}

#[component]
pub(super) fn Filters(
    filter: RwSignal<DashboardFilter>,
    units: Signal<Vec<Unit>>,
    directives: Signal<Vec<(uuid::Uuid, String)>>,
) -> impl IntoView {
    let value_of = |ev: &leptos::ev::Event| Some(event_target_value(ev)).filter(|value| !value.is_empty());
    view! {
        <form class="filters" on:submit=|ev| ev.prevent_default()>
            <label>{tr(DeskKey::FilterDirective)}
                <select name="directive" on:change=move |ev| filter.update(|f| f.directive = value_of(&ev).and_then(|v| v.parse().ok()))>
                    <option value="">{tr(DeskKey::AllDirectives)}</option>
                    {move || directives.get().into_iter().map(|(id, title)| {
                        let selected = filter.with_untracked(|f| f.directive == Some(id));
                        view! { <option value=id.to_string() selected=selected>{title}</option> }
                    }).collect_view()}
                </select></label>
            <label>{tr(DeskKey::FilterUnit)}
                <select name="unit" on:change=move |ev| filter.update(|f| f.unit = value_of(&ev).and_then(|v| UnitCode::parse(&v).ok()))>
                    <option value="">{tr(DeskKey::AllUnits)}</option>
                    {move || units.get().into_iter().map(|unit| view! { <option value=unit.code.to_string()>{unit.name.to_string()}</option> }).collect_view()}
                </select></label>
            <label>{tr(DeskKey::FilterState)}
                <select name="state" prop:value=move || filter.with(|f| f.state.map(TaskState::as_str).unwrap_or_default())
                    on:change=move |ev| filter.update(|f| f.state = value_of(&ev).and_then(|v| TaskState::from_word(&v)))>
                    <option value="">{tr(DeskKey::AllStates)}</option>
                    {STATES.map(|state| view! { <option value=state.as_str()>{tr(state)}</option> })}
                </select></label>
            <label>{tr(DeskKey::FilterRole)}
                <select name="role" on:change=move |ev| filter.update(|f| f.role = value_of(&ev).and_then(|v| UnitRole::from_word(&v)))>
                    <option value="">{tr(DeskKey::AllRoles)}</option>
                    {UnitRole::ALL.iter().map(|&role| view! { <option value=role.as_str()>{tr(role)}</option> }).collect_view()}
                </select></label>
            <label>{tr(DeskKey::DueFrom)}
                <input type="date" name="due-from" on:change=move |ev| filter.update(|f| f.due_from = value_of(&ev).and_then(|v| crate::domain::iso_date::parse(&v)))/></label>
            <label>{tr(DeskKey::DueTo)}
                <input type="date" name="due-to" on:change=move |ev| filter.update(|f| f.due_to = value_of(&ev).and_then(|v| crate::domain::iso_date::parse(&v)))/></label>
        </form>
    }
}
