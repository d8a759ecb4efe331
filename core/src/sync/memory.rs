//! A device's storage held in memory: the [`DeviceStore`] the sync model and the server's
//! random schedules run the real engine over.

use super::{waiting, Change, DeviceStore, KeptPhoto, Outbox, PhotoState, RejectedChange, Snapshot};
use crate::domain::PhotoId;
use std::cell::{Ref, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use uuid::Uuid;

/// Everything one person's device keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredWork {
    pub outboxes: BTreeMap<Uuid, Outbox>,
    pub settled: BTreeSet<Uuid>,
    pub snapshot: Snapshot,
    pub rejected: Vec<RejectedChange>,
    /// Photos in the order kept, with their bytes.
    pub photos: Vec<(KeptPhoto, Vec<u8>)>,
}

#[derive(Debug, Default)]
pub struct MemoryStore {
    work: RefCell<StoredWork>,
}

impl MemoryStore {
    pub fn new(snapshot: Snapshot) -> Self {
        Self { work: RefCell::new(StoredWork { snapshot, ..StoredWork::default() }) }
    }

    pub fn work(&self) -> Ref<'_, StoredWork> {
        self.work.borrow()
    }

    /// Every change still waiting, as a push would send them.
    pub fn waiting(&self) -> Vec<Change> {
        let work = self.work.borrow();
        waiting(work.outboxes.values(), &work.settled)
    }
}

impl DeviceStore for MemoryStore {
    type Error = Infallible;

    fn outboxes(&self) -> Result<Vec<(String, Outbox)>, Infallible> {
        Ok(self.work.borrow().outboxes.iter().map(|(device, outbox)| (device.to_string(), outbox.clone())).collect())
    }

    fn own_outbox(&self, device: Uuid) -> Result<Outbox, Infallible> {
        Ok(self.work.borrow().outboxes.get(&device).cloned().unwrap_or_else(|| Outbox::new(device)))
    }

    fn save_own_outbox(&self, outbox: &Outbox) -> Result<(), Infallible> {
        self.work.borrow_mut().outboxes.insert(outbox.device, outbox.clone());
        Ok(())
    }

    async fn rewrite_other_outbox(&self, _key: &str, outbox: &Outbox) -> Result<(), Infallible> {
        self.save_own_outbox(outbox)
    }

    fn settled(&self) -> Result<BTreeSet<Uuid>, Infallible> {
        Ok(self.work.borrow().settled.clone())
    }

    fn save_settled(&self, settled: &BTreeSet<Uuid>) -> Result<(), Infallible> {
        self.work.borrow_mut().settled = settled.clone();
        Ok(())
    }

    fn save_snapshot(&self, snapshot: &Snapshot) -> Result<(), Infallible> {
        self.work.borrow_mut().snapshot = snapshot.clone();
        Ok(())
    }

    fn keep_rejected(&self, rejected: &[RejectedChange]) -> Result<(), Infallible> {
        self.work.borrow_mut().rejected.extend_from_slice(rejected);
        Ok(())
    }

    async fn keep_photo(&self, item: Uuid, id: &PhotoId, bytes: &[u8]) -> Result<KeptPhoto, Infallible> {
        let key = format!("{item}/{id}");
        let mut work = self.work.borrow_mut();
        if let Some((kept, _)) = work.photos.iter().find(|(kept, _)| kept.key == key) {
            return Ok(kept.clone());
        }
        let kept = KeptPhoto { key, id: id.clone(), item, state: PhotoState::Waiting };
        work.photos.push((kept.clone(), bytes.to_vec()));
        Ok(kept)
    }

    async fn waiting_photos(&self) -> Result<Vec<KeptPhoto>, Infallible> {
        let work = self.work.borrow();
        Ok(work.photos.iter().filter(|(kept, _)| kept.state == PhotoState::Waiting).map(|(kept, _)| kept.clone()).collect())
    }

    async fn photo_bytes(&self, key: &str) -> Result<Vec<u8>, Infallible> {
        Ok(self.work.borrow().photos.iter().find(|(kept, _)| kept.key == key).map(|(_, bytes)| bytes.clone()).unwrap_or_default())
    }

    async fn mark_photo(&self, key: &str, state: &PhotoState) -> Result<(), Infallible> {
        if let Some((kept, _)) = self.work.borrow_mut().photos.iter_mut().find(|(kept, _)| kept.key == key) {
            kept.state = state.clone();
        }
        Ok(())
    }
}
