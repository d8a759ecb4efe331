//! Browser storage for one signed-in person on one device: the cached session, the last
//! server snapshot, the outbox of changes not yet acknowledged, and changes the server
//! refused. Every tick is one write of the outbox key (changes, numbering and clock
//! together), done before anything else, so a reload or a crash right after a tick loses
//! nothing.

mod lock;
mod photos;
mod shell;

pub use lock::exclusively;
pub use photos::{downscale, PhotoError, PhotoStore};
pub use shell::{activate_new_shell, check_for_new_shell, register as register_shell, storage_report, StorageReport};

use crate::api::SessionInfo;
use crate::sync::{Change, Outbox, Snapshot};
use gloo_storage::{errors::StorageError as GlooError, LocalStorage, Storage};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

const SESSION_KEY: &str = "chidao.session";

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

/// A change the server refused, with its reason, kept so the person can see what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedChange {
    pub change: Change,
    pub reason: String,
}

fn write<T: Serialize>(key: &str, value: &T) -> Result<(), StoreError> {
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

pub fn cached_session() -> Option<SessionInfo> {
    LocalStorage::get(SESSION_KEY).ok()
}

pub fn cache_session(session: &SessionInfo) -> Result<(), StoreError> {
    write(SESSION_KEY, session)
}

/// Forgets who was signed in. Their outbox and snapshot stay under their own keys.
pub fn forget_session() {
    LocalStorage::delete(SESSION_KEY);
}

/// One person's data on this device; keys carry the username so a shared tablet keeps each
/// official's unsynced work apart.
#[derive(Debug, Clone)]
pub struct UserStore {
    prefix: String,
}

impl UserStore {
    pub fn new(username: &str) -> Self {
        Self { prefix: format!("chidao.user.{username}") }
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

    pub fn snapshot(&self) -> Result<Snapshot, StoreError> {
        read(&self.key("snapshot"))
    }

    pub fn save_snapshot(&self, snapshot: &Snapshot) -> Result<(), StoreError> {
        write(&self.key("snapshot"), snapshot)
    }

    /// The stored outbox; a fresh one, with a new device id, when none is stored yet.
    pub fn outbox(&self) -> Result<Outbox, StoreError> {
        let stored: Option<Outbox> = read(&self.key("outbox"))?;
        Ok(stored.unwrap_or_else(|| Outbox::new(crate::domain::new_id())))
    }

    pub fn save_outbox(&self, outbox: &Outbox) -> Result<(), StoreError> {
        write(&self.key("outbox"), outbox)
    }

    /// Keeps refused changes where the person can still see them.
    pub fn keep_rejected(&self, rejected: Vec<RejectedChange>) -> Result<(), StoreError> {
        if rejected.is_empty() {
            return Ok(());
        }
        let mut kept: Vec<RejectedChange> = read(&self.key("rejected"))?;
        kept.extend(rejected);
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
