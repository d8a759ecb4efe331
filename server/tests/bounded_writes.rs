//! Writes that grow with the data fit the embedded engine's least write buffer (one
//! transaction larger than it is refused whole): a directive reaching a whole province is
//! written in steps, and one whose writer stopped half-way is finished by another writer
//! once the lease runs out, each line once, every checklist counted; the largest unit file
//! imports.

use chidao_core::domain::authoring::{self, DirectiveInput, SectionInput, TaskInput};
use chidao_core::domain::{Party, TaskState, Unit, UnitCode, UnitKind, UnitRole};
use chidao_server::db::{AssignmentScope, FinalRecount, Recorded, Store, ITEMS_PER_WRITE};
use std::collections::BTreeSet;
use uuid::Uuid;

const PROVINCE: &str = "TINH";

fn code(text: &str) -> UnitCode {
    UnitCode::parse(text).unwrap()
}

fn province(communes: usize) -> Vec<Unit> {
    let top = Unit::new(code(PROVINCE), "UBND tỉnh", UnitKind::Province, None).unwrap();
    let district = Unit::new(code("HUYEN"), "UBND huyện", UnitKind::District, Some((code(PROVINCE), UnitKind::Province))).unwrap();
    let mut units = vec![top, district];
    units.extend((0..communes).map(|n| {
        Unit::new(code(&format!("XA-{n:03}")), &format!("UBND xã số {n}"), UnitKind::Commune, Some((code("HUYEN"), UnitKind::District)))
            .unwrap()
    }));
    units
}

/// `tasks` tasks, each assigned to every commune of `units` with `lines` lines of the
/// longest label allowed, in Vietnamese (most letters two or three bytes).
fn province_wide(units: &[Unit], tasks: usize, lines: usize) -> DirectiveInput {
    let communes: Vec<UnitCode> = units.iter().filter(|unit| unit.kind == UnitKind::Commune).map(|unit| unit.code.clone()).collect();
    let label = |task: usize, line: usize| {
        let head = format!("Việc {task}.{line:02} ");
        let fill = chidao_core::domain::ChecklistItem::LABEL_MAX - head.chars().count();
        head + &"ệ".repeat(fill)
    };
    DirectiveInput {
        title: "Kế hoạch triển khai toàn tỉnh".into(),
        issuer: "UBND tỉnh".into(),
        issued_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        documents: vec!["21/KH-UBND".into()],
        sections: vec![SectionInput {
            heading: "Các xã thực hiện".into(),
            tasks: (0..tasks)
                .map(|task| TaskInput {
                    id: None,
                    text: format!("Nhiệm vụ số {task}"),
                    lead: Party::Unit(code(PROVINCE)),
                    coordinating: Vec::new(),
                    deadline: None,
                    recurrence: None,
                    target: None,
                    assigned: communes.clone(),
                    checklist: (0..lines).map(|line| label(task, line)).collect(),
                })
                .collect(),
        }],
    }
}

/// Every live item of `directive`'s tasks as (task, unit, label), and whether any line is
/// there twice.
async fn lines_of(store: &Store, directive: Uuid) -> (BTreeSet<(Uuid, String, String)>, usize) {
    let (_, _, items) = store.directives.directive_records(directive).await.unwrap().unwrap();
    let live: Vec<_> =
        items.iter().filter(|item| !item.removed).map(|item| (item.task, item.unit.to_string(), item.label.to_string())).collect();
    let count = live.len();
    (live.into_iter().collect(), count)
}

/// Every checklist of `directive` has its counts as a recount from its items gives them,
/// and every live item is counted in one: none was left uncounted by the writing.
async fn checklists_are_counted(store: &Store, directive: Uuid) {
    let scope = AssignmentScope { directive: Some(directive), ..AssignmentScope::default() };
    let at = chidao_core::domain::Thresholds::at(chrono::Utc::now(), chidao_core::domain::DUE_SOON_DAYS);
    let sorted = |mut assignments: Vec<chidao_server::db::ClassifiedAssignment>| {
        assignments.sort_by_key(|assignment| (assignment.task, assignment.unit.to_string(), format!("{:?}", assignment.period)));
        assignments
    };
    let stored = sorted(store.progress.list_assignments(&scope, at).await.unwrap());
    let live_items = lines_of(store, directive).await.1;
    assert_eq!(stored.iter().map(|assignment| assignment.total as usize).sum::<usize>(), live_items, "every live item counted once");
    let groups: Vec<_> = stored.iter().map(|assignment| (assignment.task, assignment.unit.clone(), assignment.period)).collect();
    store.progress.recount(&groups).await.unwrap();
    assert_eq!(sorted(store.progress.list_assignments(&scope, at).await.unwrap()), stored, "counts as a recount gives them");
}

async fn numbers_are_unique(store: &Store) {
    let items = store.sync.all_items().await.unwrap();
    let numbers: BTreeSet<u64> = items.iter().map(|stored| stored.seq).collect();
    assert_eq!(numbers.len(), items.len(), "every item has a number of its own, so devices pull each");
    assert!(!numbers.contains(&0), "no item is left unnumbered");
}

/// A store on SurrealKV on disk with the least write buffer the server takes.
async fn least_buffer_store(dir: &tempfile::TempDir) -> Store {
    let url = format!("surrealkv://{}", dir.path().join("db").display());
    let least = chidao_server::config::DbArgs::LEAST_MEMTABLE_MIB;
    chidao_server::db::open(&chidao_server::config::DbArgs { memtable_mib: least, ..crate::common::db_args(&url) }.settings())
        .await
        .expect("database opens")
}

#[tokio::test]
async fn a_directive_for_a_whole_province_is_written_in_steps_that_fit_the_least_write_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("db").display());
    let args =
        chidao_server::config::DbArgs { memtable_mib: chidao_server::config::DbArgs::LEAST_MEMTABLE_MIB, ..crate::common::db_args(&url) };
    let store = chidao_server::db::open(&args.settings()).await.expect("database opens");
    let units = province(150);
    store.maintenance.seed(&units, &[], &[], &[], &[]).await.unwrap();
    // 150 communes × 2 tasks × 24 lines: 7,200 items of ~1.5 KB each, several times what
    // one transaction may hold at this buffer size.
    let input = province_wide(&units, 2, 24);

    let published = chidao_server::directives::publish(&store, &input, "supervisor").await.expect("the directive is published");
    assert_eq!(published.items, 7_200);
    assert!(published.items > 3 * ITEMS_PER_WRITE, "the test must need several steps");
    let (lines, count) = lines_of(&store, published.directive).await;
    assert_eq!(count, 7_200, "every line of every commune, once");
    assert_eq!(lines.len(), 7_200);
    numbers_are_unique(&store).await;
    assert!(store.directives.unfinished_checklists(published.directive).await.unwrap().is_none(), "the writing is over");
    checklists_are_counted(&store, published.directive).await;
    let form = chidao_server::directives::editable(&store, published.directive).await.unwrap().unwrap();
    assert_eq!(form.sections[0].tasks[1].assigned.len(), 150);
    assert_eq!(form.sections[0].tasks[1].checklist, input.sections[0].tasks[1].checklist);

    // An edit of the same size (one task's units all dropped, another's lines replaced)
    // goes in steps too.
    let mut edit = form;
    edit.sections[0].tasks[0].assigned.truncate(1);
    for line in &mut edit.sections[0].tasks[1].checklist {
        line.replace_range(0..1, "Ư");
    }
    let revised = chidao_server::directives::revise(&store, published.directive, &edit, "supervisor").await.expect("the edit is written");
    assert_eq!((revised.added_items, revised.removed_items), (3_600, 149 * 24 + 3_600));
    let (lines, count) = lines_of(&store, published.directive).await;
    assert_eq!(count, 24 + 3_600);
    assert!(lines.iter().filter(|(_, _, label)| label.starts_with('Ư')).count() == 3_600);
    numbers_are_unique(&store).await;
    checklists_are_counted(&store, published.directive).await;
}

/// The seeded demo over an in-memory database, and the database's own handle beside it.
async fn seeded_with_its_database() -> (surrealdb::Surreal<surrealdb::engine::any::Any>, Store) {
    let db = surrealdb::engine::any::connect("mem://").await.unwrap();
    db.use_ns("test").use_db("test").await.unwrap();
    chidao_server::db::migrate_to(&db.clone().into(), chidao_server::db::SCHEMA_VERSION).await.unwrap();
    let store = Store::new(db.clone());
    let units = province(5);
    store.maintenance.seed(&units, &[], &[], &[], &[]).await.unwrap();
    (db, store)
}

#[tokio::test]
async fn a_directive_left_part_written_is_finished_by_another_writer_once_its_lease_runs_out() {
    let (db, store) = seeded_with_its_database().await;
    let units = store.units.units().await.unwrap();
    let input = province_wide(&units, 3, 4);
    // The first steps of a writer that then stops, as `publish` takes them.
    let publication = authoring::plan(&input, &units, chidao_core::domain::new_id).unwrap();
    let directive = publication.directive.id;
    let target = serde_json::to_string(&authoring::with_task_ids(&input, &publication.tasks)).unwrap();
    let stopped = "a writer that stopped";
    let begun = store
        .directives
        .begin_checklists(&publication.directive, &publication.tasks, &[], &target, stopped, FinalRecount::Nothing)
        .await
        .unwrap();
    assert_eq!(begun, Recorded::Written);
    let (first, _) = publication.items.split_at(25);
    let touched: Vec<_> = first.iter().map(chidao_server::db::ChecklistKey::of).collect::<BTreeSet<_>>().into_iter().collect();
    assert_eq!(store.directives.write_checklist_step(directive, stopped, first, &[], &touched).await.unwrap(), Recorded::Written);

    // Part-written, the form still shows the whole directive.
    let form = chidao_server::directives::editable(&store, directive).await.unwrap().unwrap();
    assert_eq!(form.sections[0].tasks[2].assigned.len(), 5);
    assert_eq!(lines_of(&store, directive).await.1, 25);
    // Nobody takes over while the lease runs.
    assert_eq!(chidao_server::directives::finish_abandoned(&store).await.unwrap(), 0);
    assert_eq!(lines_of(&store, directive).await.1, 25);

    db.query("UPDATE publication SET lease_until = time::now() - 1s;").await.unwrap().check().unwrap();
    assert_eq!(chidao_server::directives::finish_abandoned(&store).await.unwrap(), 1);
    let (lines, count) = lines_of(&store, directive).await;
    assert_eq!(count, 3 * 5 * 4, "every line once: none lost, none twice");
    let planned: BTreeSet<_> = publication.items.iter().map(|item| (item.task, item.unit.to_string(), item.label.to_string())).collect();
    assert_eq!(lines, planned);
    numbers_are_unique(&store).await;
    assert!(store.directives.unfinished_checklists(directive).await.unwrap().is_none());
    checklists_are_counted(&store, directive).await;

    // An edit that adds and removes no line but names a commune to lead one task and gives
    // another a deadline now past reaches checklists that no step of it writes: its last
    // step recounts every checklist of the directive.
    let mut edit = chidao_server::directives::editable(&store, directive).await.unwrap().unwrap();
    let leading = edit.sections[0].tasks[0].assigned[0].clone();
    edit.sections[0].tasks[0].lead = Party::Unit(leading.clone());
    let past = chrono::NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    edit.sections[0].tasks[1].deadline =
        Some(chidao_core::domain::Deadline { date: past, kind: chidao_core::domain::DeadlineKind::Before });
    let revised = chidao_server::directives::revise(&store, directive, &edit, "supervisor").await.unwrap();
    assert_eq!((revised.added_items, revised.removed_items), (0, 0));
    checklists_are_counted(&store, directive).await;
    let scope = AssignmentScope { directive: Some(directive), ..AssignmentScope::default() };
    let at = chidao_core::domain::Thresholds::at(chrono::Utc::now(), chidao_core::domain::DUE_SOON_DAYS);
    let assignments = store.progress.list_assignments(&scope, at).await.unwrap();
    let (first, second) = (publication.tasks[0].id, publication.tasks[1].id);
    let of = |task: Uuid| assignments.iter().filter(move |assignment| assignment.task == task);
    assert!(of(first).all(|assignment| (assignment.role == UnitRole::Lead) == (assignment.unit == leading)));
    assert!(of(first).any(|assignment| assignment.role == UnitRole::Lead));
    assert!(of(second).all(|assignment| assignment.state == TaskState::Overdue), "{:?}", of(second).collect::<Vec<_>>());
    // The writer that stopped, back, may no longer write.
    let (_, rest) = publication.items.split_at(25);
    assert_eq!(store.directives.write_checklist_step(directive, stopped, &rest[..1], &[], &touched).await.unwrap(), Recorded::Stale);
    assert_eq!(chidao_server::directives::finish_abandoned(&store).await.unwrap(), 0, "nothing is left to take");
}

#[tokio::test]
async fn the_largest_unit_file_imports_into_the_least_write_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let store = least_buffer_store(&dir).await;
    let most = chidao_core::domain::unit_import::MAX_ROWS - 1;
    let name = |n: usize| {
        let head = format!("UBND xã {n} ");
        head.clone() + &"Ư".repeat(Unit::NAME_MAX - head.chars().count())
    };
    let mut csv = String::from("code,name,kind,parent_code\nTINH,UBND tỉnh,province,\nHUYEN,UBND huyện,district,TINH\n");
    for n in 0..most - 2 {
        csv.push_str(&format!("XA-{n:05}-{},{},commune,HUYEN\n", "X".repeat(UnitCode::MAX_LEN - 9), name(n)));
    }
    let written = chidao_server::admin::import_units_csv(&store, &csv).await.expect("the largest file allowed is imported");
    assert_eq!(written, most);
    assert_eq!(store.units.units().await.unwrap().len(), most);
}
