//! Pasted text to draft to published directive, and edits after publishing.

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
    let roof = first["items"].as_array().unwrap().iter().find(|i| i["label"] == "Kiểm tra mái").unwrap()["id"].as_str().unwrap().to_owned();
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

    let unknown =
        app.call(Method::PUT, &format!("/api/v1/directives/{}", uuid::Uuid::now_v7()), Some(&supervisor), Some(edited.to_string())).await;
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
