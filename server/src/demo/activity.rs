//! The demo's office at work: checklists for most of the seed's tasks, two directives of
//! our own (one with a monthly report), and weeks of field work on them — on time, late,
//! not yet, overdue, due soon, with notes and one conflict to review. Everything goes
//! through the paths the app itself uses (publishing, revising, account creation, the sync
//! push), so a demo start also exercises them. Dates are counted back from today, so the
//! demo always shows a live office.

use super::DemoError;
use crate::admin::{create_account, AdminError};
use crate::auth::User;
use crate::db::Store;
use crate::directives::{self, PublishError};
use chidao_core::api::NewAccount;
use chidao_core::domain::authoring::DirectiveInput;
use chidao_core::domain::{ChecklistItem, Deadline, Note, Party, Role, Roles, Task, UnitCode};
use chidao_core::sync::{Base, Change, Edit, Stamp};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Field accounts the office's demo adds, one per unit that works without one in the seed:
/// (username, display name, unit).
const FIELD_ACCOUNTS: [(&str, &str, &str); 3] = [
    ("tinhkhe", "Cán bộ xã Tịnh Khê", "XA-TINH-KHE"),
    ("sogtvt", "Chuyên viên Sở Giao thông vận tải", "SO-GTVT"),
    ("catinh", "Cán bộ Công an tỉnh", "CA-TINH"),
];

const COMMUNES: [&str; 3] = ["XA-BINH-CHAU", "XA-BINH-THANH", "XA-TINH-KHE"];

impl From<PublishError> for DemoError {
    fn from(error: PublishError) -> Self {
        DemoError::Staging(error.to_string())
    }
}

impl From<AdminError> for DemoError {
    fn from(error: AdminError) -> Self {
        DemoError::Staging(error.to_string())
    }
}

/// One tablet per account, numbering its changes as a real one does.
struct Tablet {
    user: User,
    device: Uuid,
    seq: u64,
}

/// Edits made on one person's tablet at one moment.
struct Session {
    at: DateTime<Utc>,
    username: &'static str,
    edits: Vec<(Uuid, Edit)>,
}

/// The demo office as it is being staged: the field work is planned first, then played in
/// the order it happened, as tablets would have pushed it (a tablet's stamps only grow).
struct Office<'a> {
    store: &'a Store,
    now: DateTime<Utc>,
    today: NaiveDate,
    tablets: BTreeMap<String, Tablet>,
    planned: Vec<Session>,
}

impl Office<'_> {
    fn day(&self, offset: i64) -> NaiveDate {
        self.today + Duration::days(offset)
    }

    /// An instant `days` back from now (fractions allowed), never in the future.
    fn ago(&self, days: f64) -> DateTime<Utc> {
        (self.now - Duration::minutes((days * 24.0 * 60.0) as i64)).min(self.now)
    }

    async fn tablet(&mut self, username: &str) -> Result<&mut Tablet, DemoError> {
        if !self.tablets.contains_key(username) {
            let account = self
                .store
                .people
                .account(username)
                .await?
                .ok_or_else(|| DemoError::Staging(format!("the demo account {username} does not exist")))?;
            let user = User::from_row(account)?;
            self.tablets.insert(username.to_owned(), Tablet { user, device: Uuid::now_v7(), seq: 0 });
        }
        Ok(self.tablets.get_mut(username).expect("just inserted"))
    }

    /// Pushes edits made on `username`'s tablet at `at`, as the sync would.
    async fn push(&mut self, session: Session) -> Result<(), DemoError> {
        let store = self.store;
        let tablet = self.tablet(session.username).await?;
        let mut changes = Vec::new();
        for (counter, (item, edit)) in session.edits.into_iter().enumerate() {
            tablet.seq += 1;
            let stamp = Stamp { wall_ms: session.at.timestamp_millis(), counter: counter as u32, device: tablet.device };
            changes.push(Change { id: Uuid::now_v7(), item, seq: tablet.seq, stamp, base: Base::default(), edit });
        }
        let results = crate::sync_service::SyncService::new(store.clone()).push(&tablet.user, &changes).await?;
        if let Some(refused) = results.iter().find(|result| result.reason.is_some()) {
            return Err(DemoError::Staging(format!("a demo change was refused: {refused:?}")));
        }
        Ok(())
    }

    /// Plays the planned field work in the order it happened.
    async fn play(&mut self) -> Result<(), DemoError> {
        let mut planned = std::mem::take(&mut self.planned);
        planned.sort_by_key(|session| session.at);
        for session in planned {
            self.push(session).await?;
        }
        Ok(())
    }

    fn tick(&mut self, username: &'static str, at: DateTime<Utc>, items: &[Uuid]) {
        let edits = items.iter().map(|item| (*item, Edit::Done { value: true })).collect();
        self.planned.push(Session { at, username, edits });
    }

    fn note(&mut self, username: &'static str, at: DateTime<Utc>, item: Option<&Uuid>, text: &str) -> Result<(), DemoError> {
        let item = *item.ok_or_else(|| DemoError::Staging(format!("no item to write “{text}” on")))?;
        self.planned.push(Session { at, username, edits: vec![(item, Edit::Note { value: Note::parse(text)? })] });
        Ok(())
    }
}

/// A directive's tasks and items as published.
struct Published {
    tasks: Vec<Task>,
    items: Vec<ChecklistItem>,
}

impl Published {
    async fn read(store: &Store, directive: Uuid) -> Result<Self, DemoError> {
        let (_, tasks, items) = store
            .directives
            .directive_records(directive)
            .await?
            .ok_or_else(|| DemoError::Staging(format!("directive {directive} vanished")))?;
        Ok(Self { tasks, items })
    }

    /// The item ids of `unit`'s checklist for the task that starts with `text`, in one
    /// period for recurring work.
    fn items(&self, text: &str, unit: &str, period: Option<chidao_core::domain::Period>) -> Vec<Uuid> {
        let task = self.tasks.iter().find(|task| task.text.as_str().starts_with(text)).map(|task| task.id);
        let mut items: Vec<&ChecklistItem> = self
            .items
            .iter()
            .filter(|item| Some(item.task) == task && item.unit.as_str() == unit && item.period == period && !item.removed)
            .collect();
        items.sort_by_key(|item| item.position);
        items.into_iter().map(|item| item.id).collect()
    }

    fn task(&self, text: &str) -> Option<&Task> {
        self.tasks.iter().find(|task| task.text.as_str().starts_with(text))
    }
}

/// The first `n` items (fewer when the list is shorter).
fn first(items: &[Uuid], n: usize) -> &[Uuid] {
    &items[..n.min(items.len())]
}

/// The items after the first `n`.
fn rest(items: &[Uuid], n: usize) -> &[Uuid] {
    &items[n.min(items.len())..]
}

fn input(value: Value) -> Result<DirectiveInput, DemoError> {
    Ok(serde_json::from_value(value)?)
}

fn deadline(date: NaiveDate, kind: &str) -> Value {
    json!({"date": date.to_string(), "kind": kind})
}

/// Stages the office's demo on top of the seed, as of `now`.
pub async fn stage(store: &Store, password: &str, now: DateTime<Utc>) -> Result<(), DemoError> {
    let mut office = Office { store, now, today: Deadline::today_in_vietnam(now), tablets: BTreeMap::new(), planned: Vec::new() };
    for (username, display_name, unit) in FIELD_ACCOUNTS {
        let account = NewAccount {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            roles: Roles::new(vec![Role::Official])?,
            unit: UnitCode::parse(unit)?,
        };
        create_account(store, &account, Some(password.to_owned())).await?;
    }
    checklists_for_the_seed(&mut office).await?;
    traffic_campaign(&mut office).await?;
    monthly_reports(&mut office).await?;
    office.play().await
}

/// The usernames [`stage`] adds.
pub fn added_accounts() -> impl Iterator<Item = &'static str> {
    FIELD_ACCOUNTS.into_iter().map(|(username, _, _)| username)
}

/// Gives most of the seed directive's tasks a checklist for the units that carry them out,
/// through the same edit a supervisor makes.
async fn checklists_for_the_seed(office: &mut Office<'_>) -> Result<(), DemoError> {
    let Some(seed) = office.store.directives.directives(None).await?.into_iter().next() else { return Ok(()) };
    let Some(mut form) = directives::editable(office.store, seed.id).await? else { return Ok(()) };
    for task in form.sections.iter_mut().flat_map(|section| section.tasks.iter_mut()) {
        if !task.assigned.is_empty() {
            continue;
        }
        // A department's own task is its own checklist; a task for "the units" is the communes'.
        let (units, checklist) = match &task.lead {
            Party::Unit(code) => (vec![code.clone()], ["Triển khai thực hiện", "Báo cáo kết quả về Văn phòng UBND tỉnh"]),
            Party::Phrase(_) => (
                COMMUNES.iter().map(|code| UnitCode::parse(code)).collect::<Result<_, _>>()?,
                ["Rà soát tại đơn vị", "Gửi báo cáo về Văn phòng UBND tỉnh"],
            ),
        };
        task.assigned = units;
        task.checklist = checklist.map(str::to_owned).to_vec();
    }
    directives::revise(office.store, seed.id, &form, "demo").await?;
    let published = Published::read(office.store, seed.id).await?;
    // The seed's 2022 deadlines are long past: one commune reported late, the others never.
    let late = published.items("Kéo giảm tai nạn giao thông", "XA-BINH-CHAU", None);
    let at = office.ago(12.0);
    office.tick("official", at, &late);
    let patrol = published.items("Tăng cường tuần tra", "CA-TINH", None);
    let at = office.ago(30.0);
    office.tick("catinh", at, first(&patrol, 1));
    Ok(())
}

/// A year-end traffic safety campaign of our own, with work in every state.
async fn traffic_campaign(office: &mut Office<'_>) -> Result<(), DemoError> {
    let task = |text: &str, lead: &str, coordinating: &[&str], due: Value, assigned: &[&str], checklist: &[&str]| {
        json!({"text": text, "lead": {"unit": lead}, "coordinating": coordinating.iter().map(|unit| json!({"unit": unit})).collect::<Vec<_>>(),
               "deadline": due, "assigned": assigned, "checklist": checklist})
    };
    let form = input(json!({
        "title": "Kế hoạch cao điểm bảo đảm trật tự an toàn giao thông dịp cuối năm",
        "issuer": "UBND tỉnh Quảng Ngãi",
        "issued_on": office.day(-40).to_string(),
        "sections": [
            {"heading": "Nhiệm vụ của UBND các xã", "tasks": [
                task("Ra quân kiểm tra, giải tỏa hành lang an toàn giao thông trên các tuyến đường xã", "XA-BINH-CHAU", &[],
                     deadline(office.day(-15), "no_later_than"), &COMMUNES,
                     &["Lập danh sách vi phạm hành lang", "Ra quân giải tỏa", "Báo cáo kết quả về UBND tỉnh"]),
                task("Rà soát, đề xuất lắp đặt biển báo tại các điểm đen về tai nạn giao thông", "XA-BINH-THANH", &[],
                     deadline(office.day(2), "before"), &COMMUNES,
                     &["Khảo sát các điểm đen", "Gửi đề xuất lắp đặt biển báo"]),
                task("Tuyên truyền an toàn giao thông trên hệ thống loa truyền thanh cơ sở", "XA-TINH-KHE", &[],
                     deadline(office.day(20), "no_later_than"), &COMMUNES,
                     &["Soạn nội dung tuyên truyền", "Phát thanh ít nhất 3 lần mỗi tuần"]),
            ]},
            {"heading": "Nhiệm vụ của các sở, ngành", "tasks": [
                task("Xây dựng phương án phân luồng giao thông dịp cuối năm", "SO-GTVT", &["CA-TINH"],
                     deadline(office.day(-5), "before"), &["SO-GTVT", "CA-TINH"],
                     &["Dự thảo phương án", "Lấy ý kiến các địa phương", "Trình UBND tỉnh phê duyệt"]),
            ]},
        ]
    }))?;
    let published = directives::publish(office.store, &form, "demo").await?;
    let campaign = Published::read(office.store, published.directive).await?;

    // Cleared on time in Bình Châu, late in Bình Thạnh, a third done in Tịnh Khê: overdue.
    let clearing = "Ra quân kiểm tra";
    let items = campaign.items(clearing, "XA-BINH-CHAU", None);
    let (listed, cleared) = (office.ago(24.0), office.ago(17.5));
    office.tick("official", listed, first(&items, 2));
    office.tick("official2", cleared, rest(&items, 2));
    let items = campaign.items(clearing, "XA-BINH-THANH", None);
    let late = office.ago(9.0);
    office.tick("official3", late, &items);
    let items = campaign.items(clearing, "XA-TINH-KHE", None);
    let started = office.ago(20.0);
    office.tick("tinhkhe", started, first(&items, 1));
    office.note("tinhkhe", started, items.get(1), "Thiếu lực lượng, đề nghị huyện hỗ trợ")?;

    // Signs, due in two days: Bình Châu done, the others part way or not started.
    let items = campaign.items("Rà soát, đề xuất", "XA-BINH-CHAU", None);
    let done = office.ago(1.2);
    office.tick("official", done, &items);
    let items = campaign.items("Rà soát, đề xuất", "XA-BINH-THANH", None);
    let surveyed = office.ago(3.0);
    office.tick("official3", surveyed, first(&items, 1));
    office.note("official3", surveyed, items.first(), "Đã khảo sát 4 điểm đen trên ĐT.621")?;

    // Broadcasts, due in three weeks: under way; two officials of Bình Châu wrote the
    // same note on their own tablets without seeing each other's: a conflict to review.
    let items = campaign.items("Tuyên truyền", "XA-BINH-CHAU", None);
    let written = office.ago(2.0);
    office.tick("official", written, first(&items, 1));
    office.note("official", written, items.get(1), "Đã phát 2 buổi trong tuần")?;
    let clashing = office.ago(1.9);
    office.note("official2", clashing, items.get(1), "Tuần này mới phát được 1 buổi")?;

    // The traffic plan: drafted late by the department; the police never confirmed.
    let items = campaign.items("Xây dựng phương án", "SO-GTVT", None);
    let drafted = office.ago(3.5);
    office.tick("sogtvt", drafted, &items);
    let items = campaign.items("Xây dựng phương án", "CA-TINH", None);
    let reviewed = office.ago(8.0);
    office.tick("catinh", reviewed, first(&items, 1));
    Ok(())
}

/// Disaster-prevention reports due before the 25th of every month since a directive
/// issued a hundred days ago: reported on time, late, and missed.
async fn monthly_reports(office: &mut Office<'_>) -> Result<(), DemoError> {
    let form = input(json!({
        "title": "Chỉ đạo về chế độ báo cáo công tác phòng, chống thiên tai",
        "issuer": "UBND tỉnh Quảng Ngãi",
        "issued_on": office.day(-100).to_string(),
        "documents": ["21/KH-UBND"],
        "sections": [{"heading": "Báo cáo định kỳ", "tasks": [{
            "text": "Báo cáo tình hình thiệt hại do thiên tai và kết quả khắc phục trên địa bàn, định kỳ hằng tháng, trước ngày 25",
            "lead": {"unit": "HUYEN-BINH-SON"}, "coordinating": [], "recurrence": "monthly:25",
            "assigned": COMMUNES, "checklist": ["Tổng hợp số liệu thiệt hại", "Gửi báo cáo về UBND huyện"],
        }]}]
    }))?;
    let published = directives::publish(office.store, &form, "demo").await?;
    let reports = Published::read(office.store, published.directive).await?;
    let Some(task) = reports.task("Báo cáo tình hình thiệt hại") else { return Ok(()) };
    let recurrence = task.recurrence.clone().ok_or_else(|| DemoError::Staging("the demo report does not recur".into()))?;
    let periods = recurrence.periods(office.day(-100), office.today);
    let Some((current, past)) = periods.split_last() else { return Ok(()) };
    for (index, period) in past.iter().enumerate() {
        let due_end = recurrence.deadline_in(*period).due_end().unwrap_or(office.now);
        let before = (due_end - Duration::days(2)).min(office.now);
        let after = (due_end + Duration::days(3)).min(office.now);
        office.tick("official", before, &reports.items("Báo cáo tình hình thiệt hại", "XA-BINH-CHAU", Some(*period)));
        // Bình Thạnh reports every month but one late; Tịnh Khê misses the latest month.
        let thanh_at = if index == 0 { after } else { before };
        office.tick("official3", thanh_at, &reports.items("Báo cáo tình hình thiệt hại", "XA-BINH-THANH", Some(*period)));
        if index + 1 < past.len() {
            office.tick("tinhkhe", before, &reports.items("Báo cáo tình hình thiệt hại", "XA-TINH-KHE", Some(*period)));
        }
    }
    // This month: Bình Châu has gathered its figures.
    let this_month = reports.items("Báo cáo tình hình thiệt hại", "XA-BINH-CHAU", Some(*current));
    let gathered = office.ago(0.5);
    office.tick("official", gathered, first(&this_month, 1));
    Ok(())
}
