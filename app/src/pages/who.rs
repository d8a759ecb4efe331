//! Who is signed in, as the pages share it through context: a leaf the page modules all
//! read, so none of them needs another page module for it.

use crate::api::SessionInfo;

/// Where the home page stands after hydration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Who {
    /// Server render and first browser frame: nothing known yet.
    Unknown,
    SignedOut,
    SignedIn(SessionInfo),
}

/// The username of the person signed in, for pages that must not let them act on
/// themselves (an admin cannot disable their own account).
#[derive(Debug, Clone)]
pub(crate) struct SignedInAs(pub String);

/// Sends a sign-out that has not reached the server yet; forgets it once the server ended
/// the session (or had no session for the cookie).
pub(crate) async fn send_pending_sign_out() {
    if !crate::session::sign_out_pending() {
        return;
    }
    match crate::client::sign_out().await {
        Ok(()) | Err(crate::client::ClientError::Unauthorized) => crate::session::clear_pending_sign_out(),
        Err(_) => {}
    }
}
