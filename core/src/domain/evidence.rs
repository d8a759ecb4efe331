//! Photo evidence on a checklist item. A photo is named by the SHA-256 of its bytes, so a
//! photo sent twice (a retry, a second tap) is recognised as the same one everywhere.

use super::DomainError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The largest photo the server takes. Photos are downscaled in the browser first
/// (longest side [`PHOTO_LONGEST_SIDE`], JPEG), which leaves them far below this.
pub const PHOTO_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Longest side, in pixels, of a photo as stored.
pub const PHOTO_LONGEST_SIDE: u32 = 1600;
/// Photos one checklist item may carry: evidence of one line of work, not an album.
pub const PHOTOS_PER_ITEM: usize = 10;
/// Photos one unit may add in a Vietnamese calendar day (at most this many times
/// [`PHOTO_MAX_BYTES`] of storage a unit a day).
pub const PHOTOS_PER_UNIT_DAY: u32 = 100;
/// The most pixels a photo may decode to (40 megapixels, more than phone cameras take): a
/// small file can claim an enormous image.
pub const PHOTO_MAX_PIXELS: u64 = 40_000_000;
/// Formats taken, as their MIME types.
pub const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// A photo's content hash: 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhotoId(String);

impl PhotoId {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.len() == 64 && raw.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::Invalid { field: "photo id", reason: "must be the SHA-256 of the photo, 64 lower-case hex digits".into() })
        }
    }

    /// The id of these bytes.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect())
    }
}

super::text::validated_string!(PhotoId);

/// A photo attached to an item: which, by whom, when the server took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhotoRef {
    pub id: PhotoId,
    pub by: String,
    pub at_ms: i64,
}

/// What adding a photo to an item comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoAttach {
    Add,
    /// Sent again (a retry, a second tap, another tablet): nothing changes.
    AlreadyThere,
}

/// Why a photo is not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoAttachRefusal {
    /// The item carries [`PHOTOS_PER_ITEM`] photos already.
    ItemFull,
    /// The item's unit added [`PHOTOS_PER_UNIT_DAY`] photos today.
    UnitDayFull,
}

/// The one rule for attaching photo `id` to `item`, whose unit added `added_today` photos
/// today (a Vietnamese calendar day). A photo already on the item is never refused: a
/// retry after a lost answer must get the same item back, whatever the limits say now.
pub fn attach_decision(item: &super::ChecklistItem, id: &PhotoId, added_today: u32) -> Result<PhotoAttach, PhotoAttachRefusal> {
    if item.photos.iter().any(|existing| existing.id == *id) {
        Ok(PhotoAttach::AlreadyThere)
    } else if item.photos.len() >= PHOTOS_PER_ITEM {
        Err(PhotoAttachRefusal::ItemFull)
    } else if added_today >= PHOTOS_PER_UNIT_DAY {
        Err(PhotoAttachRefusal::UnitDayFull)
    } else {
        Ok(PhotoAttach::Add)
    }
}

/// The size to draw a `width`×`height` photo at so that its longest side is at most
/// `longest`, keeping its proportions; photos already small enough keep their size.
pub fn fit_within(width: u32, height: u32, longest: u32) -> (u32, u32) {
    let side = width.max(height);
    if side <= longest || side == 0 {
        return (width, height);
    }
    let scale = |value: u32| ((u64::from(value) * u64::from(longest) + u64::from(side) / 2) / u64::from(side)).max(1) as u32;
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item_with(photos: usize) -> super::super::ChecklistItem {
        let mut item = super::super::ChecklistItem::new(
            uuid::Uuid::from_u128(1),
            uuid::Uuid::nil(),
            super::super::UnitCode::parse("XA-1").unwrap(),
            "Mục",
            1,
        )
        .unwrap();
        item.photos = (0..photos).map(|n| PhotoRef { id: PhotoId::of(&[n as u8]), by: "an".into(), at_ms: 1 }).collect();
        item
    }

    #[test]
    fn a_photo_already_on_the_item_is_never_refused() {
        let full = item_with(PHOTOS_PER_ITEM);
        assert_eq!(attach_decision(&full, &PhotoId::of(&[0]), PHOTOS_PER_UNIT_DAY), Ok(PhotoAttach::AlreadyThere));
        assert_eq!(attach_decision(&full, &PhotoId::of(b"new"), 0), Err(PhotoAttachRefusal::ItemFull));
        let roomy = item_with(PHOTOS_PER_ITEM - 1);
        assert_eq!(attach_decision(&roomy, &PhotoId::of(b"new"), PHOTOS_PER_UNIT_DAY - 1), Ok(PhotoAttach::Add));
        assert_eq!(attach_decision(&roomy, &PhotoId::of(b"new"), PHOTOS_PER_UNIT_DAY), Err(PhotoAttachRefusal::UnitDayFull));
    }

    #[test]
    fn a_photo_is_named_by_its_content() {
        let id = PhotoId::of(b"abc");
        assert_eq!(id.as_str(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(PhotoId::parse(id.as_str()), Ok(id.clone()));
        assert_eq!(PhotoId::of(b"abc"), id);
        assert!(PhotoId::parse("BA7816BF").is_err());
        assert!(PhotoId::parse(&"g".repeat(64)).is_err());
        assert!(serde_json::from_str::<PhotoId>("\"../etc/passwd\"").is_err());
    }

    #[test]
    fn large_photos_shrink_to_the_longest_side_and_keep_their_shape() {
        assert_eq!(fit_within(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit_within(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit_within(1200, 800, 1600), (1200, 800));
        assert_eq!(fit_within(10_000, 3, 1600), (1600, 1));
        assert_eq!(fit_within(0, 0, 1600), (0, 0));
    }
}
