//! `GET /export/presences.csv` and `/export/absents.csv`: the named
//! exports, for organisers only.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::auth::FromOrganiser;
use crate::error::internal;
use crate::{Hub, blocking};

pub(crate) async fn export_attendance(_: FromOrganiser, State(hub): State<Arc<Hub>>) -> Response {
    export(hub, false).await
}

pub(crate) async fn export_no_shows(_: FromOrganiser, State(hub): State<Arc<Hub>>) -> Response {
    export(hub, true).await
}

/// The attendance CSVs for French Excel, as `accueil export` writes them.
/// Called only by handlers that took a [`FromOrganiser`].
pub(crate) async fn export(hub: Arc<Hub>, no_shows: bool) -> Response {
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
