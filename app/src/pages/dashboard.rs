//! The office's dashboard: where every assignment (a task for one unit) stands, in the
//! four states of official task reports, with the work to chase. It only shows: the
//! counts come from the server, which makes them in the database.

use super::tr;
use crate::api::{AssignmentKey, Attention, Dashboard, DashboardFilter, StateCounts, UnitStanding};
use crate::domain::{Period, TaskState, Unit, UnitCode, UnitRole};
use crate::i18n::{period_name, vietnam_date, vietnam_time, DeskKey};
use leptos::prelude::*;

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

/// The rows the server sent, drawn by `row`, then, when the list has more (`full` in
/// all), a button that asks for every row.
fn capped_rows<T: Clone + Send + Sync + 'static, V: IntoView + 'static>(
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
        let url = format!("{}?since={since}", crate::api::LIVE_PATH);
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
                    href=move || format!("{}{}", crate::api::REPORT_XLSX_PATH, filter.with(DashboardFilter::query))>{tr(DeskKey::DownloadExcel)}</a>
                <a class="button secondary" download="" data-testid="download-csv"
                    href=move || format!("{}{}", crate::api::REPORT_CSV_PATH, filter.with(DashboardFilter::query))>{tr(DeskKey::DownloadCsv)}</a>
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

/// One card per state, and the due-soon flag; a card chooses that state as the filter.
#[component]
fn Totals(counts: StateCounts, filter: RwSignal<DashboardFilter>) -> impl IntoView {
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
fn Filters(filter: RwSignal<DashboardFilter>, units: Signal<Vec<Unit>>, directives: Signal<Vec<(uuid::Uuid, String)>>) -> impl IntoView {
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

/// A bar split by state, its parts as wide as their shares. SVG rather than styled
/// spans: the content security policy allows no inline style.
#[component]
fn StateBar(counts: StateCounts) -> impl IntoView {
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

#[component]
fn CountsTable(
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
fn UnitTable(units: Vec<UnitStanding>, full: u32, filter: RwSignal<DashboardFilter>) -> impl IntoView {
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

/// One unit's work on one task, item by item, with who did what, when on the tablet and
/// when the server heard.
#[component]
fn AssignmentPanel(task: uuid::Uuid, unit: UnitCode, period: Option<Period>, opened: Opened) -> impl IntoView {
    let code = unit.clone();
    let locale = expect_context::<RwSignal<crate::i18n::Locale>>();
    let detail = LocalResource::new(move || {
        let unit = code.clone();
        async move { crate::client::assignment(task, &unit, period).await }
    });
    view! {
        <section class="panel assignment" data-testid="assignment" data-unit=unit.to_string()>
            <div class="title-row">
                <h2>{tr(DeskKey::AssignmentTitle)}</h2>
                <button class="secondary" on:click=move |_| opened.set(None)>{tr(DeskKey::Close)}</button>
            </div>
            {move || detail.get().map(|loaded| match loaded {
                Err(error) => view! { <p class="error" role="alert">{tr(DeskKey::ProgressFailed)} " " {move || super::failure_words(locale.get(), &error)}</p> }.into_any(),
                Ok(detail) => {
                    let label_of = {
                        let items = detail.items.clone();
                        move |id: uuid::Uuid| items.iter().find(|item| item.id == id).map(|item| item.label.to_string()).unwrap_or_default()
                    };
                    view! {
                        <p class="meta">{detail.directive_title.clone()}</p>
                        <p><strong>{detail.unit.name.to_string()}</strong> " · " {tr(detail.role)} " · "
                            <span class=state_class(detail.state) data-testid="assignment-state">{tr(detail.state)}</span></p>
                        <p>{detail.task.text.to_string()}</p>
                        <p class="meta">
                            {detail.period.map(|period| view! { {tr(crate::i18n::Key::Period)} " " {move || period_name(locale.get(), period)} " · " })}
                            {detail.deadline.map(|deadline| view! { {tr(crate::i18n::Key::Deadline)} " " {vietnam_date(deadline.date)} })}
                        </p>
                        {detail.report.clone().map(|report| view! {
                            <p class="notice">{tr(crate::i18n::Key::ReportSignedOff)} " · " {report.by} " · " {vietnam_time(report.at_ms)}</p>
                        })}
                        <ul class="checklist readonly">
                            {detail.items.iter().filter(|item| !item.removed).map(|item| view! {
                                <li class="item" class:done=item.done>
                                    <span class="mark">{if item.done { "☑" } else { "☐" }}</span>
                                    <span class="label">{item.label.to_string()}</span>
                                    {item.conflict.then(|| view! { <span class="pill overdue">{tr(DeskKey::Conflict)}</span> })}
                                    {(!item.note.is_empty()).then(|| view! { <blockquote class="note">{item.note.as_str().to_owned()}</blockquote> })}
                                </li>
                            }).collect_view()}
                        </ul>
                        <h3>{tr(DeskKey::History)}</h3>
                        <table class="list history" data-testid="history">
                            <tbody>
                                {detail.history.iter().map(|entry| {
                                    let what = match (&entry.done, &entry.note, &entry.photo) {
                                        (Some(true), _, _) => format!("☑ {}", tr(crate::i18n::Key::Done)()),
                                        (Some(false), _, _) => format!("☐ {}", tr(DeskKey::NotDone)()),
                                        (_, Some(note), _) => format!("“{note}”"),
                                        (_, _, Some(_)) => tr(crate::i18n::Key::Evidence)().to_owned(),
                                        _ => String::new(),
                                    };
                                    view! {
                                        <tr data-testid="history-entry">
                                            <td>{label_of(entry.item)}</td>
                                            <td>{what}</td>
                                            <td>{entry.author.clone()}</td>
                                            <td>{tr(DeskKey::MadeAt)} " " {vietnam_time(entry.made_at_ms)} " · " {tr(DeskKey::SyncedAt)} " " {vietnam_time(entry.synced_at_ms)}</td>
                                            <td class="meta" title=entry.device.to_string()>{entry.device.to_string().chars().take(8).collect::<String>()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            })}
        </section>
    }
}

#[component]
fn AttentionTable(rows: Vec<Attention>, full: u32) -> impl IntoView {
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

/// The view's work by state at the end of each week, as stacked areas (done on time at
/// the bottom, overdue on top), loaded after the rest of the dashboard.
#[component]
fn WeeklyChart(filter: DashboardFilter) -> impl IntoView {
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
            <svg class="chart" role="img" viewBox=format!("0 0 {} {}", LEFT + WIDTH + 10.0, HEIGHT + BOTTOM) data-testid="weekly-chart"
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
fn UnitChart(units: Vec<UnitStanding>) -> impl IntoView {
    const ROW: f64 = 22.0;
    const LABEL: f64 = 260.0;
    const BAR: f64 = 480.0;
    let height = ROW * units.len() as f64 + 4.0;
    view! {
    <svg class="chart" role="img" viewBox=format!("0 0 {} {height}", LABEL + BAR + 50.0) data-testid="unit-chart">
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
