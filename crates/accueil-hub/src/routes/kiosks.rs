//! `POST /api/kiosks/revoke` and `/api/kiosks/readmit`: organisers shut a
//! stolen kiosk out, and let it back.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use accueil_core::app::{AppError, HubCopy};

use crate::auth::FromOrganiser;
use crate::error::{ApiError, internal};
use crate::{Hub, blocking};

#[derive(Debug, Deserialize)]
pub(crate) struct KioskQuery {
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
pub(crate) async fn revoke(
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
pub(crate) async fn readmit(
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
pub(crate) async fn change_kiosk(
    hub: Arc<Hub>,
    change: impl FnOnce(&mut HubCopy) -> Result<accueil_core::app::KiosksReport, AppError>
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
