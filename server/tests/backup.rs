//! Backup and restore: a database exported, wiped and imported again holds every item,
//! log row, account, session and photo, and the devices carry on as if nothing happened.

use crate::common;

use axum::http::{Method, StatusCode};
use chidao_core::domain::PhotoId;
use common::{app, Device};
use serde_json::json;
use std::process::Command;

#[tokio::test]
async fn an_exported_database_imported_into_an_empty_one_carries_on_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let before = app().await;
    let (official, items) = before.signed_in_with_items("official").await;
    let mut device = Device::new();
    let sent: Vec<_> = (0..12)
        .map(|n| {
            let item = &items[n % items.len()];
            if n % 3 == 0 {
                device.change(item, "note", json!(format!("đã kiểm tra lần {n}")), 1_700_000_000_000 + n as i64)
            } else {
                device.change(item, "done", json!(n % 2 == 0), 1_700_000_000_000 + n as i64)
            }
        })
        .collect();
    assert_eq!(before.push(&official, json!(sent)).await.status, StatusCode::OK);
    let photo = PhotoId::of(common::PNG).to_string();
    let uploaded = before.upload_photo(&official, &items[0], &photo, "image/png", common::PNG.to_vec()).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.json);
    let file = dir.path().join("backup.surql");
    before.store.maintenance.export(&file).await.expect("the database exports");

    // Restored into an empty database.
    let restored = chidao_server::db::import(&common::db_args("mem://").settings(), &file).await.expect("the backup imports");
    let after = common::app_over(restored);

    assert_eq!(after.pull(&official, 0).await["items"], before.pull(&official, 0).await["items"], "the same items, same session");
    let ids: Vec<uuid::Uuid> = items.iter().map(|id| id.parse().unwrap()).collect();
    assert_eq!(after.store.sync.logged_edits(&ids).await.unwrap(), before.store.sync.logged_edits(&ids).await.unwrap(), "the same log");
    for change in &sent {
        assert_eq!(after.times_logged(change).await, 1);
    }
    let account = after.store.people.account("official").await.unwrap().expect("the account is back");
    assert!(chidao_server::auth::verify_password(common::PASSWORD, Some(&account.password_hash)), "its password too");
    let got = after.call(Method::GET, &format!("/api/v1/photos/{photo}"), Some(&official), None).await;
    assert_eq!((got.status, got.bytes.as_slice()), (StatusCode::OK, common::PNG), "the photo is back, byte for byte");

    // The device's next change is taken in order; a resent old one is known.
    let next = device.change(&items[1], "done", json!(true), 1_700_000_100_000);
    let answer = after.push(&official, json!([next, sent[11]])).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(answer.json["results"][0]["status"], "applied", "{}", answer.json);
    assert_eq!(answer.json["results"][1]["status"], "duplicate", "{}", answer.json);

    // Nothing is lost or added: the restored database exports to the same file.
    let again = dir.path().join("again.surql");
    let restored_again = chidao_server::db::import(&common::db_args("mem://").settings(), &file).await.unwrap();
    restored_again.maintenance.export(&again).await.unwrap();
    assert_eq!(std::fs::read_to_string(&again).unwrap(), std::fs::read_to_string(&file).unwrap());
}

#[tokio::test]
async fn the_command_line_exports_and_imports_only_into_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let chidao = |args: &[&str], db: &str| {
        Command::new(env!("CARGO_BIN_EXE_chidao"))
            .args(args)
            .env("CHIDAO_DB", db)
            .env("CHIDAO_DB_NAMESPACE", "test")
            .env("CHIDAO_DB_DATABASE", "test")
            .output()
            .expect("the binary runs")
    };
    let source = format!("surrealkv://{}/source", dir.path().display());
    let units = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/directives/units.csv");
    assert!(chidao(&["import-units", units.to_str().unwrap()], &source).status.success());
    let file = dir.path().join("backup.surql");
    let exported = chidao(&["export", file.to_str().unwrap()], &source);
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    let refused = chidao(&["export", file.to_str().unwrap()], &source);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("exists already"), "an existing file is never overwritten");

    let target = format!("surrealkv://{}/restored", dir.path().display());
    let imported = chidao(&["import", file.to_str().unwrap()], &target);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let twice = chidao(&["import", file.to_str().unwrap()], &target);
    assert!(!twice.status.success());
    assert!(String::from_utf8_lossy(&twice.stderr).contains("into an empty one only"), "{}", String::from_utf8_lossy(&twice.stderr));

    let open = |url: String| async move { chidao_server::db::open(&common::db_args(&url).settings()).await.unwrap() };
    let (source, target) = (open(source).await.units.units().await.unwrap(), open(target).await.units.units().await.unwrap());
    assert!(!source.is_empty());
    assert_eq!(serde_json::to_value(&source).unwrap(), serde_json::to_value(&target).unwrap());
}
