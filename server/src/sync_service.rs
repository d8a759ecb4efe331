//! Applying pushed changes and answering pulls: the server's half of the sync rules.
//! Routes call these after the request has been parsed; the rules themselves are the
//! shared `chidao_core::sync` functions (the push decision, the merge).

use crate::acknowledged::AcknowledgedMark;
use crate::auth::{read_scope, Access, Action, ReadScope, User};
use crate::db::retry::until_written;
use crate::db::{Batch, DbError, ItemWrite, LogEntry, Recorded, Store, StoredItem};
use crate::metrics::{Kind, Metric};
use chidao_core::domain::UnitCode;
use chidao_core::sync::{decide_group, Change, ChangeResult, PullResponse, Push, PushReads, MAX_PULL_LIMIT};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tokio::sync::oneshot;
use uuid::Uuid;

/// Changes one group of pushes may hold: enough to spread one transaction's fixed cost
/// (the commit, the counter, the touched assignments and tallies) over many devices,
/// few enough that the group's transaction stays small and the first push in it is not
/// kept waiting long for the rest.
pub const MAX_CHANGES_PER_GROUP: usize = 2_000;

/// Pushes waiting for this process's writer (group commit). Pushes that arrive while a
/// group is being written wait together and are written as the next group.
#[derive(Default)]
pub struct PushQueue {
    state: std::sync::Mutex<QueueState>,
    totals: Totals,
}

/// Counts and times summed since start, for the operator and the benchmarks: where a
/// push's time goes on the server.
#[derive(Default)]
struct Totals {
    groups: AtomicU64,
    pushes: AtomicU64,
    changes: AtomicU64,
    waiting_us: AtomicU64,
    reading_us: AtomicU64,
    deciding_us: AtomicU64,
    writing_us: AtomicU64,
    written_again: AtomicU64,
}

/// A reading of [`PushQueue`]'s totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushTotals {
    pub groups: u64,
    pub pushes: u64,
    pub changes: u64,
    /// Summed over pushes: from joining the queue to their group being taken.
    pub waiting_us: u64,
    /// Summed over groups and their attempts: reading items, devices, log and access.
    pub reading_us: u64,
    /// The push decision, in memory.
    pub deciding_us: u64,
    /// The one transaction, from sending it to its commit.
    pub writing_us: u64,
    /// Attempts at a group whose write found something moved since it was read (another
    /// write got in first: a tally's, a period's, or another app server's push while the
    /// push writer changes hands) and nothing written: the group is read, decided and
    /// written again.
    pub written_again: u64,
}

impl PushTotals {
    /// What the push queue reports to the metrics listener, with the pushes `waiting` now.
    pub fn metrics(&self, waiting: usize) -> Vec<Metric> {
        let counter = |name, help, value: u64| Metric::one(name, help, Kind::Counter, value as f64);
        let seconds = |micros: u64| micros as f64 / 1e6;
        vec![
            counter("chidao_push_groups_total", "Transactions the push writer committed (each a group of pushes)", self.groups),
            counter("chidao_pushes_total", "Pushes written", self.pushes),
            counter("chidao_changes_total", "Changes in the pushes written", self.changes),
            counter(
                "chidao_push_groups_written_again_total",
                "Group writes that found something moved since they were read (another write got in first) and were done again",
                self.written_again,
            ),
            Metric {
                name: "chidao_push_step_seconds_total",
                help: "Time spent per step of the push writer",
                kind: Kind::Counter,
                values: vec![
                    (Some(("step", "waiting")), seconds(self.waiting_us)),
                    (Some(("step", "reading")), seconds(self.reading_us)),
                    (Some(("step", "deciding")), seconds(self.deciding_us)),
                    (Some(("step", "writing")), seconds(self.writing_us)),
                ],
            },
            Metric::one("chidao_pushes_waiting", "Pushes waiting for the writer now", Kind::Gauge, waiting as f64),
        ]
    }
}

fn add_elapsed(total: &AtomicU64, since: Instant) {
    total.fetch_add(since.elapsed().as_micros() as u64, Ordering::Relaxed);
}

#[derive(Default)]
struct QueueState {
    waiting: VecDeque<Pending>,
    /// A writer task is running and will take what waits.
    writing: bool,
}

struct Pending {
    queued_at: Instant,
    user: User,
    changes: Vec<Change>,
    answer: oneshot::Sender<Result<Vec<ChangeResult>, DbError>>,
}

impl PushQueue {
    pub fn totals(&self) -> PushTotals {
        let read = |total: &AtomicU64| total.load(Ordering::Relaxed);
        let totals = &self.totals;
        PushTotals {
            groups: read(&totals.groups),
            pushes: read(&totals.pushes),
            changes: read(&totals.changes),
            waiting_us: read(&totals.waiting_us),
            reading_us: read(&totals.reading_us),
            deciding_us: read(&totals.deciding_us),
            writing_us: read(&totals.writing_us),
            written_again: read(&totals.written_again),
        }
    }

    /// Pushes waiting for the writer to take them.
    pub fn waiting(&self) -> usize {
        self.state().waiting.len()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, QueueState> {
        // The state is a queue and a flag, each change to it one statement: a panic cannot
        // leave it half-changed, so a poisoned lock is still sound.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues `pending`; true when no writer runs and the caller must start one.
    fn enqueue(&self, pending: Pending) -> bool {
        let mut state = self.state();
        state.waiting.push_back(pending);
        !std::mem::replace(&mut state.writing, true)
    }

    /// The next group: the oldest push and those after it up to [`MAX_CHANGES_PER_GROUP`].
    /// Empty when nothing waits, and the writer is then marked stopped in the same step.
    fn next_group(&self) -> Vec<Pending> {
        let mut state = self.state();
        let mut group = Vec::new();
        let mut changes = 0;
        while let Some(next) = state.waiting.front() {
            if !group.is_empty() && changes + next.changes.len() > MAX_CHANGES_PER_GROUP {
                break;
            }
            changes += next.changes.len();
            group.extend(state.waiting.pop_front());
        }
        if group.is_empty() {
            state.writing = false;
        }
        group
    }
}

/// Marks the writer stopped if it dies by a panic, dropping what waits: each of those
/// pushes is answered 503 and its device sends it again.
struct WriterStop<'a>(&'a PushQueue);

impl Drop for WriterStop<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut state = self.0.state();
            state.writing = false;
            state.waiting.clear();
        }
    }
}

/// Decides every change of a push with the shared rules ([`chidao_core::sync::decide`],
/// through [`decide_group`]) and writes them in one transaction together with the other
/// pushes waiting at the same time. Each push is answered as if written alone, after those
/// before it in its group. A refused change is logged and answered without affecting the
/// others. A group that lost a race (another app server took a device's number, an item or
/// the counter) is read and decided again whole; a group the database refuses is written
/// again push by push, so one failing push never fails another. A push that cannot settle is
/// answered 503, and the device sends it again later.
/// The sync service of one app server: its database, the queue its pushes join (so that
/// pushes arriving together are written together), and the mark of what it acknowledged.
/// Cloned, it is the same service.
#[derive(Clone)]
pub struct SyncService {
    store: Store,
    pushes: std::sync::Arc<PushQueue>,
    acknowledged: std::sync::Arc<AcknowledgedMark>,
}

impl SyncService {
    /// The service over `store`, keeping its acknowledged mark in memory only.
    pub fn new(store: Store) -> Self {
        Self::with_acknowledged(store, AcknowledgedMark::in_memory())
    }

    pub fn with_acknowledged(store: Store, mark: AcknowledgedMark) -> Self {
        Self { store, pushes: Default::default(), acknowledged: std::sync::Arc::new(mark) }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn queue(&self) -> &PushQueue {
        &self.pushes
    }

    pub fn acknowledged(&self) -> &AcknowledgedMark {
        &self.acknowledged
    }

    /// The mark, to share with the watch that compares it with the database every second.
    pub fn acknowledged_shared(&self) -> std::sync::Arc<AcknowledgedMark> {
        std::sync::Arc::clone(&self.acknowledged)
    }

    /// What the service reports to the metrics listener.
    pub fn metrics(&self) -> Vec<Metric> {
        let mut metrics = self.pushes.totals().metrics(self.pushes.waiting());
        metrics.push(self.acknowledged.metric());
        metrics
    }

    pub async fn push(&self, user: &User, changes: &[Change]) -> Result<Vec<ChangeResult>, DbError> {
        let (answer, answered) = oneshot::channel();
        if self.pushes.enqueue(Pending { queued_at: Instant::now(), user: user.clone(), changes: changes.to_vec(), answer }) {
            // The writer is its own task, so a client hanging up cannot cut a group short.
            tokio::spawn(write_groups(self.clone()));
        }
        answered.await.unwrap_or(Err(DbError::Contended))
    }

    /// Items the user may see that changed after `since`, at most `limit` of them, with the
    /// tasks, directives and units they need to be shown.
    pub async fn pull(&self, user: &User, since: u64, limit: usize) -> Result<PullResponse, DbError> {
        let store = &self.store;
        let limit = limit.clamp(1, MAX_PULL_LIMIT);
        let units: Option<Vec<UnitCode>> = match read_scope(&store.units, user).await? {
            ReadScope::Everything => None,
            ReadScope::Units(units) => Some(units.into_iter().collect()),
        };
        let page = store.sync.pull_page(since, units.as_deref(), limit).await?;
        crate::store_guard::pulled_past(&self.acknowledged, since, page.counter);
        let cursor = page.items.last().map_or(since, |last| last.seq);
        let items = page.items.into_iter().map(|stored| stored.item).collect();
        Ok(PullResponse { cursor, more: page.more, items, tasks: page.tasks, directives: page.directives, units: page.units })
    }
}

async fn write_groups(service: SyncService) {
    let (store, queue) = (&service.store, &*service.pushes);
    let _stop = WriterStop(queue);
    loop {
        let group = queue.next_group();
        if group.is_empty() {
            return;
        }
        let totals = &queue.totals;
        totals.groups.fetch_add(1, Ordering::Relaxed);
        totals.pushes.fetch_add(group.len() as u64, Ordering::Relaxed);
        for pending in &group {
            totals.changes.fetch_add(pending.changes.len() as u64, Ordering::Relaxed);
            add_elapsed(&totals.waiting_us, pending.queued_at);
        }
        write_group(store, queue, &service.acknowledged, group).await;
    }
}

async fn write_group(store: &Store, queue: &PushQueue, acknowledged: &AcknowledgedMark, group: Vec<Pending>) {
    let (pushes, answers): (Vec<(User, Vec<Change>)>, Vec<_>) =
        group.into_iter().map(|pending| ((pending.user, pending.changes), pending.answer)).unzip();
    match until_written("recording pushes", || push_group_once(store, queue, &pushes)).await {
        Ok(results) => {
            // What is answered `applied` is in the mark first, so a database that loses it
            // is caught at the next start or beat.
            if let Err(error) = crate::store_guard::saw_written(store, acknowledged).await {
                tracing::error!(%error, "keeping the mark of what was acknowledged");
            }
            for (answer, results) in answers.into_iter().zip(results) {
                // A push whose client hung up is written all the same; nobody waits for its answer.
                let _ = answer.send(Ok(results));
            }
        }
        Err(error) if pushes.len() > 1 => {
            tracing::warn!(%error, pushes = pushes.len(), "a group of pushes was refused; writing them one at a time");
            for (push, answer) in pushes.iter().zip(answers) {
                let alone = until_written("recording a push", || push_group_once(store, queue, std::slice::from_ref(push))).await;
                let _ = answer.send(alone.map(|mut results| results.remove(0)));
            }
        }
        Err(error) => {
            if let Some(answer) = answers.into_iter().next() {
                let _ = answer.send(Err(error));
            }
        }
    }
}

/// One attempt at a group; `None` when something moved under it and it must be worked out again.
async fn push_group_once(
    store: &Store,
    queue: &PushQueue,
    pushes: &[(User, Vec<Change>)],
) -> Result<Option<Vec<Vec<ChangeResult>>>, DbError> {
    let totals = &queue.totals;
    let reading = Instant::now();
    let all_changes = || pushes.iter().flat_map(|(_, changes)| changes);
    let item_ids: Vec<Uuid> = all_changes().map(|change| change.item).collect::<BTreeSet<_>>().into_iter().collect();
    let device_ids: Vec<Uuid> = all_changes().map(Change::device).collect::<BTreeSet<_>>().into_iter().collect();
    let change_ids: Vec<Uuid> = all_changes().map(|change| change.id).collect::<BTreeSet<_>>().into_iter().collect();
    let mut read = store.sync.items(&item_ids).await?;
    if read.len() < item_ids.len() {
        open_periods_for_missing(store, pushes, &read).await?;
        read = store.sync.items(&item_ids).await?;
    }
    let units: BTreeSet<&UnitCode> = read.iter().map(|stored| &stored.item.unit).collect();
    let mut writable: Vec<HashSet<UnitCode>> = Vec::with_capacity(pushes.len());
    for (user, _) in pushes {
        let mut access = Access::new(&store.units, user);
        let mut theirs = HashSet::new();
        for unit in &units {
            if access.permits(Action::ChangeItemOf(unit)).await? {
                theirs.insert((*unit).clone());
            }
        }
        writable.push(theirs);
    }
    let as_read: HashMap<Uuid, (u64, bool)> = read.iter().map(|stored| (stored.item.id, (stored.version, stored.item.done))).collect();
    let reads = PushReads {
        devices: store.sync.devices(&device_ids).await?,
        logged: store.sync.logged_answers(&change_ids).await?,
        items: read.into_iter().map(|stored| (stored.item.id, stored.item)).collect(),
    };
    add_elapsed(&totals.reading_us, reading);
    let deciding = Instant::now();
    let grouped: Vec<Push> =
        pushes.iter().zip(&writable).map(|((user, changes), writable)| Push { author: &user.username, writable, changes }).collect();
    let group = decide_group(chrono::Utc::now().timestamp_millis(), reads, &grouped);
    let log = pushes
        .iter()
        .zip(&group.pushes)
        .flat_map(|((user, _), decision)| decision.log.iter().map(|record| LogEntry::decided(record, &user.username)))
        .collect();
    let items = group
        .items
        .iter()
        .map(|item| {
            let (read_version, read_done) = as_read[&item.id];
            ItemWrite { item: item.clone(), read_version, read_done }
        })
        .collect();
    let batch = Batch { devices: &group.devices, log, items };
    add_elapsed(&totals.deciding_us, deciding);
    let writing = Instant::now();
    let recorded = store.sync.record_batch(&batch).await;
    add_elapsed(&totals.writing_us, writing);
    Ok(match recorded? {
        Recorded::Written => Some(group.pushes.into_iter().map(|decision| decision.results).collect()),
        Recorded::Stale => {
            totals.written_again.fetch_add(1, Ordering::Relaxed);
            None
        }
    })
}

/// A tablet opens a new period itself; if this server has not opened it yet, it does now,
/// for the units of each person whose push names an item not found.
async fn open_periods_for_missing(store: &Store, pushes: &[(User, Vec<Change>)], found: &[StoredItem]) -> Result<(), DbError> {
    let found: HashSet<Uuid> = found.iter().map(|stored| stored.item.id).collect();
    let mut opened_for = HashSet::new();
    for (user, changes) in pushes {
        if changes.iter().all(|change| found.contains(&change.item)) || !opened_for.insert(&user.username) {
            continue;
        }
        let units = match read_scope(&store.units, user).await? {
            ReadScope::Everything => None,
            ReadScope::Units(units) => Some(units.into_iter().collect::<Vec<_>>()),
        };
        crate::periods::open(store, None, units.as_deref(), chrono::Utc::now(), crate::periods::Reach::Latest).await?;
    }
    Ok(())
}
