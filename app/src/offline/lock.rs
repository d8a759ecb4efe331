//! One outbox owner at a time across the tabs of one browser, through the Web Locks API:
//! a tab pushes only while it holds the lock, and a tab that finds it taken leaves the work
//! to the holder (it sees the result through `storage` events).

use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// Runs `work` if no other tab holds the lock `name`, and returns its output; returns
/// `None` without running it when another tab holds the lock. Where the browser has no Web
/// Locks the work simply runs.
/// `navigator.locks` and its `request` function, where the browser has them.
fn web_locks() -> Option<(JsValue, Function)> {
    let locks = web_sys::window()
        .and_then(|window| Reflect::get(&window.navigator(), &JsValue::from_str("locks")).ok())
        .filter(|locks| !locks.is_undefined() && !locks.is_null())?;
    let request = Reflect::get(&locks, &JsValue::from_str("request")).ok()?.dyn_into::<Function>().ok()?;
    Some((locks, request))
}

fn if_available() -> Object {
    let options = Object::new();
    let _ = Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
    options
}

/// Takes the lock `name` for as long as this page lives, if no other page holds it; says
/// whether it did. Without Web Locks it says yes.
pub async fn hold_for_page_life(name: &str) -> bool {
    let Some((locks, request)) = web_locks() else { return true };
    let mut answer: Option<Function> = None;
    let acquired = Promise::new(&mut |resolve, _| answer = Some(resolve));
    let Some(answer) = answer else { return true };
    let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
        let held = !lock.is_null();
        let _ = answer.call1(&JsValue::NULL, &JsValue::from_bool(held));
        if held {
            // Never settles: the lock is released only when the page goes away.
            Promise::new(&mut |_, _| {})
        } else {
            Promise::resolve(&JsValue::UNDEFINED)
        }
    });
    if request.call3(&locks, &JsValue::from_str(name), &if_available(), &callback).is_err() {
        return true;
    }
    JsFuture::from(acquired).await.ok().and_then(|held| held.as_bool()).unwrap_or(true)
}

pub async fn exclusively<T: 'static>(name: &str, work: impl Future<Output = T> + 'static) -> Option<T> {
    let Some((locks, request)) = web_locks() else {
        return Some(work.await);
    };
    let options = if_available();
    let slot: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let filled = slot.clone();
    let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
        if lock.is_null() {
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        future_to_promise(async move {
            let output = work.await;
            *filled.borrow_mut() = Some(output);
            Ok(JsValue::UNDEFINED)
        })
    });
    let held = request.call3(&locks, &JsValue::from_str(name), &options, &callback).ok()?;
    let _ = JsFuture::from(Promise::from(held)).await;
    let output = slot.borrow_mut().take();
    output
}
