//! Photos on their way from a device to the server. A photo is kept on the device the
//! moment it is taken and sent by the sync round after the changes, so the evidence of a
//! line of work travels the same way as its tick: stored first, sent when there is a
//! network, never sent twice into two photos (the server knows a photo by its hash).

use crate::domain::{ChecklistItem, PhotoId};
use uuid::Uuid;

/// Where a photo kept on a device stands with the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoState {
    Waiting,
    Uploaded,
    /// The server refused it for good, with the refusal's code word (or its message when
    /// it gave none); it is not sent again.
    Refused(String),
}

/// A photo kept on a device: its storage key, its content id and the item it is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPhoto {
    pub key: String,
    pub id: PhotoId,
    pub item: Uuid,
    pub state: PhotoState,
}

/// What the server said to one photo sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoAnswer {
    /// On the item now (added, or already there): the item as the server holds it.
    Attached(Box<ChecklistItem>),
    /// Refused for a reason sending it again would not change.
    Refused(String),
}

/// Whether an HTTP status refusing a photo is final. 401 asks for a new sign-in, 408 and
/// 429 ask to come back later (429: the unit's photos of the day are counted); every
/// other 4xx would be refused again, so the photo is marked and no longer sent.
pub fn photo_refused_for_good(status: u16) -> bool {
    (400..500).contains(&status) && !matches!(status, 401 | 408 | 429)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_refusals_that_would_repeat_are_final() {
        for status in [400, 403, 404, 413, 415, 422] {
            assert!(photo_refused_for_good(status), "{status}");
        }
        for status in [200, 201, 401, 408, 429, 500, 503] {
            assert!(!photo_refused_for_good(status), "{status}");
        }
    }
}
