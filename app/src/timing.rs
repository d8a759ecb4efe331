//! User Timing marks that the shell measurements read (`scripts/measure-shell.sh`,
//! `scripts/measure-field.sh`): when the app's code starts, how long reading what the
//! device holds takes, when the field page is usable, and how long a tap takes to reach
//! browser storage.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Marks the page usable: the checklist is on screen and answers taps.
pub const INTERACTIVE: &str = "chidao:interactive";
/// From the tap's event time to the change stored.
pub const TAP_TO_STORAGE: &str = "chidao:tap-to-storage";
/// The app's code fetched, compiled and running: what comes before is the browser's.
pub const STARTED: &str = "chidao:started";
/// Reading and decoding the snapshot the device holds.
pub const SNAPSHOT_READ: &str = "chidao:snapshot-read";

fn performance() -> Option<web_sys::Performance> {
    web_sys::window()?.performance()
}

/// Now, in the page's clock (the origin of `measure_since`).
pub fn now_ms() -> f64 {
    performance().map_or(0.0, |performance| performance.now())
}

/// Marks `name` now.
pub fn mark(name: &'static str) {
    if let Some(performance) = performance() {
        let _ = performance.mark(name);
    }
}

/// Marks `name` once the browser has drawn what the current task put on screen.
pub fn mark_after_paint(name: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        if let Some(performance) = performance() {
            let _ = performance.mark(name);
        }
    });
}

/// Records a span from `start_ms` (an event's `timeStamp`) to now.
pub fn measure_since(name: &str, start_ms: f64) {
    let Some(performance) = performance() else { return };
    let options = Object::new();
    let _ = Reflect::set(&options, &JsValue::from_str("start"), &JsValue::from_f64(start_ms));
    let _ = Reflect::set(&options, &JsValue::from_str("end"), &JsValue::from_f64(performance.now()));
    // `measure(name, {start, end})` is User Timing level 3; web-sys binds only level 2.
    if let Ok(measure) = Reflect::get(&performance, &JsValue::from_str("measure")).and_then(|f| f.dyn_into::<js_sys::Function>()) {
        let _ = measure.call2(&performance, &JsValue::from_str(name), &options);
    }
}
