//! Group commit: pushes that wait together are written in one transaction, and each is
//! answered exactly as if it had been written alone, in turn. Checked by sending the same
//! pushes (several people, shared and handed-over devices, duplicates, gaps, numbers used
//! twice, other units' items, an item that does not exist) all at once into one database
//! and one by one into a second, seeded identically, and comparing every answer, every
//! item and every log row.

use chidao_core::domain::{ChecklistItem, Note, UnitCode};
use chidao_core::sync::{Base, Change, ChangeResult, Edit, Stamp};
use chidao_server::auth::User;
use chidao_server::db::{AccountRow, Store};
use chidao_server::demo::DemoSet;
use chidao_server::sync_service::SyncService;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A small deterministic generator, so a failing plan can be replayed from its seed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

async fn seeded(demo: &DemoSet) -> Store {
    seeded_at(demo, "mem://", chidao_server::db::EmbeddedLimits::DEFAULT.memtable_mib).await
}

async fn seeded_at(demo: &DemoSet, url: &str, memtable_mib: u32) -> Store {
    let args = chidao_server::config::DbArgs { memtable_mib, ..crate::common::db_args(url) };
    let store = chidao_server::db::open(&args.settings()).await.expect("database opens");
    let hash = chidao_server::auth::hash_password("group-commit-password").unwrap();
    let accounts: Vec<AccountRow> = demo
        .accounts
        .iter()
        .map(|(username, display_name, roles, unit)| AccountRow::new(username, display_name, roles, unit, hash.clone()))
        .collect();
    store
        .maintenance
        .seed(&demo.units, std::slice::from_ref(&demo.directive), &demo.tasks, &demo.items, &accounts)
        .await
        .expect("seed is written");
    store
}

fn users(demo: &DemoSet) -> Vec<User> {
    demo.accounts
        .iter()
        .filter(|(username, ..)| username.starts_with("official") || username == "head")
        .map(|(username, display_name, roles, unit)| User {
            username: username.clone(),
            display_name: display_name.clone(),
            roles: roles.clone(),
            unit: unit.clone(),
            must_change_password: false,
        })
        .collect()
}

/// Pushes from `users` over a handful of devices: most continue their device's numbering,
/// some skip ahead (a gap), reuse a number, send an earlier push again, use a device
/// another person registered, or name items of another unit or none at all.
fn plan(demo: &DemoSet, users: &[User], seed: u64) -> Vec<(usize, Vec<Change>)> {
    let mut dice = Dice(seed);
    let items: Vec<&ChecklistItem> = demo.items.iter().collect();
    let devices: Vec<Uuid> = (0..6).map(|n| Uuid::from_u128(0xde00 + n)).collect();
    let mut next_seq: BTreeMap<Uuid, u64> = devices.iter().map(|device| (*device, 1)).collect();
    let mut pushes: Vec<(usize, Vec<Change>)> = Vec::new();
    let base_ms = chrono::Utc::now().timestamp_millis() - 3_600_000;
    for push in 0..40u64 {
        if !pushes.is_empty() && dice.roll(8) == 0 {
            let again = pushes[dice.roll(pushes.len() as u64) as usize].clone();
            pushes.push(again);
            continue;
        }
        let user = dice.roll(users.len() as u64) as usize;
        // Each person mostly keeps to one device; now and then picks up another's.
        let device = if dice.roll(6) == 0 { devices[dice.roll(6) as usize] } else { devices[user % devices.len()] };
        let mut seq = next_seq[&device];
        match dice.roll(10) {
            0 => seq += 1 + dice.roll(2),
            1 => seq = seq.saturating_sub(1).max(1),
            _ => {}
        }
        let unit_of_user = &users[user].unit;
        let changes: Vec<Change> = (0..1 + dice.roll(5))
            .map(|n| {
                let item = match dice.roll(12) {
                    0 => Uuid::from_u128(0xdead),
                    1 => items[dice.roll(items.len() as u64) as usize].id,
                    _ => {
                        let own: Vec<&&ChecklistItem> = items.iter().filter(|item| &item.unit == unit_of_user).collect();
                        if own.is_empty() {
                            items[dice.roll(items.len() as u64) as usize].id
                        } else {
                            own[dice.roll(own.len() as u64) as usize].id
                        }
                    }
                };
                let edit = if dice.roll(3) == 0 {
                    Edit::Note { value: Note::parse(&format!("ghi chú {push}-{n}")).unwrap() }
                } else {
                    Edit::Done { value: dice.roll(2) == 0 }
                };
                Change {
                    id: Uuid::from_u128(u128::from(seed) << 64 | u128::from(push * 16 + n)),
                    item,
                    seq: seq + n,
                    stamp: Stamp { wall_ms: base_ms + (push * 16 + n) as i64 * 1_000, counter: 0, device },
                    base: Base::default(),
                    edit,
                }
            })
            .collect();
        next_seq.insert(device, seq + changes.len() as u64);
        pushes.push((user, changes));
    }
    pushes
}

/// Everything a push leaves behind that must not depend on how pushes were grouped.
#[derive(Debug, PartialEq)]
struct Written {
    items: BTreeMap<Uuid, ChecklistItem>,
    answers: BTreeMap<Uuid, String>,
    edits: BTreeMap<Uuid, String>,
}

async fn written(store: &Store, pushes: &[(usize, Vec<Change>)]) -> Written {
    let items: BTreeMap<Uuid, ChecklistItem> =
        store.sync.all_items().await.unwrap().into_iter().map(|stored| (stored.item.id, stored.item)).collect();
    let change_ids: Vec<Uuid> = pushes.iter().flat_map(|(_, changes)| changes.iter().map(|change| change.id)).collect();
    for id in &change_ids {
        assert!(store.sync.change_log_count(*id).await.unwrap() <= 1, "change {id} is logged at most once");
    }
    let answers =
        store.sync.logged_answers(&change_ids).await.unwrap().into_iter().map(|(id, answer)| (id, format!("{answer:?}"))).collect();
    let item_ids: Vec<Uuid> = items.keys().copied().collect();
    let edits = store
        .sync
        .logged_edits(&item_ids)
        .await
        .unwrap()
        .into_iter()
        .map(|(item, edit)| (edit.change, format!("{item} {edit:?}")))
        .collect();
    Written { items, answers, edits }
}

#[tokio::test]
async fn pushes_written_together_are_answered_and_written_as_if_one_by_one() {
    let demo = DemoSet::build().unwrap();
    let users = users(&demo);
    assert!(users.len() >= 4, "the demo has officials of two communes and a head");
    for seed in [1, 2, 3] {
        let pushes = plan(&demo, &users, seed);
        let alone = seeded(&demo).await;
        let alone_sync = SyncService::new(alone.clone());
        let mut alone_answers: Vec<Vec<ChangeResult>> = Vec::new();
        for (user, changes) in &pushes {
            alone_answers.push(alone_sync.push(&users[*user], changes).await.unwrap());
        }
        assert_eq!(alone_sync.queue().totals().groups, pushes.len() as u64);

        // On this single-threaded runtime every push joins the queue before the writer
        // first runs, in the order given, so they are written as one group.
        let together = seeded(&demo).await;
        let together_sync = SyncService::new(together.clone());
        let together_answers: Vec<Vec<ChangeResult>> =
            futures_util::future::join_all(pushes.iter().map(|(user, changes)| together_sync.push(&users[*user], changes)))
                .await
                .into_iter()
                .map(Result::unwrap)
                .collect();
        assert_eq!(together_sync.queue().totals().groups, 1, "seed {seed}: the pushes were written as one group");

        assert_eq!(together_answers, alone_answers, "seed {seed}");
        let statuses: std::collections::BTreeSet<String> =
            alone_answers.iter().flatten().map(|result| format!("{:?}", result.status)).collect();
        assert!(statuses.len() >= 4, "seed {seed}: the plan meets applied, duplicate, gap and rejected: {statuses:?}");
        assert_eq!(written(&together, &pushes).await, written(&alone, &pushes).await, "seed {seed}");
        for store in [&alone, &together] {
            assert_assignments_as_counted(store, &demo).await;
        }
    }
}

/// The assignments a push moved by the ticks gained and lost are those a count of every
/// item gives, with the same newest numbers.
async fn assert_assignments_as_counted(store: &Store, demo: &DemoSet) {
    let scope = chidao_server::db::AssignmentScope::default();
    let at = chidao_core::domain::Thresholds { now_ms: chrono::Utc::now().timestamp_millis(), soon_end_ms: i64::MAX };
    let moved =
        (store.progress.list_assignments(&scope, at).await.unwrap(), store.progress.assignments_after(0, None, 100_000).await.unwrap());
    let groups: Vec<_> = demo
        .items
        .iter()
        .map(|item| (item.task, item.unit.clone(), item.period))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    store.progress.recount(&groups).await.unwrap();
    let counted =
        (store.progress.list_assignments(&scope, at).await.unwrap(), store.progress.assignments_after(0, None, 100_000).await.unwrap());
    assert!(moved.0.iter().any(|assignment| assignment.done > 0), "some assignment was ticked");
    assert_eq!(moved, counted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pushes_from_many_devices_each_land_once() {
    let demo = DemoSet::build().unwrap();
    let store = seeded(&demo).await;
    let sync = SyncService::new(store.clone());
    let official = users(&demo).into_iter().find(|user| user.username == "official").unwrap();
    let own: Vec<Uuid> =
        demo.items.iter().filter(|item| item.unit == UnitCode::parse("XA-BINH-CHAU").unwrap()).map(|item| item.id).collect();
    let base_ms = chrono::Utc::now().timestamp_millis() - 3_600_000;
    // 30 devices, 4 pushes of 25 changes each, every push sent twice at once.
    let device_pushes: Vec<Vec<Vec<Change>>> = (0..30u128)
        .map(|device| {
            let device_id = Uuid::from_u128(0xfe00 + device);
            (0..4u64)
                .map(|push| {
                    (0..25u64)
                        .map(|n| {
                            let seq = push * 25 + n + 1;
                            Change {
                                id: Uuid::from_u128(device << 32 | u128::from(seq)),
                                item: own[(seq as usize + device as usize) % own.len()],
                                seq,
                                stamp: Stamp { wall_ms: base_ms + seq as i64, counter: 0, device: device_id },
                                base: Base::default(),
                                edit: Edit::Done { value: seq % 2 == 0 },
                            }
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let sent = futures_util::future::join_all(device_pushes.iter().map(|pushes| {
        let sync = sync.clone();
        let official = official.clone();
        async move {
            let mut statuses = Vec::new();
            for changes in pushes {
                let (first, second) = tokio::join!(sync.push(&official, changes), sync.push(&official, changes));
                for (a, b) in first.unwrap().into_iter().zip(second.unwrap()) {
                    statuses.push((a.status, b.status));
                }
            }
            statuses
        }
    }))
    .await;
    use chidao_core::sync::ChangeStatus::{Applied, Duplicate, Superseded};
    for statuses in &sent {
        for pair in statuses {
            assert!(
                matches!(pair, (Applied | Superseded, Duplicate) | (Duplicate, Applied | Superseded)),
                "one of the two copies is written, the other answered duplicate: {pair:?}"
            );
        }
    }
    for changes in device_pushes.iter().flatten() {
        for change in changes {
            assert_eq!(store.sync.change_log_count(change.id).await.unwrap(), 1);
        }
    }
    assert!(sync.queue().totals().groups < 240, "some pushes shared a group");
}

/// The embedded datastore's write buffer is bounded (`--db-memtable-mib`), and one
/// transaction must fit in it: the largest group the queue forms, every change a note just
/// short of the size SurrealKV moves out of the buffer, to as many different items, is
/// written whole with the least bound the flag takes.
#[tokio::test]
async fn the_largest_group_fits_the_default_write_buffer() {
    use chidao_server::sync_service::MAX_CHANGES_PER_GROUP;
    let mut demo = DemoSet::build().unwrap();
    let unit = UnitCode::parse("XA-BINH-CHAU").unwrap();
    let task = demo.items.iter().find(|item| item.unit == unit).unwrap().task;
    let extra: Vec<ChecklistItem> = (0..MAX_CHANGES_PER_GROUP as u32)
        .map(|n| {
            ChecklistItem::new(Uuid::from_u128(0xb0_0000 + u128::from(n)), task, unit.clone(), &format!("Mục {n}"), 1_000 + n).unwrap()
        })
        .collect();
    demo.items.extend(extra.iter().cloned());
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("db").display());
    let store = seeded_at(&demo, &url, chidao_server::config::DbArgs::LEAST_MEMTABLE_MIB).await;
    let sync = SyncService::new(store.clone());
    let official = users(&demo).into_iter().find(|user| user.username == "official").unwrap();

    // Under 4 KiB with the rest of its row: SurrealKV keeps such a value in the buffer.
    let note = Note::parse(&"ghi chú dài ".repeat(250)).unwrap();
    let base_ms = chrono::Utc::now().timestamp_millis() - 3_600_000;
    let per_push = chidao_core::sync::MAX_CHANGES_PER_PUSH / 5;
    let pushes: Vec<Vec<Change>> = extra
        .chunks(per_push)
        .enumerate()
        .map(|(push, items)| {
            let device = Uuid::from_u128(0xbd00 + push as u128);
            items
                .iter()
                .enumerate()
                .map(|(n, item)| Change {
                    id: Uuid::from_u128(0xbc_0000 + (push * per_push + n) as u128),
                    item: item.id,
                    seq: n as u64 + 1,
                    stamp: Stamp { wall_ms: base_ms + n as i64, counter: 0, device },
                    base: Base::default(),
                    edit: Edit::Note { value: note.clone() },
                })
                .collect()
        })
        .collect();
    assert_eq!(pushes.iter().map(Vec::len).sum::<usize>(), MAX_CHANGES_PER_GROUP);
    let answers = futures_util::future::join_all(pushes.iter().map(|changes| sync.push(&official, changes))).await;
    assert_eq!(sync.queue().totals().groups, 1, "the pushes were written as one group");
    for answer in answers {
        assert!(answer.expect("the group is written").iter().all(|result| result.status == chidao_core::sync::ChangeStatus::Applied));
    }
    let noted = store.sync.all_items().await.unwrap().into_iter().filter(|stored| stored.item.note == note).count();
    assert_eq!(noted, MAX_CHANGES_PER_GROUP);
}
