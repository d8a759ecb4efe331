//! Shared set-up for the server tests: a real embedded SurrealDB, the demo data, and the
//! whole router driven in-process.

#![allow(dead_code)]

/// A PNG the server takes as a photo: the app's own icon.
pub const PNG: &[u8] = include_bytes!("../../../public/icons/icon-192.png");

/// The icon with `tag` after its end: still a PNG, but a photo of its own (its hash differs).
pub fn tagged_png(tag: &[u8]) -> Vec<u8> {
    let mut bytes = PNG.to_vec();
    bytes.extend_from_slice(tag);
    bytes
}

pub mod contract;
pub mod http;
pub mod process;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use chidao_server::config::DbArgs;
use chidao_server::routes::CookiePolicy;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub const PASSWORD: &str = "demo-password-for-tests";

pub struct TestApp {
    pub router: Router,
    pub store: chidao_server::db::Store,
}

pub fn db_args(url: &str) -> DbArgs {
    DbArgs { namespace: "test".into(), database: "test".into(), ..DbArgs::at(url) }
}

pub async fn app_with(url: &str) -> TestApp {
    app_serving(url, None).await
}

/// An app that also serves an offline shell (the service worker) built from `shell`.
pub async fn app_serving(url: &str, shell: Option<chidao_server::shell::Shell>) -> TestApp {
    app_built(url, shell, chidao_server::limits::SignInLimits::default(), CookiePolicy { secure: false, max_age_days: 30, idle_days: 14 })
        .await
}

pub async fn app_built(
    url: &str,
    shell: Option<chidao_server::shell::Shell>,
    limits: chidao_server::limits::SignInLimits,
    cookies: CookiePolicy,
) -> TestApp {
    let store = chidao_server::db::open(&db_args(url).settings()).await.expect("database opens");
    chidao_server::demo::seed_if_empty(&store, PASSWORD, chidao_server::demo::DemoScope::Seed).await.expect("demo data loads");
    let settings = chidao_server::AppSettings { cookies, shell, limits, ..Default::default() };
    let router = chidao_server::app(&chidao_server::Services::new(store.clone()), settings);
    TestApp { router, store }
}

pub async fn app() -> TestApp {
    app_with("mem://").await
}

/// An app over `store` as it is: no demo data.
pub fn app_over(store: chidao_server::db::Store) -> TestApp {
    let router = chidao_server::app(&chidao_server::Services::new(store.clone()), Default::default());
    TestApp { router, store }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
    pub bytes: Vec<u8>,
}

impl TestApp {
    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        // An event stream stays open: its answer is its status and headers.
        if headers.get("content-type").is_some_and(|value| value.as_bytes().starts_with(b"text/event-stream")) {
            return Answer { status, headers, json: Value::Null, bytes: Vec::new() };
        }
        let bytes = response.into_body().collect().await.expect("body reads").to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Answer { status, headers, json, bytes: bytes.to_vec() }
    }

    pub async fn call(&self, method: Method, path: &str, cookie: Option<&str>, body: Option<String>) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let body = match body {
            Some(text) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(text)
            }
            None => Body::empty(),
        };
        self.send(request.body(body).unwrap()).await
    }

    /// Signs in and returns the cookie to send back.
    pub async fn sign_in(&self, username: &str) -> String {
        let body = serde_json::json!({"username": username, "password": PASSWORD}).to_string();
        let answer = self.call(Method::POST, "/api/v1/session", None, Some(body)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        let set_cookie = answer.headers.get(header::SET_COOKIE).expect("session cookie").to_str().unwrap();
        set_cookie.split(';').next().unwrap().to_owned()
    }

    /// Signs in as `username` and pulls from the start: the cookie and the ids of the
    /// items that account sees, in the order the server sends them.
    pub async fn signed_in_with_items(&self, username: &str) -> (String, Vec<String>) {
        let cookie = self.sign_in(username).await;
        let pull = self.pull(&cookie, 0).await;
        (cookie, item_ids(&pull))
    }

    pub async fn pull(&self, cookie: &str, since: u64) -> Value {
        let answer = self.call(Method::GET, &format!("/api/v1/sync/pull?since={since}"), Some(cookie), None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
        answer.json
    }

    /// Posts `body` as `content_type` (a CSV file, a pasted text).
    pub async fn post_text(&self, cookie: &str, path: &str, content_type: &str, body: &str) -> Answer {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .unwrap();
        self.send(request).await
    }

    /// Sends `bytes` as a photo of `item` under `id`, declared as `content_type`.
    pub async fn upload_photo(&self, cookie: &str, item: &str, id: &str, content_type: &str, bytes: Vec<u8>) -> Answer {
        let request = Request::builder()
            .method(Method::PUT)
            .uri(format!("/api/v1/photos/{id}?item={item}"))
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(bytes))
            .unwrap();
        self.send(request).await
    }

    /// How many times the change (as sent, JSON) is in the server's change log.
    pub async fn times_logged(&self, change: &Value) -> usize {
        let id = uuid::Uuid::parse_str(change["id"].as_str().expect("a change has an id")).expect("change ids are UUIDs");
        self.store.sync.change_log_count(id).await.expect("the log can be read")
    }

    pub async fn push(&self, cookie: &str, changes: Value) -> Answer {
        let body = serde_json::json!({ "changes": changes }).to_string();
        self.call(Method::POST, "/api/v1/sync/push", Some(cookie), Some(body)).await
    }
}

/// The ids of the items in a pull's answer.
pub fn item_ids(pull: &Value) -> Vec<String> {
    pull["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
}

/// A simulated device: numbers its changes 1, 2, 3… as a real one does.
pub struct Device {
    pub id: uuid::Uuid,
    next_seq: u64,
}

impl Device {
    pub fn new() -> Self {
        Self { id: uuid::Uuid::now_v7(), next_seq: 1 }
    }

    pub fn change(&mut self, item: &str, field: &str, value: Value, wall_ms: i64) -> Value {
        let seq = self.next_seq;
        self.next_seq += 1;
        change_with(self.id, seq, item, field, value, wall_ms)
    }
}

pub fn change_with(device: uuid::Uuid, seq: u64, item: &str, field: &str, value: Value, wall_ms: i64) -> Value {
    serde_json::json!({
        "id": uuid::Uuid::now_v7(),
        "item": item,
        "seq": seq,
        "stamp": {"wall_ms": wall_ms, "counter": 0, "device": device},
        "field": field,
        "value": value,
    })
}
