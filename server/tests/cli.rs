//! The command line an operator uses before anyone can sign in: `chidao import-units` and
//! `chidao create-user`, against an on-disk database the server then opens.

use crate::common;

use std::process::{Command, Output, Stdio};

fn chidao(args: &[&str], db: &str, password: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chidao"));
    command
        .args(args)
        .env("CHIDAO_DB", db)
        .env("CHIDAO_DB_NAMESPACE", "test")
        .env("CHIDAO_DB_DATABASE", "test")
        .env_remove("CHIDAO_NEW_PASSWORD");
    if let Some(password) = password {
        command.env("CHIDAO_NEW_PASSWORD", password);
    }
    command.stdin(Stdio::null()).output().expect("the binary runs")
}

#[tokio::test]
async fn an_empty_database_gets_its_unit_tree_and_first_admin_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("surrealkv://{}/data", dir.path().display());
    let file = dir.path().join("units.csv");

    std::fs::write(&file, "code,name,kind,parent_code\nTINH-QN,UBND tỉnh Quảng Ngãi,province,\nHUYEN-BS,UBND huyện Bình Sơn,district,TINH-QN\nXA-BC,UBND xã Bình Châu,hamlet,HUYEN-BS\n").unwrap();
    let refused = chidao(&["import-units", file.to_str().unwrap()], &db, None);
    assert!(!refused.status.success());
    let report = String::from_utf8_lossy(&refused.stderr);
    assert!(report.contains("units.csv:4: XA-BC: kind `hamlet`"), "{report}");
    assert!(report.contains("nothing was imported"), "{report}");

    std::fs::write(&file, "code,name,kind,parent_code\nTINH-QN,UBND tỉnh Quảng Ngãi,province,\nHUYEN-BS,UBND huyện Bình Sơn,district,TINH-QN\nXA-BC,UBND xã Bình Châu,commune,HUYEN-BS\n").unwrap();
    let imported = chidao(&["import-units", file.to_str().unwrap()], &db, None);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert!(String::from_utf8_lossy(&imported.stdout).contains("3 units added or changed"));

    let weak = chidao(&["create-user", "quantri", "--display-name", "Quản trị", "--unit", "TINH-QN"], &db, Some("short"));
    assert!(!weak.status.success(), "a short password is refused");
    let nowhere = chidao(&["create-user", "quantri", "--display-name", "Quản trị", "--unit", "NOWHERE"], &db, Some("mật khẩu quản trị"));
    assert!(!nowhere.status.success(), "an unknown unit is refused");
    let created = chidao(&["create-user", "quantri", "--display-name", "Quản trị", "--unit", "TINH-QN"], &db, Some("mật khẩu quản trị"));
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    assert!(!String::from_utf8_lossy(&created.stdout).contains("mật khẩu"), "the password is never printed");

    let store = chidao_server::db::open(&common::db_args(&db).settings()).await.unwrap();
    let account = store.people.account("quantri").await.unwrap().expect("the admin exists");
    assert_eq!(account.roles, ["admin"]);
    assert!(!account.must_change_password, "the first admin chose their own password");
    assert!(chidao_server::auth::verify_password("mật khẩu quản trị", Some(&account.password_hash)));
    assert_eq!(store.units.units().await.unwrap().len(), 3);
}

#[tokio::test]
async fn import_directive_prints_the_exchange_draft_matched_against_the_database_tree() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("surrealkv://{}/data", dir.path().display());
    let texts = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/directives");
    let units = chidao(&["import-units", texts.join("units.csv").to_str().unwrap()], &db, None);
    assert!(units.status.success(), "{}", String::from_utf8_lossy(&units.stderr));

    let printed = chidao(&["import-directive", texts.join("tinh-mau-2024-03-12.txt").to_str().unwrap()], &db, None);
    assert!(printed.status.success(), "{}", String::from_utf8_lossy(&printed.stderr));
    let draft: serde_json::Value = serde_json::from_slice(&printed.stdout).expect("JSON on stdout");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(texts.join("tinh-mau-2024-03-12.expected.json")).unwrap()).unwrap();
    assert_eq!(draft, expected);
    assert!(String::from_utf8_lossy(&printed.stderr).contains("`Sở Khoa học và Công nghệ` is not a unit"), "unmatched names are told");

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "  \n").unwrap();
    let refused = chidao(&["import-directive", empty.to_str().unwrap()], &db, None);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("the text is empty"));
}
