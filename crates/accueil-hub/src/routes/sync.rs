//! `POST /api/sync`, `GET /api/list` and `/api/snapshot`: kiosks send
//! their records and get the others', the list, and a copy to start from.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Deserialize;

use accueil_core::app::{Answer, ExchangeError, Exchanged, HubCopy, plausible_kiosk_id};

use accueil_core::protocol::{ListResponse, SyncRequest, SyncResponse};

use crate::auth::FromKiosk;
use crate::error::{ApiError, bad_kiosk_id, internal};
use crate::{Hub, blocking, copy};

pub(crate) async fn sync(
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
    k: &mut HubCopy,
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
pub fn list_in(k: &HubCopy) -> Result<ListResponse, accueil_core::app::StoreError> {
    k.hub_list()
}

/// `GET /api/snapshot`: the event as a database, for a kiosk that holds
/// nothing yet (see `Store::write_snapshot`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SnapshotQuery {
    /// For a kiosk that serves attendees: the copy without e-mails.
    #[serde(default)]
    minimal: bool,
}

pub(crate) async fn snapshot(
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
pub(crate) fn read_in_chunks(
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

pub(crate) async fn list(_: FromKiosk, State(hub): State<Arc<Hub>>) -> Response {
    let h = hub.clone();
    match blocking(move || h.with(|k| list_in(k))).await {
        Ok(Ok(list)) => Json(list).into_response(),
        Ok(Err(e)) => internal(e).into_response(),
        Err(e) => e.into_response(),
    }
}
