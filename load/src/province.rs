//! A province built through the API as its operators would build it, then worked as its
//! people work: an admin imports the unit tree (districts, communes, departments) and
//! makes an account for each unit and for the office's followers, each of whom changes
//! the temporary password; a supervisor publishes directives whose tasks reach every
//! commune and department; each commune's official works on several tablets, each on its
//! own share of the items; followers keep dashboards open on the live stream and open an
//! assignment now and then. The morning case: every tablet comes back within a minute with
//! a day of offline work.

use crate::http::{follow_live, Body, Connection};
use crate::measure::Record;
use crate::tablet::{sign_in, Tablet, Work};
use chidao_core::api::{
    live_url, ADMIN_ACCOUNTS_PATH, ADMIN_UNITS_IMPORT_PATH, ASSIGNMENTS_PATH, DASHBOARD_PATH, DIRECTIVES_PATH, PASSWORD_PATH,
};
use chidao_core::domain::Deadline;
use rand::Rng;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The province's size and its people's habits.
#[derive(Debug, Clone, clap::Args)]
pub struct Shape {
    #[arg(long, default_value_t = 150)]
    pub communes: usize,
    #[arg(long, default_value_t = 30)]
    pub departments: usize,
    /// Communes per district (the tree still has districts between province and commune).
    #[arg(long, default_value_t = 12)]
    pub communes_per_district: usize,
    #[arg(long, default_value_t = 5)]
    pub tablets_per_commune: usize,
    /// Office followers with the dashboard and its live stream open.
    #[arg(long, default_value_t = 20)]
    pub dashboards: usize,
    /// Tasks reaching every commune, each with its own checklist.
    #[arg(long, default_value_t = 3)]
    pub tasks_per_commune: usize,
    #[arg(long, default_value_t = 10)]
    pub items_per_task: usize,
}

pub const CODE_PREFIX: &str = "LD";

fn district_code(n: usize) -> String {
    format!("{CODE_PREFIX}-H{n:02}")
}
fn commune_code(n: usize) -> String {
    format!("{CODE_PREFIX}-X{n:03}")
}
fn department_code(n: usize) -> String {
    format!("{CODE_PREFIX}-SO{n:02}")
}
fn commune_account(n: usize) -> String {
    format!("ld.x{n:03}")
}

/// The accounts the province's people use, made by the build.
pub struct Province {
    pub commune_accounts: Vec<String>,
    pub follower_accounts: Vec<String>,
}

/// The Vietnamese calendar day `offset_days` from today, as the API writes dates.
fn vietnam_day(offset_days: i64) -> String {
    (Deadline::today_in_vietnam(chrono::Utc::now()) + chrono::TimeDelta::days(offset_days)).to_string()
}

async fn expect(
    connection: &mut Connection,
    method: &str,
    path: &str,
    cookie: &str,
    body: Body<'_>,
    wanted: &[u16],
) -> Result<Value, String> {
    let answer = connection.send(method, path, Some(cookie), body).await.map_err(|error| format!("{method} {path}: {error}"))?;
    if !wanted.contains(&answer.status) {
        return Err(format!("{method} {path} answered {}: {}", answer.status, answer.body));
    }
    Ok(answer.body)
}

/// Makes the account, then signs in with its temporary password and sets `password`, as
/// its holder does on the first day.
async fn make_account(port: u16, admin: &str, account: Value, password: &str, record: &Record) -> Result<String, String> {
    let mut connection = Connection::new(port);
    let made = expect(&mut connection, "POST", ADMIN_ACCOUNTS_PATH, admin, Body::Json(&account), &[200, 201]).await?;
    let username = made["username"].as_str().ok_or("no username in the answer")?.to_owned();
    let temporary = made["temporary_password"].as_str().ok_or("no temporary password")?.to_owned();
    let (mut own, cookie) = sign_in(port, &username, &temporary, record).await?;
    let change = json!({"current_password": temporary, "new_password": password});
    expect(&mut own, "POST", PASSWORD_PATH, &cookie, Body::Json(&change), &[200, 204]).await?;
    Ok(username)
}

/// Builds the province on the server at `port` through its API, as the demo's admin and
/// supervisor (whose password is `password`; every account made gets it too).
pub async fn build(port: u16, shape: &Shape, password: &str, record: &Arc<Record>) -> Result<Province, String> {
    let province = Province {
        commune_accounts: (1..=shape.communes).map(commune_account).collect(),
        follower_accounts: (1..=shape.dashboards).map(|n| format!("ld.theodoi{n:02}")).collect(),
    };
    // A run after another on the same server (the knee's steps) finds the province built.
    let last_follower = format!("ld.theodoi{:02}", shape.dashboards);
    let last_commune = commune_account(shape.communes);
    if sign_in(port, &last_commune, password, &Record::default()).await.is_ok()
        && (shape.dashboards == 0 || sign_in(port, &last_follower, password, &Record::default()).await.is_ok())
    {
        return Ok(province);
    }
    let (mut admin_connection, admin) = sign_in(port, "admin", password, record).await?;
    let districts = shape.communes.div_ceil(shape.communes_per_district.max(1));
    let mut csv = String::from("code,name,kind,parent_code\n");
    for n in 1..=districts {
        csv += &format!("{},UBND huyện thử tải số {n},district,TINH\n", district_code(n));
    }
    for n in 1..=shape.communes {
        csv += &format!(
            "{},UBND xã thử tải số {n},commune,{}\n",
            commune_code(n),
            district_code((n - 1) / shape.communes_per_district.max(1) + 1)
        );
    }
    for n in 1..=shape.departments {
        csv += &format!("{},Sở thử tải số {n},department,TINH\n", department_code(n));
    }
    let started = Instant::now();
    expect(
        &mut admin_connection,
        "POST",
        ADMIN_UNITS_IMPORT_PATH,
        &admin,
        Body::Raw { content_type: "text/csv", bytes: csv.as_bytes() },
        &[200, 201],
    )
    .await?;
    record.took("unit import", started.elapsed().as_secs_f64() * 1e3);

    let mut accounts = Vec::new();
    for n in 1..=shape.communes {
        accounts.push(json!({"username": commune_account(n), "display_name": format!("Cán bộ xã thử tải số {n}"), "roles": ["official"], "unit": commune_code(n)}));
    }
    for n in 1..=shape.departments {
        accounts.push(json!({"username": format!("ld.so{n:02}"), "display_name": format!("Chuyên viên Sở thử tải số {n}"), "roles": ["official"], "unit": department_code(n)}));
    }
    for n in 1..=districts {
        accounts.push(json!({"username": format!("ld.h{n:02}"), "display_name": format!("Lãnh đạo huyện thử tải số {n}"), "roles": ["head"], "unit": district_code(n)}));
    }
    for n in 1..=shape.dashboards {
        accounts.push(json!({"username": format!("ld.theodoi{n:02}"), "display_name": format!("Chuyên viên theo dõi số {n}"), "roles": ["supervisor"], "unit": "VP-UBND"}));
    }
    let gate = Arc::new(tokio::sync::Semaphore::new(4));
    let making: Vec<_> = accounts
        .into_iter()
        .map(|account| {
            let (gate, admin, password, record) = (gate.clone(), admin.clone(), password.to_owned(), record.clone());
            tokio::spawn(async move {
                let _turn = gate.acquire_owned().await.expect("the gate stays open");
                let started = Instant::now();
                let made = make_account(port, &admin, account, &password, &record).await;
                record.took("new account", started.elapsed().as_secs_f64() * 1e3);
                made
            })
        })
        .collect();
    for made in making {
        made.await.map_err(|error| error.to_string())??;
    }

    let (mut office, supervisor) = sign_in(port, "supervisor", password, record).await?;
    let communes: Vec<String> = (1..=shape.communes).map(commune_code).collect();
    let departments: Vec<String> = (1..=shape.departments).map(department_code).collect();
    let checklist = |task: usize| (1..=shape.items_per_task).map(|i| format!("Bước {i} của nhiệm vụ {task}")).collect::<Vec<_>>();
    let commune_tasks: Vec<Value> = (1..=shape.tasks_per_commune)
        .map(|t| {
            json!({
                "text": format!("Nhiệm vụ {t}: triển khai, báo cáo kết quả thực hiện Kế hoạch số {}/KH-UBND trên địa bàn xã", 20 + t),
                "lead": {"phrase": "UBND các xã"},
                "assigned": communes,
                "deadline": {"date": vietnam_day(7 * t as i64 - 10), "kind": "no_later_than"},
                "checklist": checklist(t),
            })
        })
        .collect();
    let department_task = json!({
        "text": "Các Sở hướng dẫn, đôn đốc các xã thực hiện và tổng hợp kết quả",
        "lead": {"phrase": "Các Sở, ngành"},
        "assigned": departments,
        "deadline": {"date": vietnam_day(14), "kind": "before"},
        "checklist": checklist(0),
    });
    for (title, tasks) in
        [("Kế hoạch thử tải triển khai tại các xã", commune_tasks), ("Chỉ đạo thử tải các Sở, ngành", vec![department_task])]
    {
        let directive = json!({"title": title, "issuer": "UBND tỉnh Quảng Ngãi", "issued_on": vietnam_day(-20), "sections": [{"heading": "Nhiệm vụ", "tasks": tasks}]});
        let started = Instant::now();
        expect(&mut office, "POST", DIRECTIVES_PATH, &supervisor, Body::Json(&directive), &[201]).await?;
        record.took("publish", started.elapsed().as_secs_f64() * 1e3);
    }
    Ok(province)
}

/// Every commune's tablets signed in and pulled, a few at a time as tablets come online,
/// each working on its share of its commune's items.
pub async fn join_tablets(
    ports: &[u16],
    province: &Province,
    shape: &Shape,
    password: &str,
    record: &Arc<Record>,
) -> Result<Vec<Tablet>, String> {
    let gate = Arc::new(tokio::sync::Semaphore::new(16));
    let wanted = shape.tasks_per_commune * shape.items_per_task;
    let mut joining = Vec::new();
    // Each commune's first tablet, then each one's second…: an account's tablets do not
    // all sign in in the same second, which its throttle would take for guessing.
    for share in 0..shape.tablets_per_commune {
        for (c, account) in province.commune_accounts.iter().enumerate() {
            let n = c * shape.tablets_per_commune + share;
            let (port, account, password, gate, record) =
                (ports[n % ports.len()], account.clone(), password.to_owned(), gate.clone(), record.clone());
            let tablets = shape.tablets_per_commune;
            joining.push(tokio::spawn(async move {
                let _turn = gate.acquire_owned().await.expect("the gate stays open");
                let mut tablet = Tablet::join(port, &account, &password, &record).await?;
                if tablet.seen.len() < wanted {
                    return Err(format!("{account} pulled {} items, not the {wanted} published", tablet.seen.len()));
                }
                tablet.work_on(|index, _, _| index % tablets == share);
                Ok::<_, String>(tablet)
            }));
        }
    }
    let mut tablets = Vec::new();
    for joined in joining {
        tablets.push(joined.await.map_err(|error| error.to_string())??);
    }
    Ok(tablets)
}

/// A follower's dashboard for `lasting`: the first view, the live stream kept open, and
/// now and then an assignment opened and a district's view.
async fn follow(port: u16, account: String, password: String, deadline: tokio::time::Instant, record: Arc<Record>) {
    let Ok((mut connection, cookie)) = sign_in(port, &account, &password, &record).await else {
        record.error(format!("{account} could not sign in"));
        return;
    };
    let started = Instant::now();
    let view = match expect(&mut connection, "GET", &format!("{DASHBOARD_PATH}?rows=30"), &cookie, Body::Empty, &[200]).await {
        Ok(view) => view,
        Err(error) => return record.error(error),
    };
    record.took("dashboard", started.elapsed().as_secs_f64() * 1e3);
    let cursor = view["cursor"].as_u64().unwrap_or(0);
    let live = {
        let (cookie, record) = (cookie.clone(), record.clone());
        tokio::spawn(async move {
            let lasting = deadline.saturating_duration_since(tokio::time::Instant::now());
            match follow_live(port, &live_url(cursor), &cookie, lasting).await {
                Ok(events) => record.live_events(events),
                Err(error) => record.error(format!("live: {error}")),
            }
        })
    };
    let attention: Vec<(String, String)> = view["attention"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| Some((row["task"].as_str()?.to_owned(), row["unit"].as_str()?.to_owned())))
        .collect();
    loop {
        let pause = Duration::from_millis(rand::thread_rng().gen_range(15_000..45_000));
        if tokio::time::Instant::now() + pause >= deadline {
            break;
        }
        tokio::time::sleep(pause).await;
        if let Some((task, unit)) = (!attention.is_empty()).then(|| attention[rand::thread_rng().gen_range(0..attention.len())].clone()) {
            let started = Instant::now();
            match expect(&mut connection, "GET", &format!("{ASSIGNMENTS_PATH}/{task}/{unit}"), &cookie, Body::Empty, &[200]).await {
                Ok(_) => record.took("drill-down", started.elapsed().as_secs_f64() * 1e3),
                Err(error) => record.error(error),
            }
        }
        let district = district_code(rand::thread_rng().gen_range(1..=3));
        let started = Instant::now();
        match expect(&mut connection, "GET", &format!("{DASHBOARD_PATH}?unit={district}&rows=30"), &cookie, Body::Empty, &[200]).await {
            Ok(_) => record.took("dashboard", started.elapsed().as_secs_f64() * 1e3),
            Err(error) => record.error(error),
        }
    }
    let _ = live.await;
}

/// The day's work: each tablet takes a turn every `every` (at its own phase) — a change
/// pushed then a pull, or a photo — while the followers watch, for `lasting`.
pub async fn work(
    ports: &[u16],
    tablets: Vec<Tablet>,
    province: &Province,
    password: &str,
    every: Duration,
    lasting: Duration,
    record: &Arc<Record>,
) {
    let deadline = tokio::time::Instant::now() + lasting;
    let followers: Vec<_> = province
        .follower_accounts
        .iter()
        .enumerate()
        .map(|(n, account)| tokio::spawn(follow(ports[n % ports.len()], account.clone(), password.to_owned(), deadline, record.clone())))
        .collect();
    let working: Vec<_> = tablets
        .into_iter()
        .map(|mut tablet| {
            let record = record.clone();
            let phase = Duration::from_millis(rand::thread_rng().gen_range(0..every.as_millis().max(1) as u64));
            tokio::spawn(async move {
                let mut next = tokio::time::Instant::now() + phase;
                while next < deadline {
                    tokio::time::sleep_until(next).await;
                    let work = Work::drawn(&mut rand::thread_rng());
                    if let Work::Photo = work {
                        tablet.add_photo(&record).await;
                    } else {
                        let change = tablet.change(work);
                        tablet.push(vec![change], "push", &record).await;
                    }
                    tablet.pull(&record).await;
                    next += every;
                }
            })
        })
        .collect();
    for task in working.into_iter().chain(followers) {
        let _ = task.await;
    }
}

/// The 7:30 case: every tablet reconnects at a random moment within `window` with
/// `changes` made offline, pushes them at once as the engine sends its outbox, and pulls.
/// Answers the seconds from the first push sent to the last one accepted.
pub async fn morning(tablets: Vec<Tablet>, changes: usize, window: Duration, record: &Arc<Record>) -> f64 {
    let first = Instant::now();
    let last_accepted = Arc::new(std::sync::Mutex::new(0.0f64));
    let returning: Vec<_> = tablets
        .into_iter()
        .map(|mut tablet| {
            let (record, last_accepted) = (record.clone(), last_accepted.clone());
            let at = Duration::from_millis(rand::thread_rng().gen_range(0..window.as_millis().max(1) as u64));
            tokio::spawn(async move {
                let day: Vec<Value> = (0..changes).map(|n| tablet.change(if n % 4 == 3 { Work::Note } else { Work::Tick })).collect();
                tokio::time::sleep(at).await;
                if tablet.push(day, "morning push", &record).await {
                    let mut last = last_accepted.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    *last = last.max(first.elapsed().as_secs_f64());
                }
                tablet.pull(&record).await;
            })
        })
        .collect();
    for tablet in returning {
        let _ = tablet.await;
    }
    let last = *last_accepted.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    last
}
