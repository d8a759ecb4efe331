//! A province of real size, generated for the scale benchmark: a province, its
//! departments, districts and communes (180 units by default), directives whose tasks are
//! all assigned to every unit, seven items each, and a year of ticks, some on time, some
//! late, some never. Deterministic for a given seed, so runs compare.

use crate::db::{DbError, HistoryRow, Store};
use chidao_core::domain::{ChecklistItem, Deadline, DeadlineKind, Directive, Party, Task, Unit, UnitCode, UnitKind};
use chidao_core::sync::{Mark, Stamp};
use chrono::{DateTime, Days, Utc};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct ProvinceSpec {
    pub departments: usize,
    pub districts: usize,
    pub communes: usize,
    pub directives: usize,
    pub tasks_per_directive: usize,
    pub items_per_checklist: usize,
    pub seed: u64,
}

impl Default for ProvinceSpec {
    /// After the 2025 reorganisation: ~30 departments and ~150 communes (here 134, under
    /// 15 districts, so that with the province they make 180 units); 400 tasks of 7 items.
    fn default() -> Self {
        Self { departments: 30, districts: 15, communes: 134, directives: 40, tasks_per_directive: 10, items_per_checklist: 7, seed: 2025 }
    }
}

/// What was generated, for the benchmark's report.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub units: usize,
    pub tasks: usize,
    pub items: usize,
    pub history: usize,
    /// A commune and a department that carry out tasks, for filtered views.
    pub sample_commune: Option<UnitCode>,
    pub sample_district: Option<UnitCode>,
}

/// SplitMix64: small, fast and good enough to spread generated ticks.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn code(text: String) -> UnitCode {
    UnitCode::parse(&text).expect("generated codes are valid")
}

/// The generated province's own code.
pub const PROVINCE_CODE: &str = "TINH";

fn tree(spec: &ProvinceSpec) -> Vec<Unit> {
    let province = code(PROVINCE_CODE.into());
    let mut units = vec![Unit::new(province.clone(), "UBND tỉnh (dữ liệu sinh)", UnitKind::Province, None).expect("valid")];
    let under_province = Some((province, UnitKind::Province));
    for n in 1..=spec.departments {
        units.push(
            Unit::new(code(format!("SO-{n:02}")), &format!("Sở số {n}"), UnitKind::Department, under_province.clone()).expect("valid"),
        );
    }
    for n in 1..=spec.districts {
        units.push(
            Unit::new(code(format!("HUYEN-{n:02}")), &format!("UBND huyện số {n}"), UnitKind::District, under_province.clone())
                .expect("valid"),
        );
    }
    for n in 1..=spec.communes {
        let district = code(format!("HUYEN-{:02}", (n - 1) % spec.districts.max(1) + 1));
        units.push(
            Unit::new(code(format!("XA-{n:03}")), &format!("UBND xã số {n}"), UnitKind::Commune, Some((district, UnitKind::District)))
                .expect("valid"),
        );
    }
    units
}

/// Writes the province into an empty `store`, as of `now`: deadlines from half a year ago
/// to half a year ahead, ticks over the year before `now`.
pub async fn generate(store: &Store, spec: &ProvinceSpec, now: DateTime<Utc>) -> Result<Generated, DbError> {
    let mut dice = Dice(spec.seed);
    let units = tree(spec);
    let workers: Vec<&Unit> = units.iter().filter(|unit| unit.kind != UnitKind::Province).collect();
    let departments: Vec<&Unit> = units.iter().filter(|unit| unit.kind == UnitKind::Department).collect();
    let today = Deadline::today_in_vietnam(now);
    let year_ago = today - Days::new(365);
    let mut directives = Vec::new();
    let mut tasks = Vec::new();
    for d in 0..spec.directives {
        let issued = year_ago + Days::new(dice.below(180));
        let directive = Directive::new(Uuid::now_v7(), &format!("Chỉ đạo sinh số {}", d + 1), "UBND tỉnh", issued, vec![], &["Nhiệm vụ"])
            .expect("valid");
        for t in 0..spec.tasks_per_directive {
            let lead = departments[dice.below(departments.len() as u64) as usize].code.clone();
            let due = issued + Days::new(30 + dice.below(330));
            let deadline = Some(Deadline { date: due, kind: DeadlineKind::NoLaterThan });
            let text = format!("Nhiệm vụ {} của chỉ đạo {}", t + 1, d + 1);
            tasks.push(Task::new(Uuid::now_v7(), &directive, 0, &text, Party::Unit(lead), vec![], deadline, None).expect("valid"));
        }
        directives.push(directive);
    }
    store.maintenance.seed(&units, &directives, &tasks, &[], &[]).await?;

    let mut items = Vec::new();
    let mut history = Vec::new();
    let mut pairs = Vec::new();
    let device_of = |unit: &UnitCode| {
        Uuid::from_u128(u128::from(unit.as_str().bytes().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))) | 1 << 100)
    };
    let mut seq_of_device = std::collections::HashMap::<Uuid, u64>::new();
    for task in &tasks {
        let due_end = task.deadline.and_then(|deadline| deadline.due_end()).unwrap_or(now);
        for unit in &workers {
            pairs.push((task.id, unit.code.clone(), None));
            // A fifth untouched, a quarter part done, the rest done: mostly on time.
            let roll = dice.below(100);
            let done_items = match roll {
                0..=19 => 0,
                20..=44 => 1 + dice.below(spec.items_per_checklist as u64 - 1) as usize,
                _ => spec.items_per_checklist,
            };
            let late = roll >= 85;
            let device = device_of(&unit.code);
            for position in 0..spec.items_per_checklist {
                let mut item =
                    ChecklistItem::new(Uuid::now_v7(), task.id, unit.code.clone(), &format!("Mục {}", position + 1), position as u32 + 1)
                        .expect("valid");
                if position < done_items {
                    let offset_ms = (dice.below(30 * 86_400) * 1000) as i64;
                    let at = if late { due_end.timestamp_millis() + offset_ms } else { due_end.timestamp_millis() - offset_ms - 3_600_000 };
                    let at = at.min(now.timestamp_millis());
                    let author = format!("canbo-{}", unit.code.as_str().to_lowercase());
                    item.done = true;
                    item.done_since_ms = Some(at);
                    item.done_mark = Some(Mark { stamp: Stamp { wall_ms: at, counter: 0, device }, by: author.clone() });
                    let seq = seq_of_device.entry(device).or_default();
                    *seq += 1;
                    history.push(HistoryRow { id: Uuid::now_v7(), item: item.id, device, seq: *seq, at_ms: at, author });
                }
                items.push(item);
            }
        }
    }
    let phase = std::time::Instant::now();
    store.maintenance.insert_items(&items).await?;
    tracing::info!(items = items.len(), seconds = phase.elapsed().as_secs_f64(), "generated items written");
    let phase = std::time::Instant::now();
    store.maintenance.insert_history(&history).await?;
    tracing::info!(ticks = history.len(), seconds = phase.elapsed().as_secs_f64(), "generated history written");
    let phase = std::time::Instant::now();
    store.progress.recount(&pairs).await?;
    tracing::info!(assignments = pairs.len(), seconds = phase.elapsed().as_secs_f64(), "assignments counted");
    Ok(Generated {
        units: units.len(),
        tasks: tasks.len(),
        items: items.len(),
        history: history.len(),
        sample_commune: workers.iter().find(|unit| unit.kind == UnitKind::Commune).map(|unit| unit.code.clone()),
        sample_district: workers.iter().find(|unit| unit.kind == UnitKind::District).map(|unit| unit.code.clone()),
    })
}
