//! Photos: stored once by their content id and attached to items with a logged change.

use super::{to_json, PhotoStore, Recorded};
use crate::db::DbError;
use chidao_core::domain::{PhotoId, PhotoRef, UnitCode};
use chidao_core::sync::LoggedOutcome;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

/// A photo as checked and ready to store.
#[derive(Debug, Clone)]
pub struct PhotoRow {
    pub id: PhotoId,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    pub size: usize,
    /// base64 of the bytes.
    pub data: String,
}

#[derive(Debug, Clone)]
pub struct PhotoAttachment<'a> {
    pub photo: &'a PhotoRow,
    pub item: Uuid,
    /// The Vietnamese calendar day it is added on, for the unit's count of the day.
    pub day: chrono::NaiveDate,
    pub unit: &'a UnitCode,
    /// The item's version as read.
    pub version: u64,
    pub reference: &'a PhotoRef,
    pub log_id: Uuid,
    pub author: &'a str,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StoredPhoto {
    pub content_type: String,
    /// base64 of the bytes.
    pub data: String,
    pub units: Vec<UnitCode>,
}

impl PhotoStore {
    /// How many photos `unit` added on `day` (a Vietnamese calendar day).
    pub async fn photos_added_on(&self, unit: &UnitCode, day: chrono::NaiveDate) -> Result<u32, DbError> {
        let found: Vec<u32> = self
            .db
            .select(
                "counting a unit's photos of the day",
                "SELECT VALUE added FROM type::record('photo_day', [$unit, $day]) WHERE added != NONE;",
                json!({"unit": unit, "day": day.to_string()}),
            )
            .await?;
        Ok(found.into_iter().next().unwrap_or(0))
    }

    /// Stores a photo (once, by its content id) and adds it to an item, in one
    /// transaction with its change-log entry and the item's next number; only if the item
    /// is still at `attach.version`.
    pub async fn attach_photo(&self, attach: &PhotoAttachment<'_>) -> Result<Recorded, DbError> {
        let context = "attaching a photo";
        let query = format!(
            r#"
            BEGIN TRANSACTION;
            UPSERT type::record('photo', $photo.id) SET
                content_type = $photo.content_type, width = $photo.width, height = $photo.height, size = $photo.size,
                data = $photo.data, units = array::union(units ?? [], [$unit]),
                uploaded_by = uploaded_by ?? $author, uploaded_at = uploaded_at ?? time::now()
                RETURN NONE;
            CREATE type::record('change', $log_id) CONTENT {{
                item: $item, device: $device, seq: 0, at_ms: $reference.at_ms, field: 'photo', value: $photo.id,
                author: $author, outcome: $applied, received_at: time::now()
            }} RETURN NONE;
            LET $seq = (UPDATE ONLY counter:items SET value += 1 RETURN AFTER).value;
            LET $written = (UPDATE type::record('item', $item) SET photos += $reference, seq = $seq, version = version + 1
                WHERE version = $version RETURN VALUE id);
            IF array::len($written) = 0 {{ THROW 'stale item' }};
            UPSERT type::record('photo_day', [$unit, $day]) SET added = (added ?? 0) + 1 RETURN NONE;
            LET $group = (SELECT task, unit, period FROM ONLY type::record('item', $item));
            LET $groups = [$group];
            {recount}
            COMMIT TRANSACTION;
        "#,
            recount = super::RECOUNT_GROUPS
        );
        let vars = json!({
            "photo": {
                "id": attach.photo.id, "content_type": attach.photo.content_type, "width": attach.photo.width,
                "height": attach.photo.height, "size": attach.photo.size, "data": attach.photo.data,
            },
            "unit": attach.unit, "item": attach.item, "version": attach.version, "day": attach.day.to_string(), "reference": to_json(attach.reference, context)?,
            "log_id": attach.log_id, "author": attach.author, "device": chidao_core::sync::REVIEW_DEVICE,
            "applied": LoggedOutcome::Applied,
        });
        self.db.write_transaction(context, &query, vars).await
    }

    pub async fn photo(&self, id: &PhotoId) -> Result<Option<StoredPhoto>, DbError> {
        self.db
            .select_first("reading a photo", "SELECT content_type, data, units FROM type::record('photo', $id);", json!({"id": id}))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::province;
    use super::*;

    #[tokio::test]
    async fn a_photo_is_attached_at_the_version_read_and_counted_in_its_units_day() {
        let province = province().await;
        let item = province.items[0].id;
        let read = province.store.sync.item(item).await.unwrap().unwrap();
        let bytes = b"not really a jpeg, but bytes with an id";
        let photo = PhotoRow {
            id: PhotoId::of(bytes),
            content_type: "image/jpeg",
            width: 4,
            height: 3,
            size: bytes.len(),
            data: "AAAA".to_owned(),
        };
        let reference = PhotoRef { id: photo.id.clone(), by: "canbo.tinhha".to_owned(), at_ms: 1_000 };
        let day = chrono::NaiveDate::from_ymd_opt(2022, 8, 10).unwrap();
        let attach = |version, log_id| PhotoAttachment {
            photo: &photo,
            item,
            day,
            unit: &province.lead,
            version,
            reference: &reference,
            log_id,
            author: "canbo.tinhha",
        };
        let photos = &province.store.photos;
        assert_eq!(photos.attach_photo(&attach(read.version, Uuid::new_v4())).await.unwrap(), Recorded::Written);
        assert_eq!(photos.attach_photo(&attach(read.version, Uuid::new_v4())).await.unwrap(), Recorded::Stale, "the item moved on");

        let after = province.store.sync.item(item).await.unwrap().unwrap();
        assert_eq!((after.version, after.item.photos.clone()), (read.version + 1, vec![reference.clone()]));
        assert!(after.seq > read.seq, "a device pulling since its cursor sees the photo");
        let stored = photos.photo(&photo.id).await.unwrap().unwrap();
        assert_eq!((stored.content_type.as_str(), stored.units), ("image/jpeg", vec![province.lead.clone()]));
        assert_eq!(photos.photos_added_on(&province.lead, day).await.unwrap(), 1);
        assert_eq!(photos.photos_added_on(&province.coordinating, day).await.unwrap(), 0);
    }
}
