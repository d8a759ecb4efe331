//! Input that is not what the API takes: a clear 4xx with a reason, nothing half written.

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
