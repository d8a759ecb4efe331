//! Photo evidence: checking an upload really is a photo of allowed size and that its bytes
//! match the id it claims, attaching it to an item once however often it is sent, and
//! handing it out to those who may see the item.

use crate::auth::{authorize, read_scope, Action, User};
use crate::db::retry::{until_written, MaybeRace};
use crate::db::{DbError, PhotoAttachment, PhotoRow, Recorded, Store};
use base64::Engine;
use chidao_core::domain::{
    attach_decision, ChecklistItem, PhotoAttach, PhotoAttachRefusal, PhotoId, PhotoRef, PHOTOS_PER_ITEM, PHOTOS_PER_UNIT_DAY,
    PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS,
};
use uuid::Uuid;

/// Photos larger than this on a side are not phone or tablet photos downscaled by our app.
pub const MAX_SIDE_PIXELS: usize = 8192;

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("a photo may be at most {PHOTO_MAX_BYTES} bytes")]
    TooLarge,
    #[error("send the photo as image/jpeg, image/png or image/webp")]
    UnsupportedType,
    #[error("this file is not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the file is a {found} image but was sent as {declared}")]
    TypeMismatch { found: &'static str, declared: String },
    #[error("the image is {width}×{height} pixels; at most {MAX_SIDE_PIXELS} on a side and {PHOTO_MAX_PIXELS} in all")]
    TooManyPixels { width: usize, height: usize },
    #[error("this item has {PHOTOS_PER_ITEM} photos already, the most one item takes")]
    ItemFull,
    #[error("this unit has added {PHOTOS_PER_UNIT_DAY} photos today, the most a unit adds in a day; try again tomorrow")]
    UnitDayFull { retry_after_s: u64 },
    #[error("the photo's bytes do not match its id")]
    WrongId,
    #[error("no checklist item has id {0}")]
    UnknownItem(Uuid),
    #[error("this checklist item belongs to another unit")]
    Forbidden,
    #[error("no photo has id {0}")]
    UnknownPhoto(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The checked photo, or why it is refused. Pure: no database.
pub fn check_photo(id: &PhotoId, declared_type: &str, bytes: &[u8]) -> Result<PhotoRow, EvidenceError> {
    if bytes.len() > PHOTO_MAX_BYTES {
        return Err(EvidenceError::TooLarge);
    }
    let declared = declared_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !chidao_core::domain::PHOTO_TYPES.contains(&declared.as_str()) {
        return Err(EvidenceError::UnsupportedType);
    }
    let found = match imagesize::image_type(bytes) {
        Ok(imagesize::ImageType::Jpeg) => "image/jpeg",
        Ok(imagesize::ImageType::Png) => "image/png",
        Ok(imagesize::ImageType::Webp) => "image/webp",
        _ => return Err(EvidenceError::NotAnImage),
    };
    if found != declared {
        return Err(EvidenceError::TypeMismatch { found, declared });
    }
    let size = imagesize::blob_size(bytes).map_err(|_| EvidenceError::NotAnImage)?;
    if size.width == 0 || size.height == 0 {
        return Err(EvidenceError::NotAnImage);
    }
    let pixels = (size.width as u64).saturating_mul(size.height as u64);
    if size.width > MAX_SIDE_PIXELS || size.height > MAX_SIDE_PIXELS || pixels > PHOTO_MAX_PIXELS {
        return Err(EvidenceError::TooManyPixels { width: size.width, height: size.height });
    }
    if PhotoId::of(bytes) != *id {
        return Err(EvidenceError::WrongId);
    }
    Ok(PhotoRow {
        id: id.clone(),
        content_type: found,
        width: size.width as u32,
        height: size.height as u32,
        size: bytes.len(),
        data: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

pub async fn attach(store: &Store, user: &User, item: Uuid, photo: &PhotoRow) -> Result<(PhotoAttach, ChecklistItem), EvidenceError> {
    until_written("attaching a photo", || attach_once(store, user, item, photo)).await
}

/// One attempt; `None` when a push wrote the item meanwhile.
async fn attach_once(
    store: &Store,
    user: &User,
    item: Uuid,
    photo: &PhotoRow,
) -> Result<Option<(PhotoAttach, ChecklistItem)>, EvidenceError> {
    let stored = store.sync.item(item).await?.ok_or(EvidenceError::UnknownItem(item))?;
    if !authorize(&store.units, user, Action::ChangeItemOf(&stored.item.unit)).await? {
        return Err(EvidenceError::Forbidden);
    }
    let now = chrono::Utc::now();
    let today = chidao_core::domain::Deadline::today_in_vietnam(now);
    // Read before the write: uploads of one unit racing at the bound may pass it by a few.
    let added_today = store.photos.photos_added_on(&stored.item.unit, today).await?;
    match attach_decision(&stored.item, &photo.id, added_today) {
        Ok(PhotoAttach::AlreadyThere) => return Ok(Some((PhotoAttach::AlreadyThere, stored.item))),
        Ok(PhotoAttach::Add) => {}
        Err(PhotoAttachRefusal::ItemFull) => return Err(EvidenceError::ItemFull),
        Err(PhotoAttachRefusal::UnitDayFull) => {
            let tomorrow = chidao_core::domain::vietnam_day_start(today.succ_opt().unwrap_or(today));
            let retry_after_s = u64::try_from((tomorrow - now).num_seconds()).unwrap_or(0).max(1);
            return Err(EvidenceError::UnitDayFull { retry_after_s });
        }
    }
    let reference = PhotoRef { id: photo.id.clone(), by: user.username.clone(), at_ms: chrono::Utc::now().timestamp_millis() };
    let attachment = PhotoAttachment {
        photo,
        item,
        day: today,
        unit: &stored.item.unit,
        version: stored.version,
        reference: &reference,
        log_id: chidao_core::domain::new_id(),
        author: &user.username,
    };
    match store.photos.attach_photo(&attachment).await? {
        Recorded::Written => {
            tracing::info!(%item, photo = %photo.id, bytes = photo.size, "photo attached");
            let mut item = stored.item;
            item.photos.push(reference);
            Ok(Some((PhotoAttach::Add, item)))
        }
        Recorded::Stale => Ok(None),
    }
}

/// The photo's type and bytes, for someone who may read one of the units showing it.
pub async fn fetch(store: &Store, user: &User, id: &PhotoId) -> Result<(String, Vec<u8>), EvidenceError> {
    let unknown = || EvidenceError::UnknownPhoto(id.to_string());
    let photo = store.photos.photo(id).await?.ok_or_else(unknown)?;
    // Someone who may not see it is told it does not exist, as for any unknown id.
    let scope = read_scope(&store.units, user).await?;
    if !photo.units.iter().any(|unit| scope.includes(unit)) {
        return Err(unknown());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(photo.data.as_bytes())
        .map_err(|error| DbError::Shape { context: "reading a photo", detail: error.to_string() })?;
    Ok((photo.content_type, bytes))
}

impl MaybeRace for EvidenceError {
    fn is_race(&self) -> bool {
        matches!(self, EvidenceError::Db(error) if error.is_race())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 1×1 PNG.
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
        0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49, 0x44, 0x41, 0x54, 0x08, 0xD7, 0x63,
        0xF8, 0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
        0x42, 0x60, 0x82,
    ];

    #[test]
    fn a_real_image_with_its_own_id_is_taken() {
        let row = check_photo(&PhotoId::of(PNG), "image/png", PNG).unwrap();
        assert_eq!((row.content_type, row.width, row.height, row.size), ("image/png", 1, 1, PNG.len()));
    }

    #[test]
    fn anything_else_is_refused_with_its_reason() {
        let text = b"not a photo at all";
        assert!(matches!(check_photo(&PhotoId::of(text), "image/jpeg", text), Err(EvidenceError::NotAnImage)));
        assert!(matches!(check_photo(&PhotoId::of(PNG), "text/plain", PNG), Err(EvidenceError::UnsupportedType)));
        assert!(matches!(check_photo(&PhotoId::of(PNG), "image/jpeg", PNG), Err(EvidenceError::TypeMismatch { .. })));
        assert!(matches!(check_photo(&PhotoId::of(b"other"), "image/png", PNG), Err(EvidenceError::WrongId)));
        let huge = vec![0u8; PHOTO_MAX_BYTES + 1];
        assert!(matches!(check_photo(&PhotoId::of(&huge), "image/png", &huge), Err(EvidenceError::TooLarge)));
    }
}
