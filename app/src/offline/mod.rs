//! Browser storage for one signed-in person on one device: the last server snapshot, the outbox of changes not yet acknowledged, and changes the server
//! refused. Every tick is one write of the outbox key (changes, numbering and clock
//! together), done before anything else, so a reload or a crash right after a tick loses
//! nothing.

pub mod live;
mod lock;
mod photos;
mod shell;

pub use lock::{exclusively, hold_for_page_life};
pub use photos::{downscale, object_url, PhotoError, PhotoStore};
pub use shell::{
    activate_new_shell, check_for_new_shell, controlled as shell_controlled, keep_pages, register as register_shell, storage_report,
    StorageReport,
};

use crate::domain::PhotoId;
use crate::sync::{Change, DeviceStore, KeptPhoto, Outbox, PhotoState, Snapshot};
use gloo_storage::{errors::StorageError as GlooError, LocalStorage, SessionStorage, Storage};
use serde::{de::DeserializeOwned, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// In the tab's sessionStorage: the tab's device id per person, which a reload keeps.
const TAB_DEVICE_KEY: &str = "chidao.tab-device";

/// This tab's device id for `username`, if it has one (a reloaded tab does).
pub fn tab_device(username: &str) -> Option<Uuid> {
    SessionStorage::get(format!("{TAB_DEVICE_KEY}.{username}")).ok()
}

pub fn set_tab_device(username: &str, device: Uuid) {
    // Without sessionStorage the tab simply gets a new device id after a reload.
    let _ = SessionStorage::set(format!("{TAB_DEVICE_KEY}.{username}"), device);
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("browser storage is full")]
    Full,
    #[error("browser storage is not available: {0}")]
    Unavailable(String),
    /// Stored text that no longer parses. The raw text is moved aside under `kept_as`, never
    /// deleted, so a developer can still recover it.
    #[error("stored data under {key} could not be read; kept as {kept_as}")]
    Corrupt { key: String, kept_as: String },
}

/// IndexedDB failing under the engine is storage failing like any other.
impl From<PhotoError> for StoreError {
    fn from(error: PhotoError) -> Self {
        StoreError::Unavailable(error.to_string())
    }
}

pub use crate::sync::RejectedChange;

pub(crate) fn write<T: Serialize>(key: &str, value: &T) -> Result<(), StoreError> {
    LocalStorage::set(key, value).map_err(|error| match error {
        // The browser reports a full quota as a DOMException named QuotaExceededError.
        GlooError::JsError(js) if js.name.contains("Quota") => StoreError::Full,
        other => StoreError::Unavailable(other.to_string()),
    })
}

fn read<T: DeserializeOwned + Default>(key: &str) -> Result<T, StoreError> {
    match LocalStorage::get::<T>(key) {
        Ok(value) => Ok(value),
        Err(GlooError::KeyNotFound(_)) => Ok(T::default()),
        Err(GlooError::SerdeError(_)) => {
            let kept_as = format!("{key}.unreadable.{}", js_sys::Date::now() as i64);
            let raw = LocalStorage::raw().get_item(key).ok().flatten().unwrap_or_default();
            let _ = LocalStorage::raw().set_item(&kept_as, &raw);
            LocalStorage::delete(key);
            Err(StoreError::Corrupt { key: key.to_owned(), kept_as })
        }
        Err(other) => Err(StoreError::Unavailable(other.to_string())),
    }
}

/// One person's data on this device; keys carry the username so a shared tablet keeps each
/// official's unsynced work apart.
#[derive(Debug, Clone)]
pub struct UserStore {
    prefix: String,
    photos: PhotoStore,
}

impl UserStore {
    pub fn new(username: &str) -> Self {
        Self { prefix: format!("chidao.user.{username}"), photos: PhotoStore::new(username) }
    }

    /// Whether a storage key belongs to this person (for `storage` events from other tabs).
    pub fn owns(&self, key: &str) -> bool {
        key.starts_with(&self.prefix)
    }

    /// The Web Lock that makes one tab at a time this person's outbox owner.
    pub fn lock_name(&self) -> String {
        format!("{}.sync", self.prefix)
    }

    fn key(&self, what: &str) -> String {
        format!("{}.{what}", self.prefix)
    }

    fn draft_key(&self, item: Uuid) -> String {
        self.key(&format!("draft.{item}"))
    }

    /// A note being typed on `item` that is not yet a change: kept at every keystroke so a
    /// reload or a crash does not take it.
    pub fn note_draft(&self, item: Uuid) -> Option<String> {
        read(&self.draft_key(item)).ok().flatten()
    }

    pub fn keep_note_draft(&self, item: Uuid, text: &str) -> Result<(), StoreError> {
        write(&self.draft_key(item), &text)
    }

    pub fn drop_note_draft(&self, item: Uuid) {
        self.remove(&self.draft_key(item));
    }

    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        read(&self.key("snapshot"))
    }

    pub fn save_snapshot(&self, snapshot: &Snapshot) -> Result<(), StoreError> {
        write(&self.key("snapshot"), snapshot)
    }

    /// The Web Lock a tab holds for its whole life on its device id: one live tab per
    /// outbox, and an outbox whose lock is free belongs to a closed tab.
    pub fn tab_lock_name(&self, device: Uuid) -> String {
        format!("{}.tab.{device}", self.prefix)
    }

    fn outbox_key(&self, device: Uuid) -> String {
        self.key(&format!("outbox.{device}"))
    }

    /// The outbox of the tab with this device id; an empty one when it has none yet.
    /// Only that tab writes it while it is open.
    pub fn own_outbox(&self, device: Uuid) -> Result<Outbox, StoreError> {
        let stored: Option<Outbox> = read(&self.outbox_key(device))?;
        Ok(stored.unwrap_or_else(|| Outbox::new(device)))
    }

    pub fn save_outbox(&self, outbox: &Outbox) -> Result<(), StoreError> {
        write(&self.outbox_key(outbox.device), outbox)
    }

    /// Every outbox of this person in this browser (this tab's, other open tabs', closed
    /// tabs', and the one-per-browser outbox of earlier versions), with its storage key.
    pub fn outboxes(&self) -> Result<Vec<(String, Outbox)>, StoreError> {
        let storage = LocalStorage::raw();
        let legacy = self.key("outbox");
        let per_tab = format!("{legacy}.");
        let count = storage.length().map_err(|error| StoreError::Unavailable(format!("{error:?}")))?;
        let keys: Vec<String> = (0..count)
            .filter_map(|index| storage.key(index).ok().flatten())
            .filter(|key| *key == legacy || (key.starts_with(&per_tab) && !key.contains(".unreadable.")))
            .collect();
        let mut found = Vec::with_capacity(keys.len());
        for key in keys {
            match read::<Option<Outbox>>(&key) {
                Ok(Some(outbox)) => found.push((key, outbox)),
                Ok(None) => {}
                // Moved aside under its own key and reported where it is read as a tab's own.
                Err(StoreError::Corrupt { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(found)
    }

    pub fn write_outbox_at(&self, key: &str, outbox: &Outbox) -> Result<(), StoreError> {
        write(key, outbox)
    }

    pub fn remove(&self, key: &str) {
        LocalStorage::delete(key);
    }

    /// Ids of changes the server has settled that some outbox may still hold. Written only
    /// by the tab that syncs; tabs drop these from their own outbox.
    pub fn settled(&self) -> Result<BTreeSet<Uuid>, StoreError> {
        read(&self.key("settled"))
    }

    pub fn save_settled(&self, settled: &BTreeSet<Uuid>) -> Result<(), StoreError> {
        write(&self.key("settled"), settled)
    }

    /// Every change of this person waiting in this browser, whichever tab made it.
    pub fn waiting(&self) -> Result<Vec<Change>, StoreError> {
        let settled = self.settled()?;
        let outboxes = self.outboxes()?;
        Ok(crate::sync::waiting(outboxes.iter().map(|(_, outbox)| outbox), &settled))
    }

    /// Keeps refused changes where the person can still see them.
    pub fn keep_rejected(&self, rejected: &[RejectedChange]) -> Result<(), StoreError> {
        if rejected.is_empty() {
            return Ok(());
        }
        let mut kept: Vec<RejectedChange> = read(&self.key("rejected"))?;
        kept.extend_from_slice(rejected);
        write(&self.key("rejected"), &kept)
    }

    pub fn rejected(&self) -> Result<Vec<RejectedChange>, StoreError> {
        read(&self.key("rejected"))
    }

    pub fn last_sync_ms(&self) -> Option<i64> {
        LocalStorage::get(self.key("last_sync")).ok()
    }

    pub fn set_last_sync_ms(&self, at: i64) -> Result<(), StoreError> {
        write(&self.key("last_sync"), &at)
    }
}

/// The engine's storage in the browser: each tab writes only its own outbox key, and
/// another tab's only once that tab is closed, under its lock (see docs/sync.md).
impl DeviceStore for UserStore {
    type Error = StoreError;

    fn outboxes(&self) -> Result<Vec<(String, Outbox)>, StoreError> {
        UserStore::outboxes(self)
    }

    fn own_outbox(&self, device: Uuid) -> Result<Outbox, StoreError> {
        UserStore::own_outbox(self, device)
    }

    fn save_own_outbox(&self, outbox: &Outbox) -> Result<(), StoreError> {
        self.save_outbox(outbox)
    }

    async fn rewrite_other_outbox(&self, key: &str, outbox: &Outbox) -> Result<(), StoreError> {
        let (store, key, outbox) = (self.clone(), key.to_owned(), outbox.clone());
        // Not taken means the tab is open: it prunes its own outbox when it next writes it.
        exclusively(&self.tab_lock_name(outbox.device), async move { store.write_outbox_at(&key, &outbox) }).await.unwrap_or(Ok(()))
    }

    fn settled(&self) -> Result<BTreeSet<Uuid>, StoreError> {
        UserStore::settled(self)
    }

    fn save_settled(&self, settled: &BTreeSet<Uuid>) -> Result<(), StoreError> {
        UserStore::save_settled(self, settled)
    }

    fn save_snapshot(&self, snapshot: &Snapshot) -> Result<(), StoreError> {
        UserStore::save_snapshot(self, snapshot)
    }

    fn keep_rejected(&self, rejected: &[RejectedChange]) -> Result<(), StoreError> {
        UserStore::keep_rejected(self, rejected)
    }

    async fn keep_photo(&self, item: Uuid, id: &PhotoId, bytes: &[u8]) -> Result<KeptPhoto, StoreError> {
        Ok(self.photos.keep(item, id, bytes).await?)
    }

    async fn waiting_photos(&self) -> Result<Vec<KeptPhoto>, StoreError> {
        Ok(self.photos.waiting().await?)
    }

    async fn photo_bytes(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        Ok(self.photos.bytes(key).await?)
    }

    async fn mark_photo(&self, key: &str, state: &PhotoState) -> Result<(), StoreError> {
        Ok(self.photos.mark(key, state).await?)
    }
}
