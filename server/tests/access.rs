//! The authorization matrix: every endpoint the router serves × every role (and nobody
//! signed in) × the person's own unit, a unit below it, and an unrelated unit, against
//! the rules as the issue states them. The endpoint list comes from the router itself, so
//! an endpoint added without a rule here fails this test.

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chidao_core::api::NewAccount;
use chidao_core::domain::{new_id, ChecklistItem, PhotoId, Role, Roles, UnitCode};
use chidao_server::routes::{api_endpoints, Endpoint};
use common::contract::Contract;
use common::{app, Answer, Device, TestApp, PASSWORD};
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Own,
    Child,
    Unrelated,
}

#[derive(Debug, Clone)]
struct Persona {
    username: Option<&'static str>,
    roles: Vec<Role>,
    own: Option<&'static str>,
    child: Option<&'static str>,
}

impl Persona {
    fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    fn target(&self, relation: Relation) -> Option<&'static str> {
        match relation {
            Relation::Own => self.own,
            Relation::Child => self.child,
            Relation::Unrelated => Some(UNRELATED),
        }
    }
}

const UNRELATED: &str = "XA-TINH-KHE";

/// Endpoints whose answer depends on which unit's work they touch.
fn unit_scoped(endpoint: &str) -> bool {
    [
        "POST /api/v1/sync/push",
        "GET /api/v1/sync/pull",
        "GET /api/v1/photos/{id}",
        "PUT /api/v1/photos/{id}",
        "PUT /api/v1/reports/tasks/{task}/{unit}",
        "DELETE /api/v1/reports/tasks/{task}/{unit}",
        "GET /api/v1/reports/assignments/{task}/{unit}",
    ]
    .contains(&endpoint)
}

/// The rules, written from the issue rather than from the code under test.
fn expected(endpoint: &str, persona: &Persona, relation: Option<Relation>) -> Option<bool> {
    let signed_in = persona.username.is_some();
    let works_here = relation == Some(Relation::Own) && (persona.has(Role::Official) || persona.has(Role::Head));
    let reads_here = persona.has(Role::Supervisor)
        || (relation == Some(Relation::Own) && (persona.has(Role::Official) || persona.has(Role::Head)))
        || (relation == Some(Relation::Child) && persona.has(Role::Head));
    Some(match endpoint {
        "GET /healthz" | "GET /readyz" | "GET /api/v1/openapi.json" | "POST /api/v1/session" | "DELETE /api/v1/session" => true,
        "GET /api/v1/session" | "DELETE /api/v1/session/all" | "POST /api/v1/session/password" => signed_in,
        "POST /api/v1/sync/push" | "PUT /api/v1/photos/{id}" => signed_in && works_here,
        "GET /api/v1/sync/pull" | "GET /api/v1/photos/{id}" | "GET /api/v1/reports/assignments/{task}/{unit}" => signed_in && reads_here,
        "GET /api/v1/reports/progress" => persona.has(Role::Supervisor),
        // Everyone who follows some unit's work sees where it stands, within what they follow.
        "GET /api/v1/reports/dashboard"
        | "GET /api/v1/reports/weekly"
        | "GET /api/v1/reports/live"
        | "GET /api/v1/reports/progress.csv"
        | "GET /api/v1/reports/progress.xlsx" => persona.has(Role::Official) || persona.has(Role::Head) || persona.has(Role::Supervisor),
        // The item under review is Bình Châu's: below the head, anywhere for supervisors.
        "GET /api/v1/review" | "POST /api/v1/review" => persona.has(Role::Supervisor) || persona.has(Role::Head),
        "GET /api/v1/reports/tasks" | "GET /api/v1/units" => signed_in,
        "POST /api/v1/directives" | "POST /api/v1/directives/import" | "GET /api/v1/directives/{id}" | "PUT /api/v1/directives/{id}" => {
            persona.has(Role::Supervisor)
        }
        "PUT /api/v1/reports/tasks/{task}/{unit}" | "DELETE /api/v1/reports/tasks/{task}/{unit}" => {
            persona.has(Role::Head) && matches!(relation, Some(Relation::Own | Relation::Child))
        }
        "GET /api/v1/admin/units"
        | "POST /api/v1/admin/units"
        | "POST /api/v1/admin/units/import"
        | "GET /api/v1/admin/accounts"
        | "POST /api/v1/admin/accounts"
        | "PATCH /api/v1/admin/accounts/{username}"
        | "POST /api/v1/admin/accounts/{username}/password" => persona.has(Role::Admin),
        _ => return None,
    })
}

struct World {
    app: TestApp,
    /// One checklist item per unit, its task, and a photo already on it.
    items: BTreeMap<&'static str, String>,
    tasks: BTreeMap<&'static str, String>,
    /// The demo directive, and its editable form as a supervisor reads it.
    directive: String,
    directive_form: Value,
    photos: BTreeMap<&'static str, String>,
    cookies: BTreeMap<&'static str, String>,
}

fn photo_for(tag: &str) -> Vec<u8> {
    common::tagged_png(tag.as_bytes())
}

async fn world() -> World {
    let app = app().await;
    // Communes have checklists in the demo; give the district and the provincial office
    // one item each too, so "own unit" is real for the head and the supervisors.
    let supervisor = app.sign_in("supervisor").await;
    let pull = app.pull(&supervisor, 0).await;
    let task = uuid::Uuid::parse_str(pull["tasks"][0]["id"].as_str().unwrap()).unwrap();
    let extra: Vec<ChecklistItem> = ["HUYEN-BINH-SON", "VP-UBND"]
        .iter()
        .map(|unit| ChecklistItem::new(new_id(), task, UnitCode::parse(unit).unwrap(), "Báo cáo kết quả", 1).unwrap())
        .collect();
    app.store.maintenance.seed(&[], &[], &[], &extra, &[]).await.unwrap();
    // People who work in the unrelated commune and the provincial office, to attach photos.
    for (username, unit) in [("official-tk", UNRELATED), ("official-vp", "VP-UBND")] {
        let new = NewAccount {
            username: username.into(),
            display_name: format!("Cán bộ {unit}"),
            roles: Roles::one(Role::Official),
            unit: UnitCode::parse(unit).unwrap(),
        };
        chidao_server::admin::create_account(&app.store, &new, Some(PASSWORD.to_owned())).await.unwrap();
    }
    let pull = app.pull(&supervisor, 0).await;
    let mut items = BTreeMap::new();
    let mut tasks = BTreeMap::new();
    for item in pull["items"].as_array().unwrap() {
        let unit: &'static str = match item["unit"].as_str().unwrap() {
            "XA-BINH-CHAU" => "XA-BINH-CHAU",
            "HUYEN-BINH-SON" => "HUYEN-BINH-SON",
            "VP-UBND" => "VP-UBND",
            UNRELATED => UNRELATED,
            _ => continue,
        };
        items.entry(unit).or_insert_with(|| item["id"].as_str().unwrap().to_owned());
        tasks.entry(unit).or_insert_with(|| item["task"].as_str().unwrap().to_owned());
    }
    assert_eq!(items.len(), 4, "{items:?}");
    let mut photos = BTreeMap::new();
    for (unit, worker) in [("XA-BINH-CHAU", "official"), ("HUYEN-BINH-SON", "head"), ("VP-UBND", "official-vp"), (UNRELATED, "official-tk")]
    {
        let cookie = app.sign_in(worker).await;
        let bytes = photo_for(unit);
        let id = PhotoId::of(&bytes).to_string();
        let answer = app.upload_photo(&cookie, &items[unit], &id, "image/png", bytes).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{unit}: {}", answer.json);
        photos.insert(unit, id);
    }
    let mut cookies = BTreeMap::new();
    for username in ["official", "head", "supervisor", "admin"] {
        cookies.insert(username, app.sign_in(username).await);
    }
    let directive = pull["directives"][0]["id"].as_str().unwrap().to_owned();
    let form = app.call(Method::GET, &format!("/api/v1/directives/{directive}"), Some(&cookies["supervisor"]), None).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.json);
    World { app, items, tasks, directive, directive_form: form.json, photos, cookies }
}

fn personas() -> Vec<Persona> {
    vec![
        Persona { username: None, roles: vec![], own: None, child: None },
        Persona { username: Some("official"), roles: vec![Role::Official], own: Some("XA-BINH-CHAU"), child: None },
        Persona { username: Some("head"), roles: vec![Role::Head], own: Some("HUYEN-BINH-SON"), child: Some("XA-BINH-CHAU") },
        Persona { username: Some("supervisor"), roles: vec![Role::Supervisor], own: Some("VP-UBND"), child: None },
        Persona { username: Some("admin"), roles: vec![Role::Admin], own: Some("VP-UBND"), child: None },
    ]
}

fn request(method: Method, path: &str, cookie: Option<&str>, content_type: Option<&str>, body: Vec<u8>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(cookie) = cookie {
        builder = builder.header(header::COOKIE, cookie);
    }
    if let Some(content_type) = content_type {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    builder.body(Body::from(body)).unwrap()
}

fn json_body(value: Value) -> (Option<&'static str>, Vec<u8>) {
    (Some("application/json"), value.to_string().into_bytes())
}

/// Calls `endpoint` as `persona` on `unit` and says whether it was allowed; a refusal
/// must be one of the refusal answers, never a server error.
async fn attempt(world: &World, endpoint: &Endpoint, persona: &Persona, unit: Option<&'static str>) -> (bool, Answer) {
    let app = &world.app;
    let key = format!("{} {}", endpoint.method, endpoint.path);
    let fresh_cookie = match persona.username {
        // These end the session they are sent with (signing in again ends the one it
        // replaces): each gets one of its own, so the persona's stays for the other checks.
        Some(username) if ["DELETE /api/v1/session", "DELETE /api/v1/session/all", "POST /api/v1/session"].contains(&key.as_str()) => {
            Some(app.sign_in(username).await)
        }
        _ => None,
    };
    let cookie = fresh_cookie.as_deref().or_else(|| persona.username.map(|username| world.cookies[username].as_str()));
    let unique = uuid::Uuid::now_v7().simple().to_string();
    let item = unit.map(|unit| world.items[unit].clone());
    let mut path = endpoint.path.clone();
    let (content_type, body) = match key.as_str() {
        "POST /api/v1/session" => json_body(json!({"username": persona.username.unwrap_or("official"), "password": PASSWORD})),
        "POST /api/v1/session/password" => json_body(json!({"current_password": PASSWORD, "new_password": PASSWORD})),
        "POST /api/v1/sync/push" => {
            json_body(json!({"changes": [Device::new().change(item.as_ref().unwrap(), "note", json!("kiểm tra quyền"), 1_000)]}))
        }
        "GET /api/v1/sync/pull" => {
            path = format!("{path}?since=0");
            (None, Vec::new())
        }
        "GET /api/v1/photos/{id}" => {
            path = path.replace("{id}", &world.photos[unit.unwrap()]);
            (None, Vec::new())
        }
        "PUT /api/v1/photos/{id}" => {
            let bytes = photo_for(&unique);
            path = format!("{}?item={}", path.replace("{id}", &PhotoId::of(&bytes).to_string()), item.unwrap());
            (Some("image/png"), bytes)
        }
        // Signed off knowing items are open: the access rule is what is tested here.
        "PUT /api/v1/reports/tasks/{task}/{unit}" => {
            path = format!("{}?unfinished=true", path.replace("{task}", &world.tasks[unit.unwrap()]).replace("{unit}", unit.unwrap()));
            (None, Vec::new())
        }
        "DELETE /api/v1/reports/tasks/{task}/{unit}" | "GET /api/v1/reports/assignments/{task}/{unit}" => {
            path = path.replace("{task}", &world.tasks[unit.unwrap()]).replace("{unit}", unit.unwrap());
            (None, Vec::new())
        }
        "GET /api/v1/directives/{id}" => {
            path = path.replace("{id}", &world.directive);
            (None, Vec::new())
        }
        "PUT /api/v1/directives/{id}" => {
            path = path.replace("{id}", &world.directive);
            json_body(world.directive_form.clone())
        }
        "POST /api/v1/directives/import" => (Some("text/plain"), "Giao Sở Y tế chủ trì rà soát trước ngày 30/9/2022.".as_bytes().to_vec()),
        "POST /api/v1/directives" => json_body(json!({
            "title": "Kiểm tra quyền", "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": "2022-08-05", "documents": [],
            "sections": [{"heading": "Mục một", "tasks": [{"text": "Rà soát", "lead": {"unit": "SO-YT"}, "assigned": [], "checklist": ["Rà soát xong"]}]}]
        })),
        "POST /api/v1/review" => json_body(json!({"item": world.items["XA-BINH-CHAU"], "keep": []})),
        "POST /api/v1/admin/units" => json_body(
            json!({"rows": [{"code": "XA-TINH-KHE", "name": "UBND xã Tịnh Khê", "kind": "commune", "parent_code": "HUYEN-SON-TINH"}]}),
        ),
        "POST /api/v1/admin/units/import" => (
            Some("text/csv"),
            b"code,name,kind,parent_code\nXA-TINH-KHE,UBND x\xc3\xa3 T\xe1\xbb\x8bnh Kh\xc3\xaa,commune,HUYEN-SON-TINH\n".to_vec(),
        ),
        "POST /api/v1/admin/accounts" => json_body(
            json!({"username": format!("u{}", &unique[..12]), "display_name": "Cán bộ thử", "roles": ["official"], "unit": "XA-BINH-CHAU"}),
        ),
        "PATCH /api/v1/admin/accounts/{username}" => {
            path = path.replace("{username}", "official-vp");
            json_body(json!({"display_name": "Cán bộ Văn phòng"}))
        }
        "POST /api/v1/admin/accounts/{username}/password" => {
            path = path.replace("{username}", "official-tk");
            (None, Vec::new())
        }
        _ => (None, Vec::new()),
    };
    let answer = app.send(request(endpoint.method.clone(), &path, cookie, content_type, body)).await;
    assert!(answer.status.as_u16() < 500, "{key} as {:?} on {unit:?}: {} {}", persona.username, answer.status, answer.json);
    let allowed = match key.as_str() {
        "POST /api/v1/sync/push" => answer.status == StatusCode::OK && answer.json["results"][0]["status"] == "applied",
        "GET /api/v1/sync/pull" => {
            answer.status == StatusCode::OK && answer.json["items"].as_array().unwrap().iter().any(|i| i["unit"] == unit.unwrap())
        }
        _ => ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&answer.status),
    };
    if !allowed && !matches!(key.as_str(), "POST /api/v1/sync/push" | "GET /api/v1/sync/pull") {
        assert!(answer.json["error"].is_string(), "{key}: a refusal says why in JSON");
    }
    (allowed, answer)
}

#[tokio::test]
async fn every_endpoint_allows_exactly_whom_the_rules_allow() {
    let mut world = world().await;
    let endpoints = api_endpoints();
    assert!(endpoints.len() >= 20, "the router lists its endpoints: {endpoints:?}");
    let mut checked = 0;
    let mut wrong = Vec::new();
    // Every answer of the matrix is also held to the OpenAPI document.
    let contract = Contract::served_by(&world.app).await;
    let mut breaches = Vec::new();
    for endpoint in &endpoints {
        let key = format!("{} {}", endpoint.method, endpoint.path);
        // Password resets run on an account no persona uses, so the order does not matter.
        for persona in personas() {
            let relations: Vec<Option<Relation>> = if unit_scoped(&key) {
                [Relation::Own, Relation::Child, Relation::Unrelated]
                    .into_iter()
                    .filter(|r| persona.target(*r).is_some())
                    .map(Some)
                    .collect()
            } else {
                vec![None]
            };
            for relation in relations {
                let Some(expect) = expected(&key, &persona, relation) else {
                    panic!("no access rule for {key}: add it to `expected` in tests/access.rs");
                };
                let unit = relation.and_then(|r| persona.target(r));
                if unit_scoped(&key) && unit.is_none() {
                    // Nobody signed in has no own unit; try the unrelated one.
                    continue;
                }
                let (allowed, answer) = attempt(&world, endpoint, &persona, unit).await;
                checked += 1;
                if let Some(breach) = contract.breach(&endpoint.method, &endpoint.path, &answer) {
                    breaches.push(format!("as {:?} on {unit:?}: {breach}", persona.username));
                }
                if let (Some(username), "DELETE /api/v1/session/all") = (persona.username, key.as_str()) {
                    // That ended every session of the account, the one used here too.
                    let cookie = world.app.sign_in(username).await;
                    world.cookies.insert(username, cookie);
                }
                if allowed != expect {
                    wrong.push(format!(
                        "{key} as {:?} on {unit:?}: expected {expect}, got {} {}",
                        persona.username, answer.status, answer.json
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {checked} checks wrong:\n{}", wrong.len(), wrong.join("\n"));
    assert!(breaches.is_empty(), "{} of {checked} answers differ from the OpenAPI document:\n{}", breaches.len(), breaches.join("\n"));
    assert!(checked > 100, "{checked}");
}

#[tokio::test]
async fn nobody_signed_in_reaches_a_unit_scoped_endpoint() {
    let world = world().await;
    for endpoint in api_endpoints().iter().filter(|e| unit_scoped(&format!("{} {}", e.method, e.path))) {
        let nobody = &personas()[0];
        let (allowed, answer) = attempt(&world, endpoint, nobody, Some(UNRELATED)).await;
        assert!(!allowed, "{} {}", endpoint.method, endpoint.path);
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
}

#[test]
fn the_roles_of_the_matrix_are_the_roles_of_the_app() {
    // A new role must be added to the personas above.
    let covered: Vec<Role> = personas().iter().flat_map(|p| p.roles.clone()).collect();
    for role in Role::ALL {
        assert!(covered.contains(role), "{role:?} has no persona");
    }
    assert!(Roles::new(covered).is_ok());
}
