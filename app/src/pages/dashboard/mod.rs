//! The office's dashboard: where every assignment (a task for one unit) stands, in the
//! four states of official task reports, with the work to chase. It only shows: the
//! counts come from the server, which makes them in the database.

use super::tr;
use crate::api::{AssignmentKey, Attention, Dashboard, DashboardFilter, StateCounts, UnitStanding};
use crate::domain::{Period, TaskState, Unit, UnitCode, UnitRole};
use crate::i18n::{period_name, vietnam_date, vietnam_time, DeskKey};
use leptos::prelude::*;

mod assignment;
mod charts;
mod filters;
mod tables;
use assignment::AssignmentPanel;
use charts::{StateBar, UnitChart, WeeklyChart};
use filters::{Filters, Totals};
use tables::{AttentionTable, CountsTable, UnitTable};

/// The states in the order reports list them.
const STATES: [TaskState; 4] = [TaskState::DoneOnTime, TaskState::DoneLate, TaskState::InProgress, TaskState::Overdue];

fn state_class(state: TaskState) -> &'static str {
    match state {
        TaskState::DoneOnTime => "state-on-time",
        TaskState::DoneLate => "state-late",
        TaskState::InProgress => "state-in-progress",
        TaskState::Overdue => "state-overdue",
    }
}

/// Whole percent done (on time or late) of the assignments counted, rounded down.
fn percent_done(counts: &StateCounts) -> u32 {
    ((counts.done_on_time + counts.done_late) * 100).checked_div(counts.total()).unwrap_or(0)
}

/// Whether the long lists hold every row (asked for, or for printing).
#[derive(Clone, Copy)]
struct AllRows(RwSignal<bool>);

/// Printing asked for, waiting for every row to arrive.
#[derive(Clone, Copy)]
struct PrintAsked(RwSignal<bool>);

/// The browser's print dialog, which also saves as PDF; the print stylesheet leaves the
/// report without the controls. The report prints whole: every row is asked for first,
/// and the dialog opens once they are drawn (see [`print_when_whole`]).
fn print_page(all_rows: AllRows, asked: PrintAsked) {
    all_rows.0.set(true);
    asked.0.set(true);
}

/// Opens the print dialog asked for once the dashboard shown holds every row.
fn print_when_whole(asked: PrintAsked, shown: Memo<Option<Dashboard>>) {
    Effect::new(move |_| {
        if !asked.0.get() || !shown.with(|shown| shown.as_ref().is_some_and(Dashboard::is_whole)) {
            return;
        }
        asked.0.set(false);
        set_timeout(
            || {
                if let Some(window) = web_sys::window() {
                    let _ = window.print();
                }
            },
            std::time::Duration::ZERO,
        );
    });
}

/// Whether the dashboard hears of changes as they happen. (Only the browser build opens
/// the stream; the server renders no dashboard.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LiveState {
    Connecting,
    Open,
    /// The stream dropped: the browser reconnects by itself, and meanwhile the page asks
    /// again every [`POLL_WHILE_LOST_MS`].
    Lost,
}

const POLL_WHILE_LOST_MS: u64 = 10_000;

/// Keeps `loaded` current: a live stream from the first dashboard's cursor refetches it on
/// every change; while the stream is down, a timer does.
fn stay_live(loaded: LocalResource<Result<Dashboard, crate::client::ClientError>>, cursor: Memo<Option<u64>>, state: RwSignal<LiveState>) {
    let opened = StoredValue::new_local(None::<crate::offline::live::Live>);
    Effect::new(move |_| {
        let Some(since) = cursor.get() else { return };
        if opened.with_value(Option::is_some) {
            return;
        }
        let url = crate::api::live_url(since);
        let live = crate::offline::live::follow(
            &url,
            move |up| state.set(if up { LiveState::Open } else { LiveState::Lost }),
            move || loaded.refetch(),
        );
        opened.set_value(live);
    });
    on_cleanup(move || opened.set_value(None));
    Effect::new(move |_| {
        if state.get() != LiveState::Lost {
            return;
        }
        let beat = std::time::Duration::from_millis(POLL_WHILE_LOST_MS);
        if let Ok(timer) = set_interval_with_handle(move || loaded.refetch(), beat) {
            on_cleanup(move || timer.clear());
        }
    });
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let filter = RwSignal::new(DashboardFilter::default());
    let all_rows = AllRows(RwSignal::new(false));
    provide_context(all_rows);
    let print_asked = PrintAsked(RwSignal::new(false));
    let early = use_context::<crate::client::EarlyRequest>();
    let loaded = LocalResource::new(move || {
        let asked = DashboardFilter { rows: (!all_rows.0.get()).then_some(Dashboard::FIRST_ROWS), ..filter.get() };
        async move { crate::client::dashboard(&asked, early).await }
    });
    let live = RwSignal::new(LiveState::Connecting);
    let tree = LocalResource::new(crate::client::unit_tree);
    let units = Signal::derive(move || tree.get().and_then(Result::ok).unwrap_or_default());
    // The dashboard on screen stays while a newer one loads or when a reload fails.
    let shown = Memo::new(move |before: Option<&Option<Dashboard>>| match loaded.get() {
        Some(Ok(fresh)) => Some(fresh),
        _ => before.cloned().flatten(),
    });
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    let failure = move || loaded.get().and_then(Result::err).map(|error| super::failure_words(locale.get(), &error));
    let cursor = Memo::new(move |_| shown.with(|shown| shown.as_ref().map(|dashboard| dashboard.cursor)));
    let drawn = Memo::new(move |_| shown.with(Option::is_some));
    provide_context::<Opened>(RwSignal::new(None));
    print_when_whole(print_asked, shown);
    stay_live(loaded, cursor, live);
    view! {
        <main class="dashboard" data-testid="dashboard">
            <div class="title-row">
                <h1>{tr(DeskKey::DashboardTitle)}</h1>
                <span class="pill" class:online=move || live.get() == LiveState::Open class:offline=move || live.get() != LiveState::Open
                    data-testid="live" data-live=move || if live.get() == LiveState::Open { "open" } else { "closed" }>
                    {move || match live.get() {
                        LiveState::Connecting => tr(DeskKey::LiveConnecting)(),
                        LiveState::Open => tr(DeskKey::LiveOpen)(),
                        LiveState::Lost => tr(DeskKey::LiveLost)(),
                    }}
                </span>
                <span class="meta" data-testid="dashboard-as-of">
                    {move || shown.get().map(|shown| format!("{} {}", tr(DeskKey::AsOf)(), vietnam_time(shown.as_of_ms)))}
                </span>
            </div>
            <div class="downloads">
                <a class="button secondary" download="" data-testid="download-xlsx"
                    href=move || filter.with(crate::api::report_xlsx_url)>{tr(DeskKey::DownloadExcel)}</a>
                <a class="button secondary" download="" data-testid="download-csv"
                    href=move || filter.with(crate::api::report_csv_url)>{tr(DeskKey::DownloadCsv)}</a>
                <button class="secondary" on:click=move |_| print_page(all_rows, print_asked) data-testid="print">{tr(DeskKey::Print)}</button>
            </div>
            <Filters filter units directives=Signal::derive(move || shown.get().map(|d| d.directives.iter().map(|row| (row.directive, row.title.clone())).collect()).unwrap_or_default())/>
            {move || failure().map(|reason| view! { <p class="error" role="alert">{tr(DeskKey::ProgressFailed)} " " {reason}</p> })}
            {move || match shown.get() {
                None => view! { <p class="loading">{tr(crate::i18n::Key::Loading)}</p> }.into_any(),
                Some(dashboard) if dashboard.totals.total() == 0 => view! {
                    <Totals counts=dashboard.totals filter/>
                    <p class="meta" data-testid="no-work">{tr(DeskKey::NoWork)}</p>
                }.into_any(),
                Some(dashboard) => view! { <Report dashboard filter/> }.into_any(),
            }}
            // Twelve counts over the view's work: read again when the filter changes, not
            // on every live change, so an open dashboard does not keep the database busy;
            // and only once the counts are drawn, so the first view does not wait on it.
            {move || drawn.get().then(|| {
                let filter = filter.get();
                view! {
                    <section class="panel">
                        <h2>{tr(DeskKey::StatesByWeek)}</h2>
                        <WeeklyChart filter/>
                    </section>
                }
            })}
        </main>
    }
}

/// The assignment opened from a row: a task for one unit.
type Opened = RwSignal<Option<AssignmentKey>>;

#[component]
fn Report(dashboard: Dashboard, filter: RwSignal<DashboardFilter>) -> impl IntoView {
    let Dashboard { totals, directives, tasks, units, attention, full_lengths, .. } = dashboard;
    let opened: Opened = expect_context();
    view! {
        <Totals counts=totals filter/>
        {move || opened.get().map(|AssignmentKey { task, unit, period }| view! { <AssignmentPanel task unit period opened/> })}
        <section class="panel">
            <h2>{tr(DeskKey::CompletionByUnit)}</h2>
            <UnitChart units=units.clone()/>
        </section>

        <section class="panel">
            <h2>{tr(DeskKey::Attention)}</h2>
            <AttentionTable rows=attention full=full_lengths.attention/>
        </section>
        <section class="panel">
            <h2>{tr(DeskKey::ByDirective)}</h2>
            <CountsTable rows=directives.into_iter().map(|row| (row.title, row.counts, Some(row.directive))).collect() full=None filter/>
        </section>
        <section class="panel">
            <h2>{tr(DeskKey::ByUnit)}</h2>
            <UnitTable units full=full_lengths.units filter/>
        </section>
        <section class="panel">
            <h2>{tr(DeskKey::ByTask)}</h2>
            <CountsTable rows=tasks.into_iter().map(|row| (row.text, row.counts, None)).collect() full=Some(full_lengths.tasks) filter/>
        </section>
    }
}
