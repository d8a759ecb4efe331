//! Two people changing one item unseen: flagged, settled by those above, pulled everywhere.

use super::*;

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
