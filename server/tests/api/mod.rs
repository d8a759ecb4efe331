//! The HTTP API against a real embedded SurrealDB (`mem://`), with the demo data, one
//! module per feature.

use crate::common;

use axum::http::{header, Method, StatusCode};
use common::{app, change_with, item_ids, Device, PASSWORD};
use serde_json::{json, Value};

fn statuses_of(answer: &common::Answer) -> Vec<String> {
    answer.json["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {}", answer.json))
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

mod bad_input;
mod conflicts;
mod contract;
mod directives;
mod photos;
mod serving;
mod sessions;
mod sign_offs;
mod sync;
mod sync_defects;
