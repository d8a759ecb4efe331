//! The offline app shell from the page's side: register the service worker, notice a new
//! version waiting, let it take over only when asked, and keep browser storage persistent.
//! Updating never touches the outbox or the session: both live in local storage, which a
//! new shell reads as the old one left it.

use js_sys::{Promise, Reflect};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState};

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// Whether this page was already under a worker when it loaded: only then is a change
    /// of worker an update to reload into (the first install just takes the page over).
    static WAS_CONTROLLED: Cell<bool> = const { Cell::new(false) };
}

fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // Absent on plain http other than localhost, and in some private modes.
    let present = Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    present.then(|| navigator.service_worker())
}

/// Registers the worker and sets `update_waiting` when a new shell has been installed
/// beside the running one.
pub fn register(update_waiting: RwSignal<bool>) {
    let Some(container) = container() else { return };
    WAS_CONTROLLED.with(|was| was.set(container.controller().is_some()));
    let reload = Closure::<dyn FnMut()>::new(move || {
        if WAS_CONTROLLED.with(Cell::get) {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    leptos::task::spawn_local(async move {
        let Ok(registration) = JsFuture::from(container.register("/sw.js")).await else { return };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        let installed_beside_running =
            move |registration: &ServiceWorkerRegistration| registration.waiting().is_some() && registration.active().is_some();
        if installed_beside_running(&registration) {
            update_waiting.set(true);
        }
        let watched = registration.clone();
        let on_update = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = watched.installing() else { return };
            let registration = watched.clone();
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed && installed_beside_running(&registration) {
                    update_waiting.set(true);
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        registration.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
        on_update.forget();
        REGISTRATION.with(|slot| *slot.borrow_mut() = Some(registration));
    });
}

/// Resolves once this page runs under the worker, so what it fetches next is kept in the
/// shell's cache; never, where there is no worker (the caller only loses a head start).
pub async fn controlled() {
    let Some(container) = container() else { return std::future::pending().await };
    if container.controller().is_some() {
        return;
    }
    let taken_over = Promise::new(&mut |resolve, _| {
        let _ = container.add_event_listener_with_callback("controllerchange", &resolve);
    });
    let _ = JsFuture::from(taken_over).await;
}

/// Asks the worker to keep the chunks of these on-demand pages (split names) in the
/// shell's cache; it fetches those it lacks.
pub fn keep_pages(pages: &[&str]) {
    let Some(controller) = container().and_then(|container| container.controller()) else { return };
    let message = js_sys::Object::new();
    let names: js_sys::Array = pages.iter().map(|page| JsValue::from_str(page)).collect();
    let _ = Reflect::set(&message, &JsValue::from_str("keep"), &names);
    let _ = controller.post_message(&message);
}

/// Asks the server whether a new shell exists (the browser compares the worker script).
pub fn check_for_new_shell() {
    REGISTRATION.with(|slot| {
        if let Some(registration) = slot.borrow().as_ref() {
            if let Ok(update) = registration.update() {
                // Offline or a failed check simply means no update yet.
                leptos::task::spawn_local(async move {
                    let _ = JsFuture::from(update).await;
                });
            }
        }
    });
}

/// Lets the waiting shell take over; the page reloads into it when it has.
pub fn activate_new_shell() {
    REGISTRATION.with(|slot| {
        if let Some(waiting) = slot.borrow().as_ref().and_then(ServiceWorkerRegistration::waiting) {
            WAS_CONTROLLED.with(|was| was.set(true));
            let _ = waiting.post_message(&JsValue::from_str("activate"));
        }
    });
}

/// What the browser says of this site's storage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageReport {
    pub used_bytes: Option<f64>,
    pub persistent: bool,
}

async fn promised(promise: Result<Promise, JsValue>) -> Option<JsValue> {
    JsFuture::from(promise.ok()?).await.ok()
}

/// Asks once for persistent storage (so the browser does not evict unsynced work under
/// pressure) and reports usage.
pub async fn storage_report() -> Option<StorageReport> {
    let manager = web_sys::window()?.navigator().storage();
    let mut persistent = promised(manager.persisted()).await.and_then(|value| value.as_bool()).unwrap_or(false);
    if !persistent {
        persistent = promised(manager.persist()).await.and_then(|value| value.as_bool()).unwrap_or(false);
    }
    let estimate: Option<web_sys::StorageEstimate> = promised(manager.estimate()).await.map(JsCast::unchecked_into);
    Some(StorageReport { used_bytes: estimate.and_then(|estimate| estimate.get_usage()), persistent })
}
