//! `accueil hub`: the HTTP server kiosks sync with, and the organisers'
//! live attendance page. Its own SQLite database (the same schema as a
//! kiosk's) holds the list and every kiosk's records. Three roles, each its
//! own secret: kiosks sync with their own credential (enrolled with
//! `[hub] token` or a one-time code); the page reads with `[hub]
//! dashboard_token` (and counts the queue); organisers change the event
//! with `[hub] organiser_token` (enrol, revoke, readmit, named exports). A
//! missing or wrong secret gets 401 and nothing else; a secret of another
//! role, 403 and why.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::watch;

use accueil_core::app::{
    Answer, AppError, Cadence, ExchangeError, Exchanged, Holder, Kiosk, Next, Worker,
    plausible_kiosk_id,
};
use std::collections::BTreeMap;

use accueil_core::domain::enrolment::Invitations;
use accueil_core::sync::{
    EnrolRequest, EnrolResponse, JoinRequest, ListResponse, PretixNews, SyncRequest, SyncResponse,
    same_secret,
};

mod copy;
mod dashboard;
pub use dashboard::{Dashboard, dashboard};

/// The dashboard: one page, its script and style inside, no CDN.
const PAGE: &str = include_str!("page.html");

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
    kiosk: Mutex<Kiosk>,
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
    printers: Mutex<BTreeMap<String, accueil_core::sync::PrinterHealth>>,
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
    pub fn new(kiosk: Kiosk) -> Result<Arc<Hub>, HubError> {
        let hub = &kiosk.config.hub;
        let token = hub.token.clone();
        let Some(dashboard_token) = hub.dashboard_token.clone() else {
            return Err(HubError::NoTokens);
        };
        let organiser_token = hub.organiser_token.clone();
        let copies = copy::Copies::new(&kiosk.database());
        Ok(Arc::new(Hub {
            kiosk: Mutex::new(kiosk),
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

    fn with<R>(&self, f: impl FnOnce(&mut Kiosk) -> R) -> R {
        // A handler that panicked left the copy as SQLite left it: consistent.
        let mut k = self.kiosk.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut k)
    }
}

#[derive(Debug, Default, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The secret sent as `Authorization: Bearer …`, or `?token=…` (a page
/// opened from a link, an EventSource).
fn given<'a>(headers: &'a HeaderMap, query: &'a TokenQuery) -> &'a str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or(query.token.as_deref())
        .unwrap_or("")
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "401\n").into_response()
}

/// A request from an enrolled kiosk, with its own credential: handlers
/// that take it cannot be reached without one.
struct FromKiosk {
    /// The kiosk id the credential was given to.
    kiosk: String,
    /// The credential's public part.
    credential: String,
}
/// A request with the hub's enrolment token (`[hub] token`).
struct Enrolling;
/// A request that may read the page: `[hub] dashboard_token`, or the
/// organisers' (who see more of it).
struct FromViewer {
    organiser: bool,
}
/// A request from an organiser (`[hub] organiser_token`).
struct FromOrganiser;

/// The secret a request carries, read from its parts.
fn secret_of(parts: &axum::http::request::Parts) -> String {
    let query = parts
        .uri
        .query()
        .and_then(|q| serde_urlencoded::from_str::<TokenQuery>(q).ok())
        .unwrap_or_default();
    given(&parts.headers, &query).to_owned()
}

impl axum::extract::FromRequestParts<Arc<Hub>> for FromKiosk {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        hub: &Arc<Hub>,
    ) -> Result<Self, Response> {
        let secret = secret_of(parts);
        if secret.is_empty() {
            return Err(unauthorized());
        }
        let h = hub.clone();
        let holder = blocking(move || h.with(|k| k.credential_holder(&secret))).await;
        match holder {
            Ok(Ok(Holder::Kiosk { kiosk, credential })) => {
                hub.prove(parts);
                Ok(FromKiosk { kiosk, credential })
            }
            Ok(Ok(Holder::Revoked { kiosk })) => Err((
                StatusCode::UNAUTHORIZED,
                format!("kiosque « {kiosk} » révoqué au hub\n"),
            )
                .into_response()),
            Ok(Ok(Holder::Unknown)) => Err((
                StatusCode::UNAUTHORIZED,
                "identifiant de kiosque inconnu du hub — inscrivez ce kiosque à nouveau (« Ajouter un kiosque » sur la page des organisateurs, ou [hub] token)\n",
            )
                .into_response()),
            Ok(Err(e)) => Err(internal(e).into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

impl axum::extract::FromRequestParts<Arc<Hub>> for Enrolling {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        hub: &Arc<Hub>,
    ) -> Result<Self, Response> {
        if let Some(token) = &hub.token
            && same_secret(&secret_of(parts), token)
        {
            hub.prove(parts);
            Ok(Enrolling)
        } else {
            Err(unauthorized())
        }
    }
}

impl Hub {
    /// The page's role a secret opens, if any.
    fn viewer(&self, secret: &str) -> Option<FromViewer> {
        if let Some(organiser) = &self.organiser_token
            && same_secret(secret, organiser)
        {
            return Some(FromViewer { organiser: true });
        }
        same_secret(secret, &self.dashboard_token).then_some(FromViewer { organiser: false })
    }
}

impl axum::extract::FromRequestParts<Arc<Hub>> for FromViewer {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        hub: &Arc<Hub>,
    ) -> Result<Self, Response> {
        let viewer = hub.viewer(&secret_of(parts)).ok_or_else(unauthorized)?;
        hub.prove(parts);
        Ok(viewer)
    }
}

impl axum::extract::FromRequestParts<Arc<Hub>> for FromOrganiser {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        hub: &Arc<Hub>,
    ) -> Result<Self, Response> {
        match hub.viewer(&secret_of(parts)) {
            Some(FromViewer { organiser: true }) => {
                hub.prove(parts);
                Ok(FromOrganiser)
            }
            Some(FromViewer { organiser: false }) => Err(ApiError(
                StatusCode::FORBIDDEN,
                match hub.organiser_token {
                    Some(_) => "cette page est en lecture seule (dashboard_token) : inscrire, révoquer, réadmettre un kiosque et les exports nominatifs demandent la page ouverte avec [hub] organiser_token",
                    None => "cette page est en lecture seule (dashboard_token) : ajoutez [hub] organiser_token au kiosk.toml du hub (openssl rand -hex 16), redémarrez-le et ouvrez la page avec ?token=ce-secret — ou, sur le hub, accueil kiosks --revoke ID",
                }
                .into(),
            )
            .into_response()),
            None => Err(unauthorized()),
        }
    }
}

/// A request the hub could not serve: its status and why, in words (or,
/// for a kiosk to act on, as JSON).
#[derive(Debug)]
struct ApiError(StatusCode, String);

impl ApiError {
    fn json(status: StatusCode, body: &impl serde::Serialize) -> ApiError {
        ApiError(status, serde_json::to_string(body).unwrap_or_default())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let json = self.1.starts_with('{');
        let kind = if json {
            "application/json"
        } else {
            "text/plain; charset=utf-8"
        };
        (self.0, [(header::CONTENT_TYPE, kind)], self.1).into_response()
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
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

/// `POST /api/enrol`: a kiosk id gets a credential of its own (refused
/// with 403 when an organiser revoked that id).
async fn enrol(
    _: Enrolling,
    State(hub): State<Arc<Hub>>,
    Json(req): Json<EnrolRequest>,
) -> Response {
    if !plausible_kiosk_id(&req.kiosk) {
        return bad_kiosk_id(&req.kiosk).into_response();
    }
    let taken = hub
        .enrolments
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take(Timestamp::now());
    if let Err(wait) = taken {
        tracing::warn!("hub : trop d'inscriptions de kiosques en une minute — refusée");
        return ApiError(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "plus de {} inscriptions de kiosques en une minute : réessayez dans {} s (le kiosque le fait seul)",
                accueil_core::domain::enrolment::ENROLMENTS_PER_MINUTE,
                wait.as_secs().max(1)
            ),
        )
        .into_response();
    }
    let h = hub.clone();
    let kiosk = req.kiosk.clone();
    match blocking(move || h.with(|k| k.enrol_kiosk(&kiosk))).await {
        Ok(Ok(Some(credential))) => {
            tracing::info!("hub : kiosque « {} » inscrit", req.kiosk);
            hub.changed();
            Json(EnrolResponse {
                kiosk: req.kiosk,
                credential: credential.to_string(),
            })
            .into_response()
        }
        Ok(Ok(None)) => (
            StatusCode::FORBIDDEN,
            format!(
                "kiosque « {} » révoqué au hub — un organisateur peut le réadmettre (accueil kiosks --readmit {})\n",
                req.kiosk, req.kiosk
            ),
        )
            .into_response(),
        Ok(Err(e)) => internal(e).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/kiosks/invite` (organisers): a one-time code for a new
/// kiosk, with the hub's address as the organiser's phone reached it.
async fn invite(_: FromOrganiser, State(hub): State<Arc<Hub>>, headers: HeaderMap) -> Response {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let Some(address) = address_for_kiosks(host, hub.listening.get().copied()) else {
        return ApiError(
            StatusCode::BAD_REQUEST,
            "adresse du hub inconnue : ouvrez cette page par l'adresse du hub sur le réseau des kiosques (http://ADRESSE:PORT/?token=…)".into(),
        )
        .into_response();
    };
    let view = {
        let mut pending = hub.invitations.lock().unwrap_or_else(|p| p.into_inner());
        accueil_core::app::invite(&address, &mut pending, Timestamp::now())
    };
    match view {
        Ok(view) => {
            tracing::info!(
                "hub : code d'inscription affiché (valable {} min)",
                view.minutes
            );
            Json(view).into_response()
        }
        Err(e) => internal(e).into_response(),
    }
}

/// The hub's address for kiosks, from the `Host` a request came with. A
/// page opened on the hub itself (`localhost`) would hand kiosks an
/// address that is theirs: when the hub listens on every interface, the
/// address of the one that leads to the network is used instead.
fn address_for_kiosks(host: Option<&str>, listening: Option<SocketAddr>) -> Option<String> {
    let address = accueil_core::domain::enrolment::hub_address(host?)?;
    let rest = address.strip_prefix("http://")?;
    let (name, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (rest, None),
    };
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    let loopback = name == "localhost"
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback || !listening.is_some_and(|l| l.ip().is_unspecified()) {
        return Some(address);
    }
    // No packet is sent: connecting a UDP socket only picks the route.
    let lan = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    Some(match (lan, port) {
        (Some(ip), Some(port)) => format!("http://{ip}:{port}"),
        (Some(ip), None) => format!("http://{ip}"),
        (None, _) => address,
    })
}

/// `POST /api/join`: a new kiosk shows an invitation's code. Used once: it
/// gets an id of its own, its credential and the event. A kiosk that will
/// serve attendees needs the hub's staff PIN; without one, the hub says so
/// and the code stays valid.
async fn join(State(hub): State<Arc<Hub>>, Json(req): Json<JoinRequest>) -> Response {
    let refused = || {
        ApiError(
            StatusCode::UNAUTHORIZED,
            "code d'inscription inconnu, déjà utilisé ou expiré — « Ajouter un kiosque » sur la page des organisateurs en affiche un nouveau".into(),
        )
        .into_response()
    };
    let Some(code) = accueil_core::domain::enrolment::normalise_code(&req.code) else {
        return refused();
    };
    let h = hub.clone();
    let answer = blocking(move || {
        if req.attended && h.with(|k| k.config.kiosk.staff_pin.is_none()) {
            return Err(None);
        }
        let valid = h
            .invitations
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .redeem(&code, Timestamp::now());
        if !valid {
            return Ok(None);
        }
        h.with(|k| k.enrol_invited(req.attended, req.kiosk.as_deref()))
            .map(Some)
            .map_err(Some)
    })
    .await;
    match answer {
        Ok(Ok(Some(joined))) => {
            tracing::info!("hub : kiosque « {} » inscrit par code", joined.kiosk);
            hub.changed();
            Json(joined).into_response()
        }
        Ok(Ok(None)) => refused(),
        Ok(Err(None)) => ApiError(
            StatusCode::CONFLICT,
            "le hub n'a pas de code du personnel : ajoutez [kiosk] staff_pin à son kiosk.toml (accueil pin-hash) et redémarrez-le, ou inscrivez ce kiosque en mode accueil (staff) — le code d'inscription reste valable".into(),
        )
        .into_response(),
        Ok(Err(Some(e))) => internal(e).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct KioskQuery {
    kiosk: Option<String>,
}

impl KioskQuery {
    fn kiosk(self) -> Result<String, ApiError> {
        self.kiosk.filter(|k| !k.trim().is_empty()).ok_or_else(|| {
            ApiError(
                StatusCode::BAD_REQUEST,
                "quel kiosque ? ajoutez ?kiosk=IDENTIFIANT (voyez la liste des kiosques inscrits)"
                    .into(),
            )
        })
    }
}

/// `POST /api/kiosks/revoke?kiosk=…` (organisers): that kiosk's
/// credentials stop working, and its id cannot enrol again.
async fn revoke(
    _: FromOrganiser,
    State(hub): State<Arc<Hub>>,
    axum::extract::Query(q): axum::extract::Query<KioskQuery>,
) -> Response {
    match q.kiosk() {
        Ok(kiosk) => change_kiosk(hub, move |k| k.revoke_kiosk(&kiosk)).await,
        Err(e) => e.into_response(),
    }
}

/// `POST /api/kiosks/readmit?kiosk=…` (organisers): a revoked id may
/// enrol again.
async fn readmit(
    _: FromOrganiser,
    State(hub): State<Arc<Hub>>,
    axum::extract::Query(q): axum::extract::Query<KioskQuery>,
) -> Response {
    match q.kiosk() {
        Ok(kiosk) => change_kiosk(hub, move |k| k.readmit_kiosk(&kiosk)).await,
        Err(e) => e.into_response(),
    }
}

/// An organiser's change to the kiosks enrolled: said in the hub's log,
/// shown on the page, answered with the kiosks as they now are.
async fn change_kiosk(
    hub: Arc<Hub>,
    change: impl FnOnce(&mut Kiosk) -> Result<accueil_core::app::KiosksReport, AppError>
    + Send
    + 'static,
) -> Response {
    let h = hub.clone();
    match blocking(move || h.with(change)).await {
        Ok(Ok(report)) => {
            if let Some(changed) = &report.changed {
                tracing::info!("hub : {changed}");
            }
            hub.changed();
            Json(report).into_response()
        }
        Ok(Err(e @ AppError::UnknownKiosk { .. })) => {
            ApiError(StatusCode::NOT_FOUND, e.to_string()).into_response()
        }
        Ok(Err(e)) => internal(e).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct QueueQuery {
    /// People who joined the queue (negative: a correction).
    add: Option<i64>,
    /// « The queue is empty now ».
    empty: Option<bool>,
}

/// The door view's « + 1 », « + 5 », « − 1 » and « La file est vide »:
/// appended to the hub's count, answered with the entrance's forecast.
async fn count_queue(
    _: FromViewer,
    State(hub): State<Arc<Hub>>,
    axum::extract::Query(q): axum::extract::Query<QueueQuery>,
) -> Response {
    use accueil_core::domain::queue::Count;
    let count = match (q.add, q.empty) {
        (Some(n), None | Some(false)) => Count::Joined(n),
        (None, Some(true)) => Count::Empty,
        _ => {
            return ApiError(
                StatusCode::BAD_REQUEST,
                "dites add=N (personnes entrées dans la file) ou empty=true (la file est vide), l'un ou l'autre".into(),
            )
            .into_response();
        }
    };
    let h = hub.clone();
    let done = blocking(move || {
        h.with(|k| {
            k.count_queue(count)?;
            k.entrance_forecast()
        })
    })
    .await;
    match done {
        Ok(Ok(forecast)) => {
            hub.changed();
            Json(forecast).into_response()
        }
        Ok(Err(e @ AppError::QueueCount(_))) => {
            ApiError(StatusCode::BAD_REQUEST, e.to_string()).into_response()
        }
        Ok(Err(e @ AppError::QueueRate { .. })) => {
            ApiError(StatusCode::TOO_MANY_REQUESTS, e.to_string()).into_response()
        }
        Ok(Err(e)) => internal(e).into_response(),
        Err(e) => e.into_response(),
    }
}

fn bad_kiosk_id(id: &str) -> ApiError {
    ApiError(
        StatusCode::BAD_REQUEST,
        format!(
            "identifiant de kiosque « {} » invalide",
            id.chars().take(60).collect::<String>()
        ),
    )
}

async fn sync(
    from: FromKiosk,
    State(hub): State<Arc<Hub>>,
    Json(req): Json<SyncRequest>,
) -> Response {
    if !plausible_kiosk_id(&req.kiosk) {
        return bad_kiosk_id(&req.kiosk).into_response();
    }
    if req.kiosk != from.kiosk {
        return ApiError(
            StatusCode::FORBIDDEN,
            format!(
                "identifiant donné au kiosque « {} », pas à « {} » (identifiant changé dans kiosk.toml, ou base venue d'un autre kiosque)",
                from.kiosk,
                req.kiosk.chars().take(60).collect::<String>(),
            ),
        )
        .into_response();
    }
    let (kiosk, sent_at, printer) = (req.kiosk.clone(), req.sent_at, req.printer.clone());
    let h = hub.clone();
    let credential = from.credential;
    let answer = blocking(move || {
        h.with(|k| {
            let now = k.now();
            k.hub_exchange(&req, &credential, now).map(|e| (e, now))
        })
    })
    .await;
    match answer {
        Ok(Ok((exchanged, now))) => {
            // How far off the kiosk's clock is (the request's travel time
            // is well under the two minutes that matter): kept in memory,
            // for the page.
            if let Some(sent) = sent_at {
                hub.clocks
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(kiosk.clone(), (now.duration_since(sent).as_secs(), now));
            }
            if let Some(printer) = printer {
                hub.printers
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(kiosk, printer.tidy());
            }
            // The page shows each kiosk's clock and what came in: its
            // figures are computed again (coalesced, a few times a second
            // at most).
            hub.changed();
            if exchanged.arrivals > 0
                && let Some(pretix) = hub.wake_pretix.get()
            {
                pretix.wake();
            }
            match exchanged.answer {
                Answer::Synced(mut res) => {
                    res.pretix = hub.pretix.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    Json(res).into_response()
                }
                Answer::Refused(refused) => {
                    (StatusCode::BAD_REQUEST, Json(refused)).into_response()
                }
            }
        }
        Ok(Err(e)) => ApiError::from(e).into_response(),
        Err(e) => e.into_response(),
    }
}

/// One exchange with the hub's copy `k`, as `POST /api/sync` would answer
/// it, without HTTP (tests drive many kiosks through one hub this way).
pub fn exchange_in(
    k: &mut Kiosk,
    req: &SyncRequest,
    now: Timestamp,
) -> Result<SyncResponse, accueil_core::sync::SyncError> {
    use accueil_core::sync::SyncError;
    // Every kiosk in the same process holds one credential per id.
    let credential = format!("local:{}", req.kiosk);
    match k.hub_exchange(req, &credential, now) {
        Ok(Exchanged {
            answer: Answer::Synced(mut res),
            ..
        }) => {
            res.hub_time = now;
            Ok(res)
        }
        Ok(Exchanged {
            answer: Answer::Refused(refused),
            ..
        }) => Err(SyncError::Refused(refused)),
        Err(ExchangeError::Clash(clash)) => Err(SyncError::Clash(clash)),
        Err(
            e @ (ExchangeError::BadKiosk(_) | ExchangeError::Refused(_) | ExchangeError::Purged(_)),
        ) => Err(SyncError::BadRequest(e.to_string())),
        Err(ExchangeError::Store(e)) => Err(SyncError::Store(e)),
    }
}

/// The hub's list, as `GET /api/list` answers it.
pub fn list_in(k: &Kiosk) -> Result<ListResponse, accueil_core::app::StoreError> {
    k.hub_list()
}

impl From<ExchangeError> for ApiError {
    fn from(e: ExchangeError) -> ApiError {
        match e {
            ExchangeError::Clash(clash) => ApiError::json(StatusCode::CONFLICT, &clash),
            e @ (ExchangeError::BadKiosk(_) | ExchangeError::Refused(_)) => {
                ApiError(StatusCode::BAD_REQUEST, e.to_string())
            }
            e @ ExchangeError::Purged(_) => ApiError(StatusCode::GONE, e.to_string()),
            ExchangeError::Store(e) => internal(e),
        }
    }
}

/// `GET /api/snapshot`: the event as a database, for a kiosk that holds
/// nothing yet (see `Store::write_snapshot`).
#[derive(Debug, Default, Deserialize)]
struct SnapshotQuery {
    /// For a kiosk that serves attendees: the copy without e-mails.
    #[serde(default)]
    minimal: bool,
}

async fn snapshot(
    _: FromKiosk,
    State(hub): State<Arc<Hub>>,
    axum::extract::Query(q): axum::extract::Query<SnapshotQuery>,
) -> Response {
    let h = hub.clone();
    let opened = blocking(move || {
        let list_rev = h.with(|k| k.list_rev()).map_err(|e| e.to_string())?;
        h.copies.open(&list_rev, q.minimal)
    });
    match opened.await {
        Ok(Ok(copy::Opened { file, len })) => (
            [
                (header::CONTENT_TYPE, "application/vnd.sqlite3".to_owned()),
                (header::CONTENT_LENGTH, len.to_string()),
            ],
            axum::body::Body::from_stream(read_in_chunks(file)),
        )
            .into_response(),
        Ok(Err(e)) => internal(e).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A file as a body, read a mebibyte at a time off the runtime's threads:
/// hundreds of megabytes are never all in memory.
fn read_in_chunks(
    file: std::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<axum::body::Bytes>> + Send {
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let read = tokio::task::spawn_blocking(move || {
            let mut chunk = vec![0; 1 << 20];
            let n = std::io::Read::read(&mut file, &mut chunk)?;
            chunk.truncate(n);
            Ok::<_, std::io::Error>((file, chunk))
        })
        .await;
        match read {
            Ok(Ok((_, chunk))) if chunk.is_empty() => None,
            Ok(Ok((file, chunk))) => Some((Ok(axum::body::Bytes::from(chunk)), Some(file))),
            Ok(Err(e)) => Some((Err(e), None)),
            Err(e) => Some((Err(std::io::Error::other(e)), None)),
        }
    })
}

async fn list(_: FromKiosk, State(hub): State<Arc<Hub>>) -> Response {
    let h = hub.clone();
    match blocking(move || h.with(|k| list_in(k))).await {
        Ok(Ok(list)) => Json(list).into_response(),
        Ok(Err(e)) => internal(e).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn page(viewer: FromViewer) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::HeaderName::from_static("content-security-policy"),
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
            ),
            (
                header::HeaderName::from_static("referrer-policy"),
                "no-referrer",
            ),
        ],
        // The page hides what its secret cannot do (the hub refuses it
        // anyway).
        if viewer.organiser {
            PAGE.replacen(r#"data-role="lecture""#, r#"data-role="organisateur""#, 1)
        } else {
            PAGE.to_owned()
        },
    )
        .into_response()
}

async fn stats(_: FromViewer, State(hub): State<Arc<Hub>>) -> Response {
    // The figures as of this request: those computed after every change
    // the hub had seen when it came (a script that syncs, then asks, reads
    // its own arrivals).
    let wanted = hub.wanted.load(std::sync::atomic::Ordering::SeqCst);
    let mut rx = hub.figures.subscribe();
    let ready = tokio::time::timeout(
        Duration::from_secs(10),
        rx.wait_for(|(done, data)| *done >= wanted && !data.is_empty()),
    )
    .await;
    match ready {
        Ok(Ok(figures)) => (
            [(header::CONTENT_TYPE, "application/json")],
            figures.1.to_string(),
        )
            .into_response(),
        _ => ApiError(
            StatusCode::SERVICE_UNAVAILABLE,
            "chiffres pas encore calculés — réessayez".into(),
        )
        .into_response(),
    }
}

/// The page's live feed: the figures now, then again after every change.
/// Computed once per change for every open page (by [`start_figures`]);
/// a page that reads slowly skips to the latest.
async fn events(_: FromViewer, State(hub): State<Arc<Hub>>) -> Response {
    use futures_util::StreamExt;
    let figures = tokio_stream::wrappers::WatchStream::new(hub.figures.subscribe());
    let stream = figures
        .filter(|(_, data)| std::future::ready(!data.is_empty()))
        .map(|(_, data)| {
            Ok::<_, std::convert::Infallible>(SseEvent::default().event("stats").data(&*data))
        });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// How often the figures are computed even without a change: the clock on
/// the page, a new day.
const FIGURES_EVERY: Duration = Duration::from_secs(30);
/// The least time between two computations of the figures.
const FIGURES_GAP: Duration = Duration::from_millis(250);

/// The thread that computes the organisers' figures on its own connection
/// to the hub's copy (SQLite lets it read while kiosks write): once per
/// change, whatever the number of open pages, never under the hub's lock.
fn start_figures(hub: &Arc<Hub>, own: Kiosk) -> Result<(), HubError> {
    let weak = Arc::downgrade(hub);
    let cadence = Cadence::every(FIGURES_EVERY).at_start().gap(FIGURES_GAP);
    let worker = Worker::spawn("tableau", own, cadence, move |own| {
        let Some(hub) = weak.upgrade() else {
            return Next::Stop;
        };
        let including = hub.wanted.load(std::sync::atomic::Ordering::SeqCst);
        let clocks = hub.clocks.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let printers = hub
            .printers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        drop(hub);
        let data = match dashboard(own, &clocks, &printers) {
            Ok(d) => serde_json::to_string(&d).unwrap_or_default(),
            Err(e) => json!({ "error": e.to_string() }).to_string(),
        };
        let Some(hub) = weak.upgrade() else {
            return Next::Stop;
        };
        hub.figures.send_replace((including, Arc::from(data)));
        Next::Again
    })
    .map_err(HubError::Serve)?;
    let _ = hub.changed.set(worker);
    Ok(())
}

async fn export_attendance(_: FromOrganiser, State(hub): State<Arc<Hub>>) -> Response {
    export(hub, false).await
}

async fn export_no_shows(_: FromOrganiser, State(hub): State<Arc<Hub>>) -> Response {
    export(hub, true).await
}

/// The attendance CSVs for French Excel, as `accueil export` writes them.
/// Called only by handlers that took a [`FromOrganiser`].
async fn export(hub: Arc<Hub>, no_shows: bool) -> Response {
    let h = hub.clone();
    let csv =
        blocking(move || h.with(|k| k.attendance_csv(no_shows).map_err(|e| e.to_string()))).await;
    let name = if no_shows {
        "absents.csv"
    } else {
        "presences.csv"
    };
    match csv {
        Ok(Ok(bytes)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(e)) => internal(e).into_response(),
        Err(e) => e.into_response(),
    }
}

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
struct Connections {
    next: u64,
    open: std::collections::BTreeMap<u64, (bool, Arc<tokio::sync::Notify>)>,
}

/// Which connection a request came on (a request extension).
#[derive(Clone, Copy)]
struct ConnectionId(u64);

/// A connection's place, given back when it closes.
struct Slot {
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

    fn prove(&mut self, id: u64) {
        if let Some(entry) = self.open.get_mut(&id) {
            entry.0 = true;
        }
    }
}

async fn with_timeout(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
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

/// How often the hub pushes to pretix without being woken by an upload,
/// and how long it waits for pretix.
const PRETIX_EVERY: Duration = Duration::from_secs(2);
const PRETIX_TIMEOUT: Duration = Duration::from_secs(20);

/// The hub's pretix thread, on its own connection to the hub's copy: pushes
/// arrivals and undos as kiosks upload them (woken by each upload, else
/// every [`PRETIX_EVERY`]), downloads the list every `refresh_seconds`;
/// tells open pages and kiosks. Says on stderr when pretix goes away and
/// comes back.
fn start_pretix(hub: &Arc<Hub>, own: Kiosk) -> Result<(), HubError> {
    let weak = Arc::downgrade(hub);
    let mut last_error: Option<String> = None;
    // Kept between rounds: its connections to pretix stay open.
    let mut client = None;
    let worker = Worker::spawn("pretix", own, Cadence::every(PRETIX_EVERY), move |own| {
        let Some(hub) = weak.upgrade() else {
            return Next::Stop;
        };
        let round = own.pretix_round_kept(&mut client, PRETIX_TIMEOUT);
        let error = round.as_ref().err().map(ToString::to_string);
        if error != last_error {
            match &error {
                Some(e) => tracing::warn!("hub : {e}"),
                None => tracing::info!("hub : pretix répond de nouveau"),
            }
            last_error = error;
        }
        if let Ok(r) = &round {
            if r.arrivals_in > 0 || r.list_changed {
                hub.changed();
            }
            if r.list_changed {
                // New kiosks are handed the new list: its copy is made now.
                hub.copies.wake();
            }
            // Who was refused is on the organisers' page; the log
            // keeps no name and no ticket code.
            for n in &r.notices {
                tracing::warn!(
                    "hub : pretix a refusé une entrée du kiosque « {} » : {} — le nom est sur la page des organisateurs",
                    n.kiosk,
                    accueil_core::pretix::reason_text(n.reason.as_deref().unwrap_or_default())
                );
            }
        }
        let news = own.pretix_news().ok();
        let mut held = hub.pretix.lock().unwrap_or_else(|p| p.into_inner());
        if *held != news {
            // Waiting entries went, a refusal came: the pages show it.
            hub.changed();
            *held = news;
        }
        Next::Again
    })
    .map_err(HubError::Serve)?;
    let _ = hub.wake_pretix.set(worker);
    Ok(())
}

/// Binds `addr` and serves, on a runtime of its own; `ready` is told the
/// address actually bound (port 0 picks one). A hub with a pretix
/// `[source]` is the one that talks to pretix.
pub fn run(kiosk: Kiosk, addr: SocketAddr, ready: impl FnOnce(SocketAddr)) -> Result<(), HubError> {
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
    kiosk.serve_as_hub().map_err(AppError::from)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("0123456789abcdef", "0123456789abcdef"));
        assert!(!same_secret("0123456789abcdeX", "0123456789abcdef"));
        assert!(!same_secret("0123456789abcdef0", "0123456789abcdef"));
        assert!(!same_secret("0123456789abcde", "0123456789abcdef"));
        assert!(!same_secret("", "0123456789abcdef"));
    }
}
