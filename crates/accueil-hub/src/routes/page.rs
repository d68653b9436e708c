//! `GET /`, `/api/stats` and `/api/events`: the organisers' page, its
//! figures, and their live stream (computed once per change, off the
//! hub's lock, for every open page).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use accueil_core::app::{Cadence, HubCopy, Next, Worker};

use crate::auth::FromViewer;
use crate::error::ApiError;
use crate::{Hub, HubError, dashboard};

/// How often the figures are computed even without a change: the clock on
/// the page, a new day.
const FIGURES_EVERY: Duration = Duration::from_secs(30);
/// The least time between two computations of the figures.
const FIGURES_GAP: Duration = Duration::from_millis(250);

/// The dashboard: one page, its script and style inside, no CDN.
const PAGE: &str = include_str!("../page.html");

/// The page as served: written in French, with the English of its phrases
/// from accueil's one catalogue written into its script (`english`).
fn page_html() -> &'static str {
    static PAGE_WITH_ENGLISH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PAGE_WITH_ENGLISH.get_or_init(|| {
        let english: std::collections::BTreeMap<&str, &str> =
            accueil_core::domain::i18n::english_within(PAGE)
                .into_iter()
                .collect();
        // JSON inside <script>: no `<` may close it.
        let json = serde_json::to_string(&english)
            .unwrap_or_else(|_| "{}".to_owned())
            .replace('<', "\\u003c");
        PAGE.replacen("/*ENGLISH*/{}", &json, 1)
    })
}

pub(crate) async fn page(viewer: FromViewer) -> Response {
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
            page_html().replacen(r#"data-role="lecture""#, r#"data-role="organisateur""#, 1)
        } else {
            page_html().to_owned()
        },
    )
        .into_response()
}

pub(crate) async fn stats(_: FromViewer, State(hub): State<Arc<Hub>>) -> Response {
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
pub(crate) async fn events(_: FromViewer, State(hub): State<Arc<Hub>>) -> Response {
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

/// The thread that computes the organisers' figures on its own connection
/// to the hub's copy (SQLite lets it read while kiosks write): once per
/// change, whatever the number of open pages, never under the hub's lock.
pub(crate) fn start_figures(hub: &Arc<Hub>, own: HubCopy) -> Result<(), HubError> {
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
