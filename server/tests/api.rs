//! The HTTP API against a real embedded SurrealDB (`mem://`), with the demo data.

use crate::common;

use axum::http::{header, Method, StatusCode};
use common::{app, change_with, Device, PASSWORD};
use serde_json::{json, Value};

fn item_ids(pull: &Value) -> Vec<String> {
    pull["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let app = app().await;
    let answer = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["status"], "ok");
}

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_cookie_and_says_who_you_are() {
    let app = app().await;
    let body = json!({"username": "official", "password": PASSWORD}).to_string();
    let answer = app.call(Method::POST, "/api/v1/session", None, Some(body)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let cookie = answer.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert_eq!(answer.json["roles"], json!(["official"]));
    assert_eq!(answer.json["unit"], "XA-BINH-CHAU");
    assert_eq!(answer.json["unit_name"], "UBND xã Bình Châu");

    let session = cookie.split(';').next().unwrap();
    let me = app.call(Method::GET, "/api/v1/session", Some(session), None).await;
    assert_eq!(me.json["username"], "official");
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_get_the_same_answer() {
    let app = app().await;
    let wrong =
        app.call(Method::POST, "/api/v1/session", None, Some(json!({"username": "official", "password": "nope-nope"}).to_string())).await;
    let unknown =
        app.call(Method::POST, "/api/v1/session", None, Some(json!({"username": "ghost", "password": "nope-nope"}).to_string())).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json, unknown.json);
    assert_eq!(wrong.json["error"], "wrong_credentials");
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = app().await;
    let cookie = app.sign_in("official").await;
    let out = app.call(Method::DELETE, "/api/v1/session", Some(&cookie), None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let after = app.call(Method::GET, "/api/v1/sync/pull", Some(&cookie), None).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_api_call_needs_a_session() {
    let app = app().await;
    for (method, path) in [(Method::GET, "/api/v1/sync/pull"), (Method::GET, "/api/v1/reports/progress"), (Method::GET, "/api/v1/session")]
    {
        let answer = app.call(method, path, None, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(answer.json["error"], "unauthorized");
    }
    let push = app.push("chidao_session=0000000000000000000000000000000000000000000000000000000000000000", json!([])).await;
    assert_eq!(push.status, StatusCode::UNAUTHORIZED);
}

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
    let cookie = app.sign_in("official").await;
    let ids = item_ids(&app.pull(&cookie, 0).await);
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
    let cookie = app.sign_in("official").await;
    let ids = item_ids(&app.pull(&cookie, 0).await);
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
    let cookie = app.sign_in("official").await;
    let ids = item_ids(&app.pull(&cookie, 0).await);
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

mod bad_input {
    use super::*;

    async fn push_raw(body: &str) -> (StatusCode, Value) {
        let app = app().await;
        let cookie = app.sign_in("official").await;
        let answer = app.call(Method::POST, "/api/v1/sync/push", Some(&cookie), Some(body.to_owned())).await;
        (answer.status, answer.json)
    }

    #[tokio::test]
    async fn malformed_json_is_a_400_with_a_reason() {
        let (status, json) = push_raw("{\"changes\": [").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(!json["message"].as_str().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_value_of_the_wrong_type_is_a_422() {
        let mut change = Device::new().change(&uuid::Uuid::now_v7().to_string(), "done", json!(true), 1);
        change["value"] = json!("yes");
        let body = json!({"changes": [change]});
        let (status, json) = push_raw(&body.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json["error"], "invalid");
    }

    #[tokio::test]
    async fn an_id_that_is_not_a_uuid_is_a_422() {
        let mut change = Device::new().change(&uuid::Uuid::now_v7().to_string(), "done", json!(true), 1);
        change["id"] = json!("'; DELETE item; --");
        let body = json!({"changes": [change]});
        let (status, _) = push_raw(&body.to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[tokio::test]
    async fn a_note_over_4000_characters_is_a_422_and_nothing_in_the_batch_is_written() {
        let app = app().await;
        let cookie = app.sign_in("official").await;
        let first = app.pull(&cookie, 0).await;
        let cursor = first["cursor"].as_u64().unwrap();
        let ids = item_ids(&first);
        let mut tablet = Device::new();
        let fine = tablet.change(&ids[0], "done", json!(true), 1);
        let long = tablet.change(&ids[1], "note", json!("ă".repeat(4001)), 2);
        let answer = app.push(&cookie, json!([fine, long])).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(answer.json["message"].as_str().unwrap().contains("4000"), "{}", answer.json);
        assert!(app.pull(&cookie, cursor).await["items"].as_array().unwrap().is_empty(), "no partial write");
    }

    #[tokio::test]
    async fn a_body_over_one_mebibyte_is_a_413() {
        let app = app().await;
        let cookie = app.sign_in("official").await;
        let huge = format!("{{\"changes\": [], \"pad\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
        let answer = app.call(Method::POST, "/api/v1/sync/push", Some(&cookie), Some(huge)).await;
        assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(answer.json["error"], "too_large");
    }

    #[tokio::test]
    async fn unknown_fields_and_repeated_ids_are_refused() {
        let (status, _) = push_raw(r#"{"changes": [], "extra": 1}"#).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let one = Device::new().change("0190f5a0-0000-7000-8000-000000000001", "done", json!(true), 1);
        let (status, json) = push_raw(&json!({"changes": [one.clone(), one]}).to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(json["message"].as_str().unwrap().contains("twice"));
    }

    #[tokio::test]
    async fn a_bad_cursor_is_a_400() {
        let app = app().await;
        let cookie = app.sign_in("official").await;
        for query in ["since=-1", "since=abc", "limit=0", "limit=100000", "cursor=3"] {
            let answer = app.call(Method::GET, &format!("/api/v1/sync/pull?{query}"), Some(&cookie), None).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}: {}", answer.json);
            assert_eq!(answer.json["error"], "bad_request");
        }
    }

    #[tokio::test]
    async fn a_sign_in_without_json_is_a_415_and_with_bad_json_a_400() {
        let app = app().await;
        let request =
            axum::http::Request::builder().method(Method::POST).uri("/api/v1/session").body(axum::body::Body::from("username=a")).unwrap();
        assert_eq!(app.send(request).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let answer = app.call(Method::POST, "/api/v1/session", None, Some("{".into())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    }
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
    let cookie = app.sign_in("official").await;
    let ids = item_ids(&app.pull(&cookie, 0).await);
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
    let cookie = app.sign_in("official").await;
    let ids = item_ids(&app.pull(&cookie, 0).await);
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
    let official = app.sign_in("official").await;
    let ids = item_ids(&app.pull(&official, 0).await);
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
    let cookie = app.sign_in("official").await;
    let ids = item_ids(&app.pull(&cookie, 0).await);
    let mut tablet = Device::new();
    let gone = tablet.change("0190f5a0-0000-7000-8000-00000000ffff", "done", json!(true), 1);
    let next = tablet.change(&ids[0], "done", json!(true), 2);
    let answer = app.push(&cookie, json!([gone.clone(), next])).await;
    assert_eq!(answer.json["results"][0]["status"], "rejected");
    assert_eq!(answer.json["results"][1]["status"], "applied");
    assert_eq!(app.times_logged(&gone).await, 1, "the refusal is in the audit trail");
}

#[tokio::test]
async fn the_openapi_document_names_every_api_path_and_each_is_served() {
    let app = app().await;
    let answer = app.call(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    let paths = answer.json["paths"].as_object().expect("an OpenAPI document with paths");
    for path in [
        chidao_core::api::SESSION_PATH,
        chidao_core::api::PUSH_PATH,
        chidao_core::api::PULL_PATH,
        chidao_core::api::PROGRESS_PATH,
        chidao_core::api::OPENAPI_PATH,
        "/healthz",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    for endpoint in chidao_server::routes::api_endpoints() {
        let method = endpoint.method.as_str().to_lowercase();
        assert!(
            paths.get(&endpoint.path).and_then(|ops| ops.get(&method)).is_some(),
            "{} {} is served but not documented",
            endpoint.method,
            endpoint.path
        );
    }
    let cookie = app.sign_in("supervisor").await;
    for (path, methods) in paths {
        // Path-wide `parameters` sit beside the operations.
        for method in methods.as_object().unwrap().keys().filter(|key| ["get", "put", "post", "delete", "patch"].contains(&key.as_str())) {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (method == Method::POST).then(|| "{}".to_owned());
            let answer = app.call(method.clone(), path, Some(&cookie), body).await;
            assert!(
                ![StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&answer.status),
                "{method} {path}: {}",
                answer.status
            );
        }
    }
}

#[tokio::test]
async fn two_people_changing_one_item_unseen_are_flagged_for_review() {
    let app = app().await;
    let first = app.sign_in("official").await;
    let second = app.sign_in("official2").await;
    let ids = item_ids(&app.pull(&first, 0).await);

    // Same field, neither having seen the other's edit: a conflict, the later stamp wins.
    let early_change = Device::new().change(&ids[0], "done", json!(true), 1_000);
    let late_change = Device::new().change(&ids[0], "done", json!(false), 2_000);
    app.push(&first, json!([early_change.clone()])).await;
    let late = app.push(&second, json!([late_change.clone()])).await;
    assert_eq!(late.json["results"][0]["status"], "applied");
    // Different fields: both stand, flagged as a parallel update.
    app.push(&first, json!([Device::new().change(&ids[1], "done", json!(true), 1_000)])).await;
    app.push(&second, json!([Device::new().change(&ids[1], "note", json!("thêm ghi chú"), 2_000)])).await;

    let items = app.pull(&first, 0).await["items"].as_array().unwrap().clone();
    let find = |id: &str| items.iter().find(|item| item["id"] == id).unwrap().clone();
    let clash = find(&ids[0]);
    assert_eq!((clash["conflict"].as_bool(), clash["done"].as_bool()), (Some(true), Some(false)));
    let parallel = find(&ids[1]);
    assert_eq!((parallel["conflict"].as_bool(), parallel["parallel_update"].as_bool()), (Some(false), Some(true)));
    assert_eq!((parallel["done"].as_bool(), parallel["note"].as_str()), (Some(true), Some("thêm ghi chú")));

    // Both values of the conflicting field stay in the log.
    for change in [&early_change, &late_change] {
        assert_eq!(app.times_logged(change).await, 1);
    }
    // The supervisors' report carries the flag.
    let supervisor = app.sign_in("supervisor").await;
    let report = app.call(Method::GET, "/api/v1/reports/progress", Some(&supervisor), None).await;
    let flagged = report.json.to_string().matches("\"conflict\":true").count();
    assert_eq!(flagged, 1);
}

#[tokio::test]
async fn a_head_settles_conflicts_below_them_and_sees_no_others() {
    let app = app().await;
    // A second person in Tịnh Khê, outside the head's district.
    for username in ["tk1", "tk2"] {
        let new = chidao_core::api::NewAccount {
            username: username.into(),
            display_name: "Cán bộ xã Tịnh Khê".into(),
            roles: chidao_core::domain::Roles::one(chidao_core::domain::Role::Official),
            unit: chidao_core::domain::UnitCode::parse("XA-TINH-KHE").unwrap(),
        };
        chidao_server::admin::create_account(&app.store, &new, Some(common::PASSWORD.to_owned())).await.unwrap();
    }
    let mut conflicted = Vec::new();
    for (first, second) in [("official", "official2"), ("tk1", "tk2")] {
        let (first, second) = (app.sign_in(first).await, app.sign_in(second).await);
        let id = item_ids(&app.pull(&first, 0).await)[0].clone();
        app.push(&first, json!([Device::new().change(&id, "note", json!("sáng"), 1_000)])).await;
        app.push(&second, json!([Device::new().change(&id, "note", json!("chiều"), 2_000)])).await;
        conflicted.push(id);
    }
    let head = app.sign_in("head").await;
    let queue = app.call(Method::GET, "/api/v1/review", Some(&head), None).await;
    assert_eq!(queue.status, StatusCode::OK);
    let cases: Vec<&str> = queue.json["cases"].as_array().unwrap().iter().map(|c| c["item"]["id"].as_str().unwrap()).collect();
    assert_eq!(cases, [conflicted[0].as_str()], "Bình Châu's conflict, not Tịnh Khê's");

    let edits = &queue.json["cases"][0]["contests"][0]["edits"];
    let keep = edits.as_array().unwrap().iter().find(|e| e["value"] == "sáng").unwrap()["change"].clone();
    let decided =
        app.call(Method::POST, "/api/v1/review", Some(&head), Some(json!({"item": conflicted[0], "keep": [keep]}).to_string())).await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.json);
    assert_eq!((decided.json["note"].as_str(), decided.json["conflict"].as_bool()), (Some("sáng"), Some(false)));

    let elsewhere =
        app.call(Method::POST, "/api/v1/review", Some(&head), Some(json!({"item": conflicted[1], "keep": []}).to_string())).await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    let official = app.sign_in("official").await;
    assert_eq!(app.call(Method::GET, "/api/v1/review", Some(&official), None).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_supervisor_keeps_the_losing_value_and_every_device_pulls_it() {
    let app = app().await;
    let first = app.sign_in("official").await;
    let second = app.sign_in("official2").await;
    let supervisor = app.sign_in("supervisor").await;
    let ids = item_ids(&app.pull(&first, 0).await);
    let early = Device::new().change(&ids[0], "done", json!(true), 1_000);
    let late = Device::new().change(&ids[0], "done", json!(false), 2_000);
    app.push(&first, json!([early.clone()])).await;
    app.push(&second, json!([late.clone()])).await;
    let cursor = app.pull(&first, 0).await["cursor"].as_u64().unwrap();

    assert_eq!(app.call(Method::GET, "/api/v1/review", Some(&first), None).await.status, StatusCode::FORBIDDEN);
    let queue = app.call(Method::GET, "/api/v1/review", Some(&supervisor), None).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.json);
    let cases = queue.json["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["unit_name"], "UBND xã Bình Châu");
    let contest = &cases[0]["contests"][0];
    assert_eq!(contest["field"], "done");
    let offered: Vec<&Value> = contest["edits"].as_array().unwrap().iter().map(|edit| &edit["change"]).collect();
    assert_eq!(offered, [&early["id"], &late["id"]]);

    let review = |body: Value| app.call(Method::POST, "/api/v1/review", Some(&supervisor), Some(body.to_string()));
    let stranger = review(json!({"item": ids[0], "keep": [uuid::Uuid::now_v7()]})).await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stranger.json["message"].as_str().unwrap().contains("not one of the values"));
    let missing = review(json!({"item": uuid::Uuid::now_v7(), "keep": [early["id"]]})).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let by_official =
        app.call(Method::POST, "/api/v1/review", Some(&first), Some(json!({"item": ids[0], "keep": [early["id"]]}).to_string())).await;
    assert_eq!(by_official.status, StatusCode::FORBIDDEN);

    let kept = review(json!({"item": ids[0], "keep": [early["id"]]})).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.json);
    assert_eq!((kept.json["done"].as_bool(), kept.json["conflict"].as_bool()), (Some(true), Some(false)));

    // The tablets pull the decision like any other write.
    for cookie in [&first, &second] {
        let pulled = app.pull(cookie, cursor).await;
        let item = pulled["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["id"] == ids[0].as_str())
            .expect("the reviewed item is pulled")
            .clone();
        assert_eq!((item["done"].as_bool(), item["conflict"].as_bool()), (Some(true), Some(false)));
        assert_eq!(item["done_mark"]["by"], "supervisor");
    }
    let after = app.call(Method::GET, "/api/v1/review", Some(&supervisor), None).await;
    assert!(after.json["cases"].as_array().unwrap().is_empty());
    assert_eq!(review(json!({"item": ids[0], "keep": [early["id"]]})).await.status, StatusCode::CONFLICT, "reviewed once only");
}

#[tokio::test]
async fn the_service_worker_comes_with_its_shell_version_and_is_always_revalidated() {
    let without = app().await;
    let missing = without.call(Method::GET, "/sw.js", None, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json["error"], "not_found");

    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("sw.js"), "self.addEventListener('fetch', () => {});").unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/chidao.wasm"), b"\0asm").unwrap();
    let shell = chidao_server::shell::Shell::load(site.path(), None).unwrap().expect("the site has a worker");
    let version = shell.version.clone();
    let with = common::app_serving("mem://", Some(shell)).await;
    let served = with.call(Method::GET, "/sw.js", None, None).await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.headers["cache-control"], "no-cache");
    assert!(served.headers["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let script = served.json.as_str().expect("a script, not JSON");
    assert!(script.starts_with(&format!("const SHELL_VERSION = \"{version}\";\nconst SHELL_FILES = [\"/pkg/chidao.wasm\"];")), "{script}");
}

mod photos {
    use super::*;
    use chidao_core::domain::PhotoId;

    fn id_of(bytes: &[u8]) -> String {
        PhotoId::of(bytes).to_string()
    }

    #[tokio::test]
    async fn a_photo_is_attached_once_however_often_it_is_sent_and_only_those_who_see_the_item_get_it() {
        let app = app().await;
        let official = app.sign_in("official").await;
        let item = item_ids(&app.pull(&official, 0).await)[0].clone();
        let cursor = app.pull(&official, 0).await["cursor"].as_u64().unwrap();
        let id = id_of(common::PNG);

        let first = app.upload_photo(&official, &item, &id, "image/png", common::PNG.to_vec()).await;
        assert_eq!(first.status, StatusCode::CREATED, "{}", first.json);
        let again = app.upload_photo(&official, &item, &id, "image/png", common::PNG.to_vec()).await;
        assert_eq!(again.status, StatusCode::OK, "a retry is recognised");
        assert_eq!(again.json["photos"].as_array().unwrap().len(), 1, "and adds nothing");

        // Devices pull it with the item.
        let pulled = app.pull(&official, cursor).await;
        let photos = pulled["items"][0]["photos"].as_array().unwrap();
        assert_eq!(photos.len(), 1);
        assert_eq!((photos[0]["id"].as_str(), photos[0]["by"].as_str()), (Some(id.as_str()), Some("official")));

        let supervisor = app.sign_in("supervisor").await;
        let fetched = app.call(Method::GET, &format!("/api/v1/photos/{id}"), Some(&supervisor), None).await;
        assert_eq!(fetched.status, StatusCode::OK);
        assert_eq!(fetched.headers["content-type"], "image/png");
        assert_eq!(fetched.bytes, common::PNG);
        let elsewhere = app.sign_in("official3").await;
        let hidden = app.call(Method::GET, &format!("/api/v1/photos/{id}"), Some(&elsewhere), None).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "another commune does not see it");
    }

    #[tokio::test]
    async fn uploads_that_are_not_photos_too_big_or_misaddressed_are_refused_with_a_reason() {
        let app = app().await;
        let official = app.sign_in("official").await;
        let item = item_ids(&app.pull(&official, 0).await)[0].clone();
        let id = id_of(common::PNG);

        let text = b"Bien ban kiem tra".to_vec();
        let not_image = app.upload_photo(&official, &item, &id_of(&text), "image/jpeg", text).await;
        assert_eq!(not_image.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(not_image.json["message"], "this file is not a JPEG, PNG or WebP image");

        let wrong_type = app.upload_photo(&official, &item, &id, "text/plain", common::PNG.to_vec()).await;
        assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let wrong_id = app.upload_photo(&official, &item, &id_of(b"other"), "image/png", common::PNG.to_vec()).await;
        assert_eq!(wrong_id.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong_id.json["message"].as_str().unwrap().contains("do not match"));
        let bad_id = app.upload_photo(&official, &item, "photo.png", "image/png", common::PNG.to_vec()).await;
        assert_eq!(bad_id.status, StatusCode::UNPROCESSABLE_ENTITY);

        let mut huge = common::PNG.to_vec();
        huge.resize(3 * 1024 * 1024, 0);
        let too_big = app.upload_photo(&official, &item, &id_of(&huge), "image/png", huge).await;
        assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(too_big.json["error"], "too_large");

        let unknown = app.upload_photo(&official, &uuid::Uuid::now_v7().to_string(), &id, "image/png", common::PNG.to_vec()).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let elsewhere = app.sign_in("official3").await;
        let forbidden = app.upload_photo(&elsewhere, &item, &id, "image/png", common::PNG.to_vec()).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

        // Nothing refused left a trace on the item.
        let photos = app.pull(&official, 0).await["items"][0]["photos"].as_array().unwrap().len();
        assert_eq!(photos, 0);
    }
}

#[tokio::test]
async fn a_head_signs_off_a_communes_report_and_the_supervisor_and_commune_see_it() {
    let app = app().await;
    let official = app.sign_in("official").await;
    let pull = app.pull(&official, 0).await;
    let task = pull["items"][0]["task"].as_str().unwrap().to_owned();
    let head = app.sign_in("head").await;
    let path = format!("/api/v1/reports/tasks/{task}/XA-BINH-CHAU");

    let refused = app.call(Method::PUT, &path, Some(&official), None).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "officials do not sign off");
    let elsewhere = app.call(Method::PUT, &format!("/api/v1/reports/tasks/{task}/XA-TINH-KHE"), Some(&head), None).await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN, "not below this head");
    let unassigned =
        app.call(Method::PUT, &format!("/api/v1/reports/tasks/{}/XA-BINH-CHAU", uuid::Uuid::now_v7()), Some(&head), None).await;
    assert_eq!(unassigned.status, StatusCode::NOT_FOUND);
    let bad_unit = app.call(Method::PUT, &format!("/api/v1/reports/tasks/{task}/xa"), Some(&head), None).await;
    assert_eq!(bad_unit.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Nothing is ticked yet: the head is told so rather than signing off unfinished work.
    let unfinished = app.call(Method::PUT, &path, Some(&head), None).await;
    assert_eq!((unfinished.status, unfinished.json["error"].as_str()), (StatusCode::CONFLICT, Some("unfinished")), "{}", unfinished.json);
    let mut tablet = Device::new();
    let ticks: Vec<Value> = pull["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["task"] == task.as_str())
        .map(|item| tablet.change(item["id"].as_str().unwrap(), "done", json!(true), 1_780_000_000_000))
        .collect();
    assert_eq!(app.push(&official, json!(ticks)).await.status, StatusCode::OK);

    let signed = app.call(Method::PUT, &path, Some(&head), None).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.json);
    assert_eq!((&signed.json["by"], &signed.json["open_items"]), (&json!("head"), &json!(0)));
    let seen = app.call(Method::GET, "/api/v1/reports/tasks", Some(&official), None).await;
    assert_eq!(seen.json.as_array().unwrap().len(), 1);
    let other_commune = app.sign_in("official3").await;
    let unseen = app.call(Method::GET, "/api/v1/reports/tasks", Some(&other_commune), None).await;
    assert!(unseen.json.as_array().unwrap().is_empty(), "Bình Thạnh does not see Bình Châu's sign-off");

    let supervisor = app.sign_in("supervisor").await;
    let report = app.call(Method::GET, "/api/v1/reports/progress", Some(&supervisor), None).await;
    let units: Vec<Value> =
        report.json["directives"][0]["tasks"].as_array().unwrap().iter().flat_map(|t| t["units"].as_array().unwrap().clone()).collect();
    let chau = units.iter().find(|u| u["unit"]["code"] == "XA-BINH-CHAU").unwrap();
    assert_eq!(chau["report"]["by"], "head");
    assert!(units.iter().filter(|u| u["unit"]["code"] != "XA-BINH-CHAU").all(|u| u["report"].is_null()));

    assert_eq!(app.call(Method::DELETE, &path, Some(&head), None).await.status, StatusCode::NO_CONTENT);
    let after = app.call(Method::GET, "/api/v1/reports/tasks", Some(&official), None).await;
    assert!(after.json.as_array().unwrap().is_empty());
}

mod directives {
    use super::*;

    const TEXT: &str = "Chỉ đạo bảo đảm an toàn giao thông dịp khai giảng\n05/09/2022\nBảo đảm an toàn giao thông quanh trường học\nGiao UBND xã Bình Châu chủ trì, phối hợp với Công an tỉnh rà soát các điểm giao cắt trước cổng trường trước ngày 30/9/2022 theo Kế hoạch số 68/KH-UBND ngày 26/4/2022.\n";

    async fn draft(app: &common::TestApp, cookie: &str, text: &str) -> common::Answer {
        app.post_text(cookie, "/api/v1/directives/import", "text/plain; charset=utf-8", text).await
    }

    #[tokio::test]
    async fn pasted_text_becomes_a_draft_and_a_published_directive_reaches_the_commune() {
        let app = app().await;
        let supervisor = app.sign_in("supervisor").await;
        let read = draft(&app, &supervisor, TEXT).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.json);
        let task = &read.json["sections"][0]["tasks"][0];
        assert_eq!(task["lead"]["unit"], "XA-BINH-CHAU");
        assert_eq!(task["coordinating"][0]["unit"], "CA-TINH");
        assert_eq!(task["deadline"], json!({"date": "2022-09-30", "kind": "before"}));
        assert_eq!(read.json["referenced_documents"], json!(["68/KH-UBND"]));

        let official = app.sign_in("official").await;
        let cursor = app.pull(&official, 0).await["cursor"].as_u64().unwrap();
        let input = json!({
            "title": read.json["title"], "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": read.json["issued_on"], "documents": read.json["referenced_documents"],
            "sections": [{"heading": read.json["sections"][0]["heading"], "tasks": [{
                "text": task["text"], "lead": {"unit": "XA-BINH-CHAU"}, "coordinating": [{"unit": "CA-TINH"}], "deadline": task["deadline"],
                "assigned": ["XA-BINH-CHAU", "XA-BINH-THANH"], "checklist": ["Rà soát điểm giao cắt", "Lắp biển báo", ""]
            }]}]
        });
        let published = app.call(Method::POST, "/api/v1/directives", Some(&supervisor), Some(input.to_string())).await;
        assert_eq!(published.status, StatusCode::CREATED, "{}", published.json);
        assert_eq!(published.json["items"], 4);

        let after = app.pull(&official, cursor).await;
        let labels: Vec<&str> = after["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
        assert_eq!(labels, ["Rà soát điểm giao cắt", "Lắp biển báo"], "Bình Châu gets its own checklist, not Bình Thạnh's");
        assert!(after["directives"].as_array().unwrap().iter().any(|d| d["title"] == "Chỉ đạo bảo đảm an toàn giao thông dịp khai giảng"));
    }

    #[tokio::test]
    async fn an_edit_after_publishing_reaches_the_tablet_and_keeps_a_ticked_removed_item_as_history() {
        let app = app().await;
        let supervisor = app.sign_in("supervisor").await;
        let input = json!({
            "title": "Chỉ đạo về trường học", "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": "2022-09-05",
            "sections": [{"heading": "Trường học", "tasks": [{"text": "Rà soát trường lớp", "lead": {"unit": "XA-BINH-CHAU"}, "assigned": [], "checklist": ["Kiểm tra mái", "Kiểm tra điện"]}]}]
        });
        let published = app.call(Method::POST, "/api/v1/directives", Some(&supervisor), Some(input.to_string())).await;
        let id = published.json["directive"].as_str().unwrap().to_owned();

        let official = app.sign_in("official").await;
        let first = app.pull(&official, 0).await;
        let roof =
            first["items"].as_array().unwrap().iter().find(|i| i["label"] == "Kiểm tra mái").unwrap()["id"].as_str().unwrap().to_owned();
        let mut tablet = Device::new();
        let tick = tablet.change(&roof, "done", json!(true), 1_000);
        assert_eq!(app.push(&official, json!([tick])).await.json["results"][0]["status"], "applied");
        let cursor = app.pull(&official, 0).await["cursor"].as_u64().unwrap();

        let form = app.call(Method::GET, &format!("/api/v1/directives/{id}"), Some(&supervisor), None).await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(form.json["sections"][0]["tasks"][0]["checklist"], json!(["Kiểm tra mái", "Kiểm tra điện"]));
        let mut edited = form.json.clone();
        edited["title"] = json!("Chỉ đạo về trường học (bổ sung)");
        edited["sections"][0]["tasks"][0]["checklist"] = json!(["Kiểm tra điện", "Kiểm tra nhà vệ sinh"]);
        let revised = app.call(Method::PUT, &format!("/api/v1/directives/{id}"), Some(&supervisor), Some(edited.to_string())).await;
        assert_eq!(revised.status, StatusCode::OK, "{}", revised.json);
        assert_eq!((revised.json["added_items"].as_u64(), revised.json["removed_items"].as_u64()), (Some(1), Some(1)));

        let after = app.pull(&official, cursor).await;
        let items = after["items"].as_array().unwrap();
        let removed = items.iter().find(|i| i["id"] == json!(roof)).expect("the removed item is sent so tablets drop it");
        assert_eq!((removed["removed"].as_bool(), removed["done"].as_bool()), (Some(true), Some(true)), "the tick is history, not lost");
        assert!(items.iter().any(|i| i["label"] == "Kiểm tra nhà vệ sinh" && i["removed"] == false));
        assert!(after["directives"].as_array().unwrap().iter().any(|d| d["title"] == "Chỉ đạo về trường học (bổ sung)"));

        // A tablet that ticks the removed item later is not refused: the tick is kept too.
        let late = tablet.change(&roof, "note", json!("đã sửa mái"), 2_000);
        assert_eq!(app.push(&official, json!([late])).await.json["results"][0]["status"], "applied");
        let report = app.call(Method::GET, "/api/v1/reports/progress", Some(&supervisor), None).await;
        let directive = report.json["directives"].as_array().unwrap().iter().find(|d| d["directive"]["id"] == json!(id)).unwrap().clone();
        assert_eq!(directive["tasks"][0]["units"][0]["total"], 2, "removed items are not counted as work");

        let unknown = app
            .call(Method::PUT, &format!("/api/v1/directives/{}", uuid::Uuid::now_v7()), Some(&supervisor), Some(edited.to_string()))
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn a_directive_with_problems_publishes_nothing_and_says_where() {
        let app = app().await;
        let supervisor = app.sign_in("supervisor").await;
        let before =
            app.call(Method::GET, "/api/v1/reports/progress", Some(&supervisor), None).await.json["directives"].as_array().unwrap().len();
        let input = json!({
            "title": "Chỉ đạo thử", "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": "2022-09-05",
            "sections": [{"heading": "Mục", "tasks": [
                {"text": "Việc một", "lead": {"unit": "XA-BINH-CHAU"}, "deadline": {"date": "2022-08-01", "kind": "before"}, "assigned": [], "checklist": ["Xong"]},
                {"text": "Việc hai", "lead": {"phrase": "các sở, ban ngành"}, "assigned": [], "checklist": ["Xong"]}
            ]}]
        });
        let refused = app.call(Method::POST, "/api/v1/directives", Some(&supervisor), Some(input.to_string())).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json["error"], "invalid_directive");
        let paths: Vec<&str> = refused.json["problems"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
        assert_eq!(paths, ["sections[0].tasks[0].deadline", "sections[0].tasks[1].lead"]);
        assert_eq!(refused.json["problems"][1]["place"], json!({"section": 0, "task": 1, "field": "lead"}));
        let after =
            app.call(Method::GET, "/api/v1/reports/progress", Some(&supervisor), None).await.json["directives"].as_array().unwrap().len();
        assert_eq!(before, after);

        let empty = draft(&app, &supervisor, "   ").await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.json["message"].as_str().unwrap().contains("empty"));
        let official = app.sign_in("official").await;
        assert_eq!(draft(&app, &official, TEXT).await.status, StatusCode::FORBIDDEN);
    }
}

/// The five defects an outside client found (issue 12), each as that client met it.
mod sync_defects {
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
        let cookie = app.sign_in("official").await;
        let ids = item_ids(&app.pull(&cookie, 0).await);
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
        let cookie = app.sign_in("official").await;
        let ids = item_ids(&app.pull(&cookie, 0).await);
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
        let cookie = app.sign_in("official").await;
        let ids = item_ids(&app.pull(&cookie, 0).await);
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
        let cookie = app.sign_in("official").await;
        let ids = item_ids(&app.pull(&cookie, 0).await);
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
            assert!(
                applied.values().all(|&times| times == 1),
                "round {round}: each change is applied by exactly one of the two: {applied:?}"
            );
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
        let cookie = app.sign_in("official").await;
        let ids = item_ids(&app.pull(&cookie, 0).await);
        let answer = app.push(&cookie, json!([change_with(chidao_core::sync::REVIEW_DEVICE, 1, &ids[0], "done", json!(true), 1)])).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(answer.json["message"].as_str().unwrap().contains("reserved"));
    }
}

/// The OpenAPI document holds for the sync answers in all their forms, not only for the
/// happy path the authorization matrix takes.
mod contract {
    use super::*;
    use common::contract::Contract;
    use common::Answer;

    #[tokio::test]
    async fn every_kind_of_sync_answer_matches_the_openapi_document() {
        let app = app().await;
        let contract = Contract::served_by(&app).await;
        let official = app.sign_in("official").await;
        let other = app.sign_in("official2").await;
        let supervisor = app.sign_in("supervisor").await;
        let pull = app.call(Method::GET, "/api/v1/sync/pull?since=0", Some(&official), None).await;
        contract.check(&Method::GET, "/api/v1/sync/pull", &pull);
        let ids = item_ids(&pull.json);
        let ahead = chrono::Utc::now().timestamp_millis() + 3_600_000;
        let mut tablet = Device::new();
        let tick = tablet.change(&ids[0], "done", json!(true), ahead);
        let note = tablet.change(&ids[0], "note", json!("ghi chú"), ahead + 1);
        let gone = tablet.change("0190f5a0-0000-7000-8000-00000000ffff", "done", json!(true), ahead + 2);
        let skipped = change_with(tablet.id, 9, &ids[1], "done", json!(true), ahead + 3);
        let pushed = app.push(&official, json!([tick.clone(), note, gone, skipped])).await;
        assert_eq!(super::statuses_of(&pushed), ["applied", "applied", "rejected", "gap"]);
        assert!(pushed.json["results"][0]["kept_stamp"].is_object());
        contract.check(&Method::POST, "/api/v1/sync/push", &pushed);
        let again = app.push(&official, json!([tick])).await;
        contract.check(&Method::POST, "/api/v1/sync/push", &again);
        // Someone else's unseen, earlier edit of the same field: superseded and a conflict.
        let late = app.push(&other, json!([Device::new().change(&ids[0], "done", json!(false), 1_000)])).await;
        assert_eq!(super::statuses_of(&late), ["superseded"]);
        contract.check(&Method::POST, "/api/v1/sync/push", &late);
        contract.check(&Method::GET, "/api/v1/sync/pull", &app.call(Method::GET, "/api/v1/sync/pull?since=0", Some(&official), None).await);
        contract.check(
            &Method::GET,
            "/api/v1/reports/progress",
            &app.call(Method::GET, "/api/v1/reports/progress", Some(&supervisor), None).await,
        );
        let queue = app.call(Method::GET, "/api/v1/review", Some(&supervisor), None).await;
        assert_eq!(queue.json["cases"].as_array().unwrap().len(), 1);
        contract.check(&Method::GET, "/api/v1/review", &queue);
        let invalid = app.push(&official, json!([{"colour": "red"}])).await;
        assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
        contract.check(&Method::POST, "/api/v1/sync/push", &invalid);
        contract.check(&Method::GET, "/healthz", &app.call(Method::GET, "/healthz", None, None).await);
    }

    #[tokio::test]
    async fn an_answer_the_document_does_not_describe_is_caught() {
        let app = app().await;
        let contract = Contract::served_by(&app).await;
        let cookie = app.sign_in("official").await;
        let real = app.call(Method::GET, "/api/v1/sync/pull?since=0", Some(&cookie), None).await;
        assert_eq!(contract.breach(&Method::GET, "/api/v1/sync/pull", &real), None);
        let mut extra = real.json.clone();
        extra["items"][0]["colour"] = json!("red");
        let forged = Answer { json: extra, ..real };
        assert!(contract.breach(&Method::GET, "/api/v1/sync/pull", &forged).is_some_and(|breach| breach.contains("colour")));
        let teapot = Answer { status: StatusCode::IM_A_TEAPOT, ..forged };
        assert!(contract.breach(&Method::GET, "/api/v1/sync/pull", &teapot).is_some_and(|breach| breach.contains("not documented")));
    }
}

fn statuses_of(answer: &common::Answer) -> Vec<String> {
    answer.json["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {}", answer.json))
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_answer_names_its_request_and_keeps_a_given_id() {
    let app = app().await;
    let answer = app.call(Method::GET, "/healthz", None, None).await;
    let id = answer.headers.get("x-request-id").expect("an id is made").to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let again = app.call(Method::GET, "/healthz", None, None).await;
    assert_ne!(again.headers["x-request-id"], id.as_str(), "each request has its own");
    let request =
        axum::http::Request::builder().uri("/healthz").header("x-request-id", "tablet-42").body(axum::body::Body::empty()).unwrap();
    assert_eq!(app.send(request).await.headers["x-request-id"], "tablet-42");
}
