//! The heads' sign-offs the field page shows: a leaf that the field page and the sign-off
//! button's chunk both read.

use crate::domain::TaskReport;
use leptos::prelude::*;

/// The heads' sign-offs of unit reports, as last read from the server.
#[derive(Clone, Copy)]
pub(crate) struct SignOffs {
    pub(crate) reports: RwSignal<Vec<TaskReport>>,
}

impl SignOffs {
    pub(crate) fn load(self) {
        leptos::task::spawn_local(async move {
            if let Ok(reports) = crate::client::task_reports().await {
                self.reports.set(reports);
            }
        });
    }
}
