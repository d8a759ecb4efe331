//! Web security, sessions and accounts against a real embedded SurrealDB: headers, the
//! same-origin rule, sign-in throttling, idle and absolute expiry, password reset and
//! change, disabled accounts, the unit import, and text that looks like code.

use crate::common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use chidao_server::auth::session_key;
use chidao_server::limits::SignInLimits;
use chidao_server::routes::CookiePolicy;
use common::{app, app_built, Answer, Device, TestApp, PASSWORD};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn sign_in_request(username: &str, password: &str, from: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"username": username, "password": password}).to_string()))
        .unwrap();
    if let Some(address) = from {
        let address: SocketAddr = format!("{address}:40000").parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(address));
    }
    request
}

fn token_of(cookie: &str) -> &str {
    cookie.split_once('=').unwrap().1
}

async fn sign_in_with(app: &TestApp, username: &str, password: &str) -> Answer {
    app.send(sign_in_request(username, password, None)).await
}

fn cookie_from(answer: &Answer) -> String {
    answer.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_the_page_its_nonce() {
    let app = app().await;
    let health = app.call(Method::GET, "/healthz", None, None).await;
    let policy = health.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        policy.contains("frame-ancestors 'none'") && policy.contains("'wasm-unsafe-eval'") && policy.contains("object-src 'none'"),
        "{policy}"
    );
    assert_eq!(health.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(health.headers[header::X_FRAME_OPTIONS], "DENY");

    let page = app.call(Method::GET, "/", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let policy = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce in the policy");
    let html = String::from_utf8(page.bytes.clone()).unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the header's nonce");
    let again = app.call(Method::GET, "/", None, None).await;
    assert!(!again.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains(nonce), "a nonce is used once");
}

#[tokio::test]
async fn writes_from_another_site_are_refused() {
    let app = app().await;
    let body = json!({"username": "official", "password": PASSWORD}).to_string();
    for (name, value) in [("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")] {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/session")
            .header(header::HOST, "chidao.example")
            .header(header::CONTENT_TYPE, "application/json")
            .header(name, value)
            .body(Body::from(body.clone()))
            .unwrap();
        let answer = app.send(request).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{name}: {value}");
        assert_eq!(answer.json["error"], "cross_origin");
    }
    let same = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(header::HOST, "chidao.example")
        .header("origin", "http://chidao.example")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(same).await.status, StatusCode::OK);
}

#[tokio::test]
async fn repeated_failures_hold_a_username_and_an_address_with_retry_after() {
    let limits = SignInLimits { per_username: 3, per_address: 5, window: Duration::from_secs(600) };
    let app = app_built("mem://", None, limits, CookiePolicy { secure: false, max_age_days: 30, idle_days: 14 }).await;
    for _ in 0..3 {
        let answer = app.send(sign_in_request("official", "wrong-password", Some("10.1.1.1"))).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    // Held now, even with the right password and from elsewhere.
    let held = app.send(sign_in_request("official", PASSWORD, Some("10.2.2.2"))).await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(held.json["error"], "too_many_attempts");
    let retry: u64 = held.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    // Another person from the first address still gets two tries before the address is held.
    for _ in 0..2 {
        assert_eq!(app.send(sign_in_request("ghost", "wrong-password", Some("10.1.1.1"))).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.send(sign_in_request("head", PASSWORD, Some("10.1.1.1"))).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.send(sign_in_request("head", PASSWORD, Some("10.3.3.3"))).await.status, StatusCode::OK);
}

#[tokio::test]
async fn failures_counted_by_one_app_server_hold_the_guesser_on_another() {
    let limits = SignInLimits { per_username: 3, per_address: 50, window: Duration::from_secs(600) };
    let cookies = CookiePolicy { secure: false, max_age_days: 30, idle_days: 14 };
    let first = app_built("mem://", None, limits, cookies.clone()).await;
    // A second app server: its own router and throttle, the same database.
    let settings = chidao_server::AppSettings { cookies, limits, ..Default::default() };
    let second = chidao_server::app(&chidao_server::Services::new(first.store.clone()), settings);
    let second = TestApp { router: second, store: first.store.clone() };
    for (server, address) in [(&first, "10.1.1.1"), (&second, "10.1.1.2"), (&first, "10.1.1.3")] {
        assert_eq!(server.send(sign_in_request("official", "wrong-password", Some(address))).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(second.send(sign_in_request("official", PASSWORD, Some("10.1.1.4"))).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(first.send(sign_in_request("official", PASSWORD, Some("10.1.1.4"))).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(second.send(sign_in_request("head", PASSWORD, Some("10.1.1.4"))).await.status, StatusCode::OK, "others are not held");
}

#[tokio::test]
async fn an_unknown_user_and_a_wrong_password_look_and_take_alike() {
    let app = app().await;
    // Warm the decoy hash so the first call does not count its creation.
    sign_in_with(&app, "ghost", "nope-nope-nope").await;
    let time = |_: ()| Instant::now();
    let mut wrong = Duration::ZERO;
    let mut unknown = Duration::ZERO;
    let mut bodies = Vec::new();
    for _ in 0..3 {
        let start = time(());
        bodies.push(sign_in_with(&app, "official", "nope-nope-nope").await.json);
        wrong += start.elapsed();
        let start = time(());
        bodies.push(sign_in_with(&app, "ghost", "nope-nope-nope").await.json);
        unknown += start.elapsed();
    }
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]), "{bodies:?}");
    let ratio = wrong.as_secs_f64() / unknown.as_secs_f64();
    assert!((0.5..2.0).contains(&ratio), "wrong {wrong:?} vs unknown {unknown:?}");
}

#[tokio::test]
async fn a_session_ends_when_idle_and_at_its_end() {
    let app = app_built("mem://", None, SignInLimits::default(), CookiePolicy { secure: false, max_age_days: 30, idle_days: 1 }).await;
    let cookie = app.sign_in("official").await;
    assert_eq!(app.call(Method::GET, "/api/v1/session", Some(&cookie), None).await.status, StatusCode::OK);
    let two_days_ago = chrono::Utc::now().timestamp_millis() - 2 * 24 * 3600 * 1000;
    app.store.people.touch_session(&session_key(token_of(&cookie)), two_days_ago).await.unwrap();
    assert_eq!(app.call(Method::GET, "/api/v1/session", Some(&cookie), None).await.status, StatusCode::UNAUTHORIZED);
    assert!(app.store.people.session(&session_key(token_of(&cookie))).await.unwrap().is_none(), "an ended session is removed");

    let token = "ab".repeat(32);
    let now = chrono::Utc::now().timestamp_millis();
    app.store.people.create_session(&session_key(&token), "official", now - 1000, now - 1).await.unwrap();
    let expired = app.call(Method::GET, "/api/v1/session", Some(&format!("chidao_session={token}")), None).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_reset_password_must_be_changed_before_anything_else_and_ends_old_sessions() {
    let app = app().await;
    let admin = app.sign_in("admin").await;
    let before = app.sign_in("official").await;
    let reset = app.call(Method::POST, "/api/v1/admin/accounts/official/password", Some(&admin), None).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.json);
    let temporary = reset.json["temporary_password"].as_str().unwrap().to_owned();
    assert!(temporary.len() >= 16);
    assert_eq!(app.call(Method::GET, "/api/v1/sync/pull", Some(&before), None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in_with(&app, "official", PASSWORD).await.status, StatusCode::UNAUTHORIZED, "the old password is gone");

    let signed_in = sign_in_with(&app, "official", &temporary).await;
    assert_eq!(signed_in.json["must_change_password"], true);
    let cookie = cookie_from(&signed_in);
    let blocked = app.call(Method::GET, "/api/v1/sync/pull", Some(&cookie), None).await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN);
    assert_eq!(blocked.json["error"], "password_change_required");

    let same = json!({"current_password": temporary, "new_password": temporary}).to_string();
    assert_eq!(
        app.call(Method::POST, "/api/v1/session/password", Some(&cookie), Some(same)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let short = json!({"current_password": temporary, "new_password": "short"}).to_string();
    assert_eq!(
        app.call(Method::POST, "/api/v1/session/password", Some(&cookie), Some(short)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let wrong = json!({"current_password": "not-the-one", "new_password": "mật khẩu mới của tôi"}).to_string();
    assert_eq!(app.call(Method::POST, "/api/v1/session/password", Some(&cookie), Some(wrong)).await.status, StatusCode::FORBIDDEN);
    let change = json!({"current_password": temporary, "new_password": "mật khẩu mới của tôi"}).to_string();
    let changed = app.call(Method::POST, "/api/v1/session/password", Some(&cookie), Some(change)).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.json);
    assert_eq!(changed.json["must_change_password"], false);
    assert_eq!(
        app.call(Method::GET, "/api/v1/sync/pull", Some(&cookie), None).await.status,
        StatusCode::OK,
        "the changing session goes on"
    );
    assert_eq!(sign_in_with(&app, "official", "mật khẩu mới của tôi").await.status, StatusCode::OK);

    let accounts = app.call(Method::GET, "/api/v1/admin/accounts", Some(&admin), None).await;
    let official = accounts.json.as_array().unwrap().iter().find(|a| a["username"] == "official").unwrap().clone();
    assert!(official["last_sign_in_ms"].as_i64().unwrap() > 0);
    assert!(official.get("password_hash").is_none(), "hashes never leave the server");
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_and_cannot_sign_in_until_enabled() {
    let app = app().await;
    let admin = app.sign_in("admin").await;
    let official = app.sign_in("official").await;
    let disable =
        app.call(Method::PATCH, "/api/v1/admin/accounts/official", Some(&admin), Some(json!({"disabled": true}).to_string())).await;
    assert_eq!(disable.status, StatusCode::NO_CONTENT, "{}", disable.json);
    assert_eq!(app.call(Method::GET, "/api/v1/sync/pull", Some(&official), None).await.status, StatusCode::UNAUTHORIZED);
    // The right password of a disabled account is answered as a wrong one: the answer
    // says nothing about which accounts exist or are disabled.
    let refused = sign_in_with(&app, "official", PASSWORD).await;
    let wrong = sign_in_with(&app, "official", "not-the-password-at-all").await;
    assert_eq!((refused.status, &refused.json), (wrong.status, &wrong.json));
    assert_eq!(refused.json["error"], "wrong_credentials");
    app.call(Method::PATCH, "/api/v1/admin/accounts/official", Some(&admin), Some(json!({"disabled": false}).to_string())).await;
    assert_eq!(sign_in_with(&app, "official", PASSWORD).await.status, StatusCode::OK);

    let myself = app.call(Method::PATCH, "/api/v1/admin/accounts/admin", Some(&admin), Some(json!({"disabled": true}).to_string())).await;
    assert_eq!(myself.status, StatusCode::UNPROCESSABLE_ENTITY, "an admin cannot lock themselves out");
    let demote =
        app.call(Method::PATCH, "/api/v1/admin/accounts/admin", Some(&admin), Some(json!({"roles": ["supervisor"]}).to_string())).await;
    assert_eq!(demote.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nor may an admin grant themselves the office's roles; another admin may.
    let promote = json!({"roles": ["admin", "supervisor"]}).to_string();
    let own = app.call(Method::PATCH, "/api/v1/admin/accounts/admin", Some(&admin), Some(promote.clone())).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.json);
    assert!(own.json["message"].as_str().unwrap().contains("another admin"), "{}", own.json);
    let same = app.call(Method::PATCH, "/api/v1/admin/accounts/admin", Some(&admin), Some(json!({"roles": ["admin"]}).to_string())).await;
    assert_eq!(same.status, StatusCode::NO_CONTENT, "keeping one's own roles is no change: {}", same.json);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_the_account_only() {
    let app = app().await;
    let tablet = app.sign_in("official").await;
    let office = app.sign_in("official").await;
    let colleague = app.sign_in("official2").await;
    assert_eq!(app.call(Method::DELETE, "/api/v1/session/all", Some(&tablet), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.call(Method::GET, "/api/v1/session", Some(&office), None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.call(Method::GET, "/api/v1/session", Some(&colleague), None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_new_account_gets_a_temporary_password_and_works_in_its_unit() {
    let app = app().await;
    let admin = app.sign_in("admin").await;
    let new = json!({"username": "can-bo.tk", "display_name": "Cán bộ xã Tịnh Khê", "roles": ["official"], "unit": "XA-TINH-KHE"});
    let created = app.call(Method::POST, "/api/v1/admin/accounts", Some(&admin), Some(new.to_string())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let again = app.call(Method::POST, "/api/v1/admin/accounts", Some(&admin), Some(new.to_string())).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    for (bad, why) in [
        (json!({"username": "Bad Name", "display_name": "x", "roles": ["official"], "unit": "XA-TINH-KHE"}), "username"),
        (json!({"username": "ok", "display_name": " ", "roles": ["official"], "unit": "XA-TINH-KHE"}), "display name"),
        (json!({"username": "ok", "display_name": "x", "roles": [], "unit": "XA-TINH-KHE"}), "roles"),
        (json!({"username": "ok", "display_name": "x", "roles": ["official"], "unit": "XA-NOWHERE"}), "unit"),
    ] {
        let answer = app.call(Method::POST, "/api/v1/admin/accounts", Some(&admin), Some(bad.to_string())).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{why}: {}", answer.json);
    }
    let temporary = created.json["temporary_password"].as_str().unwrap();
    let signed_in = sign_in_with(&app, "can-bo.tk", temporary).await;
    let cookie = cookie_from(&signed_in);
    let change = json!({"current_password": temporary, "new_password": "Tịnh Khê 2022"}).to_string();
    assert_eq!(app.call(Method::POST, "/api/v1/session/password", Some(&cookie), Some(change)).await.status, StatusCode::OK);
    let pull = app.pull(&cookie, 0).await;
    let items = pull["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|item| item["unit"] == "XA-TINH-KHE"));
}

#[tokio::test]
async fn a_unit_file_with_any_bad_row_imports_nothing_and_says_where() {
    let app = app().await;
    let admin = app.sign_in("admin").await;
    let import = |csv: &'static str| app.post_text(&admin, "/api/v1/admin/units/import", "text/csv; charset=utf-8", csv);
    let bad =
        import("code,name,kind,parent_code\r\nXA-BINH-HAI,UBND xã Bình Hải,commune,HUYEN-BINH-SON\r\nXA-MOI,,commune,HUYEN-BINH-SON\r\n")
            .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json["error"], "invalid_rows");
    assert_eq!(bad.json["rows"][0]["line"], 3);
    assert_eq!(bad.json["rows"][0]["code"], "XA-MOI");
    let units = app.call(Method::GET, "/api/v1/admin/units", Some(&admin), None).await;
    assert!(!units.json.as_array().unwrap().iter().any(|u| u["code"] == "XA-BINH-HAI"), "nothing from a bad file");

    let good = import("code,name,kind,parent_code\nXA-BINH-HAI,\"UBND xã Bình Hải, huyện Bình Sơn\",commune,HUYEN-BINH-SON\n").await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.json);
    assert_eq!(good.json["written"], 1);
    let units = app.call(Method::GET, "/api/v1/admin/units", Some(&admin), None).await;
    let added = units.json.as_array().unwrap().iter().find(|u| u["code"] == "XA-BINH-HAI").unwrap().clone();
    assert_eq!(added["name"], "UBND xã Bình Hải, huyện Bình Sơn");
    assert_eq!(added["parent"], "HUYEN-BINH-SON");
    // The district head now follows the new commune too.
    let head = app.sign_in("head").await;
    let scope = chidao_server::auth::read_scope(
        &app.store.units,
        &chidao_server::auth::User {
            username: "head".into(),
            display_name: "x".into(),
            roles: chidao_core::domain::Roles::one(chidao_core::domain::Role::Head),
            unit: chidao_core::domain::UnitCode::parse("HUYEN-BINH-SON").unwrap(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    assert!(scope.includes(&chidao_core::domain::UnitCode::parse("XA-BINH-HAI").unwrap()));
    let not_text = app.post_text(&head, "/api/v1/admin/units/import", "text/csv", "code,name,kind,parent_code\n").await;
    assert_eq!(not_text.status, StatusCode::FORBIDDEN, "heads do not change the tree");
}

/// Strings that would do harm if any layer built queries or HTML by pasting text.
const HOSTILE: [&str; 6] = [
    "'; DELETE unit; --",
    "\"; REMOVE TABLE account; SELECT * FROM account WHERE \"\"=\"",
    "$username ⟨account⟩ `unit` type::table('account')",
    "<script>alert('x')</script>",
    "<img src=x onerror=\"alert(1)\">",
    "Xã Bình Châu'); DROP TABLE item;--",
];

#[tokio::test]
async fn text_that_looks_like_surrealql_or_html_is_stored_and_returned_literally() {
    let app = app().await;
    let admin = app.sign_in("admin").await;
    // Unit names, through the form and through a file.
    let rows: Vec<Value> = HOSTILE
        .iter()
        .enumerate()
        .map(|(index, name)| json!({"code": format!("XA-THU-{index}"), "name": name, "kind": "commune", "parent_code": "HUYEN-BINH-SON"}))
        .collect();
    let written = app.call(Method::POST, "/api/v1/admin/units", Some(&admin), Some(json!({"rows": rows}).to_string())).await;
    assert_eq!(written.status, StatusCode::OK, "{}", written.json);
    let csv = format!("code,name,kind,parent_code\nXA-THU-CSV,\"{}\",commune,HUYEN-BINH-SON\n", HOSTILE[1].replace('"', "\"\""));
    assert_eq!(app.post_text(&admin, "/api/v1/admin/units/import", "text/csv", &csv).await.status, StatusCode::OK);
    let units = app.call(Method::GET, "/api/v1/admin/units", Some(&admin), None).await.json;
    let name_of = |code: &str| units.as_array().unwrap().iter().find(|u| u["code"] == code).unwrap()["name"].clone();
    for (index, name) in HOSTILE.iter().enumerate() {
        assert_eq!(name_of(&format!("XA-THU-{index}")), json!(name));
    }
    assert_eq!(name_of("XA-THU-CSV"), json!(HOSTILE[1]));

    // Display names, through account creation and edits.
    for (index, name) in HOSTILE.iter().enumerate() {
        let new =
            json!({"username": format!("thu{index}"), "display_name": name, "roles": ["official"], "unit": format!("XA-THU-{index}")});
        let created = app.call(Method::POST, "/api/v1/admin/accounts", Some(&admin), Some(new.to_string())).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    }
    let accounts = app.call(Method::GET, "/api/v1/admin/accounts", Some(&admin), None).await.json;
    for (index, name) in HOSTILE.iter().enumerate() {
        let account = accounts.as_array().unwrap().iter().find(|a| a["username"] == format!("thu{index}")).unwrap();
        assert_eq!(account["display_name"], json!(name));
    }
    assert!(accounts.as_array().unwrap().len() >= 6 + HOSTILE.len(), "no account was removed");

    // Notes, through sync.
    let official = app.sign_in("official").await;
    let pull = app.pull(&official, 0).await;
    let items: Vec<String> = pull["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
    let mut tablet = Device::new();
    let changes: Vec<Value> = HOSTILE
        .iter()
        .zip(&items)
        .enumerate()
        .map(|(n, (text, item))| tablet.change(item, "note", json!(text), 1_000 + n as i64))
        .collect();
    let pushed = app.push(&official, json!(changes)).await;
    assert!(pushed.json["results"].as_array().unwrap().iter().all(|r| r["status"] == "applied"), "{}", pushed.json);
    let after = app.pull(&official, 0).await;
    for (text, item) in HOSTILE.iter().zip(&items) {
        let note = after["items"].as_array().unwrap().iter().find(|i| i["id"] == json!(item)).unwrap()["note"].clone();
        assert_eq!(note, json!(text));
    }
    // Directive text: title, heading, task text, target and checklist lines.
    let supervisor = app.sign_in("supervisor").await;
    let cursor = app.pull(&official, 0).await["cursor"].as_u64().unwrap();
    let directive = json!({
        "title": HOSTILE[0], "issuer": HOSTILE[3], "issued_on": "2022-09-01",
        "sections": [{"heading": HOSTILE[1], "tasks": [{
            "text": HOSTILE[2], "lead": {"unit": "XA-BINH-CHAU"}, "target": HOSTILE[4], "assigned": [],
            "checklist": [HOSTILE[4], HOSTILE[5]]
        }]}]
    });
    let published = app.call(Method::POST, "/api/v1/directives", Some(&supervisor), Some(directive.to_string())).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.json);
    let pulled = app.pull(&official, cursor).await;
    let new = pulled["directives"].as_array().unwrap().iter().find(|d| d["title"] == json!(HOSTILE[0])).expect("stored as written").clone();
    assert_eq!((new["issuer"].clone(), new["sections"][0]["heading"].clone()), (json!(HOSTILE[3]), json!(HOSTILE[1])));
    let task = pulled["tasks"].as_array().unwrap().iter().find(|t| t["text"] == json!(HOSTILE[2])).expect("task text as written").clone();
    assert_eq!(task["target"], json!(HOSTILE[4]));
    let labels: Vec<&str> = pulled["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, [HOSTILE[4], HOSTILE[5]]);

    // The tables the strings name are all still there.
    assert!(!app.store.units.units().await.unwrap().is_empty());
    assert!(app.store.people.account("official").await.unwrap().is_some());

    // A hostile username is refused, not run.
    let sneaky = json!({"username": "x' OR 1=1 --", "password": PASSWORD}).to_string();
    assert_eq!(app.call(Method::POST, "/api/v1/session", None, Some(sneaky)).await.status, StatusCode::UNAUTHORIZED);
}

/// Guesses sent all at once are each counted before their password is checked: of 60 at
/// once, no more than the limit get to be checked, whatever the order they finish in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_sent_together_are_all_counted() {
    let app = std::sync::Arc::new(app().await);
    let guesses: Vec<_> = (0..60)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move { app.send(sign_in_request("official", &format!("wrong-guess-{n}"), Some("10.9.9.9"))).await.status })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for guess in guesses {
        *statuses.entry(guess.await.unwrap().as_u16()).or_insert(0) += 1;
    }
    let checked = statuses.get(&401).copied().unwrap_or(0);
    assert!(checked <= SignInLimits::default().per_username, "{statuses:?}");
    assert_eq!(checked + statuses.get(&429).copied().unwrap_or(0), 60, "only 401 and 429: {statuses:?}");
    let right = app.send(sign_in_request("official", PASSWORD, Some("10.8.8.8"))).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "the account is held after the burst");
}

/// The password change checks a password too, so it is counted with the sign-ins.
#[tokio::test]
async fn wrong_current_passwords_are_held_back_like_sign_ins() {
    let app = app().await;
    let official = app.sign_in("official").await;
    let mut statuses = Vec::new();
    for n in 0..8 {
        let wrong = json!({"current_password": format!("not-the-password-{n}"), "new_password": "một mật khẩu mới dài"}).to_string();
        statuses.push(app.call(Method::POST, "/api/v1/session/password", Some(&official), Some(wrong)).await.status.as_u16());
    }
    let limit = SignInLimits::default().per_username;
    assert!(statuses[..limit].iter().all(|status| *status == 403), "{statuses:?}");
    assert!(statuses[limit..].iter().all(|status| *status == 429), "{statuses:?}");
    let signed_in = sign_in_with(&app, "official", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::TOO_MANY_REQUESTS, "the guesses count for sign-in too");
}

#[tokio::test]
async fn a_new_password_has_twelve_characters_and_is_not_a_common_one() {
    let app = app().await;
    let official = app.sign_in("official").await;
    for weak in ["ngắn quá", "123456789012", "qwerty123456", "aaaaaaaaaaaaaaaa"] {
        let change = json!({"current_password": PASSWORD, "new_password": weak}).to_string();
        let refused = app.call(Method::POST, "/api/v1/session/password", Some(&official), Some(change)).await;
        assert_eq!((refused.status, refused.json["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("weak_password")), "{weak}");
    }
    let change = json!({"current_password": PASSWORD, "new_password": "ruộng lúa Bình Châu"}).to_string();
    assert_eq!(app.call(Method::POST, "/api/v1/session/password", Some(&official), Some(change)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn api_answers_are_never_kept_by_the_browser_cache_and_photos_are_asked_for_again() {
    let app = app().await;
    let official = app.sign_in("official").await;
    let pull = app.call(Method::GET, "/api/v1/sync/pull", Some(&official), None).await;
    assert_eq!(pull.headers[header::CACHE_CONTROL], "no-store");
    let me = app.call(Method::GET, "/api/v1/session", Some(&official), None).await;
    assert_eq!(me.headers[header::CACHE_CONTROL], "no-store");
    assert!(me.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(), "no HSTS over plain HTTP");

    let item = pull.json["items"][0]["id"].as_str().unwrap().to_owned();
    let photo = common::PNG;
    let id = chidao_core::domain::PhotoId::of(photo).to_string();
    assert_eq!(app.upload_photo(&official, &item, &id, "image/png", photo.to_vec()).await.status, StatusCode::CREATED);
    let fetched = app.call(Method::GET, &format!("/api/v1/photos/{id}"), Some(&official), None).await;
    assert_eq!(fetched.headers[header::CACHE_CONTROL], "private, no-cache");
    let tag = fetched.headers[header::ETAG].to_str().unwrap().to_owned();
    let again = |cookie: Option<String>| {
        let mut request = Request::builder().uri(format!("/api/v1/photos/{id}")).header(header::IF_NONE_MATCH, tag.clone());
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.body(Body::empty()).unwrap()
    };
    assert_eq!(app.send(again(Some(official.clone()))).await.status, StatusCode::NOT_MODIFIED);
    // After sign-out the browser's copy is not confirmed to anyone without a session, nor
    // to an official of another commune.
    assert_eq!(app.send(again(None)).await.status, StatusCode::UNAUTHORIZED);
    let other = app.sign_in("official3").await;
    assert_eq!(app.send(again(Some(other))).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn over_https_browsers_are_told_to_keep_to_https() {
    let cookies = CookiePolicy { secure: true, max_age_days: 30, idle_days: 14 };
    let app = app_built("mem://", None, SignInLimits::default(), cookies).await;
    let health = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(health.headers[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000; includeSubDomains");
}

/// Opens the live stream over a real connection and returns it once the head arrived.
async fn open_live(port: u16, cookie: &str) -> (u16, tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let request = format!("GET /api/v1/reports/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        if stream.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    let status = String::from_utf8_lossy(&head).split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, stream)
}

/// Reads until the server closes the stream; false if it is still open after `within`.
async fn closes_within(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let deadline = Instant::now() + within;
    let mut buffer = [0u8; 4096];
    while Instant::now() < deadline {
        match tokio::time::timeout(deadline - Instant::now(), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_stream_ends_with_its_session_and_streams_are_bounded() {
    let store = chidao_server::db::open(&common::db_args("mem://").settings()).await.unwrap();
    chidao_server::demo::seed_if_empty(&store, PASSWORD, chidao_server::demo::DemoScope::Seed).await.unwrap();
    let port = common::http::serve_on_loopback(&chidao_server::Services::new(store)).await;
    let sign_in = |username: &'static str| common::http::signed_in_cookie(port, username, PASSWORD);
    let official = sign_in("official").await;
    let (_, _, pull) = common::http::http(port, "GET", "/api/v1/sync/pull", Some(&official), None).await.unwrap();
    let items: Vec<String> = pull["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect();
    let mut device = Device::new();
    let mut tick = move |n: usize| json!({"changes": [device.change(&items[n % items.len()], "done", json!(n.is_multiple_of(2)), 1_780_000_000_000 + n as i64)]});

    // Signed out: the next write ends the stream instead of reaching it.
    let supervisor = sign_in("supervisor").await;
    let (status, mut stream) = open_live(port, &supervisor).await;
    assert_eq!(status, 200);
    let (signed_out, _, _) = common::http::http(port, "DELETE", "/api/v1/session", Some(&supervisor), None).await.unwrap();
    assert_eq!(signed_out, 204);
    common::http::http(port, "POST", "/api/v1/sync/push", Some(&official), Some(&tick(1))).await.unwrap();
    assert!(closes_within(&mut stream, Duration::from_secs(5)).await, "the stream outlived its sign-out");

    // Disabled: the same.
    let admin = sign_in("admin").await;
    let head = sign_in("head").await;
    let (status, mut stream) = open_live(port, &head).await;
    assert_eq!(status, 200);
    let disable = json!({"disabled": true});
    assert_eq!(common::http::http(port, "PATCH", "/api/v1/admin/accounts/head", Some(&admin), Some(&disable)).await.unwrap().0, 204);
    common::http::http(port, "POST", "/api/v1/sync/push", Some(&official), Some(&tick(2))).await.unwrap();
    assert!(closes_within(&mut stream, Duration::from_secs(5)).await, "the stream outlived its account");

    // One sign-in keeps a few open, no more; closing one makes room.
    let supervisor = sign_in("supervisor").await;
    let per_session = chidao_server::limits::StreamLimits::default().per_session;
    let mut open = Vec::new();
    for _ in 0..per_session {
        let (status, stream) = open_live(port, &supervisor).await;
        assert_eq!(status, 200);
        open.push(stream);
    }
    let (refused, _) = open_live(port, &supervisor).await;
    assert_eq!(refused, 429);
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (status, stream) = open_live(port, &supervisor).await;
        if status == 200 {
            open.push(stream);
            break;
        }
        assert!(Instant::now() < deadline, "a closed stream's place was never given back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A sign-in on a browser that still holds another session's cookie (a sign-out that never
/// reached the server) ends that session: nobody is left able to act as the one before.
#[tokio::test]
async fn signing_in_ends_the_session_of_the_cookie_it_replaces() {
    let app = app().await;
    let previous = app.sign_in("official").await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, previous.clone())
        .body(Body::from(json!({"username": "official2", "password": PASSWORD}).to_string()))
        .unwrap();
    let next = app.send(request).await;
    assert_eq!(next.status, StatusCode::OK);
    assert_eq!(app.call(Method::GET, "/api/v1/session", Some(&previous), None).await.status, StatusCode::UNAUTHORIZED);
    let now = cookie_from(&next);
    assert_eq!(app.call(Method::GET, "/api/v1/session", Some(&now), None).await.json["username"], "official2");
}

/// Photos are bounded per item and per unit and day, and by the pixels they decode to.
#[tokio::test]
async fn photos_are_bounded_per_item_per_unit_and_day_and_in_pixels() {
    let app = app().await;
    // Enough items for a day's photos: the seed's 7 and a directive's 10 more.
    let supervisor = app.sign_in("supervisor").await;
    let lines: Vec<String> = (1..=10).map(|n| format!("Bước {n}")).collect();
    let directive = json!({
        "title": "Chỉ đạo nhiều bước", "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": "2026-12-01",
        "sections": [{"heading": "Mục một", "tasks": [{"text": "Việc mười bước", "lead": {"unit": "XA-BINH-CHAU"}, "coordinating": [],
            "deadline": null, "assigned": ["XA-BINH-CHAU"], "checklist": lines}]}]
    });
    assert_eq!(
        app.call(Method::POST, "/api/v1/directives", Some(&supervisor), Some(directive.to_string())).await.status,
        StatusCode::CREATED
    );
    let official = app.sign_in("official").await;
    let items: Vec<String> =
        app.pull(&official, 0).await["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect();
    let icon = common::PNG;
    let photo = |n: usize| {
        let mut bytes = icon.to_vec();
        bytes.extend(n.to_le_bytes());
        bytes
    };
    let upload = |item: String, bytes: Vec<u8>| {
        let id = chidao_core::domain::PhotoId::of(&bytes).to_string();
        let official = official.clone();
        let app = &app;
        async move { app.upload_photo(&official, &item, &id, "image/png", bytes).await }
    };
    for n in 0..chidao_core::domain::PHOTOS_PER_ITEM {
        assert_eq!(upload(items[0].clone(), photo(n)).await.status, StatusCode::CREATED);
    }
    let full = upload(items[0].clone(), photo(1_000)).await;
    assert_eq!((full.status, full.json["error"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("photo_limit")), "{}", full.json);
    assert_eq!(upload(items[0].clone(), photo(0)).await.status, StatusCode::OK, "the same photo again is no new photo");

    let per_day = chidao_core::domain::PHOTOS_PER_UNIT_DAY as usize;
    let mut sent = chidao_core::domain::PHOTOS_PER_ITEM;
    'items: for item in items.iter().skip(1) {
        for _ in 0..chidao_core::domain::PHOTOS_PER_ITEM {
            if sent == per_day {
                break 'items;
            }
            assert_eq!(upload(item.clone(), photo(sent)).await.status, StatusCode::CREATED);
            sent += 1;
        }
    }
    assert_eq!(sent, per_day, "the official's items hold a day's photos");
    let tomorrow = upload(items[items.len() - 1].clone(), photo(5_000)).await;
    assert_eq!(
        (tomorrow.status, tomorrow.json["error"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("photo_limit")),
        "{}",
        tomorrow.json
    );
    let wait: u64 = tomorrow.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&wait), "until the next day in Vietnam: {wait}");

    // A PNG whose header claims 8192×8192 (67 megapixels) in a few hundred bytes.
    let mut bomb = icon[..16].to_vec();
    bomb.extend(8192u32.to_be_bytes());
    bomb.extend(8192u32.to_be_bytes());
    bomb.extend(&icon[24..]);
    let id = chidao_core::domain::PhotoId::of(&bomb).to_string();
    let official3 = app.sign_in("official3").await;
    let other: String = app.pull(&official3, 0).await["items"][0]["id"].as_str().unwrap().to_owned();
    let refused = app.upload_photo(&official3, &other, &id, "image/png", bomb).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.json);
    assert!(refused.json["message"].as_str().unwrap().contains("pixels"), "{}", refused.json);
}
