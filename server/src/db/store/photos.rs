//! Photos: stored once by their content id and attached to items with a logged change.

use super::{to_json, Recorded, Store};
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

impl Store {
    /// How many photos `unit` added on `day` (a Vietnamese calendar day).
    pub async fn photos_added_on(&self, unit: &UnitCode, day: chrono::NaiveDate) -> Result<u32, DbError> {
        let found: Vec<u32> = self
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
        self.write_transaction(context, &query, vars).await
    }

    pub async fn photo(&self, id: &PhotoId) -> Result<Option<StoredPhoto>, DbError> {
        self.select_first("reading a photo", "SELECT content_type, data, units FROM type::record('photo', $id);", json!({"id": id})).await
    }
}
