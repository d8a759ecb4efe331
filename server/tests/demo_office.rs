//! The demo a newcomer starts: an office at work, staged through the app's own publishing
//! and sync paths, showing every state the dashboard knows.

use crate::common::{app_over, db_args, PASSWORD};
use crate::dashboard::{counted_the_slow_way, dashboard, totals};
use chidao_server::demo::{seed_if_empty, DemoScope};

#[tokio::test]
async fn the_demo_office_shows_every_state_recurring_periods_notes_and_a_conflict() {
    let store = chidao_server::db::open(&db_args("mem://").settings()).await.unwrap();
    let created = seed_if_empty(&store, PASSWORD, DemoScope::Office).await.expect("the office demo stages");
    for username in ["supervisor", "head", "official", "tinhkhe", "sogtvt", "catinh"] {
        assert!(created.iter().any(|created| created == username), "{username} is printed for sign-in");
    }
    let app = app_over(store);
    let supervisor = app.sign_in("supervisor").await;
    let view = dashboard(&app, &supervisor, "").await;
    assert_eq!(view.totals, totals(counted_the_slow_way(&app, view.as_of_ms).await.iter()));
    let counts = view.totals;
    assert!(
        counts.done_on_time > 0 && counts.done_late > 0 && counts.in_progress > 0 && counts.overdue > 0 && counts.due_soon > 0,
        "every state and due-soon work: {counts:?}"
    );
    assert!(view.directives.len() >= 3, "the seed and two of our own");
    let with_checklists = view.tasks.iter().filter(|task| task.counts.total() > 0).count();
    assert!(with_checklists >= 15, "most tasks have checklists: {with_checklists}");
    let report = view.tasks.iter().find(|task| task.text.starts_with("Báo cáo tình hình thiệt hại")).expect("the monthly report");
    assert!(report.counts.total() >= 9, "three communes over at least three months: {:?}", report.counts);
    assert!(report.counts.done_on_time > 0 && report.counts.done_late > 0 && report.counts.overdue > 0, "{:?}", report.counts);
    let conflicts = app.store.sync.conflicted_items().await.unwrap();
    assert_eq!(conflicts.len(), 1, "the note two officials wrote without seeing each other's");
    assert!(!conflicts[0].item.note.is_empty());
    weeks_agree_with_a_count_of_every_item(&app, &supervisor).await;
    // Staging twice does nothing: the database has data.
    assert!(seed_if_empty(&app.store, PASSWORD, DemoScope::Office).await.unwrap().is_empty());
}

/// The chart of states over time against the core's rule applied item by item: each week's
/// end, the work begun by then, in the state it was in then.
async fn weeks_agree_with_a_count_of_every_item(app: &crate::common::TestApp, supervisor: &str) {
    use chidao_core::api::{StateCounts, WeeklyStates};
    use chidao_core::domain::{vietnam_day_start, Period, Thresholds};
    use std::collections::BTreeMap;
    let answer = app.call(axum::http::Method::GET, "/api/v1/reports/weekly", Some(supervisor), None).await;
    assert_eq!(answer.status, axum::http::StatusCode::OK, "{}", answer.json);
    let weekly: WeeklyStates = serde_json::from_value(answer.json).unwrap();
    assert_eq!(weekly.weeks.len(), WeeklyStates::WEEKS);
    let tasks = app.store.directives.tasks(None).await.unwrap();
    let issued: BTreeMap<uuid::Uuid, chrono::NaiveDate> =
        app.store.directives.directives(None).await.unwrap().into_iter().map(|directive| (directive.id, directive.issued_on)).collect();
    let mut work: BTreeMap<(uuid::Uuid, String, Option<Period>), Vec<chidao_core::domain::ChecklistItem>> = BTreeMap::new();
    for stored in app.store.sync.all_items().await.unwrap().into_iter().filter(|stored| !stored.item.removed) {
        let recurs = tasks.iter().any(|task| task.id == stored.item.task && task.recurrence.is_some());
        if recurs == stored.item.period.is_some() {
            work.entry((stored.item.task, stored.item.unit.to_string(), stored.item.period)).or_default().push(stored.item);
        }
    }
    let now_ms = chrono::Utc::now().timestamp_millis();
    for (index, week) in weekly.weeks.iter().enumerate() {
        let end_ms = if index + 1 == weekly.weeks.len() {
            now_ms
        } else {
            vietnam_day_start(week.ends_on + chrono::Days::new(1)).timestamp_millis()
        };
        let mut expected = StateCounts::default();
        for ((task_id, _, period), items) in &work {
            let task = tasks.iter().find(|task| task.id == *task_id).unwrap();
            let issued_on = issued[&task.directive];
            let began = period.map_or(issued_on, |period| period.first_day().max(issued_on));
            if vietnam_day_start(began).timestamp_millis() > end_ms {
                continue;
            }
            let done_at = chidao_core::domain::checklist_done_at_ms(items.iter());
            let due_end = task.deadline_in(*period).and_then(|deadline| deadline.due_end()).map(|end| end.timestamp_millis());
            expected.add(Thresholds { now_ms: end_ms, soon_end_ms: end_ms }.classify_then(due_end, done_at), false, 1);
        }
        // This week's end is "now", which moved a little between the answer and this count.
        if index + 1 < weekly.weeks.len() {
            assert_eq!(week.counts, expected, "the week ending {}", week.ends_on);
        }
    }
    let first = weekly.weeks.first().unwrap().counts;
    let last = weekly.weeks.last().unwrap().counts;
    assert!(first.total() < last.total(), "work published in these weeks adds to the later ones: {first:?} {last:?}");
}
