//! Photo evidence in the browser: downscaling a chosen picture to a JPEG, and keeping it in
//! IndexedDB (local storage holds only a few megabytes) until the server has it.

use crate::domain::{fit_within, PhotoId, PHOTO_LONGEST_SIDE, PHOTO_MAX_BYTES};
use crate::sync::{KeptPhoto, PhotoState};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use uuid::Uuid;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

const DATABASE: &str = "chidao-photos";
/// Version 2 added the index of photos by person and state.
const DATABASE_VERSION: u32 = 2;
const STORE: &str = "photos";
/// Over `[username, state]`: a sync round reads the photos waiting, not every photo kept.
const BY_STATE: &str = "by-person-and-state";
const WAITING: &str = "waiting";
/// JPEG quality for stored photos: enough to read a sign or a document in the picture.
const JPEG_QUALITY: f64 = 0.85;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the chosen file is not an image")]
    NotAnImage,
    #[error("the photo is still larger than {PHOTO_MAX_BYTES} bytes after shrinking")]
    TooLarge,
    #[error("photos cannot be kept in this browser: {0}")]
    Storage(String),
}

fn storage_error(error: JsValue) -> PhotoError {
    PhotoError::Storage(
        error.as_string().or_else(|| Reflect::get(&error, &"message".into()).ok()?.as_string()).unwrap_or_else(|| format!("{error:?}")),
    )
}

/// Shrinks the picture to [`PHOTO_LONGEST_SIDE`] on its longest side and encodes it as
/// JPEG, in the browser, before it is stored or sent.
pub async fn downscale(file: &web_sys::Blob) -> Result<Vec<u8>, PhotoError> {
    let window = web_sys::window().ok_or(PhotoError::NotAnImage)?;
    let decoding = window.create_image_bitmap_with_blob(file).map_err(|_| PhotoError::NotAnImage)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(decoding).await.map_err(|_| PhotoError::NotAnImage)?.unchecked_into();
    let (width, height) = fit_within(bitmap.width(), bitmap.height(), PHOTO_LONGEST_SIDE);
    if width == 0 || height == 0 {
        return Err(PhotoError::NotAnImage);
    }
    let canvas: web_sys::HtmlCanvasElement =
        window.document().and_then(|document| document.create_element("canvas").ok()).ok_or(PhotoError::NotAnImage)?.unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").ok().flatten().ok_or(PhotoError::NotAnImage)?.unchecked_into();
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(width), f64::from(height))
        .map_err(|_| PhotoError::NotAnImage)?;
    bitmap.close();
    let encoded = Promise::new(&mut |resolve, reject| {
        if let Err(error) = canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &JsValue::from_f64(JPEG_QUALITY)) {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    let blob = JsFuture::from(encoded).await.map_err(|_| PhotoError::NotAnImage)?;
    let blob: web_sys::Blob = blob.dyn_into().map_err(|_| PhotoError::NotAnImage)?;
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(|_| PhotoError::NotAnImage)?;
    let bytes = Uint8Array::new(&buffer).to_vec();
    if bytes.len() > PHOTO_MAX_BYTES {
        return Err(PhotoError::TooLarge);
    }
    Ok(bytes)
}

/// An object URL showing `bytes` as a JPEG.
pub fn object_url(bytes: &[u8]) -> Option<String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/jpeg");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Waits for an IndexedDB request and returns its result.
async fn settled(request: &IdbRequest) -> Result<JsValue, PhotoError> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise)
        .await
        .map_err(|_| PhotoError::Storage(request.error().ok().flatten().map(|e| e.message()).unwrap_or_default()))?;
    request.result().map_err(storage_error)
}

async fn database() -> Result<IdbDatabase, PhotoError> {
    let factory = web_sys::window()
        .and_then(|window| window.indexed_db().ok().flatten())
        .ok_or_else(|| PhotoError::Storage("IndexedDB is not available".into()))?;
    let opening = factory.open_with_u32(DATABASE, DATABASE_VERSION).map_err(storage_error)?;
    let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        let Some(request) = event.target().and_then(|target| target.dyn_into::<IdbRequest>().ok()) else { return };
        let Ok(database) = request.result().and_then(|result| result.dyn_into::<IdbDatabase>()) else { return };
        let store = if database.object_store_names().contains(STORE) {
            request.transaction().and_then(|upgrading| upgrading.object_store(STORE).ok())
        } else {
            database.create_object_store(STORE).ok()
        };
        // Photos kept before the index existed are indexed as it is made.
        if let Some(store) = store.filter(|store| !store.index_names().contains(BY_STATE)) {
            let _ = store.create_index_with_str_sequence(BY_STATE, &Array::of2(&"username".into(), &"state".into()));
        }
    });
    opening.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let result = settled(&opening).await;
    opening.set_onupgradeneeded(None);
    drop(upgrade);
    result?.dyn_into::<IdbDatabase>().map_err(|_| PhotoError::Storage("IndexedDB did not open".into()))
}

async fn request(
    mode: IdbTransactionMode,
    call: impl FnOnce(&web_sys::IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<JsValue, PhotoError> {
    let database = database().await?;
    let transaction = database.transaction_with_str_and_mode(STORE, mode).map_err(storage_error)?;
    let store = transaction.object_store(STORE).map_err(storage_error)?;
    let pending = call(&store).map_err(storage_error)?;
    let result = settled(&pending).await;
    database.close();
    result
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn text(source: &JsValue, key: &str) -> Option<String> {
    Reflect::get(source, &JsValue::from_str(key)).ok()?.as_string()
}

fn key_of(username: &str, item: Uuid, id: &PhotoId) -> String {
    format!("{username}/{item}/{id}")
}

/// A stored record as a kept photo and its bytes; `None` for a record of someone else or
/// one that does not read back (skipped, never deleted).
fn parse_record(record: &JsValue, username: &str) -> Option<(KeptPhoto, Uint8Array)> {
    if text(record, "username").as_deref() != Some(username) {
        return None;
    }
    let id = PhotoId::parse(&text(record, "id")?).ok()?;
    let item = Uuid::parse_str(&text(record, "item")?).ok()?;
    let bytes = Reflect::get(record, &JsValue::from_str("bytes")).ok()?.dyn_into::<Uint8Array>().ok()?;
    let state = match text(record, "state").as_deref() {
        Some("uploaded") => PhotoState::Uploaded,
        Some("refused") => PhotoState::Refused(text(record, "reason").unwrap_or_default()),
        _ => PhotoState::Waiting,
    };
    // The key is derived from the record, not read in a second request that a photo kept
    // in between would put out of step with the first.
    Some((KeptPhoto { key: key_of(username, item, &id), id, item, state }, bytes))
}

/// One person's photos on this device.
#[derive(Debug, Clone)]
pub struct PhotoStore {
    username: String,
}

impl PhotoStore {
    pub fn new(username: &str) -> Self {
        Self { username: username.to_owned() }
    }

    /// Keeps the photo, waiting to upload. Keeping the same photo for the same item twice
    /// is one photo, whatever the first became.
    pub async fn keep(&self, item: Uuid, id: &PhotoId, bytes: &[u8]) -> Result<KeptPhoto, PhotoError> {
        let key = key_of(&self.username, item, id);
        let existing = request(IdbTransactionMode::Readonly, |store| store.get(&JsValue::from_str(&key))).await?;
        if let Some((kept, _)) = parse_record(&existing, &self.username) {
            return Ok(kept);
        }
        let record = Object::new();
        set(&record, "username", &JsValue::from_str(&self.username));
        set(&record, "item", &JsValue::from_str(&item.to_string()));
        set(&record, "id", &JsValue::from_str(id.as_str()));
        set(&record, "bytes", &Uint8Array::from(bytes));
        set(&record, "state", &JsValue::from_str(WAITING));
        request(IdbTransactionMode::Readwrite, |store| store.put_with_key(&record, &JsValue::from_str(&key))).await?;
        Ok(KeptPhoto { key, id: id.clone(), item, state: PhotoState::Waiting })
    }

    /// Every photo this person keeps here, with its bytes.
    pub async fn all(&self) -> Result<Vec<(KeptPhoto, Vec<u8>)>, PhotoError> {
        let records = request(IdbTransactionMode::Readonly, |store| store.get_all()).await?;
        Ok(Array::from(&records)
            .iter()
            .filter_map(|record| parse_record(&record, &self.username))
            .map(|(kept, bytes)| (kept, bytes.to_vec()))
            .collect())
    }

    /// The photos of this person still waiting to be sent, without their bytes.
    pub async fn waiting(&self) -> Result<Vec<KeptPhoto>, PhotoError> {
        let waiting = web_sys::IdbKeyRange::only(&Array::of2(&JsValue::from_str(&self.username), &JsValue::from_str(WAITING)))
            .map_err(storage_error)?;
        let records = request(IdbTransactionMode::Readonly, |store| store.index(BY_STATE)?.get_all_with_key(&waiting)).await?;
        Ok(Array::from(&records).iter().filter_map(|record| parse_record(&record, &self.username)).map(|(kept, _)| kept).collect())
    }

    pub async fn bytes(&self, key: &str) -> Result<Vec<u8>, PhotoError> {
        let record = request(IdbTransactionMode::Readonly, |store| store.get(&JsValue::from_str(key))).await?;
        Reflect::get(&record, &JsValue::from_str("bytes"))
            .ok()
            .and_then(|bytes| bytes.dyn_into::<Uint8Array>().ok())
            .map(|bytes| bytes.to_vec())
            .ok_or_else(|| PhotoError::Storage(format!("photo {key} is missing")))
    }

    /// Records what the server said of the photo.
    pub async fn mark(&self, key: &str, state: &PhotoState) -> Result<(), PhotoError> {
        let record = request(IdbTransactionMode::Readonly, |store| store.get(&JsValue::from_str(key))).await?;
        if record.is_undefined() {
            return Ok(());
        }
        let record: Object = record.unchecked_into();
        let (name, reason) = match state {
            PhotoState::Waiting => (WAITING, None),
            PhotoState::Uploaded => ("uploaded", None),
            PhotoState::Refused(reason) => ("refused", Some(reason.as_str())),
        };
        set(&record, "state", &JsValue::from_str(name));
        set(&record, "reason", &reason.map_or(JsValue::UNDEFINED, JsValue::from_str));
        request(IdbTransactionMode::Readwrite, |store| store.put_with_key(&record, &JsValue::from_str(key))).await.map(|_| ())
    }
}
