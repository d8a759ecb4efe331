//! One unit's work on one task, item by item, with its history: opened from a row.

use super::*;

/// One unit's work on one task, item by item, with who did what, when on the tablet and
/// when the server heard.
#[component]
pub(super) fn AssignmentPanel(task: uuid::Uuid, unit: UnitCode, period: Option<Period>, opened: Opened) -> impl IntoView {
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
                Err(error) => view! { <p class="error" role="alert">{tr(DeskKey::ProgressFailed)} " " {move || crate::pages::failure_words(locale.get(), &error)}</p> }.into_any(),
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
