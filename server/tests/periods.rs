//! Recurring work: each period is its own checklist, opened by the server and, offline, by
//! the tablet itself, with the same item ids, and counted on its own deadline.

use crate::common::{app, Device, TestApp};
use crate::dashboard::{counted_the_slow_way, dashboard, day, totals};
use axum::http::{Method, StatusCode};
use chidao_core::domain::{authoring, ChecklistItem, Deadline, Period, Recurrence, TaskState};
use chrono::{NaiveDate, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

const REPORT: &str = "Báo cáo tình hình trật tự an toàn giao thông";

/// A directive issued 70 days ago with a monthly report due before the 25th, for the two
/// Bình Sơn communes.
fn monthly_report() -> Value {
    json!({
        "title": "Chỉ đạo báo cáo định kỳ", "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": day(-70),
        "sections": [{"heading": "Báo cáo", "tasks": [{
            "text": REPORT, "lead": {"unit": "XA-BINH-CHAU"}, "coordinating": [], "recurrence": "monthly:25",
            "assigned": ["XA-BINH-CHAU", "XA-BINH-THANH"], "checklist": ["Tổng hợp số liệu", "Gửi báo cáo"],
        }]}]
    })
}

fn issued_on() -> NaiveDate {
    day(-70).parse().unwrap()
}

/// The periods the server holds open now (a period starting within the allowed clock skew
/// of a tablet ahead counts).
fn open_periods() -> Vec<Period> {
    let through = Deadline::today_in_vietnam(Utc::now() + chrono::Duration::milliseconds(chidao_core::sync::MAX_FUTURE_SKEW_MS));
    Recurrence::parse("monthly:25").unwrap().periods(issued_on(), through)
}

/// The report's items in `period`, or its template's.
fn items_of(pulled: &Value, period: Option<Period>) -> Vec<&Value> {
    let task = &pulled["tasks"].as_array().unwrap().iter().find(|task| task["text"] == REPORT).expect("the report task was pulled")["id"];
    let wanted = period.map(|period| json!(period.to_string())).unwrap_or(Value::Null);
    pulled["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| &item["task"] == task && item.get("period").cloned().unwrap_or(Value::Null) == wanted)
        .collect()
}

async fn push_ticks(app: &TestApp, cookie: &str, device: &mut Device, items: &[String], at_ms: i64) -> Value {
    let changes: Vec<Value> = items.iter().map(|id| device.change(id, "done", json!(true), at_ms)).collect();
    let answer = app.push(cookie, json!(changes)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    answer.json
}

/// A fresh app with the monthly report published: the app, the supervisor's cookie, and
/// what Bình Châu's official pulls.
async fn published_report() -> (TestApp, String, Value) {
    let app = app().await;
    let supervisor = app.sign_in("supervisor").await;
    let published = app.call(Method::POST, "/api/v1/directives", Some(&supervisor), Some(monthly_report().to_string())).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.json);
    let official = app.sign_in("official").await;
    let pulled = app.pull(&official, 0).await;
    (app, supervisor, pulled)
}

#[tokio::test]
async fn a_monthly_report_opens_every_month_since_issue_and_each_counts_on_its_own_deadline() {
    let (app, supervisor, pulled) = published_report().await;
    let official = app.sign_in("official").await;
    let periods = open_periods();
    assert!(periods.len() >= 3, "70 days span at least three months");
    assert_eq!(items_of(&pulled, None).len(), 2, "the template reaches the tablet");
    for period in &periods {
        let copies = items_of(&pulled, Some(*period));
        assert_eq!(copies.len(), 2, "{period}: each month has its own checklist");
        for copy in copies {
            let template: Uuid =
                items_of(&pulled, None).iter().find(|t| t["label"] == copy["label"]).unwrap()["id"].as_str().unwrap().parse().unwrap();
            assert_eq!(copy["id"], json!(ChecklistItem::id_in(template, *period)), "the id a tablet derives on its own");
        }
    }

    // Bình Châu sent the first month's report on time, before the 25th; nothing else.
    let first = periods[0];
    let deadline = Recurrence::parse("monthly:25").unwrap().deadline_in(first);
    let on_time_ms = deadline.due_end().unwrap().timestamp_millis() - 86_400_000;
    let first_ids: Vec<String> = items_of(&pulled, Some(first)).iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect();
    push_ticks(&app, &official, &mut Device::new(), &first_ids, on_time_ms.min(Utc::now().timestamp_millis())).await;

    let whole = dashboard(&app, &supervisor, "").await;
    let slow = counted_the_slow_way(&app, whole.as_of_ms).await;
    assert_eq!(whole.totals, totals(slow.iter()), "the database's count and the item-by-item count agree, period by period");
    let task = whole.tasks.iter().find(|task| task.text == REPORT).unwrap();
    assert_eq!(task.counts.total(), 2 * periods.len() as u32, "one assignment per unit per month, none for the template");
    assert_eq!(task.counts.done_on_time, 1);
    let past_deadlines =
        periods.iter().filter(|period| Recurrence::parse("monthly:25").unwrap().deadline_in(**period).is_overdue(Utc::now()));
    assert_eq!(task.counts.overdue as usize, 2 * past_deadlines.count() - 1, "every other past month of both communes is overdue");

    // The drill-down of one month shows that month's checklist and deadline.
    let path = format!("/api/v1/reports/assignments/{}/XA-BINH-CHAU?period={first}", task.task);
    let detail = app.call(Method::GET, &path, Some(&supervisor), None).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.json);
    assert_eq!((detail.json["period"].as_str(), detail.json["state"].as_str()), (Some(first.to_string().as_str()), Some("done_on_time")));
    assert_eq!(detail.json["deadline"]["date"], json!(deadline.date.to_string()));
    assert_eq!(detail.json["items"].as_array().unwrap().len(), 2);
    for bad in ["2026-13", "th%C3%A1ng%2011", "2026-11&x=1"] {
        let path = format!("/api/v1/reports/assignments/{}/XA-BINH-CHAU?period={bad}", task.task);
        let refused = app.call(Method::GET, &path, Some(&supervisor), None).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{bad}: {}", refused.json);
    }
    // Overdue months are listed to chase, each with its period.
    let attention = whole.attention.iter().filter(|row| row.task == task.task).collect::<Vec<_>>();
    assert!(!attention.is_empty() && attention.iter().all(|row| row.period.is_some() && row.state == TaskState::Overdue));

    // The CSV names the month of each row.
    let csv = app.call(Method::GET, "/api/v1/reports/progress.csv", Some(&supervisor), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    let first_name = chidao_core::i18n::period_name(chidao_core::i18n::Locale::Vi, first);
    assert!(String::from_utf8_lossy(&csv.bytes).contains(&format!("{REPORT} ({first_name})")), "{first_name}");
}

#[tokio::test]
async fn a_tablet_that_opens_a_month_before_the_server_has_its_ticks_kept_once() {
    let app = app().await;
    // Published without the server opening any period, as if the month began a moment ago
    // and the server's timer had not run yet.
    let input: authoring::DirectiveInput = serde_json::from_value(monthly_report()).unwrap();
    let units = app.store.units.units().await.unwrap();
    let publication = authoring::plan(&input, &units, chidao_core::domain::new_id).unwrap();
    app.store.maintenance.seed(&[], &[publication.directive], &publication.tasks, &publication.items, &[]).await.unwrap();

    let official = app.sign_in("official").await;
    let pulled = app.pull(&official, 0).await;
    assert!(items_of(&pulled, Some(*open_periods().last().unwrap())).is_empty(), "the server has not opened this month");
    let this_month = Recurrence::parse("monthly:25").unwrap().period_of(Deadline::today_in_vietnam(Utc::now()));
    let copies: Vec<String> = items_of(&pulled, None)
        .iter()
        .map(|template| ChecklistItem::id_in(template["id"].as_str().unwrap().parse().unwrap(), this_month).to_string())
        .collect();

    // Two tablets of the commune tick the month's first item offline; both pushes stand.
    let now_ms = Utc::now().timestamp_millis();
    let first = push_ticks(&app, &official, &mut Device::new(), &copies[..1], now_ms - 1000).await;
    assert_eq!(first["results"][0]["status"], "applied", "{first}");
    let second = push_ticks(&app, &official, &mut Device::new(), &copies, now_ms).await;
    assert!(second["results"].as_array().unwrap().iter().all(|result| result["status"] == "applied"), "{second}");

    let after = app.pull(&official, 0).await;
    let month = items_of(&after, Some(this_month));
    assert_eq!(month.len(), 2, "one copy per template item, however many made it");
    assert!(month.iter().all(|item| item["done"] == json!(true)));
    let all_ids: Vec<&str> = after["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap()).collect();
    let distinct: std::collections::BTreeSet<&str> = all_ids.iter().copied().collect();
    assert_eq!(all_ids.len(), distinct.len());

    let supervisor = app.sign_in("supervisor").await;
    let whole = dashboard(&app, &supervisor, "").await;
    assert_eq!(whole.totals, totals(counted_the_slow_way(&app, whole.as_of_ms).await.iter()));
    assert_eq!(whole.tasks.iter().find(|task| task.text == REPORT).unwrap().counts.done_on_time, 1, "this month, Bình Châu");
}

#[tokio::test]
async fn a_head_signs_off_each_month_of_a_recurring_report_on_its_own() {
    let (app, supervisor, pulled) = published_report().await;
    let task: Uuid =
        pulled["tasks"].as_array().unwrap().iter().find(|task| task["text"] == REPORT).unwrap()["id"].as_str().unwrap().parse().unwrap();
    let periods = open_periods();
    let (earlier, latest) = (periods[0], *periods.last().unwrap());
    let unit = chidao_core::domain::UnitCode::parse("XA-BINH-CHAU").unwrap();

    let head = app.sign_in("head").await;
    let path = |period: Option<Period>| chidao_core::api::task_report_path(task, &unit, period);
    // Nothing of that month is ticked: the head is told, and signs off only on saying so.
    let unasked = app.call(Method::PUT, &path(Some(earlier)), Some(&head), None).await;
    assert_eq!((unasked.status, unasked.json["error"].as_str()), (StatusCode::CONFLICT, Some("unfinished")), "{}", unasked.json);
    let signed = app.call(Method::PUT, &format!("{}&unfinished=true", path(Some(earlier))), Some(&head), None).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.json);
    assert_eq!(signed.json["period"], json!(earlier.to_string()));
    assert_eq!(signed.json["open_items"], json!(2), "the sign-off says what was open");
    let reports = app.call(Method::GET, chidao_core::api::TASK_REPORTS_PATH, Some(&head), None).await.json;
    let periods_signed: Vec<&Value> =
        reports.as_array().unwrap().iter().filter(|r| r["task"] == json!(task)).map(|r| &r["period"]).collect();
    assert_eq!(periods_signed, [&json!(earlier.to_string())], "one month signed off, the others not");

    // The drill-down of each month shows its own sign-off.
    let detail = |period: Period| format!("/api/v1/reports/assignments/{task}/{unit}?period={period}");
    assert_eq!(app.call(Method::GET, &detail(earlier), Some(&supervisor), None).await.json["report"]["by"], json!("head"));
    assert_eq!(app.call(Method::GET, &detail(latest), Some(&supervisor), None).await.json["report"], Value::Null);

    // A period the task does not have, or the template, is not an assignment to sign off.
    let never = Period::parse("2001-01").unwrap();
    assert_eq!(
        app.call(Method::PUT, &format!("{}&unfinished=true", path(Some(never))), Some(&head), None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.call(Method::PUT, &format!("{}?unfinished=true", path(None)), Some(&head), None).await.status, StatusCode::NOT_FOUND);
    let taken_back = app.call(Method::DELETE, &path(Some(earlier)), Some(&head), None).await;
    assert_eq!(taken_back.status, StatusCode::NO_CONTENT);
    let reports = app.call(Method::GET, chidao_core::api::TASK_REPORTS_PATH, Some(&head), None).await.json;
    assert!(reports.as_array().unwrap().iter().all(|r| r["task"] != json!(task)));
}

/// A line added to a monthly report is owed from the current month on: months already over
/// keep the checklist they were judged on (a month done on time stays so), a second run of
/// the server's period opening does not add it either, and the edit's answer counts the
/// items people see.
#[tokio::test]
async fn a_line_added_to_recurring_work_is_not_owed_in_months_already_over() {
    let (app, supervisor, pulled) = published_report().await;
    let official = app.sign_in("official").await;
    let periods = open_periods();
    let today = Deadline::today_in_vietnam(Utc::now());
    let ended: Vec<Period> = periods.iter().copied().filter(|period| period.last_day() < today).collect();
    let current: Vec<Period> = periods.iter().copied().filter(|period| period.last_day() >= today).collect();
    assert!(!ended.is_empty() && !current.is_empty(), "{periods:?}");
    let last_ended = *ended.last().unwrap();
    let ids = |pulled: &Value, period| {
        items_of(pulled, Some(period)).iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    let mut device = Device::new();
    let on_time = chidao_core::domain::vietnam_day_start(last_ended.first_day()).timestamp_millis() + 3_600_000;
    push_ticks(&app, &official, &mut device, &ids(&pulled, last_ended), on_time).await;

    let directive =
        pulled["tasks"].as_array().unwrap().iter().find(|task| task["text"] == REPORT).unwrap()["directive"].as_str().unwrap().to_owned();
    let form = app.call(Method::GET, &format!("/api/v1/directives/{directive}"), Some(&supervisor), None).await;
    let mut edited = form.json.clone();
    edited["sections"][0]["tasks"][0]["checklist"] = json!(["Tổng hợp số liệu", "Gửi báo cáo", "Lưu hồ sơ"]);
    let revised = app.call(Method::PUT, &format!("/api/v1/directives/{directive}"), Some(&supervisor), Some(edited.to_string())).await;
    assert_eq!(revised.status, StatusCode::OK, "{}", revised.json);
    let communes = 2;
    assert_eq!(revised.json["added_items"].as_u64(), Some((current.len() * communes) as u64), "{}", revised.json);
    // The server's own opening of periods, as its timer runs it.
    chidao_server::periods::open(&app.store, None, None, Utc::now(), chidao_server::periods::Reach::Latest).await.unwrap();

    let after = app.pull(&official, 0).await;
    for period in &ended {
        assert_eq!(items_of(&after, Some(*period)).len(), 2, "{period} is over: its checklist stays as judged");
    }
    for period in &current {
        assert_eq!(items_of(&after, Some(*period)).len(), 3, "{period}: the new line is owed");
    }
    let task = after["tasks"].as_array().unwrap().iter().find(|task| task["text"] == REPORT).unwrap()["id"].as_str().unwrap().to_owned();
    let path = format!("{}/{task}/XA-BINH-CHAU?period={last_ended}", chidao_core::api::ASSIGNMENTS_PATH);
    let report = app.call(Method::GET, &path, Some(&supervisor), None).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.json);
    assert_eq!(report.json["state"], "done_on_time", "the month done on time stays so: {}", report.json);
}
