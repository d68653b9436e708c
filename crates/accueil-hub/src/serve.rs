//! The hub's own accept loop: a cap on connections (those that showed a
//! valid secret keep their place), timeouts for headers and idle ones —
//! what `axum::serve` sets none of.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::{Hub, HubError, router};

/// How long a connection may take to send a request's headers, and stay
/// idle between requests: a half-sent request or an idle connection is
/// closed after it.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request may take to arrive whole and be answered (the live
/// feed's stream is not counted: it is the answer).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Connections the hub holds at once. At the cap, a new connection takes
/// the place of the oldest one that never showed a kiosk's or organiser's
/// token: idle or anonymous connections cannot lock the kiosks out.
const MAX_CONNECTIONS: usize = 512;

/// The connections being served, oldest first: whether each has shown a
/// valid token, and how to close it.
#[derive(Default)]
pub(crate) struct Connections {
    next: u64,
    open: std::collections::BTreeMap<u64, (bool, Arc<tokio::sync::Notify>)>,
}

/// Which connection a request came on (a request extension).
#[derive(Clone, Copy)]
pub(crate) struct ConnectionId(pub(crate) u64);

/// A connection's place, given back when it closes.
pub(crate) struct Slot {
    id: u64,
    connections: Arc<Mutex<Connections>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.connections
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .open
            .remove(&self.id);
    }
}

impl Connections {
    /// A place for a new connection, if need be closing the oldest that
    /// never showed a token; `None` when every place is held by proven ones.
    fn admit(&mut self) -> Option<(u64, Arc<tokio::sync::Notify>)> {
        if self.open.len() >= MAX_CONNECTIONS {
            let anonymous = self
                .open
                .iter()
                .find(|(_, (proven, _))| !proven)
                .map(|(&id, (_, kill))| (id, kill.clone()))?;
            anonymous.1.notify_one();
            self.open.remove(&anonymous.0);
        }
        self.next += 1;
        let kill = Arc::new(tokio::sync::Notify::new());
        self.open.insert(self.next, (false, kill.clone()));
        Some((self.next, kill))
    }

    pub(crate) fn prove(&mut self, id: u64) {
        if let Some(entry) = self.open.get_mut(&id) {
            entry.0 = true;
        }
    }
}

pub(crate) async fn with_timeout(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(res) => res,
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "408\n").into_response(),
    }
}

/// Serves the hub on `listener` until the process stops: each connection
/// with a header timeout and an idle timeout, at most [`MAX_CONNECTIONS`]
/// at once — anonymous ones giving way to newcomers.
pub async fn serve(listener: tokio::net::TcpListener, hub: Arc<Hub>) -> Result<(), HubError> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let connections = hub.connections.clone();
    if let Ok(addr) = listener.local_addr() {
        let _ = hub.listening.set(addr);
    }
    let app = router(hub).layer(axum::middleware::from_fn(with_timeout));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: the next accept may
            // work once connections close.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let admitted = connections
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .admit();
        let Some((id, kill)) = admitted else {
            continue;
        };
        let slot = Slot {
            id,
            connections: connections.clone(),
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone().layer(axum::Extension(ConnectionId(id)));
        let service = hyper_util::service::TowerToHyperService::new(app);
        tokio::spawn(async move {
            let _slot = slot;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = conn => {}
                () = kill.notified() => {}
            }
        });
    }
}
