//! Who is signed in on this browser, as kept between visits: the session shown at once,
//! offline too, a sign-out still to be sent, and the changes a person would leave unsent.
//! The pages ask this module, never browser storage itself.

use crate::api::SessionInfo;
use crate::offline::{write, StoreError, UserStore};
use gloo_storage::{LocalStorage, Storage};

const SESSION_KEY: &str = "chidao.session";
/// Set when a sign-out could not reach the server: the session cookie (which the page cannot
/// touch) is still good there until the sign-out is sent.
const PENDING_SIGN_OUT_KEY: &str = "chidao.pending_sign_out";

/// The session last known on this browser.
pub fn cached_session() -> Option<SessionInfo> {
    LocalStorage::get(SESSION_KEY).ok()
}

pub fn cache_session(session: &SessionInfo) -> Result<(), StoreError> {
    write(SESSION_KEY, session)
}

/// Forgets who was signed in. Their outbox and snapshot stay under their own keys.
pub fn forget_session() {
    LocalStorage::delete(SESSION_KEY);
}

/// Notes that a sign-out still has to reach the server: until it has, nobody is shown as
/// signed in on this browser, whatever the server says of its cookie.
pub fn remember_pending_sign_out() {
    let _ = LocalStorage::raw().set_item(PENDING_SIGN_OUT_KEY, "1");
}

pub fn sign_out_pending() -> bool {
    LocalStorage::raw().get_item(PENDING_SIGN_OUT_KEY).ok().flatten().is_some()
}

pub fn clear_pending_sign_out() {
    LocalStorage::delete(PENDING_SIGN_OUT_KEY);
}

/// Changes `username` made on this browser that the server has not acknowledged.
pub fn unsent_changes(username: &str) -> usize {
    UserStore::new(username).waiting().map(|waiting| waiting.len()).unwrap_or(0)
}
