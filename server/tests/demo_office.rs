//! The demo a newcomer starts: an office at work, staged through the app's own publishing
//! and sync paths, showing every state the dashboard knows.

use crate::common::{app_over, db_args, PASSWORD};
use crate::dashboard::{counted_the_slow_way, dashboard, totals};
use chidao_server::demo::{seed_if_empty, DemoScope};

#[tokio::test]
async fn the_demo_office_shows_every_state_recurring_periods_notes_and_a_conflict() {
    let store = chidao_server::db::open(&db_args("mem://")).await.unwrap();
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
    let conflicts = app.store.conflicted_items().await.unwrap();
    assert_eq!(conflicts.len(), 1, "the note two officials wrote without seeing each other's");
    assert!(!conflicts[0].item.note.is_empty());
    // Staging twice does nothing: the database has data.
    assert!(seed_if_empty(&app.store, PASSWORD, DemoScope::Office).await.unwrap().is_empty());
}
