//! One signed-in person's local work as reactive state: the last server snapshot, the
//! outbox, the photos kept, and the sync status the status bar shows. It runs the shared
//! sync engine over [`crate::offline`] (browser storage) and [`crate::client`] (`fetch`),
//! and only shows what a round did; every rule of the round is the engine's.

use crate::api::SessionInfo;
use crate::client::{ClientError, FetchTransport};
use crate::domain::PhotoId;
use crate::domain::{ChecklistItem, Note};
use crate::i18n::Key;
use crate::offline::{self, PhotoError, PhotoStore, RejectedChange, StoreError, UserStore};
use crate::sync::{record_edit, DeviceStore, KeptPhoto, SyncEngine, SyncObserver, PUSH_BATCH};
use crate::sync::{Change, DirectiveView, Edit, PhotoState, Snapshot};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A fixed message from the translations.
    Message(Key),
    /// A note the rules refused, and why.
    /// A message from the browser, shown after a translated lead-in.
    Detail(Key, String),
    /// A failed call to the server, said in the reader's language after a lead-in.
    Failed(Key, crate::client::ClientError),
}

/// A photo kept on this device (in IndexedDB), with an object URL that shows it offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPhoto {
    /// Its key in browser storage.
    pub key: String,
    pub id: crate::domain::PhotoId,
    pub item: Uuid,
    pub url: String,
    pub state: PhotoState,
}

/// What the last exchange with the server showed. The browser's own online flag says
/// only whether there is a network at all (a commune's Wi-Fi without internet, or a page
/// reloaded offline, reads "online"), so it never makes the server count as reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Nothing asked yet since the page started.
    Checking,
    /// The server answered the last request (whatever it answered).
    Reached,
    /// The last request got no answer, or the browser has no network.
    Unreachable,
}

#[derive(Clone, Copy)]
pub struct Workspace {
    pub session: StoredValue<SessionInfo>,
    pub snapshot: RwSignal<Snapshot>,
    pub outbox: RwSignal<Vec<Change>>,
    pub rejected: RwSignal<Vec<(Change, String)>>,
    /// Photos taken on this device, uploaded or not.
    pub photos: RwSignal<Vec<LocalPhoto>>,
    pub connection: RwSignal<Connection>,
    pub syncing: RwSignal<bool>,
    pub last_sync_ms: RwSignal<Option<i64>>,
    pub problem: RwSignal<Option<Problem>>,
    pub loaded: RwSignal<bool>,
    /// Set when the server answered 401; the page then asks for a new sign-in.
    pub session_expired: RwSignal<bool>,
    /// Failed sync rounds in a row; sets the back-off.
    pub failures: RwSignal<u32>,
    /// When the next automatic sync will run (ms since the epoch), once one is planned.
    pub next_sync_ms: RwSignal<Option<i64>>,
    /// The planned automatic sync, so a manual one can replace it.
    timer: StoredValue<Option<leptos::leptos_dom::helpers::TimeoutHandle>>,
    /// This tab's device id, once the tab holds it (see `docs/sync.md`, several tabs).
    device: StoredValue<Option<Uuid>>,
    /// A change was recorded while a sync was running: run another round after it.
    again: RwSignal<bool>,
}

impl Workspace {
    pub fn new(session: SessionInfo) -> Self {
        Self {
            session: StoredValue::new(session),
            snapshot: RwSignal::new(Snapshot::default()),
            outbox: RwSignal::new(Vec::new()),
            rejected: RwSignal::new(Vec::new()),
            photos: RwSignal::new(Vec::new()),
            connection: RwSignal::new(Connection::Checking),
            syncing: RwSignal::new(false),
            last_sync_ms: RwSignal::new(None),
            problem: RwSignal::new(None),
            loaded: RwSignal::new(false),
            session_expired: RwSignal::new(false),
            failures: RwSignal::new(0),
            next_sync_ms: RwSignal::new(None),
            timer: StoredValue::new(None),
            device: StoredValue::new(None),
            again: RwSignal::new(false),
        }
    }

    fn username(&self) -> String {
        self.session.with_value(|session| session.username.clone())
    }

    /// The directives, sections and tasks as the screen shows them.
    pub fn view(&self) -> Vec<DirectiveView> {
        let author = self.username();
        self.outbox.with(|pending| self.snapshot.with(|snapshot| snapshot.view(pending, &author, today())))
    }

    /// One item with this device's pending changes laid over it.
    pub fn item(&self, id: Uuid) -> Option<ChecklistItem> {
        let author = self.username();
        let stored = self.snapshot.with(|snapshot| snapshot.item(id, today()))?;
        Some(self.outbox.with(|pending| crate::sync::replay(&stored, pending, &author)))
    }

    /// What the signed-in person may do, by the one access function, over the unit tree
    /// this device last pulled.
    pub fn permits(&self, action: crate::domain::access::Action<'_>) -> bool {
        use crate::domain::access;
        self.session.with_value(|session| {
            // The tree only where the answer depends on it (heads), as the server reads it.
            let units: Vec<crate::domain::Unit> = if action.needs_unit_tree() && access::needs_unit_tree(&session.roles) {
                self.snapshot.with_untracked(|snapshot| snapshot.units.values().cloned().collect())
            } else {
                Vec::new()
            };
            access::permits(&session.roles, &session.unit, &units, action)
        })
    }

    pub fn party_name(&self, party: &crate::domain::Party) -> String {
        self.snapshot.with(|snapshot| snapshot.party_name(party))
    }

    /// Returns whether the tick was stored (and so is shown).
    pub fn set_done(&self, item: Uuid, value: bool) -> bool {
        self.record(item, Edit::Done { value })
    }

    /// Returns why the note is refused (too long), or `Ok(false)` when it could not be
    /// stored; once it is a change, its draft is dropped.
    pub fn set_note(&self, item: Uuid, raw: &str) -> Result<bool, crate::domain::DomainError> {
        let value = Note::parse(raw)?;
        let stored = self.record(item, Edit::Note { value });
        if stored {
            UserStore::new(&self.username()).drop_note_draft(item);
        }
        Ok(stored)
    }

    /// The note typed on `item` and not yet saved as a change, if any.
    pub fn note_draft(&self, item: Uuid) -> Option<String> {
        UserStore::new(&self.username()).note_draft(item)
    }

    /// Keeps what is being typed on `item`; says whether browser storage took it.
    pub fn keep_note_draft(&self, item: Uuid, text: &str) -> bool {
        UserStore::new(&self.username()).keep_note_draft(item, text).is_ok()
    }

    /// Whether `item` has a change or a photo this device made that the server has not
    /// acknowledged.
    pub fn unsent(&self, item: Uuid) -> bool {
        self.outbox.with(|outbox| outbox.iter().any(|change| change.item == item))
            || self.photos.with(|kept| kept.iter().any(|photo| photo.item == item && photo.state == PhotoState::Waiting))
    }
}

/// The day it is in Vietnam by this device's clock: it decides a recurring task's period.
fn today() -> chrono::NaiveDate {
    crate::domain::Deadline::today_in_vietnam(chrono::Utc::now())
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn browser_online() -> bool {
    web_sys::window().map(|window| window.navigator().on_line()).unwrap_or(true)
}

impl LocalPhoto {
    fn shown(kept: KeptPhoto, bytes: &[u8]) -> Self {
        let url = offline::object_url(bytes).unwrap_or_default();
        Self { key: kept.key, id: kept.id, item: kept.item, url, state: kept.state }
    }
}

/// The screen follows a sync round as it goes.
impl SyncObserver<StoreError> for Workspace {
    fn settled(&self, snapshot: &Snapshot, _acknowledged: &[Change], refused: &[RejectedChange]) {
        self.snapshot.set(snapshot.clone());
        self.rejected.update(|kept| kept.extend(refused.iter().map(|r| (r.change.clone(), r.reason.clone()))));
        self.show_waiting();
    }

    fn pulled(&self, snapshot: &Snapshot) {
        self.snapshot.set(snapshot.clone());
    }

    fn photo_answered(&self, snapshot: &Snapshot, photo: &KeptPhoto) {
        self.snapshot.set(snapshot.clone());
        self.photos.update(|shown| {
            if let Some(shown) = shown.iter_mut().find(|shown| shown.key == photo.key) {
                shown.state = photo.state.clone();
            }
        });
    }

    fn store_failed(&self, error: StoreError) {
        self.report_store_error(error);
    }
}

impl Workspace {
    fn store(&self) -> UserStore {
        UserStore::new(&self.username())
    }

    fn report_store_error(&self, error: StoreError) {
        let key = match error {
            StoreError::Full => Key::StorageFull,
            StoreError::Corrupt { .. } => Key::StorageCorrupt,
            StoreError::Unavailable(detail) => {
                self.problem.set(Some(Problem::Detail(Key::StorageUnavailable, detail)));
                return;
            }
        };
        self.problem.set(Some(Problem::Message(key)));
    }

    /// A tick or a note: written to browser storage first, then shown, then pushed
    /// if the network allows. Nothing waits for the network.
    /// Only this tab writes its own outbox, so a tick here and a sync in another tab
    /// never write the same storage key.
    pub(super) fn record(&self, item: Uuid, edit: Edit) -> bool {
        let (Some(shown), Some(device)) = (self.item(item), self.device.get_value()) else { return false };
        // Later than anything this browser has shown or made, in any tab.
        let seen = self
            .snapshot
            .with_untracked(Snapshot::newest_stamp)
            .into_iter()
            .chain(self.outbox.with_untracked(|waiting| waiting.iter().map(|change| change.stamp).max()))
            .max();
        let saved = record_edit(&self.store(), device, &shown, edit, seen, crate::domain::new_id(), now_ms()).map(|_| ());
        match saved {
            Ok(()) => self.show_waiting(),
            // Not stored means not shown: the screen never claims what storage lacks.
            Err(error) => {
                self.report_store_error(error);
                return false;
            }
        }
        self.sync_now();
        true
    }

    /// Every change of this person waiting in this browser, whichever tab made it.
    fn show_waiting(&self) {
        match self.store().waiting() {
            Ok(waiting) => self.outbox.set(waiting),
            Err(error) => self.report_store_error(error),
        }
    }

    /// Reads what this device holds for this person into the screen's state.
    fn load(&self) {
        let store = self.store();
        let reading = crate::timing::now_ms();
        let read = store.snapshot();
        crate::timing::measure_since(crate::timing::SNAPSHOT_READ, reading);
        match read {
            Ok(snapshot) => self.snapshot.set(snapshot),
            Err(error) => self.report_store_error(error),
        }
        self.show_waiting();
        if let Ok(rejected) = store.rejected() {
            self.rejected.set(rejected.into_iter().map(|kept| (kept.change, kept.reason)).collect());
        }
        self.last_sync_ms.set(store.last_sync_ms());
    }

    /// Loads what this device holds, listens for the network and for other tabs, and
    /// syncs.
    pub fn start(&self) {
        self.load();
        let this = *self;
        spawn_local(async move {
            let username = this.username();
            let store = this.store();
            // A reloaded tab keeps its device id; a duplicated tab copies it, finds it
            // held by the original, and takes a new one.
            let mut device = offline::tab_device(&username).unwrap_or_else(crate::domain::new_id);
            for _ in 0..3 {
                if offline::hold_for_page_life(&store.tab_lock_name(device)).await {
                    break;
                }
                device = crate::domain::new_id();
            }
            offline::set_tab_device(&username, device);
            this.device.set_value(Some(device));
            this.loaded.set(true);
            crate::timing::mark_after_paint(crate::timing::INTERACTIVE);
            this.sync_now();
        });
        spawn_local(async move {
            match PhotoStore::new(&this.username()).all().await {
                Ok(kept) => this.photos.set(kept.into_iter().map(|(kept, bytes)| LocalPhoto::shown(kept, &bytes)).collect()),
                Err(error) => this.problem.set(Some(Problem::Detail(Key::PhotoNotKept, error.to_string()))),
            }
        });
        let this = *self;
        // A network again: ask the server, which then says whether it is reached.
        let online = window_event_listener(leptos::ev::online, move |_| this.sync_now());
        let offline = window_event_listener(leptos::ev::offline, move |_| this.connection.set(Connection::Unreachable));
        // Another tab of this browser ticked or synced: show what storage now holds.
        let other_tab = window_event_listener(leptos::ev::storage, move |event| {
            if event.key().is_none_or(|key| this.store().owns(&key)) {
                this.load();
            }
        });
        on_cleanup(move || {
            online.remove();
            offline.remove();
            other_tab.remove();
            this.cancel_planned_sync();
        });
    }

    fn cancel_planned_sync(&self) {
        if let Some(timer) = self.timer.try_update_value(Option::take).flatten() {
            timer.clear();
        }
    }

    /// Plans the next automatic sync: on the beat after a success, later and later
    /// after each failure.
    fn plan_next_sync(&self) {
        self.cancel_planned_sync();
        let wait_ms = crate::sync::next_sync_in_ms(self.failures.get_untracked());
        let this = *self;
        let planned = set_timeout_with_handle(move || this.sync_now(), std::time::Duration::from_millis(wait_ms)).ok();
        self.timer.set_value(planned);
        self.next_sync_ms.set(Some(now_ms() + wait_ms as i64));
    }

    fn sync_failed(&self, error: ClientError) {
        self.failures.update(|failures| *failures = failures.saturating_add(1));
        self.problem.set(Some(Problem::Failed(Key::SyncFailed, error)));
        self.plan_next_sync();
    }

    pub fn sync_now(&self) {
        if !browser_online() {
            self.connection.set(Connection::Unreachable);
        }
        if !browser_online() || self.session_expired.get_untracked() {
            // The `online` event or a new sign-in starts syncing again.
            self.cancel_planned_sync();
            self.next_sync_ms.set(None);
            return;
        }
        if self.syncing.get_untracked() {
            self.again.set(true);
            return;
        }
        self.again.set(false);
        self.syncing.set(true);
        let this = *self;
        spawn_local(async move {
            let lock = this.store().lock_name();
            let outcome = offline::exclusively(&lock, async move { this.sync_round().await }).await;
            this.syncing.set(false);
            match outcome {
                // Another tab owns the outbox right now; its storage writes reach us.
                None => this.plan_next_sync(),
                Some(Ok(())) => {
                    this.connection.set(Connection::Reached);
                    let at = now_ms();
                    let _ = this.store().set_last_sync_ms(at);
                    this.last_sync_ms.set(Some(at));
                    this.failures.set(0);
                    this.problem.update(|problem| {
                        if matches!(problem, Some(Problem::Failed(Key::SyncFailed, _))) {
                            *problem = None;
                        }
                    });
                    this.plan_next_sync();
                    // A long-open page hears of a new deploy too.
                    offline::check_for_new_shell();
                }
                Some(Err(ClientError::Unauthorized)) => {
                    this.connection.set(Connection::Reached);
                    this.session_expired.set(true);
                    this.cancel_planned_sync();
                    this.next_sync_ms.set(None);
                }
                Some(Err(error)) => {
                    let reached = !matches!(error, ClientError::Network(_));
                    this.connection.set(if reached { Connection::Reached } else { Connection::Unreachable });
                    this.sync_failed(error);
                }
            }
            if this.again.get_untracked() {
                this.sync_now();
            }
        });
    }

    /// A photo for an item: shrunk, kept in IndexedDB and shown before anything is sent.
    /// The same picture chosen twice for one item is one photo.
    pub fn attach_photo(&self, item: Uuid, file: web_sys::File) {
        let this = *self;
        spawn_local(async move {
            let bytes = match offline::downscale(&file).await {
                Ok(bytes) => bytes,
                Err(PhotoError::NotAnImage) => return this.problem.set(Some(Problem::Message(Key::NotAnImage))),
                Err(error) => return this.problem.set(Some(Problem::Detail(Key::PhotoNotKept, error.to_string()))),
            };
            let id = PhotoId::of(&bytes);
            if this.photos.with_untracked(|kept| kept.iter().any(|photo| photo.item == item && photo.id == id)) {
                return;
            }
            match this.store().keep_photo(item, &id, &bytes).await {
                Ok(kept) => {
                    this.photos.update(|shown| shown.push(LocalPhoto::shown(kept, &bytes)));
                    this.sync_now();
                }
                Err(error) => this.problem.set(Some(Problem::Detail(Key::PhotoNotKept, error.to_string()))),
            }
        });
    }

    /// One round of the shared engine over this browser's storage and `fetch`.
    async fn sync_round(&self) -> Result<(), ClientError> {
        let (store, author) = (self.store(), self.username());
        let engine =
            SyncEngine { store: &store, transport: &FetchTransport, device: self.device.get_value(), author: &author, batch: PUSH_BATCH };
        let mut snapshot = self.snapshot.get_untracked();
        let round = engine.sync_round(&mut snapshot, self).await;
        self.snapshot.set(snapshot);
        round
    }
}
