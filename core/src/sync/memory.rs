//! A device's storage held in memory: the [`DeviceStore`] the sync model and the server's
//! random schedules run the real engine over.

use super::{waiting, Change, DeviceStore, Outbox, RejectedChange, Snapshot};
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
}
