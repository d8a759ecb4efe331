//! A small province in a fresh in-memory database, for the stores' own tests: a district
//! with two communes, one directive whose one task the first commune leads and the second
//! coordinates, two checklist items for each commune, one account.

use super::{AccountRow, Store};
use crate::db::{open, EmbeddedLimits, Settings};
use chidao_core::domain::{ChecklistItem, Deadline, DeadlineKind, Directive, Party, Role, Roles, Task, Unit, UnitCode, UnitKind};
use chrono::NaiveDate;
use uuid::Uuid;

pub struct Province {
    pub store: Store,
    pub units: Vec<Unit>,
    pub directive: Directive,
    pub task: Task,
    pub items: Vec<ChecklistItem>,
    pub lead: UnitCode,
    pub coordinating: UnitCode,
}

pub fn code(raw: &str) -> UnitCode {
    UnitCode::parse(raw).expect("a valid unit code")
}

/// A migrated database with nothing in it.
pub async fn empty() -> Store {
    let settings = Settings {
        url: "mem://".to_owned(),
        user: None,
        pass: None,
        namespace: "chidao".to_owned(),
        database: "store_tests".to_owned(),
        limits: EmbeddedLimits::DEFAULT,
    };
    open(&settings).await.expect("an in-memory database opens at this build's schema")
}

pub async fn province() -> Province {
    let store = empty().await;
    let province = Unit::new(code("QNG"), "UBND tỉnh Quảng Ngãi", UnitKind::Province, None).unwrap();
    let district =
        Unit::new(code("H-SON-TINH"), "UBND huyện Sơn Tịnh", UnitKind::District, Some((code("QNG"), UnitKind::Province))).unwrap();
    let parent = Some((code("H-SON-TINH"), UnitKind::District));
    let lead = Unit::new(code("XA-TINH-HA"), "UBND xã Tịnh Hà", UnitKind::Commune, parent.clone()).unwrap();
    let coordinating = Unit::new(code("XA-TINH-SON"), "UBND xã Tịnh Sơn", UnitKind::Commune, parent).unwrap();
    let directive = Directive::new(
        Uuid::new_v4(),
        "Tổng hợp ý kiến chỉ đạo tuần",
        "UBND tỉnh Quảng Ngãi",
        NaiveDate::from_ymd_opt(2022, 8, 5).unwrap(),
        Vec::new(),
        &["Phòng, chống dịch bệnh"],
    )
    .unwrap();
    let deadline = Deadline { date: NaiveDate::from_ymd_opt(2022, 8, 15).unwrap(), kind: DeadlineKind::Before };
    let task = Task::new(
        Uuid::new_v4(),
        &directive,
        0,
        "Rà soát, báo cáo tình hình tiêm vắc xin",
        Party::Unit(lead.code.clone()),
        vec![Party::Unit(coordinating.code.clone())],
        Some(deadline),
        None,
    )
    .unwrap();
    let items: Vec<ChecklistItem> = [&lead, &coordinating]
        .into_iter()
        .flat_map(|unit| {
            ["Lập danh sách", "Gửi báo cáo"]
                .into_iter()
                .zip(1..)
                .map(|(label, position)| ChecklistItem::new(Uuid::new_v4(), task.id, unit.code.clone(), label, position).unwrap())
        })
        .collect();
    let account = AccountRow::new(
        "canbo.tinhha",
        "Cán bộ xã Tịnh Hà",
        &Roles::one(Role::Official),
        &lead.code,
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
    );
    let units = vec![province, district, lead.clone(), coordinating.clone()];
    store
        .maintenance
        .seed(&units, std::slice::from_ref(&directive), std::slice::from_ref(&task), &items, &[account])
        .await
        .expect("the province seeds");
    Province { store, units, directive, task, items, lead: lead.code, coordinating: coordinating.code }
}
