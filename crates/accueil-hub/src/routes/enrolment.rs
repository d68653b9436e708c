//! `POST /api/enrol`, `/api/kiosks/invite` and `/api/join`: a kiosk gets
//! its credential — by the shared token, or by the one-time code the
//! organisers' page shows.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

use accueil_core::app::plausible_kiosk_id;

use accueil_core::protocol::{EnrolRequest, EnrolResponse, JoinRequest};

use crate::auth::{Enrolling, FromOrganiser};
use crate::error::{ApiError, bad_kiosk_id, internal};
use crate::{Hub, blocking};

/// `POST /api/enrol`: a kiosk id gets a credential of its own (refused
/// with 403 when an organiser revoked that id).
pub(crate) async fn enrol(
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
pub(crate) async fn invite(
    _: FromOrganiser,
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
) -> Response {
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
pub(crate) fn address_for_kiosks(
    host: Option<&str>,
    listening: Option<SocketAddr>,
) -> Option<String> {
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
pub(crate) async fn join(State(hub): State<Arc<Hub>>, Json(req): Json<JoinRequest>) -> Response {
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
