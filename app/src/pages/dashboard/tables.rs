//! The tables of counts by directive, task and unit, and of the work to chase.

use super::*;

/// The rows the server sent, drawn by `row`, then, when the list has more (`full` in
/// all), a button that asks for every row.
pub(super) fn capped_rows<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
    rows: Vec<T>,
    full: u32,
    columns: usize,
    row: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let AllRows(all) = expect_context::<AllRows>();
    let cut = (full as usize) > rows.len();
    view! {
        {rows.into_iter().map(row).collect_view()}
        {cut.then(|| view! {
            <tr class="more"><td colspan=columns>
                <button class="link" data-testid="show-all-rows" on:click=move |_| all.set(true)>
                    {tr(DeskKey::ShowAllRows)} {format!(" ({full})")}
                </button>
                <span class="print-only" data-testid="printed-rows-cut">{tr(DeskKey::PrintedRowsCut)} {format!(" {full}")}</span>
            </td></tr>
        })}
    }
}

#[component]
pub(super) fn CountsTable(
    rows: Vec<(String, StateCounts, Option<uuid::Uuid>)>,
    /// The list's full length when the server may have cut it.
    full: Option<u32>,
    filter: RwSignal<DashboardFilter>,
) -> impl IntoView {
    let full = full.unwrap_or(rows.len() as u32);
    view! {
        <table class="list counts">
            <thead><tr>
                <th></th>
                {STATES.map(|state| view! { <th class="number">{tr(state)}</th> })}
                <th class="number">{tr(DeskKey::DueSoon)}</th>
                <th>{tr(DeskKey::Percent)}</th>
            </tr></thead>
            <tbody>
                {capped_rows(rows, full, STATES.len() + 3, move |(name, counts, directive)| view! {
                    <tr>
                        <td>{match directive {
                            Some(id) => view! { <button class="link" on:click=move |_| filter.update(|f| f.directive = Some(id))>{name}</button> }.into_any(),
                            None => view! { <span>{name}</span> }.into_any(),
                        }}</td>
                        {STATES.map(|state| view! { <td class="number">{counts.of(state)}</td> })}
                        <td class="number">{counts.due_soon}</td>
                        <td><StateBar counts/> " " {format!("{}%", percent_done(&counts))}</td>
                    </tr>
                })}
            </tbody>
        </table>
    }
}

#[component]
pub(super) fn UnitTable(units: Vec<UnitStanding>, full: u32, filter: RwSignal<DashboardFilter>) -> impl IntoView {
    view! {
        <table class="list counts" data-testid="unit-table">
            <thead><tr>
                <th>{tr(DeskKey::Unit)}</th>
                {STATES.map(|state| view! { <th class="number">{tr(state)}</th> })}
                <th class="number">{tr(DeskKey::Items)}</th>
                <th>{tr(DeskKey::Percent)}</th>
            </tr></thead>
            <tbody>
                {capped_rows(units, full, STATES.len() + 3, move |row: UnitStanding| {
                    let code = row.unit.clone();
                    view! {
                        <tr data-unit=row.unit.to_string()>
                            <td><button class="link" on:click=move |_| filter.update(|f| f.unit = Some(code.clone()))>{row.name}</button></td>
                            {STATES.map(|state| view! { <td class="number">{row.counts.of(state)}</td> })}
                            <td class="number">{format!("{}/{}", row.items_done, row.items_total)}</td>
                            <td><StateBar counts=row.counts/> " " {format!("{}%", percent_done(&row.counts))}</td>
                        </tr>
                    }
                })}
            </tbody>
        </table>
    }
}

#[component]
pub(super) fn AttentionTable(rows: Vec<Attention>, full: u32) -> impl IntoView {
    let opened: Opened = expect_context();
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    view! {
        <table class="list attention" data-testid="attention">
            <thead><tr>
                <th>{tr(DeskKey::Unit)}</th><th>{tr(DeskKey::TaskWord)}</th><th>{tr(DeskKey::FilterRole)}</th>
                <th>{tr(DeskKey::LastDay)}</th><th class="number">{tr(DeskKey::DaysLate)}</th><th class="number">{tr(DeskKey::Items)}</th>
            </tr></thead>
            <tbody>
                {capped_rows(rows, full, 6, move |row: Attention| {
                    let key = AssignmentKey { task: row.task, unit: row.unit.clone(), period: row.period };
                    let period = row.period;
                    view! {
                    <tr class=state_class(row.state) data-unit=row.unit.to_string() data-state=row.state.as_str() data-testid="attention-row">
                        <td><button class="link" on:click=move |_| opened.set(Some(key.clone()))>{row.unit_name}</button></td>
                        <td class="task-text">{row.task_text} {period.map(|period| view! { <span class="meta">" · " {move || period_name(locale.get(), period)}</span> })}</td>
                        <td>{tr(row.role)}</td>
                        <td>{row.last_day.map(vietnam_date)}</td>
                        <td class="number">{if row.state == TaskState::Overdue { row.days_late.to_string() } else { tr(DeskKey::DueSoon)().to_owned() }}</td>
                        <td class="number">{format!("{}/{}", row.done, row.total)}</td>
                    </tr>
                }})}
            </tbody>
        </table>
    }
}
