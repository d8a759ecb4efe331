//! One push writer per shared database. Every push takes the next numbers from one item
//! counter, so two app servers writing pushes at once make one of the two transactions
//! fail and be read, decided and written again (half of all group writes, measured with
//! two servers under load). So app servers sharing a SurrealDB server elect one of
//! themselves by a lease in the database, and the others hand it their pushes as they
//! came (same body, same session cookie): it checks and answers them as if sent to it.
//!
//! Being the writer is only for speed, never for correctness: every push is idempotent
//! by its change ids and every write is checked against what it read. So a server that
//! cannot reach the writer (it died, it is draining, the network failed) writes the push
//! itself, and a push handed on is always written where it arrives.

use crate::db::{SyncStore, WriterLease, PUSH_WRITER_LEASE_SECONDS};
use crate::extract::BODY_LIMIT;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use http_body_util::BodyExt;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Marks a push one app server hands to the writer, which then writes it whatever it
/// believes about the lease: a push is handed on at most once.
pub const HANDED_ON: HeaderName = HeaderName::from_static("x-chidao-handed-on");

/// How often every app server reads the lease, and its holder renews it.
const RENEW_EVERY: Duration = Duration::from_secs(1);
/// A writer that does not accept a connection this soon is treated as gone.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The longest a handed-on push may take to be answered, beyond which it is written here
/// (a burst's group can take seconds; a writer that hangs must not hang its followers).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest answer taken back from the writer: one result per change of the largest push.
const ANSWER_LIMIT: usize = 8 * 1024 * 1024;

fn lease_length() -> Duration {
    Duration::from_secs(PUSH_WRITER_LEASE_SECONDS)
}

/// Where a push is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushRoute {
    Here,
    /// Handed to the app server at this address (`http://host:port`).
    HandTo(String),
}

/// The lease as last read, and when.
#[derive(Debug, Clone)]
struct Sighting {
    lease: WriterLease,
    read_at: Instant,
}

/// A writer this server failed to reach, not tried again until `until` (a writer alive
/// renews its lease; a dead one's lease runs out and another takes it).
#[derive(Debug, Clone)]
struct Unreachable {
    holder: String,
    until: Instant,
}

#[derive(Debug, Default)]
struct View {
    /// This server's name in the lease; none while it takes no part (an embedded database).
    me: Option<String>,
    sighting: Option<Sighting>,
    unreachable: Option<Unreachable>,
}

/// The one decision where a push is written. A push already handed on is written here;
/// otherwise it goes to another server that holds a live lease, read within a lease's
/// time and not found unreachable since.
fn route(view: &View, handed_on: bool, now: Instant) -> PushRoute {
    let (Some(me), Some(seen)) = (&view.me, &view.sighting) else { return PushRoute::Here };
    let lease = &seen.lease;
    let fresh = now.saturating_duration_since(seen.read_at) < lease_length();
    let unreachable = view.unreachable.as_ref().is_some_and(|gone| gone.holder == lease.holder && now < gone.until);
    if handed_on || !lease.live || !fresh || lease.holder == *me || unreachable {
        PushRoute::Here
    } else {
        PushRoute::HandTo(lease.address.clone())
    }
}

/// Whether `view` says this server is the writer now.
fn holding(view: &View, now: Instant) -> bool {
    match (&view.me, &view.sighting) {
        (Some(me), Some(seen)) => {
            seen.lease.live && seen.lease.holder == *me && now.saturating_duration_since(seen.read_at) < lease_length()
        }
        _ => false,
    }
}

/// This process's view of the push writer, its counts, and its client for handing on.
#[derive(Default)]
pub struct PushWriter {
    view: Mutex<View>,
    handed_on: AtomicU64,
    written_here_instead: AtomicU64,
    client: OnceLock<Client<HttpConnector, Body>>,
}

/// A reading of [`PushWriter`]'s counts, for the metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterTotals {
    /// Pushes handed to the writer and answered by it.
    pub handed_on: u64,
    /// Pushes meant for the writer but written here, because it could not be reached.
    pub written_here_instead: u64,
    /// This server is the writer now.
    pub holding: bool,
}

impl WriterTotals {
    /// What the push writer reports to the metrics listener.
    pub fn metrics(&self) -> Vec<crate::metrics::Metric> {
        use crate::metrics::{Kind, Metric};
        vec![
            Metric::one(
                "chidao_pushes_handed_on_total",
                "Pushes handed to the app server that writes them, and answered by it",
                Kind::Counter,
                self.handed_on as f64,
            ),
            Metric::one(
                "chidao_pushes_written_here_instead_total",
                "Pushes meant for the writing app server but written here, because it could not take them",
                Kind::Counter,
                self.written_here_instead as f64,
            ),
            Metric::one(
                "chidao_push_writer",
                "Whether this server writes the pushes of every app server sharing its database",
                Kind::Gauge,
                f64::from(u8::from(self.holding)),
            ),
        ]
    }
}

impl PushWriter {
    fn view(&self) -> std::sync::MutexGuard<'_, View> {
        // Each change to the view is one assignment: a panic cannot leave it half-changed.
        self.view.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn route(&self, handed_on: bool) -> PushRoute {
        route(&self.view(), handed_on, Instant::now())
    }

    pub fn totals(&self) -> WriterTotals {
        WriterTotals {
            handed_on: self.handed_on.load(Ordering::Relaxed),
            written_here_instead: self.written_here_instead.load(Ordering::Relaxed),
            holding: holding(&self.view(), Instant::now()),
        }
    }

    fn client(&self) -> &Client<HttpConnector, Body> {
        self.client.get_or_init(|| {
            let mut connector = HttpConnector::new();
            connector.set_connect_timeout(Some(CONNECT_TIMEOUT));
            connector.set_nodelay(true);
            Client::builder(hyper_util::rt::TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(connector)
        })
    }

    fn saw(&self, me: &str, lease: Option<WriterLease>) {
        let mut view = self.view();
        view.me = Some(me.to_owned());
        view.sighting = lease.map(|lease| Sighting { lease, read_at: Instant::now() });
    }

    fn forget(&self) {
        let mut view = self.view();
        view.me = None;
        view.sighting = None;
    }

    fn mark_unreachable(&self, address: &str) {
        let mut view = self.view();
        let holder = view.sighting.as_ref().filter(|seen| seen.lease.address == address).map(|seen| seen.lease.holder.clone());
        if let Some(holder) = holder {
            view.unreachable = Some(Unreachable { holder, until: Instant::now() + lease_length() });
        }
    }

    /// Sends the push to the writer at `address` and takes back its answer, whole. An
    /// error when the writer could not be reached or did not answer (5xx included).
    async fn hand_on(&self, address: &str, headers: &HeaderMap, body: Bytes) -> Result<Response, HandOnError> {
        let uri: Uri = format!("{address}{}", chidao_core::api::PUSH_PATH).parse().map_err(|_| HandOnError::Address)?;
        let mut request = axum::http::Request::builder().method(Method::POST).uri(uri);
        for (name, value) in headers.iter().filter(|(name, _)| passes_on(name)) {
            request = request.header(name, value);
        }
        let request = request.header(HANDED_ON, HeaderValue::from_static("1")).body(Body::from(body)).map_err(|_| HandOnError::Address)?;
        let exchange = async {
            let response = self.client().request(request).await.map_err(|error| HandOnError::Unreachable(error.to_string()))?;
            if response.status().is_server_error() {
                return Err(HandOnError::Refused(response.status()));
            }
            let (parts, body) = response.into_parts();
            let body = http_body_util::Limited::new(body, ANSWER_LIMIT)
                .collect()
                .await
                .map_err(|error| HandOnError::Unreachable(error.to_string()))?
                .to_bytes();
            let mut answer = Response::new(Body::from(body));
            *answer.status_mut() = parts.status;
            for (name, value) in parts.headers.iter().filter(|(name, _)| passes_on(name)) {
                answer.headers_mut().append(name, value.clone());
            }
            Ok(answer)
        };
        tokio::time::timeout(ANSWER_TIMEOUT, exchange).await.map_err(|_| HandOnError::TimedOut)?
    }
}

#[derive(Debug, thiserror::Error)]
enum HandOnError {
    #[error("the writer's address is not a URL")]
    Address,
    #[error("the writer could not be reached: {0}")]
    Unreachable(String),
    #[error("the writer answered {0}")]
    Refused(StatusCode),
    #[error("the writer did not answer within {ANSWER_TIMEOUT:?}")]
    TimedOut,
}

/// Headers that belong to one connection, or that the hop re-makes (the body is read
/// whole before it is passed on, so nothing waits for a `100 Continue`), are not passed on.
/// `Host` is passed on, so that the writer's same-origin check sees what the browser sent;
/// `Accept-Encoding` is not, so that the answer comes back plain and is compressed here.
fn passes_on(name: &HeaderName) -> bool {
    ![
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::TE,
        header::TRAILER,
        header::UPGRADE,
        header::PROXY_AUTHORIZATION,
        header::PROXY_AUTHENTICATE,
        header::CONTENT_LENGTH,
        header::ACCEPT_ENCODING,
        header::EXPECT,
        HeaderName::from_static("keep-alive"),
    ]
    .contains(name)
}

/// Reads the lease every second, taking or renewing it when this server has an address
/// the others can reach, until the server drains; then gives it up so that another takes
/// it at once. Runs only when the database is shared.
pub async fn keep(sync: SyncStore, writer: Arc<PushWriter>, address: Option<String>, draining: impl Fn() -> bool) {
    let me = chidao_core::domain::new_id().to_string();
    match &address {
        Some(address) => tracing::info!(%address, "pushes may be handed to this server at this address"),
        None => tracing::warn!("no address for other app servers to hand pushes to (listening on every interface): set --advertise-url"),
    }
    let mut failing = false;
    while !draining() {
        match sync.claim_push_writer(&me, address.as_deref()).await {
            Ok(lease) => {
                if failing {
                    tracing::info!("the push writer's lease is read again");
                    failing = false;
                }
                writer.saw(&me, lease);
            }
            Err(error) => {
                if !failing {
                    tracing::warn!(%error, "reading the push writer's lease failed; once the last reading is a lease old, pushes are written here");
                    failing = true;
                }
            }
        }
        tokio::time::sleep(RENEW_EVERY).await;
    }
    writer.forget();
    if let Err(error) = sync.release_push_writer(&me).await {
        tracing::warn!(%error, "giving up the push writer's lease failed; another server takes it when it runs out");
    }
}

/// Hands a push to the writer when another server is it; anything else goes on here.
pub async fn hand_on(State(writer): State<Arc<PushWriter>>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || request.uri().path() != chidao_core::api::PUSH_PATH {
        return next.run(request).await;
    }
    let PushRoute::HandTo(address) = writer.route(request.headers().contains_key(HANDED_ON)) else {
        return next.run(request).await;
    };
    // A body of unknown or too large a size is left to the handler, which refuses it.
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    if declared.is_none_or(|length| length > BODY_LIMIT) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(body) => body,
        Err(_) => return crate::error::ApiError::BadRequest("the request body could not be read".into()).into_response(),
    };
    match writer.hand_on(&address, &parts.headers, body.clone()).await {
        Ok(answer) => {
            writer.handed_on.fetch_add(1, Ordering::Relaxed);
            answer
        }
        Err(error) => {
            tracing::warn!(%error, %address, "the push writer could not take a push; writing it here");
            writer.mark_unreachable(&address);
            writer.written_here_instead.fetch_add(1, Ordering::Relaxed);
            next.run(Request::from_parts(parts, Body::from(body))).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(holder: &str, live: bool, read_at: Instant) -> Option<Sighting> {
        Some(Sighting { lease: WriterLease { holder: holder.into(), address: format!("http://{holder}:3000"), live }, read_at })
    }

    fn view(me: Option<&str>, sighting: Option<Sighting>) -> View {
        View { me: me.map(str::to_owned), sighting, unreachable: None }
    }

    #[test]
    fn a_push_goes_to_another_server_only_while_its_lease_is_live_and_freshly_read() {
        let now = Instant::now();
        let to_b = PushRoute::HandTo("http://b:3000".into());
        assert_eq!(route(&view(Some("a"), seen("b", true, now)), false, now), to_b);
        assert_eq!(route(&view(Some("a"), seen("b", true, now)), false, now + lease_length() - Duration::from_millis(1)), to_b);
        assert_eq!(route(&view(Some("a"), seen("b", true, now)), false, now + lease_length()), PushRoute::Here, "read too long ago");
        assert_eq!(route(&view(Some("a"), seen("b", false, now)), false, now), PushRoute::Here, "the lease ran out");
        assert_eq!(route(&view(Some("a"), None), false, now), PushRoute::Here, "nobody has taken it");
        assert_eq!(route(&view(Some("b"), seen("b", true, now)), false, now), PushRoute::Here, "this server writes");
        assert_eq!(route(&view(None, seen("b", true, now)), false, now), PushRoute::Here, "this server takes no part");
    }

    #[test]
    fn a_push_handed_on_once_is_never_handed_on_again() {
        let now = Instant::now();
        assert_eq!(route(&view(Some("a"), seen("b", true, now)), true, now), PushRoute::Here);
    }

    #[test]
    fn a_writer_found_unreachable_is_skipped_until_a_lease_has_passed_or_another_holds_it() {
        let now = Instant::now();
        let mut unreachable = view(Some("a"), seen("b", true, now));
        unreachable.unreachable = Some(Unreachable { holder: "b".into(), until: now + lease_length() });
        assert_eq!(route(&unreachable, false, now), PushRoute::Here);
        unreachable.sighting = seen("b", true, now + lease_length());
        assert_eq!(route(&unreachable, false, now + lease_length()), PushRoute::HandTo("http://b:3000".into()), "it renewed: alive");
        unreachable.sighting = seen("c", true, now);
        assert_eq!(route(&unreachable, false, now), PushRoute::HandTo("http://c:3000".into()), "another took over");
    }

    #[test]
    fn marking_unreachable_names_the_holder_at_that_address_only() {
        let writer = PushWriter::default();
        writer.saw("a", seen("b", true, Instant::now()).map(|seen| seen.lease));
        writer.mark_unreachable("http://elsewhere:3000");
        assert_eq!(writer.route(false), PushRoute::HandTo("http://b:3000".into()));
        writer.mark_unreachable("http://b:3000");
        assert_eq!(writer.route(false), PushRoute::Here);
    }

    #[test]
    fn only_a_live_fresh_lease_of_its_own_makes_a_server_the_writer() {
        let now = Instant::now();
        assert!(holding(&view(Some("a"), seen("a", true, now)), now));
        assert!(!holding(&view(Some("a"), seen("a", true, now)), now + lease_length()));
        assert!(!holding(&view(Some("a"), seen("a", false, now)), now));
        assert!(!holding(&view(Some("a"), seen("b", true, now)), now));
        let writer = PushWriter::default();
        writer.saw("a", seen("a", true, now).map(|seen| seen.lease));
        assert!(writer.totals().holding);
        writer.forget();
        assert_eq!(writer.totals(), WriterTotals::default());
    }

    #[test]
    fn connection_headers_and_encodings_stay_on_their_hop() {
        for kept in [header::COOKIE, header::HOST, header::ORIGIN, header::CONTENT_TYPE, HeaderName::from_static("x-request-id")] {
            assert!(passes_on(&kept), "{kept}");
        }
        for dropped in [header::CONNECTION, header::CONTENT_LENGTH, header::ACCEPT_ENCODING, header::TRANSFER_ENCODING] {
            assert!(!passes_on(&dropped), "{dropped}");
        }
    }
}
