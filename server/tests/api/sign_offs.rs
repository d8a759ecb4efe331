//! A head's sign-off of a commune's report, seen by supervisor and commune.

use super::*;

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
