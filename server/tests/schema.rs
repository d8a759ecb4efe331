//! The schema that the migrations build, held to a checked-in snapshot: a change to the
//! schema shows in review as a change to `server/migrations/schema.snapshot.json`. After a
//! deliberate change (a new migration), write the snapshot again with
//! `UPDATE_SCHEMA_SNAPSHOT=1 cargo test -p server schema`.

use crate::common;
use std::path::PathBuf;

#[tokio::test]
async fn the_migrations_build_the_schema_of_the_snapshot() {
    let store = chidao_server::db::open(&common::db_args("mem://").settings()).await.expect("database opens");
    let built = store.maintenance.schema_description().await.expect("the schema can be described");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations/schema.snapshot.json");
    let text = serde_json::to_string_pretty(&built).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA_SNAPSHOT").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let snapshot = std::fs::read_to_string(&path).expect("the snapshot is checked in");
    assert!(text == snapshot, "the schema differs from {}: write it again if the change is meant\n{text}", path.display());
    assert!(built["item"]["fields"].as_object().is_some_and(|fields| fields.contains_key("removed")), "{text}");
}

/// Migration 9 gives devices that pushed before it the stamp kept for their last change,
/// so the rule that a device's stamps keep its order holds across the upgrade.
#[tokio::test]
async fn devices_that_pushed_before_migration_9_keep_their_last_stamp() {
    let db = surrealdb::engine::any::connect("mem://").await.unwrap();
    db.use_ns("test").use_db("test").await.unwrap();
    chidao_server::db::migrate_to(&db.clone().into(), 8).await.unwrap();
    let setup = "
        CREATE device:`d1` SET owner = 'official', last_seq = 2;
        CREATE change:`c1` SET item = 'i', device = 'd1', seq = 1, at_ms = 1, field = 'done', value = true, author = 'official',
            outcome = 'applied', received_at = time::now(), stamp = { wall_ms: 10, counter: 0, device: 'd1' };
        CREATE change:`c2` SET item = 'i', device = 'd1', seq = 2, at_ms = 2, field = 'done', value = false, author = 'official',
            outcome = 'applied', received_at = time::now(), stamp = { wall_ms: 20, counter: 3, device: 'd1' };
        CREATE device:`d2` SET owner = 'official', last_seq = 0;
    ";
    db.query(setup).await.unwrap().check().unwrap();
    chidao_server::db::migrate_to(&db.clone().into(), 9).await.unwrap();
    let mut answer = db.query("SELECT VALUE last_stamp FROM device ORDER BY id;").await.unwrap();
    let stamps: Vec<serde_json::Value> = answer.take(0).unwrap();
    assert_eq!(stamps[0], serde_json::json!({"wall_ms": 20, "counter": 3, "device": "d1"}));
    assert!(stamps[1].is_null(), "a device that never pushed has no stamp yet: {stamps:?}");
}

/// Migration 13 keys sign-offs by period too; those made before it keep their head and
/// time under the key of work that does not recur.
#[tokio::test]
async fn sign_offs_made_before_migration_13_are_kept() {
    let db = surrealdb::engine::any::connect("mem://").await.unwrap();
    db.use_ns("test").use_db("test").await.unwrap();
    chidao_server::db::migrate_to(&db.clone().into(), 12).await.unwrap();
    db.query("CREATE task_report:['t1', 'XA-A'] SET task = 't1', unit = 'XA-A', by = 'head', at_ms = 42;").await.unwrap().check().unwrap();
    chidao_server::db::migrate_to(&db.clone().into(), 13).await.unwrap();
    let mut answer = db.query("SELECT task, unit, period, by, at_ms FROM task_report:['t1', 'XA-A', ''];").await.unwrap();
    let kept: Vec<serde_json::Value> = answer.take(0).unwrap();
    assert_eq!(kept, [serde_json::json!({"task": "t1", "unit": "XA-A", "period": null, "by": "head", "at_ms": 42})]);
    let mut answer = db.query("SELECT VALUE id FROM task_report;").await.unwrap();
    let all: Vec<serde_json::Value> = answer.take(0).unwrap();
    assert_eq!(all.len(), 1, "the old key is gone: {all:?}");
}

/// The change log refuses a row whose words are not the protocol's, and one without its
/// receipt time gets it from the schema (migrations 16 and 17).
#[tokio::test]
async fn the_change_log_refuses_unknown_words_and_dates_its_rows() {
    let db = surrealdb::engine::any::connect("mem://").await.unwrap();
    db.use_ns("test").use_db("test").await.unwrap();
    chidao_server::db::migrate(&db.clone().into()).await.unwrap();
    let row = |field: &str, outcome: &str| {
        format!(
            "CREATE change SET item = 'i', device = 'd', seq = 1, at_ms = 1, field = '{field}', value = true, author = 'official', outcome = '{outcome}';"
        )
    };
    db.query(row("done", "applied")).await.unwrap().check().expect("the protocol's words are taken");
    for (field, outcome) in [("colour", "applied"), ("done", "accepted"), ("Done", "applied")] {
        assert!(db.query(row(field, outcome)).await.unwrap().check().is_err(), "{field}/{outcome} is refused");
    }
    let mut answer = db.query("SELECT VALUE received_at != NONE FROM change;").await.unwrap();
    let dated: Vec<bool> = answer.take(0).unwrap();
    assert_eq!(dated, [true]);
}
