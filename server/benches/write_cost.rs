//! Where a push's write time goes: 100-record transactions into SurrealKV against our
//! SCHEMAFULL tables (every field typed and asserted, as the schema requires) and against
//! schemaless tables with the same records. Printed, not asserted; it explains the gap
//! between the push benchmark and raw SurrealKV (README, "Benchmark").

use chidao_core::domain::{new_id, ChecklistItem, Directive, Party, Task, UnitCode};
use chidao_server::db::{migrate, Store};
use serde_json::{json, Value};
use std::time::Instant;

const ROUNDS: usize = 10;
const PER_TXN: usize = 100;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = surrealdb::engine::any::connect(format!("surrealkv://{}", dir.path().join("db").display())).await.unwrap();
    db.use_ns("bench").use_db("bench").await.unwrap();
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
    Store::new(db.clone()).seed(&[unit_row], &[directive], &tasks, &items, &[]).await.unwrap();

    let mark = json!({"by": "official", "stamp": {"wall_ms": 1_700_000_000_000i64, "counter": 0, "device": new_id()}});
    let item_update = "FOR $w IN $items { UPDATE type::record(TABLE, $w.id) SET done = true, note = 'đã kiểm tra', done_mark = $mark, \
        note_mark = $mark, conflict = false, parallel_update = false, seq = seq + 1000000, version = version + 1 RETURN NONE; };";
    let log_insert = "INSERT INTO TABLE array::map($items, |$w| { id: type::record(TABLE, rand::uuid::v7()), item: <string>$w.id, \
        device: 'd', seq: 1, at_ms: 1, stamp: $mark.stamp, clamped: false, field: 'done', value: true, author: 'official', \
        outcome: 'applied', conflict: false, received_at: time::now() }) RETURN NONE;";
    // Schemaless twins of the two tables, holding the same rows.
    db.query("DEFINE TABLE loose_item SCHEMALESS; DEFINE TABLE loose_change SCHEMALESS; INSERT INTO loose_item (SELECT record::id(id) AS id, task, unit, label, position, done, note, seq, version FROM item);")
        .await
        .and_then(|response| response.check())
        .unwrap();
    let cases = [
        ("item updates, SCHEMAFULL item", item_update.replace("TABLE", "'item'")),
        ("item updates, schemaless", item_update.replace("TABLE", "'loose_item'")),
        ("change-log inserts, SCHEMAFULL change", log_insert.replace("INTO TABLE", "INTO change").replace("TABLE", "'change'")),
        ("change-log inserts, schemaless", log_insert.replace("INTO TABLE", "INTO loose_change").replace("TABLE", "'loose_change'")),
    ];
    let mut results = serde_json::Map::new();
    let mut next = 0;
    for (name, statements) in cases {
        let query = format!("BEGIN TRANSACTION; {statements} COMMIT TRANSACTION;");
        let started = Instant::now();
        for _ in 0..ROUNDS {
            let chunk: Vec<Value> = items[next..next + PER_TXN].iter().map(|item| json!({"id": item.id})).collect();
            next = (next + PER_TXN) % items.len();
            db.query(&query).bind(json!({"items": chunk, "mark": mark})).await.and_then(|response| response.check()).unwrap();
        }
        let ms = started.elapsed().as_secs_f64() * 1000.0 / ROUNDS as f64;
        println!("{name:<40} {ms:>6.1} ms per {PER_TXN} records");
        results.insert(name.to_owned(), json!(ms));
    }
    println!("{}", Value::Object(results));
}
