//! Where a push's write time goes: 100-record transactions into SurrealKV against our
//! SCHEMAFULL tables (every field typed and asserted, as the schema requires) and against
//! schemaless tables with the same records. Printed, not asserted; it explains the gap
//! between the push benchmark and raw SurrealKV (docs/measurements.md, "Sync benchmark").

// Tests and benchmarks stop at the first failure, and an unwrap says where: the lint
// that keeps unwraps out of the app and the server does not apply here.
#![allow(clippy::unwrap_used)]

use chidao_core::domain::{new_id, ChecklistItem, Directive, Party, Task, UnitCode};
use chidao_server::db::{migrate, Connection, EmbeddedLimits, Store, ITEMS_PER_WRITE};
use serde_json::{json, Value};
use std::time::Instant;

const ROUNDS: usize = 10;
const PER_TXN: usize = 100;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    // Opened as the app opens it, with the same bounds on SurrealKV's memory.
    let db = Connection::open(&format!("surrealkv://{}", dir.path().join("db").display()), EmbeddedLimits::DEFAULT).await.unwrap();
    db.use_namespace_and_database("bench", "bench").await.unwrap();
    migrate(&db).await.unwrap();
    let unit = UnitCode::parse("XA-BINH-CHAU").unwrap();
    let directive =
        Directive::new(new_id(), "Benchmark", "UBND tỉnh", chrono::NaiveDate::from_ymd_opt(2022, 8, 5).unwrap(), vec![], &["S"]).unwrap();
    let tasks: Vec<Task> = (0..100)
        .map(|n| Task::new(new_id(), &directive, 0, &format!("Task {n}"), Party::Unit(unit.clone()), vec![], None, None).unwrap())
        .collect();
    let items: Vec<ChecklistItem> = tasks
        .iter()
        .flat_map(|task| (0..100).map(|n| ChecklistItem::new(new_id(), task.id, unit.clone(), &format!("Item {n}"), n).unwrap()))
        .collect();
    let unit_row = chidao_core::domain::Unit::new(
        unit.clone(),
        "UBND xã Bình Châu",
        chidao_core::domain::UnitKind::Commune,
        Some((UnitCode::parse("HUYEN-BINH-SON").unwrap(), chidao_core::domain::UnitKind::District)),
    )
    .unwrap();
    let store = Store::new(db.clone());
    // The items in bounded steps, as the app writes them: one transaction of all of them
    // would not fit the embedded engine's write buffer.
    store.maintenance.seed(&[unit_row], &[directive], &tasks, &[], &[]).await.unwrap();
    store.maintenance.insert_items(&items).await.unwrap();
    let schema = store.maintenance.schema_description().await.unwrap();

    let mark = json!({"by": "official", "stamp": {"wall_ms": 1_700_000_000_000i64, "counter": 0, "device": new_id()}});
    let item_update = "FOR $w IN $items { UPDATE type::record(TABLE, $w.id) SET done = true, note = 'đã kiểm tra', done_mark = $mark, \
        note_mark = $mark, conflict = false, parallel_update = false, seq = seq + 1000000, version = version + 1 RETURN NONE; };";
    let log_insert = "INSERT INTO TABLE array::map($items, |$w| { id: type::record(TABLE, rand::uuid::v7()), item: <string>$w.id, \
        device: 'd', seq: 1, at_ms: 1, stamp: $mark.stamp, clamped: false, field: 'done', value: true, author: 'official', \
        outcome: 'applied', conflict: false, received_at: time::now() }) RETURN NONE;";
    // Schemaless twins of the two tables, holding the same rows.
    db.query("DEFINE TABLE loose_item SCHEMALESS; DEFINE TABLE loose_change SCHEMALESS;", json!({}))
        .await
        .and_then(|response| response.check())
        .unwrap();
    copy_items(&db, "loose_item", "record::id(id) AS id, task, unit, label, position, done, note, seq, version", items.len()).await;
    let cases = [
        ("item updates, SCHEMAFULL item", item_update.replace("TABLE", "'item'")),
        ("item updates, schemaless", item_update.replace("TABLE", "'loose_item'")),
        ("change-log inserts, SCHEMAFULL change", log_insert.replace("INTO TABLE", "INTO change").replace("TABLE", "'change'")),
        ("change-log inserts, schemaless", log_insert.replace("INTO TABLE", "INTO loose_change").replace("TABLE", "'loose_change'")),
    ];
    let mut results = serde_json::Map::new();
    let mut next = 0;
    for (name, statements) in cases {
        let ms = timed(&db, &statements, &items, &mut next, &mark).await;
        println!("{name:<40} {ms:>6.1} ms per {PER_TXN} records");
        results.insert(name.to_owned(), json!(ms));
    }

    // Each kind of check on its own: twins of the two tables, each without one kind,
    // measured in alternation (the machine's speed drifts) and reported as medians.
    let variants: [(&str, &str, Rewrite); 11] = [
        ("item", "all checks", |definition| Some(definition.to_owned())),
        ("item", "no indexes", without_indexes),
        ("item", "no ASSERTs", without_asserts),
        ("item", "marks untyped inside", |definition| untyped_inside(definition, "_mark")),
        ("item", "marks as one literal type", |definition| typed_whole(definition, "_mark", MARK_TYPE)),
        ("change", "all checks", |definition| Some(definition.to_owned())),
        ("change", "no indexes", without_indexes),
        ("change", "no ASSERTs", without_asserts),
        ("change", "word lists as literal types", words_as_literal_types),
        ("change", "stamp untyped inside", |definition| untyped_inside(definition, "stamp")),
        ("change", "stamp as one literal type", |definition| typed_whole(definition, "stamp", STAMP_TYPE)),
    ];
    let mut twins = Vec::new();
    for (index, (table, _, keep)) in variants.iter().enumerate() {
        let twin = format!("{table}_twin_{index}");
        let described = &schema[*table];
        let definitions = std::iter::once(described["table"].as_str().unwrap().to_owned())
            .chain(described["fields"].as_object().unwrap().values().map(|definition| definition.as_str().unwrap().to_owned()))
            .chain(described["indexes"].as_object().unwrap().values().map(|definition| definition.as_str().unwrap().to_owned()))
            .filter_map(|definition| keep(&definition))
            .map(|definition| {
                definition
                    .replace(&format!(" ON {table} "), &format!(" ON {twin} "))
                    .replace(&format!("TABLE {table} "), &format!("TABLE {twin} "))
                    // An array field defines its elements' field itself.
                    .replacen("DEFINE FIELD ", "DEFINE FIELD OVERWRITE ", 1)
            });
        let setup: String = definitions.map(|definition| definition + ";\n").collect();
        db.query(setup, json!({})).await.and_then(|response| response.check()).unwrap();
        if *table == "item" {
            copy_items(&db, &twin, "*", items.len()).await;
        }
        let statements = if *table == "item" {
            item_update.replace("TABLE", &format!("'{twin}'"))
        } else {
            log_insert.replace("INTO TABLE", &format!("INTO {twin}")).replace("TABLE", &format!("'{twin}'"))
        };
        twins.push(statements);
    }
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    for _ in 0..5 {
        for (index, statements) in twins.iter().enumerate() {
            samples[index].push(timed(&db, statements, &items, &mut next, &mark).await);
        }
    }
    for ((table, variant, _), mut times) in variants.iter().zip(samples) {
        times.sort_by(f64::total_cmp);
        let name = format!("{table} table, {variant}");
        println!("{name:<40} {:>6.1} ms per {PER_TXN} records (median of 5)", times[2]);
        results.insert(name, json!(times[2]));
    }
    // The log as one row per push group (the changes inside it, typed), with a bare key row
    // per change for the duplicate check, with and without the index by item that an
    // item's history reads; against the log as it is, one checked row per change. Measured
    // in alternation, medians of 5.
    db.query(GROUPED_LOG_SCHEMA, json!({})).await.and_then(|response| response.check()).unwrap();
    let grouped = |keys: &str| GROUPED_LOG_INSERT.replace("KEYS", keys);
    let forms = [
        ("log, one checked row per change (as now)", log_insert.replace("INTO TABLE", "INTO change").replace("TABLE", "'change'")),
        ("log, a row per group + key rows by item", grouped("change_key")),
        ("log, a row per group + bare key rows", grouped("change_key_bare")),
    ];
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); forms.len()];
    for _ in 0..5 {
        for (index, (_, statements)) in forms.iter().enumerate() {
            samples[index].push(timed(&db, statements, &items, &mut next, &mark).await);
        }
    }
    for ((name, _), mut times) in forms.iter().zip(samples) {
        times.sort_by(f64::total_cmp);
        println!("{name:<40} {:>6.1} ms per {PER_TXN} changes (median of 5)", times[2]);
        results.insert((*name).to_owned(), json!(times[2]));
    }
    println!("{}", Value::Object(results));
}

/// A log of one row per push group: its changes typed as the change table types them.
const GROUPED_LOG_SCHEMA: &str = r#"
    DEFINE TABLE change_group SCHEMAFULL;
    DEFINE FIELD received_at ON change_group TYPE datetime DEFAULT time::now();
    DEFINE FIELD changes ON change_group TYPE array<{ item: string, device: string, seq: int, at_ms: int,
        stamp: { wall_ms: int, counter: int, device: string }, clamped: bool, field: "done" | "note" | "photo",
        value: bool | string, author: string, outcome: "applied" | "superseded" | "rejected" | "reviewed", conflict: bool }>;
    DEFINE TABLE change_key SCHEMAFULL;
    DEFINE FIELD group ON change_key TYPE string;
    DEFINE FIELD item ON change_key TYPE string;
    DEFINE INDEX change_key_item ON change_key FIELDS item;
    DEFINE TABLE change_key_bare SCHEMAFULL;
    DEFINE FIELD group ON change_key_bare TYPE string;
    DEFINE FIELD item ON change_key_bare TYPE string;
"#;

const GROUPED_LOG_INSERT: &str = "LET $group = <string>rand::uuid::v7();
    CREATE type::record('change_group', $group) SET changes = array::map($items, |$w| { item: <string>$w.id, device: 'd', seq: 1,
        at_ms: 1, stamp: $mark.stamp, clamped: false, field: 'done', value: true, author: 'official', outcome: 'applied',
        conflict: false }) RETURN NONE;
    INSERT INTO KEYS array::map($items, |$w| { id: type::record('KEYS', rand::uuid::v7()), group: $group, item: <string>$w.id }) RETURN NONE;";

/// Copies the items into `table`, `fields` of each, a step at a time as the app writes
/// (all of them in one transaction would not fit the embedded write buffer).
async fn copy_items(db: &Connection, table: &str, fields: &str, count: usize) {
    for start in (0..count).step_by(ITEMS_PER_WRITE) {
        let copy =
            format!("INSERT INTO {table} (SELECT {fields} FROM item ORDER BY seq LIMIT {ITEMS_PER_WRITE} START {start}) RETURN NONE;");
        db.query(&copy, json!({})).await.and_then(|response| response.check()).unwrap();
    }
}

/// Milliseconds per transaction of `PER_TXN` records, over `ROUNDS` transactions.
async fn timed(db: &Connection, statements: &str, items: &[ChecklistItem], next: &mut usize, mark: &Value) -> f64 {
    let query = format!("BEGIN TRANSACTION; {statements} COMMIT TRANSACTION;");
    let started = Instant::now();
    for _ in 0..ROUNDS {
        let chunk: Vec<Value> = items[*next..*next + PER_TXN].iter().map(|item| json!({"id": item.id})).collect();
        *next = (*next + PER_TXN) % items.len();
        db.query(query.as_str(), json!({"items": chunk, "mark": mark})).await.and_then(|response| response.check()).unwrap();
    }
    started.elapsed().as_secs_f64() * 1000.0 / ROUNDS as f64
}

/// A definition as a variant keeps it, rewrites it, or drops it (`None`).
type Rewrite = fn(&str) -> Option<String>;

fn without_indexes(definition: &str) -> Option<String> {
    (!definition.starts_with("DEFINE INDEX")).then(|| definition.to_owned())
}

fn without_asserts(definition: &str) -> Option<String> {
    Some(match (definition.find(" ASSERT "), definition.find(" PERMISSIONS")) {
        (Some(start), Some(end)) if start < end => format!("{}{}", &definition[..start], &definition[end..]),
        _ => definition.to_owned(),
    })
}

/// The object field `name`'s inner fields not defined: the object is kept whole (FLEXIBLE)
/// and only its own type checked.
fn untyped_inside(definition: &str, name: &str) -> Option<String> {
    if definition.contains(&format!("{name}.")) {
        None
    } else if definition.contains(&format!("{name} ON")) && definition.contains("object") {
        Some(definition.replacen(" PERMISSIONS", " FLEXIBLE PERMISSIONS", 1))
    } else {
        Some(definition.to_owned())
    }
}

const STAMP_TYPE: &str = "{ wall_ms: int, counter: int, device: string }";
const MARK_TYPE: &str = "{ by: string, stamp: { wall_ms: int, counter: int, device: string } }";

/// The object field `name` checked by one literal type instead of a field per member.
fn typed_whole(definition: &str, name: &str, literal: &str) -> Option<String> {
    if definition.contains(&format!("{name}.")) {
        None
    } else if definition.contains(&format!("{name} ON")) && definition.contains("object") {
        Some(definition.replacen("none | object", &format!("none | {literal}"), 1))
    } else {
        Some(definition.to_owned())
    }
}

/// `TYPE string ASSERT $value INSIDE ['a', 'b']` written as `TYPE "a" | "b"`: the same words
/// allowed, checked by the type.
fn words_as_literal_types(definition: &str) -> Option<String> {
    let Some(start) = definition.find("TYPE string ASSERT $value INSIDE [") else { return Some(definition.to_owned()) };
    let list_start = start + "TYPE string ASSERT $value INSIDE [".len();
    let list_end = list_start + definition[list_start..].find(']')?;
    let words: Vec<String> =
        definition[list_start..list_end].split(',').map(|word| format!("\"{}\"", word.trim().trim_matches('\''))).collect();
    Some(format!("{}TYPE {}{}", &definition[..start], words.join(" | "), &definition[list_end + 1..]))
}
