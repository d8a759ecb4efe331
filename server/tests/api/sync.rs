//! Pulling and pushing a unit's checklist: what is sent, what wins, what is refused.

use super::*;

#[tokio::test]
async fn an_official_pulls_only_their_own_units_checklist() {
    let app = app().await;
    let cookie = app.sign_in("official").await;
    let pull = app.pull(&cookie, 0).await;
    let items = pull["items"].as_array().unwrap();
    assert_eq!(items.len(), 7);
    assert!(items.iter().all(|item| item["unit"] == "XA-BINH-CHAU"));
    assert_eq!(pull["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(pull["directives"].as_array().unwrap().len(), 1);
    assert_eq!(pull["more"], false);
    let cursor = pull["cursor"].as_u64().unwrap();
    assert!(cursor > 0);
    let again = app.pull(&cookie, cursor).await;
    assert!(again["items"].as_array().unwrap().is_empty());
    assert_eq!(again["cursor"].as_u64().unwrap(), cursor);
}

#[tokio::test]
async fn a_head_follows_the_communes_below_but_ticks_only_their_own_units_items() {
    let app = app().await;
    let head = app.sign_in("head").await;
    let pull = app.pull(&head, 0).await;
    let items = pull["items"].as_array().unwrap();
    let units: std::collections::BTreeSet<&str> = items.iter().map(|item| item["unit"].as_str().unwrap()).collect();
    assert_eq!(units, ["XA-BINH-CHAU", "XA-BINH-THANH"].into_iter().collect(), "Bình Sơn's communes, not Sơn Tịnh's");
    assert_eq!(items.len(), 14);

    let commune_item = items[0]["id"].as_str().unwrap();
    let answer = app.push(&head, json!([Device::new().change(commune_item, "done", json!(true), 1_000)])).await;
    assert_eq!(answer.json["results"][0]["status"], "rejected");
    assert!(answer.json["results"][0]["reason"].as_str().unwrap().contains("another unit"));
    let report = app.call(Method::GET, "/api/v1/reports/progress", Some(&head), None).await;
    assert_eq!(report.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_push_is_applied_and_shows_after_the_cursor() {
    let app = app().await;
    let cookie = app.sign_in("official").await;
    let first = app.pull(&cookie, 0).await;
    let cursor = first["cursor"].as_u64().unwrap();
    let ids = item_ids(&first);

    let mut tablet = Device::new();
    let tick = tablet.change(&ids[0], "done", json!(true), 1_000);
    let note = tablet.change(&ids[1], "note", json!("Đã làm 2 gờ giảm tốc <b>thôn 3</b>"), 1_001);
    let answer = app.push(&cookie, json!([tick, note])).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let statuses: Vec<&str> = answer.json["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["applied", "applied"]);

    let after = app.pull(&cookie, cursor).await;
    let changed = after["items"].as_array().unwrap();
    assert_eq!(changed.len(), 2);
    assert!(after["cursor"].as_u64().unwrap() > cursor);
    let ticked = changed.iter().find(|item| item["id"] == ids[0].as_str()).unwrap();
    assert_eq!(ticked["done"], true);
    assert_eq!(ticked["done_mark"]["by"], "official");
    assert_eq!(ticked["conflict"], false);
    let noted = changed.iter().find(|item| item["id"] == ids[1].as_str()).unwrap();
    assert_eq!(noted["note"], "Đã làm 2 gờ giảm tốc <b>thôn 3</b>", "text is stored literally");
}

#[tokio::test]
async fn a_device_that_lost_its_numbering_is_told_to_renumber_not_dropped() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let device = uuid::Uuid::now_v7();
    let before = change_with(device, 1, &ids[0], "done", json!(true), 1_000);
    assert_eq!(app.push(&cookie, json!([before.clone()])).await.json["results"][0]["status"], "applied");

    // The tablet's storage was reset: a new change arrives under number 1 again.
    let after_reset = change_with(device, 1, &ids[1], "done", json!(true), 2_000);
    let answer = app.push(&cookie, json!([after_reset.clone()])).await;
    assert_eq!(answer.json["results"][0]["status"], "gap", "{}", answer.json);
    assert_eq!(answer.json["results"][0]["expected_seq"], 2);
    assert_eq!(app.times_logged(&after_reset).await, 0);
    let mut resent = after_reset.clone();
    resent["seq"] = json!(2);
    assert_eq!(app.push(&cookie, json!([resent])).await.json["results"][0]["status"], "applied");
    // The first change, sent again, is still recognised as itself.
    assert_eq!(app.push(&cookie, json!([before])).await.json["results"][0]["status"], "duplicate");
}

#[tokio::test]
async fn pushing_the_same_change_twice_writes_it_once() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let tick = Device::new().change(&ids[0], "done", json!(true), 5_000);
    let first = app.push(&cookie, json!([tick.clone()])).await;
    assert_eq!(first.json["results"][0]["status"], "applied");
    let cursor = app.pull(&cookie, 0).await["cursor"].as_u64().unwrap();

    let second = app.push(&cookie, json!([tick.clone()])).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.json["results"][0]["status"], "duplicate");
    assert!(app.pull(&cookie, cursor).await["items"].as_array().unwrap().is_empty(), "a duplicate writes nothing");
    assert_eq!(app.times_logged(&tick).await, 1);
}

#[tokio::test]
async fn an_older_edit_is_kept_in_the_log_but_does_not_win() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let mut tablet = Device::new();
    let newer = tablet.change(&ids[0], "done", json!(true), 9_000);
    let older = Device::new().change(&ids[0], "done", json!(false), 1_000);
    app.push(&cookie, json!([newer])).await;
    let answer = app.push(&cookie, json!([older.clone()])).await;
    assert_eq!(answer.json["results"][0]["status"], "superseded");
    let item = app.pull(&cookie, 0).await["items"].as_array().unwrap().iter().find(|i| i["id"] == ids[0].as_str()).unwrap().clone();
    assert_eq!(item["done"], true);
    assert_eq!(app.times_logged(&older).await, 1);
}

#[tokio::test]
async fn a_change_to_another_units_item_is_refused_alone() {
    let app = app().await;
    let supervisor = app.sign_in("supervisor").await;
    let all = app.pull(&supervisor, 0).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 21, "supervisors see every unit");
    let foreign =
        all["items"].as_array().unwrap().iter().find(|item| item["unit"] != "XA-BINH-CHAU").unwrap()["id"].as_str().unwrap().to_owned();
    let own =
        all["items"].as_array().unwrap().iter().find(|item| item["unit"] == "XA-BINH-CHAU").unwrap()["id"].as_str().unwrap().to_owned();

    let official = app.sign_in("official").await;
    let mut tablet = Device::new();
    let answer =
        app.push(&official, json!([tablet.change(&foreign, "done", json!(true), 1), tablet.change(&own, "done", json!(true), 2)])).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["results"][0]["status"], "rejected");
    assert!(answer.json["results"][0]["reason"].as_str().unwrap().contains("another unit"));
    assert_eq!(answer.json["results"][1]["status"], "applied");

    let unknown = app.push(&official, json!([tablet.change("0190f5a0-0000-7000-8000-00000000ffff", "done", json!(true), 3)])).await;
    assert_eq!(unknown.json["results"][0]["status"], "rejected");

    let by_supervisor = app.push(&supervisor, json!([Device::new().change(&own, "note", json!("x"), 4)])).await;
    assert_eq!(by_supervisor.json["results"][0]["status"], "rejected", "supervisors do not tick for a commune");
}

#[tokio::test]
async fn the_progress_report_is_for_supervisors_and_reflects_pushes() {
    let app = app().await;
    let official = app.sign_in("official").await;
    let forbidden = app.call(Method::GET, "/api/v1/reports/progress", Some(&official), None).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    let ids = item_ids(&app.pull(&official, 0).await);
    let mut tablet = Device::new();
    app.push(&official, json!([tablet.change(&ids[0], "done", json!(true), 1), tablet.change(&ids[1], "done", json!(true), 2)])).await;

    let supervisor = app.sign_in("supervisor").await;
    let report = app.call(Method::GET, "/api/v1/reports/progress", Some(&supervisor), None).await;
    assert_eq!(report.status, StatusCode::OK);
    let tasks = report.json["directives"][0]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 12);
    let with_units = tasks.iter().find(|task| !task["units"].as_array().unwrap().is_empty()).unwrap();
    let binh_chau = with_units["units"].as_array().unwrap().iter().find(|u| u["unit"]["code"] == "XA-BINH-CHAU").unwrap();
    assert_eq!(binh_chau["done"], 2);
    assert_eq!(binh_chau["total"], 7);
}

#[tokio::test]
async fn data_survives_a_restart_on_the_disk_engine() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("db").display());
    let item;
    {
        let app = common::app_with(&url).await;
        let cookie = app.sign_in("official").await;
        item = item_ids(&app.pull(&cookie, 0).await)[0].clone();
        let answer = app.push(&cookie, json!([Device::new().change(&item, "done", json!(true), 1)])).await;
        assert_eq!(answer.json["results"][0]["status"], "applied");
    }
    // Give the engine a moment to close its files before it is opened again.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let app = common::app_with(&url).await;
    let cookie = app.sign_in("official").await;
    let pull = app.pull(&cookie, 0).await;
    let stored = pull["items"].as_array().unwrap().iter().find(|i| i["id"] == item.as_str()).unwrap().clone();
    assert_eq!(stored["done"], true);
    assert_eq!(pull["items"].as_array().unwrap().len(), 7, "the demo is not loaded twice");
}

#[tokio::test]
async fn a_missing_earlier_change_is_reported_as_a_gap_not_applied() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let device = uuid::Uuid::now_v7();
    let third = change_with(device, 3, &ids[0], "done", json!(true), 1_000);
    let answer = app.push(&cookie, json!([third.clone()])).await;
    assert_eq!(answer.json["results"][0]["status"], "gap");
    assert_eq!(answer.json["results"][0]["expected_seq"], 1);
    let first = change_with(device, 1, &ids[0], "done", json!(true), 1_000);
    let again = app.push(&cookie, json!([first])).await;
    assert_eq!(again.json["results"][0]["status"], "applied");
    assert_eq!(app.times_logged(&third).await, 0, "a gap writes nothing");
}

#[tokio::test]
async fn a_stamp_from_a_clock_set_in_the_future_is_pulled_back() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let next_year = chrono::Utc::now().timestamp_millis() + 365 * 24 * 3600 * 1000;
    let answer = app.push(&cookie, json!([Device::new().change(&ids[0], "done", json!(true), next_year)])).await;
    assert_eq!(answer.json["results"][0]["status"], "applied");
    let item = app.pull(&cookie, 0).await["items"].as_array().unwrap().iter().find(|i| i["id"] == ids[0].as_str()).unwrap().clone();
    let kept = item["done_mark"]["stamp"]["wall_ms"].as_i64().unwrap();
    assert!(kept <= chrono::Utc::now().timestamp_millis() + chidao_core::sync::MAX_FUTURE_SKEW_MS);
    // So a correct tablet's edit a minute later still wins.
    let later = chrono::Utc::now().timestamp_millis() + chidao_core::sync::MAX_FUTURE_SKEW_MS + 60_000;
    let fix = app.push(&cookie, json!([Device::new().change(&ids[0], "done", json!(false), later)])).await;
    assert_eq!(fix.json["results"][0]["status"], "applied");
}

#[tokio::test]
async fn a_device_id_belongs_to_the_account_that_used_it_first() {
    let app = app().await;
    let (official, ids) = app.signed_in_with_items("official").await;
    let device = uuid::Uuid::now_v7();
    app.push(&official, json!([change_with(device, 1, &ids[0], "done", json!(true), 1)])).await;
    let supervisor = app.sign_in("supervisor").await;
    let answer = app.push(&supervisor, json!([change_with(device, 2, &ids[0], "done", json!(false), 2)])).await;
    assert_eq!(answer.json["results"][0]["status"], "rejected");
    assert!(answer.json["results"][0]["reason"].as_str().unwrap().contains("another account"));
}

#[tokio::test]
async fn a_refused_change_is_logged_and_the_device_moves_on() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let mut tablet = Device::new();
    let gone = tablet.change("0190f5a0-0000-7000-8000-00000000ffff", "done", json!(true), 1);
    let next = tablet.change(&ids[0], "done", json!(true), 2);
    let answer = app.push(&cookie, json!([gone.clone(), next])).await;
    assert_eq!(answer.json["results"][0]["status"], "rejected");
    assert_eq!(answer.json["results"][1]["status"], "applied");
    assert_eq!(app.times_logged(&gone).await, 1, "the refusal is in the audit trail");
}
