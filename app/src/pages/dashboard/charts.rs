//! The pictures of where work stands: a bar of states, the weeks, the units side by side.

use super::*;

/// A bar split by state, its parts as wide as their shares. SVG rather than styled
/// spans: the content security policy allows no inline style.
#[component]
pub(super) fn StateBar(counts: StateCounts) -> impl IntoView {
    let total = f64::from(counts.total().max(1));
    let mut x = 0.0;
    let parts = STATES.map(|state| {
        let width = f64::from(counts.of(state)) * 100.0 / total;
        let part = view! { <rect class=state_class(state) x=format!("{x:.2}") y="0" width=format!("{width:.2}") height="10"/> };
        x += width;
        part
    });
    view! {
        <svg class="state-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=format!("{}%", percent_done(&counts))>
            {parts}
        </svg>
    }
}

/// The view's work by state at the end of each week, as stacked areas (done on time at
/// the bottom, overdue on top), loaded after the rest of the dashboard.
#[component]
pub(super) fn WeeklyChart(filter: DashboardFilter) -> impl IntoView {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 200.0;
    const LEFT: f64 = 40.0;
    const BOTTOM: f64 = 24.0;
    let weekly = LocalResource::new(move || {
        let filter = filter.clone();
        async move { crate::client::weekly(&filter).await }
    });
    move || {
        let Some(Ok(weekly)) = weekly.get() else { return view! { <p class="loading">{tr(crate::i18n::Key::Loading)}</p> }.into_any() };
        let weeks = weekly.weeks;
        let highest = f64::from(weeks.iter().map(|week| week.counts.total()).max().unwrap_or(0).max(1));
        let step = WIDTH / (weeks.len().max(2) - 1) as f64;
        let x = |index: usize| LEFT + index as f64 * step;
        let y = |count: u32| HEIGHT - f64::from(count) * HEIGHT / highest;
        let mut below = vec![0u32; weeks.len()];
        let layers = STATES.map(|state| {
            let above: Vec<u32> = weeks.iter().zip(&below).map(|(week, under)| under + week.counts.of(state)).collect();
            let mut points: Vec<String> = above.iter().enumerate().map(|(i, count)| format!("{:.1},{:.1}", x(i), y(*count))).collect();
            points.extend(below.iter().enumerate().rev().map(|(i, count)| format!("{:.1},{:.1}", x(i), y(*count))));
            below = above;
            view! { <polygon class=state_class(state) points=points.join(" ")/> }
        });
        let labels = weeks.iter().enumerate().filter(|(i, _)| i % 2 == weeks.len() % 2).map(|(i, week)| {
            use chrono::Datelike;
            view! { <text x=format!("{:.1}", x(i)) y=format!("{:.1}", HEIGHT + 16.0) text-anchor="middle">{format!("{:02}/{:02}", week.ends_on.day(), week.ends_on.month())}</text> }
        }).collect_view();
        view! {
            <svg class="chart" role="img" aria-label=tr(DeskKey::StatesByWeek) viewBox=format!("0 0 {} {}", LEFT + WIDTH + 10.0, HEIGHT + BOTTOM) data-testid="weekly-chart"
                data-weeks=weeks.len()>
                {layers}
                <text x=format!("{:.1}", LEFT - 6.0) y="12" text-anchor="end">{highest as u32}</text>
                <text x=format!("{:.1}", LEFT - 6.0) y=format!("{HEIGHT:.1}") text-anchor="end">"0"</text>
                {labels}
            </svg>
            // Bottom to top, as the layers are drawn.
            <ul class="legend">
                {STATES.map(|state| view! { <li class=state_class(state)><span class="swatch"></span>{tr(state)}</li> })}
            </ul>
        }
        .into_any()
    }
}

/// Completion by unit as horizontal bars split by state, drawn in SVG so that it prints
/// and projects sharply: the units the table shows, in its order.
#[component]
pub(super) fn UnitChart(units: Vec<UnitStanding>) -> impl IntoView {
    const ROW: f64 = 22.0;
    const LABEL: f64 = 260.0;
    const BAR: f64 = 480.0;
    let height = ROW * units.len() as f64 + 4.0;
    view! {
    <svg class="chart" role="img" aria-label=tr(DeskKey::CompletionByUnit) viewBox=format!("0 0 {} {height}", LABEL + BAR + 50.0) data-testid="unit-chart">
        {units.into_iter().enumerate().map(|(row, unit)| {
            let y = row as f64 * ROW + 2.0;
            let total = f64::from(unit.counts.total().max(1));
            let mut x = LABEL;
            let parts = STATES.map(|state| {
                let width = f64::from(unit.counts.of(state)) * BAR / total;
                let part = view! { <rect class=state_class(state) x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{width:.1}") height=format!("{:.1}", ROW - 6.0)/> };
                x += width;
                part
            });
            view! {
                <g>
                    <text x=format!("{:.1}", LABEL - 8.0) y=format!("{:.1}", y + ROW - 10.0) text-anchor="end">{unit.name}</text>
                    {parts}
                    <text x=format!("{:.1}", LABEL + BAR + 6.0) y=format!("{:.1}", y + ROW - 10.0)>{format!("{}%", percent_done(&unit.counts))}</text>
                </g>
            }
        }).collect_view()}
    </svg>
    }
}
