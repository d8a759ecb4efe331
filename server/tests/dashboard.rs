//! The office's dashboard against a count made the slow way: every item read, grouped by
//! task and unit, and judged by the core's own rule. The two must agree exactly, for every
//! reader and every filter.

use crate::common::{app, Device, TestApp};
use axum::http::{Method, StatusCode};
use chidao_core::api::{Dashboard, StateCounts};
use chidao_core::domain::{standing, Deadline, Period, TaskState, UnitCode, UnitRole};
use chrono::{Days, TimeZone, Utc};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

const DAY_MS: i64 = 86_400_000;
/// A task text with a comma and quotes, as directives write them: CSV must quote it.
const ROUTINE: &str = "Việc thường xuyên, \"không thời hạn\"";

pub(crate) fn day(offset: i64) -> String {
    let today = Deadline::today_in_vietnam(Utc::now());
    let date = if offset >= 0 { today + Days::new(offset as u64) } else { today - Days::new(offset.unsigned_abs()) };
    date.to_string()
}

/// A directive issued 60 days ago whose tasks fall due in the past, in a day, in a month
/// and never, carried out by both Bình Sơn communes and by Tịnh Khê (another district).
async fn publish(app: &TestApp, supervisor: &str) -> Uuid {
    let units = ["XA-BINH-CHAU", "XA-BINH-THANH", "XA-TINH-KHE"];
    let task = |text: &str, deadline: Value, lead: &str| {
        json!({"text": text, "lead": {"unit": lead}, "coordinating": [{"unit": "CA-TINH"}], "deadline": deadline,
               "assigned": units, "checklist": ["Bước một", "Bước hai"]})
    };
    let input = json!({
        "title": "Chỉ đạo thử bảng theo dõi", "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": day(-60),
        "sections": [{"heading": "Mục một", "tasks": [
            task("Việc đã quá hạn", json!({"date": day(-20), "kind": "no_later_than"}), "XA-BINH-CHAU"),
            task("Việc sắp đến hạn", json!({"date": day(1), "kind": "no_later_than"}), "XA-BINH-THANH"),
            task("Việc còn hạn", json!({"date": day(30), "kind": "before"}), "XA-TINH-KHE"),
            task(ROUTINE, Value::Null, "XA-BINH-CHAU"),
        ]}]
    });
    let published = app.call(Method::POST, "/api/v1/directives", Some(supervisor), Some(input.to_string())).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.json);
    published.json["directive"].as_str().unwrap().parse().unwrap()
}

/// Ticks, on the device's clock, the items of `unit` on the task whose text is `text`.
async fn tick(app: &TestApp, cookie: &str, text: &str, how_many: usize, days_ago: i64) {
    let pulled = app.pull(cookie, 0).await;
    let task = pulled["tasks"].as_array().unwrap().iter().find(|t| t["text"] == text).unwrap()["id"].clone();
    let mut tablet = Device::new();
    let at = Utc::now().timestamp_millis() - days_ago * DAY_MS;
    let changes: Vec<Value> = pulled["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["task"] == task)
        .take(how_many)
        .map(|item| tablet.change(item["id"].as_str().unwrap(), "done", json!(true), at))
        .collect();
    let answer = app.push(cookie, json!(changes)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
}

/// Every assignment, judged from the items one by one.
pub(crate) async fn counted_the_slow_way(app: &TestApp, now_ms: i64) -> Vec<(Uuid, UnitCode, Uuid, TaskState, bool, UnitRole)> {
    let tasks = app.store.directives.tasks(None).await.unwrap();
    // One assignment per task, unit and (for recurring work) period; a recurring task's
    // template is not work.
    let mut by_assignment: BTreeMap<(Uuid, UnitCode, Option<Period>), Vec<chidao_core::domain::ChecklistItem>> = BTreeMap::new();
    for stored in app.store.sync.all_items().await.unwrap().into_iter().filter(|stored| !stored.item.removed) {
        let recurs = tasks.iter().any(|task| task.id == stored.item.task && task.recurrence.is_some());
        if recurs == stored.item.period.is_some() {
            by_assignment.entry((stored.item.task, stored.item.unit.clone(), stored.item.period)).or_default().push(stored.item);
        }
    }
    let now = Utc.timestamp_millis_opt(now_ms).unwrap();
    by_assignment
        .into_iter()
        .map(|((task_id, unit, period), items)| {
            let task = tasks.iter().find(|task| task.id == task_id).unwrap();
            let done_at = chidao_core::domain::checklist_done_at_ms(&items).map(|ms| Utc.timestamp_millis_opt(ms).unwrap());
            let judged = standing(task.deadline_in(period), done_at, now, chidao_core::domain::DUE_SOON_DAYS);
            (task_id, unit.clone(), task.directive, judged.state, judged.due_soon, UnitRole::of(task, &unit))
        })
        .collect()
}

pub(crate) fn totals<'a>(rows: impl Iterator<Item = &'a (Uuid, UnitCode, Uuid, TaskState, bool, UnitRole)>) -> StateCounts {
    let mut counts = StateCounts::default();
    for (_, _, _, state, soon, _) in rows {
        counts.add(*state, *soon, 1);
    }
    counts
}

pub(crate) async fn dashboard(app: &TestApp, cookie: &str, query: &str) -> Dashboard {
    let answer = app.call(Method::GET, &format!("/api/v1/reports/dashboard{query}"), Some(cookie), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    serde_json::from_value(answer.json).unwrap()
}

#[tokio::test]
async fn the_dashboard_agrees_with_a_count_of_every_item_for_every_reader_and_filter() {
    let app = app().await;
    let supervisor = app.sign_in("supervisor").await;
    let directive = publish(&app, &supervisor).await;
    let chau = app.sign_in("official").await;
    let thanh = app.sign_in("official3").await;
    // Bình Châu finished the past task on time (ticked 25 days ago, before its last day,
    // whenever it synced); Bình Thạnh finished it late; Bình Châu is half way through the
    // task due tomorrow; Bình Thạnh finished the undated one.
    tick(&app, &chau, "Việc đã quá hạn", 2, 25).await;
    tick(&app, &thanh, "Việc đã quá hạn", 2, 5).await;
    tick(&app, &chau, "Việc sắp đến hạn", 1, 0).await;
    tick(&app, &thanh, ROUTINE, 2, 1).await;

    let whole = dashboard(&app, &supervisor, "").await;
    let slow = counted_the_slow_way(&app, whole.as_of_ms).await;
    assert_eq!(whole.totals, totals(slow.iter()));
    let ours: Vec<_> = slow.iter().filter(|row| row.2 == directive).collect();
    let test_directive = whole.directives.iter().find(|row| row.directive == directive).unwrap();
    assert_eq!(test_directive.counts, totals(ours.iter().copied()));
    assert_eq!(
        (test_directive.counts.done_on_time, test_directive.counts.done_late, test_directive.counts.overdue, test_directive.counts.due_soon),
        (2, 1, 1, 3),
        "on time: Bình Châu's past task and Bình Thạnh's undated one; late: Bình Thạnh's; overdue: Tịnh Khê's; due soon: all three on tomorrow's"
    );
    for unit in &whole.units {
        assert_eq!(unit.counts, totals(slow.iter().filter(|row| row.1 == unit.unit)), "{}", unit.unit);
    }
    for task in &whole.tasks {
        assert_eq!(task.counts, totals(slow.iter().filter(|row| row.0 == task.task)));
    }
    let ours_only = dashboard(&app, &supervisor, &format!("?directive={directive}")).await;
    let overdue_first = ours_only.attention.first().unwrap();
    drill_down(&app, &supervisor, &ours_only).await;
    assert_eq!((overdue_first.unit.as_str(), overdue_first.state, overdue_first.days_late), ("XA-TINH-KHE", TaskState::Overdue, 20));
    assert_eq!(ours_only.attention.len(), 4, "the overdue one, then the three due tomorrow");
    assert!(ours_only.attention[1..].iter().all(|row| row.due_soon && row.state == TaskState::InProgress));

    // A head sees the district below, not Tịnh Khê.
    let head = app.sign_in("head").await;
    let district = dashboard(&app, &head, "").await;
    let below = |unit: &UnitCode| ["XA-BINH-CHAU", "XA-BINH-THANH", "HUYEN-BINH-SON"].contains(&unit.as_str());
    assert_eq!(district.totals, totals(slow.iter().filter(|row| below(&row.1))));
    assert!(district.units.iter().all(|row| below(&row.unit)));
    assert!(district.attention.iter().all(|row| below(&row.unit)));
    // An official sees their own unit only.
    let own = dashboard(&app, &thanh, "").await;
    assert_eq!(own.totals, totals(slow.iter().filter(|row| row.1.as_str() == "XA-BINH-THANH")));

    // Filters combine and agree with the slow count too.
    let overdue = dashboard(&app, &supervisor, &format!("?directive={directive}&state=overdue")).await;
    assert_eq!(overdue.totals, totals(ours.iter().copied().filter(|row| row.3 == TaskState::Overdue)));
    let leads = dashboard(&app, &supervisor, &format!("?directive={directive}&role=lead")).await;
    assert_eq!(leads.totals, totals(ours.iter().copied().filter(|row| row.5 == UnitRole::Lead)));
    assert_eq!(leads.totals.total(), 4, "one lead unit per task");
    let subtree = dashboard(&app, &supervisor, &format!("?directive={directive}&unit=HUYEN-BINH-SON")).await;
    assert_eq!(subtree.totals, totals(ours.iter().copied().filter(|row| below(&row.1))));
    let soon = dashboard(&app, &supervisor, &format!("?directive={directive}&due_from={}&due_to={}", day(0), day(7))).await;
    assert_eq!((soon.totals.total(), soon.totals.due_soon), (3, 3), "tomorrow's task, for each of its three units");
}

/// The instants on the kept assignments come from the `due` rows the server writes; one
/// that lost them (a database from before migration 12, or kept under an older calendar
/// rule) is put right at start-up, and counts as before.
#[tokio::test]
async fn assignments_without_their_due_instants_are_put_right_at_start_up() {
    // The database's own handle beside the app's, to take the kept instants away.
    let (db, app) = seeded_app_with_its_database().await;
    let supervisor = app.sign_in("supervisor").await;
    publish(&app, &supervisor).await;
    let chau = app.sign_in("official").await;
    tick(&app, &chau, "Việc đã quá hạn", 2, 25).await;
    let before = dashboard(&app, &supervisor, "").await;
    assert!(before.totals.overdue > 0 && before.totals.done_on_time > 0, "{:?}", before.totals);

    db.query("DELETE due; UPDATE assignment SET due_end_ms = 1, opened_ms = NONE; fn::retally_everything();")
        .await
        .unwrap()
        .check()
        .unwrap();
    let broken = dashboard(&app, &supervisor, "").await;
    assert_ne!(broken.totals, before.totals, "the kept instants are what the counts read");

    chidao_server::periods::keep_dues(&app.store, Utc::now()).await.unwrap();
    let mended = dashboard(&app, &supervisor, "").await;
    assert_eq!(mended.totals, before.totals);
    assert_eq!(mended.totals, totals(counted_the_slow_way(&app, mended.as_of_ms).await.iter()));
}

#[tokio::test]
async fn a_first_view_cut_to_a_few_rows_is_the_head_of_the_whole_view_and_says_how_long_each_list_is() {
    let app = app().await;
    let supervisor = app.sign_in("supervisor").await;
    publish(&app, &supervisor).await;
    let thanh = app.sign_in("official3").await;
    tick(&app, &thanh, "Việc đã quá hạn", 2, 5).await;

    let whole = dashboard(&app, &supervisor, "").await;
    assert!(whole.is_whole());
    assert_eq!(whole.attention.len() as u32, whole.full_lengths.attention, "the work to chase is the overdue and the due-soon work");
    assert!(whole.tasks.len() > 2 && whole.units.len() > 2 && whole.attention.len() > 2, "{:?}", whole.full_lengths);
    let cut = dashboard(&app, &supervisor, "?rows=2").await;
    assert!(!cut.is_whole());
    assert_eq!(cut.full_lengths, whole.full_lengths);
    assert_eq!((cut.totals, &cut.directives), (whole.totals, &whole.directives), "the counts are the whole view's");
    assert_eq!(cut.tasks, whole.tasks[..2]);
    assert_eq!(cut.units, whole.units[..2]);
    assert_eq!(cut.attention, whole.attention[..2]);
    let none = dashboard(&app, &supervisor, "?rows=0").await;
    assert!(none.tasks.is_empty() && none.units.is_empty() && none.attention.is_empty());
    let refused = app.call(Method::GET, "/api/v1/reports/dashboard?rows=-1", Some(&supervisor), None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.json);
}

/// The seeded app over an in-memory database, and the database's own handle beside it.
async fn seeded_app_with_its_database() -> (surrealdb::Surreal<surrealdb::engine::any::Any>, TestApp) {
    let db = surrealdb::engine::any::connect("mem://").await.unwrap();
    db.use_ns("test").use_db("test").await.unwrap();
    chidao_server::db::migrate_to(&db.clone().into(), chidao_server::db::SCHEMA_VERSION).await.unwrap();
    let store = chidao_server::db::Store::new(db.clone());
    chidao_server::demo::seed_if_empty(&store, crate::common::PASSWORD, chidao_server::demo::DemoScope::Seed).await.unwrap();
    (db, crate::common::app_over(store))
}

/// Every kept tally row, and the marks of those waiting to be written again. The marks are
/// read first: when none are left, the tallies read after them hold every marked write.
async fn tallies_and_marks(db: &surrealdb::Surreal<surrealdb::engine::any::Any>) -> (Vec<Value>, Vec<Value>) {
    let mut read = db
        .query(
            "SELECT VALUE record::id(id) FROM stale_unit_tally; SELECT VALUE record::id(id) FROM stale_due_tally;
             SELECT * FROM due_tally ORDER BY id; SELECT * FROM unit_tally ORDER BY id;",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    let mut marks: Vec<Value> = read.take(0).unwrap();
    marks.extend(read.take::<Vec<Value>>(1).unwrap());
    let mut tallies: Vec<Value> = read.take(2).unwrap();
    tallies.extend(read.take::<Vec<Value>>(3).unwrap());
    (tallies, marks)
}

#[tokio::test]
async fn a_push_marks_its_tallies_stale_and_the_beat_writes_them_as_a_full_rewrite_would() {
    let (db, app) = seeded_app_with_its_database().await;
    let supervisor = app.sign_in("supervisor").await;
    publish(&app, &supervisor).await;
    app.store.progress.retally_stale().await.unwrap();
    let (before, marks) = tallies_and_marks(&db).await;
    assert!(marks.is_empty(), "{marks:?}");

    let chau = app.sign_in("official").await;
    tick(&app, &chau, "Việc đã quá hạn", 2, 25).await;
    let (untouched, marks) = tallies_and_marks(&db).await;
    assert_eq!(untouched, before, "the push itself writes no tally");
    // The commune's unit tally and the task's due tally: one mark each.
    assert_eq!(marks.len(), 2, "{marks:?}");
    assert!(marks.contains(&json!("XA-BINH-CHAU")), "{marks:?}");

    let beat = tokio::spawn(chidao_server::live::keep_tallies(app.store.progress.clone(), std::time::Duration::from_millis(50)));
    let started = std::time::Instant::now();
    let written = loop {
        let (tallies, marks) = tallies_and_marks(&db).await;
        if marks.is_empty() {
            break tallies;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "marks left: {marks:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    beat.abort();
    assert_ne!(written, before, "the push's tick is in the tallies");
    db.query("fn::retally_everything();").await.unwrap().check().unwrap();
    assert_eq!(tallies_and_marks(&db).await.0, written);
}

#[tokio::test]
async fn a_bad_filter_is_refused_with_a_reason_and_an_admin_follows_no_work() {
    let app = app().await;
    let supervisor = app.sign_in("supervisor").await;
    for (query, status) in [
        ("?state=late", StatusCode::BAD_REQUEST),
        ("?colour=red", StatusCode::BAD_REQUEST),
        ("?due_from=2024-02-30", StatusCode::BAD_REQUEST),
        ("?unit=NOWHERE", StatusCode::NOT_FOUND),
        ("?directive=01a22757-6fdb-754f-99a1-09d913c77d5b", StatusCode::NOT_FOUND),
        ("?due_from=2024-03-02&due_to=2024-03-01", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let answer = app.call(Method::GET, &format!("/api/v1/reports/dashboard{query}"), Some(&supervisor), None).await;
        assert_eq!(answer.status, status, "{query}: {}", answer.json);
        assert!(answer.json["message"].as_str().is_some_and(|m| !m.is_empty()), "{query}");
    }
    let head = app.sign_in("head").await;
    let outside = app.call(Method::GET, "/api/v1/reports/dashboard?unit=XA-TINH-KHE", Some(&head), None).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    let admin = app.sign_in("admin").await;
    assert_eq!(app.call(Method::GET, "/api/v1/reports/dashboard", Some(&admin), None).await.status, StatusCode::FORBIDDEN);
}

/// Reads the event stream until an event arrives or `within` passes.
async fn next_event(body: &mut axum::body::Body, within: std::time::Duration) -> Option<(String, Value)> {
    use http_body_util::BodyExt;
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame()).await.ok()??.ok()?;
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
        // An event ends with a blank line; keep-alive comments start with ':'.
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let field = |name: &str| block.lines().find_map(|line| line.strip_prefix(name)).map(str::trim).map(str::to_owned);
            if let (Some(id), Some(data)) = (field("id:"), field("data:")) {
                return Some((id, serde_json::from_str(&data).unwrap()));
            }
        }
    }
}

async fn open_stream(app: &TestApp, cookie: &str, query: &str, last_event: Option<&str>) -> axum::body::Body {
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder().uri(format!("/api/v1/reports/live{query}")).header("cookie", cookie);
    if let Some(id) = last_event {
        request = request.header("last-event-id", id);
    }
    let response = app.router.clone().oneshot(request.body(axum::body::Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    response.into_body()
}

#[tokio::test]
async fn an_open_dashboard_hears_of_a_push_within_two_seconds_and_only_for_its_units() {
    let app = app().await;
    let supervisor = app.sign_in("supervisor").await;
    publish(&app, &supervisor).await;
    let cursor = dashboard(&app, &supervisor, "").await.cursor;
    let mut office = open_stream(&app, &supervisor, &format!("?since={cursor}"), None).await;
    // Bình Sơn's head follows the district; Tịnh Khê is not in it.
    let head = app.sign_in("head").await;
    let mut district = open_stream(&app, &head, &format!("?since={cursor}"), None).await;

    // The clock starts at the push, not at the official's sign-in (a password hash that
    // takes its time in a debug build under a loaded test run).
    let chau = app.sign_in("official").await;
    let ticked_at = std::time::Instant::now();
    tick(&app, &chau, "Việc còn hạn", 1, 0).await;
    let (id, event) = next_event(&mut office, std::time::Duration::from_secs(2)).await.expect("the office hears within 2 s");
    assert!(ticked_at.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(event["changed"], json!([{"task": event["changed"][0]["task"], "unit": "XA-BINH-CHAU"}]));
    assert_eq!(id, event["cursor"].to_string());
    let (_, heard) = next_event(&mut district, std::time::Duration::from_secs(2)).await.expect("the head hears of their commune");
    assert_eq!(heard["changed"][0]["unit"], "XA-BINH-CHAU");

    // Work given to Tịnh Khê alone reaches the office but not Bình Sơn's head.
    let elsewhere = json!({
        "title": "Chỉ đạo riêng cho Tịnh Khê", "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": day(0),
        "sections": [{"heading": "Mục", "tasks": [{"text": "Việc của Tịnh Khê", "lead": {"unit": "XA-TINH-KHE"}, "assigned": [], "checklist": ["Một"]}]}]
    });
    let published = app.call(Method::POST, "/api/v1/directives", Some(&supervisor), Some(elsewhere.to_string())).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.json);
    let (resumed_from, heard) = next_event(&mut office, std::time::Duration::from_secs(2)).await.expect("the office hears of it");
    assert_eq!(heard["changed"][0]["unit"], "XA-TINH-KHE");
    assert_eq!(next_event(&mut district, std::time::Duration::from_millis(1500)).await, None, "nothing for the head");

    // A checklist line taken off by an edit is a change too, though no item is ticked.
    let directive = published.json["directive"].as_str().unwrap().to_owned();
    let mut form = app.call(Method::GET, &format!("/api/v1/directives/{directive}"), Some(&supervisor), None).await.json;
    form["sections"][0]["tasks"][0]["checklist"] = json!(["Hai"]);
    let revised = app.call(Method::PUT, &format!("/api/v1/directives/{directive}"), Some(&supervisor), Some(form.to_string())).await;
    assert_eq!(revised.status, StatusCode::OK, "{}", revised.json);
    assert!(next_event(&mut office, std::time::Duration::from_secs(2)).await.is_some(), "the office hears of the edit");

    // A reconnecting browser resends the last id it saw and misses nothing after it.
    tick(&app, &chau, ROUTINE, 1, 0).await;
    let mut again = open_stream(&app, &supervisor, "", Some(&resumed_from)).await;
    let (_, caught_up) = next_event(&mut again, std::time::Duration::from_secs(2)).await.expect("resumed after the last id");
    assert!(caught_up["changed"].as_array().unwrap().iter().any(|key| key["unit"] == "XA-BINH-CHAU"));
}

#[tokio::test]
async fn the_view_downloads_as_csv_and_excel_in_the_readers_language() {
    use calamine::{open_workbook_from_rs, DataType, Reader, Xlsx};
    let app = app().await;
    let supervisor = app.sign_in("supervisor").await;
    let directive = publish(&app, &supervisor).await;
    let chau = app.sign_in("official").await;
    tick(&app, &chau, "Việc đã quá hạn", 2, 25).await;
    let query = format!("?directive={directive}");

    let csv = app.call(Method::GET, &format!("/api/v1/reports/progress.csv{query}"), Some(&supervisor), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert!(csv.bytes.starts_with("\u{feff}".as_bytes()), "a byte-order mark, so Excel reads UTF-8");
    let mut reader = csv::ReaderBuilder::new().from_reader(&csv.bytes[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "Văn bản chỉ đạo");
    assert_eq!((&headers[3], &headers[4], &headers[7]), ("Mã đơn vị", "Kỳ báo cáo", "Tình trạng"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 12, "four tasks for three units");
    let row = |task: &str, unit: &str| rows.iter().find(|row| &row[1] == task && row[2].contains(unit)).unwrap().clone();
    assert_eq!(&row("Việc đã quá hạn", "Bình Châu")[7], "Hoàn thành đúng hạn");
    assert_eq!(&row("Việc đã quá hạn", "Tịnh Khê")[7], "Quá hạn");
    assert_eq!(&row("Việc đã quá hạn", "Tịnh Khê")[11], "20");
    assert_eq!(&row("Việc sắp đến hạn", "Bình Thạnh")[7], "Đang thực hiện trong hạn (Sắp đến hạn)");
    assert_eq!(&row("Việc đã quá hạn", "Tịnh Khê")[6], day(-20));
    assert_eq!(&row("Việc đã quá hạn", "Bình Châu")[5], "Chủ trì");
    assert_eq!(&row(ROUTINE, "Bình Thạnh")[7], "Đang thực hiện trong hạn");
    assert_eq!(
        (&row("Việc đã quá hạn", "Tịnh Khê")[3], &row("Việc đã quá hạn", "Tịnh Khê")[4]),
        ("XA-TINH-KHE", ""),
        "a code, and no period for work done once"
    );
    let raw = String::from_utf8(csv.bytes.clone()).unwrap();
    assert!(raw.contains("\"Việc thường xuyên, \"\"không thời hạn\"\"\""), "RFC 4180 quoting");
    assert!(raw.contains("\r\n") && !raw.contains(';'), "CRLF lines, commas between fields");

    let english = format!("{supervisor}; chidao_lang=en");
    let xlsx = app.call(Method::GET, &format!("/api/v1/reports/progress.xlsx{query}"), Some(&english), None).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(xlsx.bytes.clone())).expect("an Excel file");
    let sheets = book.sheet_names();
    assert_eq!(sheets, ["Chỉ đạo thử bảng theo dõi"], "a sheet per directive in the view");
    let sheet = book.worksheet_range(&sheets[0]).unwrap();
    let text = |row: u32, column: u32| sheet.get_value((row, column)).map(|cell| cell.to_string()).unwrap_or_default();
    assert_eq!(text(0, 0), "UBND TỈNH QUẢNG NGÃI");
    assert_eq!(text(1, 0), "REPORT ON THE CARRYING OUT OF TASKS");
    assert_eq!((text(6, 3), text(6, 7)), ("Unit code".to_owned(), "State".to_owned()));
    assert!(sheet.get_value((4, 1)).is_some_and(|cell| cell.is_datetime()), "the day it was made is a real date");
    let late = (7..7 + 12).find(|&line| text(line, 1) == "Việc đã quá hạn" && text(line, 2).contains("Tịnh Khê")).unwrap();
    assert_eq!((text(late, 3), text(late, 7)), ("XA-TINH-KHE".to_owned(), "Overdue".to_owned()));
    assert!(sheet.get_value((late, 6)).is_some_and(|cell| cell.is_datetime()), "deadlines are real dates");
    assert_eq!(sheet.get_value((late, 11)).and_then(|cell| cell.get_float()), Some(20.0));

    // The files follow the reader's units and filters like the dashboard.
    let head = app.sign_in("head").await;
    let district = app.call(Method::GET, &format!("/api/v1/reports/progress.csv{query}"), Some(&head), None).await;
    let mut reader = csv::ReaderBuilder::new().from_reader(&district.bytes[3..]);
    assert!(reader.records().map(Result::unwrap).all(|row| !row[2].contains("Tịnh Khê")));
    let refused = app.call(Method::GET, "/api/v1/reports/progress.xlsx?state=late", Some(&supervisor), None).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_generated_province_counts_the_same_on_the_dashboard_and_item_by_item() {
    // The benchmark's generator writes in bulk and recounts at the end: a small province
    // must count exactly as its items do.
    let store = chidao_server::db::open(&crate::common::db_args("mem://").settings()).await.unwrap();
    let app = crate::common::app_over(store);
    let spec = chidao_server::scale::ProvinceSpec {
        departments: 2,
        districts: 2,
        communes: 4,
        directives: 2,
        tasks_per_directive: 3,
        items_per_checklist: 3,
        seed: 7,
    };
    let now = Utc::now();
    let generated = chidao_server::scale::generate(&app.store, &spec, now).await.unwrap();
    assert_eq!((generated.units, generated.tasks, generated.items), (9, 6, 6 * 8 * 3));
    let hash = chidao_server::auth::hash_password(crate::common::PASSWORD).unwrap();
    let office = UnitCode::parse("TINH").unwrap();
    let roles = chidao_core::domain::Roles::one(chidao_core::domain::Role::Supervisor);
    app.store.people.create_account(&chidao_server::db::AccountRow::new("office", "Văn phòng", &roles, &office, hash)).await.unwrap();
    let cookie = app.sign_in("office").await;
    let whole = dashboard(&app, &cookie, "").await;
    let slow = counted_the_slow_way(&app, whole.as_of_ms).await;
    assert_eq!(slow.len(), 6 * 8);
    assert_eq!(whole.totals, totals(slow.iter()));
    assert!(whole.totals.done_on_time > 0 && whole.totals.overdue + whole.totals.done_late > 0, "{:?}", whole.totals);

    // The kept tallies and a full read of the assignments count every role and state alike,
    // and list the same work to chase, however short the list.
    let at = chidao_core::domain::Thresholds::at(now, chidao_core::domain::DUE_SOON_DAYS);
    for role in [None, Some(UnitRole::Lead), Some(UnitRole::Assigned)] {
        for state in std::iter::once(None).chain(TaskState::ALL.iter().copied().map(Some)) {
            let scope = chidao_server::db::AssignmentScope { role, state, ..Default::default() };
            for attention_max in [1, 5, 50] {
                let kept = app.store.progress.count_assignments(&scope, at, attention_max).await.unwrap();
                let read = app.store.progress.count_by_reading_assignments(&scope, at, attention_max).await.unwrap();
                assert_eq!(kept, read, "role {role:?}, state {state:?}, {attention_max} to chase");
                assert!(kept.attention.len() <= attention_max);
            }
        }
    }
    // And how the work stood week by week, from a year back (before most work began) to now.
    let instants: Vec<i64> = (0..=52).map(|weeks_back| now.timestamp_millis() - weeks_back * 7 * DAY_MS).collect();
    for role in [None, Some(UnitRole::Lead), Some(UnitRole::Assigned)] {
        let scope = chidao_server::db::AssignmentScope { role, ..Default::default() };
        let kept = app.store.progress.count_as_of(&scope, &instants).await.unwrap();
        let read = app.store.progress.count_as_of_by_reading_assignments(&scope, &instants).await.unwrap();
        assert_eq!(kept, read, "role {role:?}");
    }
    let open_work = app.store.progress.count_assignments(&Default::default(), at, 50).await.unwrap();
    assert!(open_work.attention.len() > 5, "the province has work to chase: {}", open_work.attention.len());
}

/// From a number to the work behind it: Bình Châu's finished past task, item by item, with
/// when each tick was made on the tablet and when the server heard.
async fn drill_down(app: &TestApp, supervisor: &str, view: &Dashboard) {
    let head = &app.sign_in("head").await;
    let past = view.tasks.iter().find(|task| task.text == "Việc đã quá hạn").unwrap().task;
    let path = |unit: &str| format!("/api/v1/reports/assignments/{past}/{unit}");
    let answer = app.call(Method::GET, &path("XA-BINH-CHAU"), Some(supervisor), None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let detail: chidao_core::api::AssignmentDetail = serde_json::from_value(answer.json).unwrap();
    assert_eq!((detail.state, detail.role, detail.items.len()), (TaskState::DoneOnTime, UnitRole::Lead, 2));
    assert_eq!(detail.history.len(), 2);
    for entry in &detail.history {
        assert_eq!(entry.done, Some(true));
        assert_eq!(entry.author, "official");
        let made_days_ago = (Utc::now().timestamp_millis() - entry.made_at_ms) / DAY_MS;
        assert_eq!(made_days_ago, 25, "made on the tablet 25 days ago");
        assert!(Utc::now().timestamp_millis() - entry.synced_at_ms < 60_000, "synced just now");
    }
    assert_eq!(detail.done_at_ms, detail.history.iter().map(|entry| entry.made_at_ms).max());
    // Within what each reader follows, like everything else.
    assert_eq!(app.call(Method::GET, &path("XA-TINH-KHE"), Some(head), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.call(Method::GET, &path("VP-UBND"), Some(supervisor), None).await.status, StatusCode::NOT_FOUND, "not given the task");
    assert_eq!(app.call(Method::GET, &path("bad%20code"), Some(supervisor), None).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Done means the moment the checklist became complete: one official ticks all three items
/// the day before the last day, a colleague whose tablet never saw that ticks the third
/// again two days later (a conflict), and the supervisor keeps the first official's tick.
/// Neither the late re-tick nor the review re-dates the work: it stays done on time, done
/// the day before, on the dashboard, in the drill-down and in the CSV.
#[tokio::test]
async fn neither_a_late_re_tick_nor_a_review_re_dates_work_done_on_time() {
    let app = app().await;
    let supervisor = app.sign_in("supervisor").await;
    let last_day = day(-10);
    let input = json!({
        "title": "Chỉ đạo thử đánh giá đúng hạn", "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": day(-30),
        "sections": [{"heading": "Mục một", "tasks": [{
            "text": "Việc ba bước", "lead": {"unit": "XA-BINH-CHAU"}, "coordinating": [],
            "deadline": {"date": last_day, "kind": "no_later_than"},
            "assigned": ["XA-BINH-CHAU"], "checklist": ["Bước một", "Bước hai", "Bước ba"],
        }]}]
    });
    let published = app.call(Method::POST, "/api/v1/directives", Some(&supervisor), Some(input.to_string())).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.json);
    let first = app.sign_in("official").await;
    let second = app.sign_in("official2").await;
    let pulled = app.pull(&first, 0).await;
    let task = pulled["tasks"].as_array().unwrap().iter().find(|t| t["text"] == "Việc ba bước").unwrap()["id"].as_str().unwrap().to_owned();
    let ids: Vec<String> = pulled["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["task"] == task.as_str())
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3);
    let noon = |date: &str| {
        let day: chrono::NaiveDate = date.parse().unwrap();
        chidao_core::domain::vietnam_day_start(day).timestamp_millis() + 12 * 3_600_000
    };
    let day_before = noon(&day(-11));
    let two_days_later = noon(&day(-8));

    let mut on_time = Device::new();
    let ticks: Vec<Value> = ids.iter().map(|id| on_time.change(id, "done", json!(true), day_before)).collect();
    assert_eq!(app.push(&first, json!(ticks)).await.status, StatusCode::OK);
    let mut unaware = Device::new();
    let again = unaware.change(&ids[2], "done", json!(true), two_days_later);
    assert_eq!(app.push(&second, json!([again])).await.json["results"][0]["status"], "applied");

    let drill = format!("{}/{task}/XA-BINH-CHAU", chidao_core::api::ASSIGNMENTS_PATH);
    let judged = |answer: &Value| (answer["state"].as_str().map(str::to_owned), answer["done_at_ms"].as_i64());
    let before_review = app.call(Method::GET, &drill, Some(&supervisor), None).await.json;
    assert_eq!(judged(&before_review), (Some("done_on_time".to_owned()), Some(day_before)), "a re-tick does not make it late");
    assert!(before_review["items"].as_array().unwrap().iter().any(|item| item["conflict"] == true), "the re-tick is a conflict");

    let queue = app.call(Method::GET, "/api/v1/review", Some(&supervisor), None).await.json;
    let case = queue["cases"].as_array().unwrap().iter().find(|case| case["item"]["id"] == ids[2].as_str()).expect("the conflict");
    let kept_change = case["contests"][0]["edits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|edit| edit["stamp"]["wall_ms"] == day_before)
        .expect("the first official's tick is offered")["change"]
        .clone();
    let reviewed =
        app.call(Method::POST, "/api/v1/review", Some(&supervisor), Some(json!({"item": ids[2], "keep": [kept_change]}).to_string())).await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.json);

    let after_review = app.call(Method::GET, &drill, Some(&supervisor), None).await.json;
    assert_eq!(judged(&after_review), (Some("done_on_time".to_owned()), Some(day_before)), "the review keeps the tick's time");
    let board = dashboard(&app, &supervisor, "").await;
    let row = board.tasks.iter().find(|row| row.text == "Việc ba bước").unwrap();
    assert_eq!((row.counts.done_on_time, row.counts.done_late), (1, 0));
    assert_eq!(board.totals, totals(counted_the_slow_way(&app, board.as_of_ms).await.iter()));
}
