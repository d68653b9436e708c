//! `POST /api/queue`: the entrance queue counted from the page.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use accueil_core::app::AppError;

use crate::auth::FromViewer;
use crate::error::{ApiError, internal};
use crate::{Hub, blocking};

#[derive(Deserialize)]
pub(crate) struct QueueQuery {
    /// People who joined the queue (negative: a correction).
    add: Option<i64>,
    /// « The queue is empty now ».
    empty: Option<bool>,
}

/// The door view's « + 1 », « + 5 », « − 1 » and « La file est vide »:
/// appended to the hub's count, answered with the entrance's forecast.
pub(crate) async fn count_queue(
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
