//! Signing in and out, and that nothing else answers without a session.

use super::*;

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
