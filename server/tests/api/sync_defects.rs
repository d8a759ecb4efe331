//! The five defects an outside client found (issue 12), each as that client met it.

use super::*;

use std::collections::BTreeMap;

use super::statuses_of as statuses;

fn item_of(pull: &Value, id: &str) -> Value {
    pull["items"].as_array().unwrap().iter().find(|item| item["id"] == id).unwrap().clone()
}

fn numbered(change: &Value, seq: u64) -> Value {
    let mut copy = change.clone();
    copy["seq"] = json!(seq);
    copy
}

#[tokio::test]
async fn a_known_change_sent_under_another_number_is_a_duplicate_and_the_rest_goes_on() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let device = uuid::Uuid::now_v7();
    let a = change_with(device, 1, &ids[0], "done", json!(true), 1_000);
    let b = change_with(device, 2, &ids[1], "done", json!(true), 1_001);
    let c = change_with(device, 3, &ids[2], "done", json!(true), 1_002);
    // `a` is applied but its answer is lost; `c` alone meets the gap.
    assert_eq!(statuses(&app.push(&cookie, json!([a.clone()])).await), ["applied"]);
    let gap = app.push(&cookie, json!([c.clone()])).await;
    assert_eq!(statuses(&gap), ["gap"]);
    assert_eq!(gap.json["results"][0]["expected_seq"], 2);
    // The device renumbers everything waiting, `a` included, as docs/sync.md says.
    let renumbered = app.push(&cookie, json!([numbered(&a, 2), numbered(&b, 3), numbered(&c, 4)])).await;
    assert_eq!(renumbered.status, StatusCode::OK, "{}", renumbered.json);
    assert_eq!(statuses(&renumbered), ["duplicate", "gap", "gap"]);
    assert_eq!(renumbered.json["results"][1]["expected_seq"], 2, "a duplicate uses up no number");
    let drained = app.push(&cookie, json!([numbered(&b, 2), numbered(&c, 3)])).await;
    assert_eq!(statuses(&drained), ["applied", "applied"]);
    for change in [&a, &b, &c] {
        assert_eq!(app.times_logged(change).await, 1);
    }
    // Under any number at all, a known id stays a duplicate.
    assert_eq!(statuses(&app.push(&cookie, json!([numbered(&a, 99)])).await), ["duplicate"]);
}

#[tokio::test]
async fn a_tablet_an_hour_ahead_keeps_its_last_edit_of_a_field() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let ahead = chrono::Utc::now().timestamp_millis() + 3_600_000;
    let mut tablet = Device::new();
    let tick = tablet.change(&ids[0], "done", json!(true), ahead);
    let untick = tablet.change(&ids[0], "done", json!(false), ahead + 5);
    let answer = app.push(&cookie, json!([tick, untick])).await;
    assert_eq!(statuses(&answer), ["applied", "applied"]);
    let item = item_of(&app.pull(&cookie, 0).await, &ids[0]);
    assert_eq!(item["done"], false, "the untick was made last and must stand");
    assert_eq!(item["done_mark"]["stamp"], answer.json["results"][1]["kept_stamp"], "the answer names the stamp the item now carries");
}

#[tokio::test]
async fn pulled_back_stamps_keep_the_devices_own_order() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let ahead = chrono::Utc::now().timestamp_millis() + 3_600_000;
    let mut tablet = Device::new();
    let mut earlier = tablet.change(&ids[0], "note", json!("earlier"), ahead);
    earlier["stamp"]["counter"] = json!(3);
    let later = tablet.change(&ids[0], "note", json!("later"), ahead + 10);
    assert_eq!(statuses(&app.push(&cookie, json!([earlier, later])).await), ["applied", "applied"]);
    assert_eq!(item_of(&app.pull(&cookie, 0).await, &ids[0])["note"], "later");
    // And in a later push: the stamp kept for the device's last change is remembered.
    let mut last = tablet.change(&ids[0], "note", json!("last"), ahead + 20);
    last["stamp"]["counter"] = json!(0);
    let previous = app.push(&cookie, json!([last])).await;
    assert_eq!(statuses(&previous), ["applied"]);
    assert_eq!(item_of(&app.pull(&cookie, 0).await, &ids[0])["note"], "last");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_push_arriving_twice_at_once_is_written_once_and_never_fails() {
    let app = std::sync::Arc::new(app().await);
    let (cookie, ids) = app.signed_in_with_items("official").await;
    for round in 0..20 {
        let mut tablet = Device::new();
        let changes: Vec<Value> = (0..3).map(|n| tablet.change(&ids[n], "done", json!(round % 2 == 0), 1_000 + n as i64)).collect();
        let send = |app: std::sync::Arc<common::TestApp>, cookie: String, changes: Vec<Value>| {
            tokio::spawn(async move { app.push(&cookie, json!(changes)).await })
        };
        let first = send(app.clone(), cookie.clone(), changes.clone());
        let second = send(app.clone(), cookie.clone(), changes.clone());
        let (first, second) = (first.await.unwrap(), second.await.unwrap());
        assert_eq!((first.status, second.status), (StatusCode::OK, StatusCode::OK), "round {round}: {} / {}", first.json, second.json);
        let mut applied: BTreeMap<usize, usize> = BTreeMap::new();
        for answer in [&first, &second] {
            for (n, status) in statuses(answer).iter().enumerate() {
                assert!(["applied", "duplicate"].contains(&status.as_str()), "round {round}: {status}");
                *applied.entry(n).or_default() += usize::from(status == "applied");
            }
        }
        assert!(applied.values().all(|&times| times == 1), "round {round}: each change is applied by exactly one of the two: {applied:?}");
        for change in &changes {
            assert_eq!(app.times_logged(change).await, 1);
        }
    }
}

#[tokio::test]
async fn a_change_with_an_unknown_member_is_refused_and_nothing_is_written() {
    let app = app().await;
    let cookie = app.sign_in("official").await;
    let first = app.pull(&cookie, 0).await;
    let ids = item_ids(&first);
    let mut tablet = Device::new();
    let fine = tablet.change(&ids[0], "done", json!(true), 1);
    let mut coloured = tablet.change(&ids[1], "done", json!(true), 2);
    coloured["colour"] = json!("red");
    let answer = app.push(&cookie, json!([fine.clone(), coloured])).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.json);
    assert!(answer.json["message"].as_str().unwrap().contains("colour"), "{}", answer.json);
    assert_eq!(app.times_logged(&fine).await, 0);
    let mut zoned = fine.clone();
    zoned["stamp"]["zone"] = json!("+07:00");
    assert_eq!(app.push(&cookie, json!([zoned])).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut photo_base = fine.clone();
    photo_base["base"] = json!({"done": null, "photo": null});
    assert_eq!(app.push(&cookie, json!([photo_base])).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.pull(&cookie, first["cursor"].as_u64().unwrap()).await["items"].as_array().unwrap().is_empty());
    // `base` may be left out, be `null`, or have `null` members: nothing seen, each way.
    let mut null_base = fine.clone();
    null_base["base"] = Value::Null;
    assert_eq!(app.push(&cookie, json!([null_base])).await.json["results"][0]["status"], "applied");
}

#[tokio::test]
async fn the_review_device_id_is_not_a_tablets() {
    let app = app().await;
    let (cookie, ids) = app.signed_in_with_items("official").await;
    let answer = app.push(&cookie, json!([change_with(chidao_core::sync::REVIEW_DEVICE, 1, &ids[0], "done", json!(true), 1)])).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.json["message"].as_str().unwrap().contains("reserved"));
}
