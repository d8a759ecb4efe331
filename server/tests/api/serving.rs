//! What every answer carries, and the files the server serves itself.

use super::*;

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let app = app().await;
    let answer = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["status"], "ok");
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
