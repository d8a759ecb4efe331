//! The OpenAPI document holds for every path and every form of the sync answers.

use super::*;

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
