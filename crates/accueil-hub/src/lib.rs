//! `accueil hub`: the HTTP server kiosks sync with, and the organisers'
//! live attendance page. Its own SQLite database (the same schema as a
//! kiosk's) holds the list and every kiosk's records. Three roles, each its
//! own secret: kiosks sync with their own credential (enrolled with
//! `[hub] token` or a one-time code); the page reads with `[hub]
//! dashboard_token` (and counts the queue); organisers change the event
//! with `[hub] organiser_token` (enrol, revoke, readmit, named exports). A
//! missing or wrong secret gets 401 and nothing else; a secret of another
//! role, 403 and why.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use tokio::sync::watch;

use accueil_core::app::{AppError, HubCopy, Kiosk, Worker};
use accueil_core::domain::enrolment::Invitations;
use accueil_core::protocol::PretixNews;

mod auth;
mod copy;
mod dashboard;
mod error;
mod pretix;
mod routes;
mod serve;

use crate::error::{ApiError, internal};
use crate::pretix::start_pretix;
use crate::routes::enrolment::{enrol, invite, join};
use crate::routes::export::{export_attendance, export_no_shows};
use crate::routes::kiosks::{readmit, revoke};
use crate::routes::page::{events, page, start_figures, stats};
use crate::routes::queue::count_queue;
pub use crate::routes::sync::{exchange_in, list_in};
use crate::routes::sync::{list, snapshot, sync};
use crate::serve::{ConnectionId, Connections, serve};
pub use dashboard::{Dashboard, dashboard};

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error(
        "[hub] dashboard_token est nécessaire au hub (la page des organisateurs, d'où s'inscrivent les kiosques) — ajoutez-le à kiosk.toml (openssl rand -hex 16)"
    )]
    NoTokens,
    #[error(
        "écoute sur {addr} impossible : {source} — l'adresse est-elle déjà prise ? changez [hub] listen ou --listen"
    )]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("serveur arrêté : {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    App(#[from] AppError),
}

/// What the handlers share: the hub's copy and who may see what.
pub struct Hub {
    copy: Mutex<HubCopy>,
    /// `[hub] token`: kiosks that hold it enrol with their own ids. Without
    /// it, only the page's one-time invitations enrol.
    token: Option<String>,
    dashboard_token: String,
    /// `[hub] organiser_token`: what changes the event. Without it, the
    /// page only reads, and organisers act from the hub's command line.
    organiser_token: Option<String>,
    /// Wakes the thread that computes the organisers' figures, once per
    /// change (changes that come faster count as one).
    changed: std::sync::OnceLock<Worker>,
    /// The figures as JSON, computed once per change off the hub's lock,
    /// for every open page, with the change they include.
    figures: watch::Sender<(u64, Arc<str>)>,
    /// Changes so far (the figures include up to `figures.0`).
    wanted: std::sync::atomic::AtomicU64,
    /// The connections being served.
    connections: Arc<Mutex<Connections>>,
    /// Each kiosk's clock at its last sync: how far off the hub's, when.
    clocks: Mutex<BTreeMap<String, (i64, Timestamp)>>,
    /// Each kiosk's printer as it said at its last sync.
    printers: Mutex<BTreeMap<String, accueil_core::protocol::PrinterHealth>>,
    /// The copy handed to new kiosks, made ahead of them.
    copies: copy::Copies,
    /// With `[source] kind = "pretix"`: the pretix thread's latest news
    /// (handed to kiosks with each sync), and how to wake it.
    pretix: Mutex<Option<PretixNews>>,
    wake_pretix: std::sync::OnceLock<Worker>,
    /// The codes « Ajouter un kiosque » showed, until used or expired.
    invitations: Mutex<Invitations>,
    /// Enrolments with the shared token in the last minute.
    enrolments: Mutex<accueil_core::domain::enrolment::PerMinute>,
    /// The address the hub listens on (set when it starts serving).
    listening: std::sync::OnceLock<SocketAddr>,
}

impl Hub {
    pub fn new(kiosk: HubCopy) -> Result<Arc<Hub>, HubError> {
        let hub = &kiosk.config.hub;
        let token = hub.token.clone();
        let Some(dashboard_token) = hub.dashboard_token.clone() else {
            return Err(HubError::NoTokens);
        };
        let organiser_token = hub.organiser_token.clone();
        let copies = copy::Copies::new(&kiosk.database());
        Ok(Arc::new(Hub {
            copy: Mutex::new(kiosk),
            token,
            dashboard_token,
            organiser_token,
            changed: std::sync::OnceLock::new(),
            figures: watch::channel((0, Arc::from(""))).0,
            wanted: std::sync::atomic::AtomicU64::new(0),
            connections: Arc::default(),
            clocks: Mutex::default(),
            printers: Mutex::default(),
            copies,
            pretix: Mutex::new(None),
            wake_pretix: std::sync::OnceLock::new(),
            invitations: Mutex::default(),
            enrolments: Mutex::new(accueil_core::domain::enrolment::PerMinute::new(
                accueil_core::domain::enrolment::ENROLMENTS_PER_MINUTE,
            )),
            listening: std::sync::OnceLock::new(),
        }))
    }

    /// The connection of a request that showed a valid token keeps its
    /// place when the hub is full.
    fn prove(&self, parts: &axum::http::request::Parts) {
        if let Some(ConnectionId(id)) = parts.extensions.get::<ConnectionId>() {
            self.connections
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .prove(*id);
        }
    }

    /// Something the organisers' page shows changed.
    fn changed(&self) {
        self.wanted
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Some(figures) = self.changed.get() {
            figures.wake();
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut HubCopy) -> R) -> R {
        // A handler that panicked left the copy as SQLite left it: consistent.
        let mut k = self.copy.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut k)
    }
}

/// The hub's routes.
pub fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/enrol", post(enrol))
        .route("/api/join", post(join))
        .route("/api/kiosks/invite", post(invite))
        .route("/api/sync", post(sync))
        .route("/api/kiosks/revoke", post(revoke))
        .route("/api/kiosks/readmit", post(readmit))
        .route("/api/list", get(list))
        .route("/api/snapshot", get(snapshot))
        .route("/api/stats", get(stats))
        .route("/api/events", get(events))
        .route("/api/queue", post(count_queue))
        .route("/export/presences.csv", get(export_attendance))
        .route("/export/absents.csv", get(export_no_shows))
        // A kiosk back after a day offline sends its log in batches of
        // 2,000 records (~1 MB); the default 2 MB limit leaves too little room.
        .layer(axum::extract::DefaultBodyLimit::max(32 << 20))
        .layer(axum::middleware::from_fn(protocol_gate))
        .with_state(hub)
}

/// Every answer names the hub's protocol version; a kiosk whose version
/// the hub cannot understand is refused (426) before its body is read,
/// with both versions and what to upgrade. A browser sends no version:
/// it is taken as the first, which every hub serves.
async fn protocol_gate(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let announced = req
        .headers()
        .get(accueil_core::protocol::HEADER)
        .map(|v| v.to_str().unwrap_or("?"));
    let mut res = match accueil_core::protocol::hub_accepts(announced) {
        Ok(_) => next.run(req).await,
        Err(mismatch) => {
            ApiError(StatusCode::UPGRADE_REQUIRED, mismatch.to_string()).into_response()
        }
    };
    res.headers_mut().insert(
        accueil_core::protocol::HEADER,
        header::HeaderValue::from(accueil_core::protocol::VERSION),
    );
    res
}

async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(internal)
}

/// Binds `addr` and serves, on a runtime of its own; `ready` is told the
/// address actually bound (port 0 picks one). A hub with a pretix
/// `[source]` is the one that talks to pretix.
pub fn run(kiosk: Kiosk, addr: SocketAddr, ready: impl FnOnce(SocketAddr)) -> Result<(), HubError> {
    let kiosk = HubCopy::new(kiosk);
    // Every page read once, whatever the size (small files already were at
    // open): a damaged hub copy must not hand out its pages to kiosks.
    kiosk.check_database()?;
    let pretix = if kiosk.talks_to_pretix() {
        Some(kiosk.open_another()?)
    } else {
        None
    };
    let figures = kiosk.open_another()?;
    let copier = kiosk.open_another()?;
    kiosk.serve().map_err(AppError::from)?;
    let hub = Hub::new(kiosk)?;
    start_figures(&hub, figures)?;
    copy::Copies::start(&hub, copier)?;
    if let Some(own) = pretix {
        start_pretix(&hub, own)?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(HubError::Serve)?;
    runtime.block_on(async move {
        // SO_REUSEADDR: a hub restarted after a crash gets its port back at
        // once, despite the connections the crash left in TIME_WAIT.
        let bind = || -> std::io::Result<tokio::net::TcpListener> {
            let socket = if addr.is_ipv4() {
                tokio::net::TcpSocket::new_v4()?
            } else {
                tokio::net::TcpSocket::new_v6()?
            };
            socket.set_reuseaddr(true)?;
            socket.bind(addr)?;
            socket.listen(1024)
        };
        let listener = bind().map_err(|source| HubError::Listen { addr, source })?;
        ready(listener.local_addr().map_err(HubError::Serve)?);
        serve(listener, hub).await
    })
}
