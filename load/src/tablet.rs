//! One simulated tablet: its own session, the items it works on, its cursor and its next
//! change number, as the sync engine keeps them; what it sends is what the engine sends.

use crate::http::{Body, Connection};
use crate::measure::{wall_ms, Record};
use chidao_core::api::{PHOTOS_PATH, PULL_PATH, PUSH_PATH, SESSION_PATH};
use chidao_core::domain::PhotoId;
use rand::Rng;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;

/// What a tablet does with a turn: tick or untick an item, write a note, or add a photo.
#[derive(Debug, Clone, Copy)]
pub enum Work {
    Tick,
    Note,
    Photo,
}

impl Work {
    /// A field official's mix: mostly ticks, a note now and then, a photo rarely.
    pub fn drawn(rng: &mut impl Rng) -> Self {
        match rng.gen_range(0..100) {
            0 => Work::Photo,
            1..=24 => Work::Note,
            _ => Work::Tick,
        }
    }
}

pub struct Tablet {
    pub id: uuid::Uuid,
    pub connection: Connection,
    pub cookie: String,
    /// The items this tablet works on, with whether each is ticked as it last knew.
    pub items: Vec<(String, bool)>,
    /// Every item the pull has given, with its unit (for the run's shape).
    pub seen: HashMap<String, String>,
    pub cursor: u64,
    next_seq: u64,
}

/// Signs in; answers the connection and the session cookie.
pub async fn sign_in(port: u16, account: &str, password: &str, record: &Record) -> Result<(Connection, String), String> {
    let mut connection = Connection::new(port);
    let body = json!({"username": account, "password": password});
    let started = Instant::now();
    let answer =
        connection.json("POST", SESSION_PATH, None, Some(&body)).await.map_err(|error| format!("sign-in as {account}: {error}"))?;
    record.took("sign-in", started.elapsed().as_secs_f64() * 1e3);
    if answer.status != 200 {
        return Err(format!("sign-in as {account} answered {}: {}", answer.status, answer.body));
    }
    let cookie = answer.session_cookie().ok_or("no session cookie")?;
    Ok((connection, cookie))
}

impl Tablet {
    /// Signs in as `account` and pulls everything, page by page, as a new tablet does.
    pub async fn join(port: u16, account: &str, password: &str, record: &Record) -> Result<Tablet, String> {
        let (connection, cookie) = sign_in(port, account, password, record).await?;
        let mut tablet =
            Tablet { id: uuid::Uuid::now_v7(), connection, cookie, items: Vec::new(), seen: HashMap::new(), cursor: 0, next_seq: 1 };
        let started = Instant::now();
        tablet.pull_all(record).await.map_err(|error| format!("{account}'s first pull: {error}"))?;
        record.took("first pull", started.elapsed().as_secs_f64() * 1e3);
        Ok(tablet)
    }

    /// Pulls until the server has nothing more after the cursor.
    async fn pull_all(&mut self, record: &Record) -> Result<(), String> {
        loop {
            let path = format!("{PULL_PATH}?since={}", self.cursor);
            let page = self.connection.json("GET", &path, Some(&self.cookie), None).await.map_err(|error| error.to_string())?;
            if page.status != 200 {
                record.error(format!("pull {}: {}", page.status, page.body));
                return Err(format!("pull answered {}", page.status));
            }
            for item in page.body["items"].as_array().into_iter().flatten() {
                if let (Some(id), Some(unit)) = (item["id"].as_str(), item["unit"].as_str()) {
                    self.seen.insert(id.to_owned(), unit.to_owned());
                }
            }
            self.cursor = page.body["cursor"].as_u64().unwrap_or(self.cursor);
            if page.body["more"] != json!(true) {
                return Ok(());
            }
        }
    }

    /// Works on the items `keep` picks from those pulled, in a fixed order.
    pub fn work_on(&mut self, keep: impl Fn(usize, &str, &str) -> bool) {
        let mut seen: Vec<(&String, &String)> = self.seen.iter().collect();
        seen.sort();
        self.items =
            seen.into_iter().enumerate().filter(|(n, (id, unit))| keep(*n, id, unit)).map(|(_, (id, _))| (id.clone(), false)).collect();
    }

    /// One change of `work` (a tick or a note) to one of this tablet's items.
    pub fn change(&mut self, work: Work) -> Value {
        let mut rng = rand::thread_rng();
        let index = rng.gen_range(0..self.items.len());
        let (item, done) = &mut self.items[index];
        let (field, value) = match work {
            Work::Note => ("note", json!(format!("Đã kiểm tra thực tế lúc {}, đủ hồ sơ theo hướng dẫn.", wall_ms() % 86_400_000 / 60_000))),
            Work::Tick | Work::Photo => {
                *done = !*done;
                ("done", json!(*done))
            }
        };
        let change = json!({
            "id": uuid::Uuid::now_v7(),
            "item": item,
            "seq": self.next_seq,
            "stamp": {"wall_ms": wall_ms(), "counter": 0, "device": self.id},
            "field": field,
            "value": value,
        });
        self.next_seq += 1;
        change
    }

    /// Sends `changes` in one push, as the engine sends its outbox; records it as `kind`.
    pub async fn push(&mut self, changes: Vec<Value>, kind: &'static str, record: &Record) -> bool {
        let count = changes.len() as u64;
        let started = Instant::now();
        let answer = self.connection.json("POST", PUSH_PATH, Some(&self.cookie), Some(&json!({ "changes": changes }))).await;
        let took = started.elapsed().as_secs_f64() * 1e3;
        match answer {
            Ok(answer) if answer.status == 200 => {
                record.took(kind, took);
                record.accepted(count);
                true
            }
            Ok(answer) => {
                record.error(format!("{kind} {}: {}", answer.status, answer.body));
                false
            }
            Err(error) => {
                record.error(format!("{kind}: {error}"));
                false
            }
        }
    }

    /// Pulls what is new after the cursor, as the engine does after each push.
    pub async fn pull(&mut self, record: &Record) {
        let started = Instant::now();
        if self.pull_all(record).await.is_ok() {
            record.took("pull", started.elapsed().as_secs_f64() * 1e3);
        }
    }

    /// Adds a photo to one of this tablet's items: an image of a resized photo's size.
    pub async fn add_photo(&mut self, record: &Record) {
        let item = self.items[rand::thread_rng().gen_range(0..self.items.len())].0.clone();
        let bytes = photo_bytes();
        let path = format!("{PHOTOS_PATH}/{}?item={item}", PhotoId::of(&bytes));
        let started = Instant::now();
        let answer = self.connection.send("PUT", &path, Some(&self.cookie), Body::Raw { content_type: "image/png", bytes: &bytes }).await;
        let took = started.elapsed().as_secs_f64() * 1e3;
        match answer {
            Ok(answer) if answer.status == 201 || answer.status == 200 => record.took("photo", took),
            Ok(answer) => record.error(format!("photo {}: {}", answer.status, answer.body)),
            Err(error) => record.error(format!("photo: {error}")),
        }
    }
}

/// A PNG of 1,600 × 1,200 as the server reads it (its header), with a compressed
/// photo's worth of data after it: the server stores what it is sent and reads only the
/// header, so the bytes need not draw a picture.
fn photo_bytes() -> Vec<u8> {
    let mut rng = rand::thread_rng();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&1600u32.to_be_bytes());
    header.extend_from_slice(&1200u32.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    let data: Vec<u8> = (0..180 * 1024).map(|_| rng.gen()).collect();
    chunk(&mut png, b"IDAT", &data);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

/// The CRC-32 a PNG chunk ends with (ISO 3309, reflected, bit by bit: a few per run).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_crc_is_the_standard_one() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
