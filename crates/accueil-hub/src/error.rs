//! A request the hub could not serve: its status and why, in words (or,
//! for a kiosk to act on, as JSON).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use accueil_core::app::ExchangeError;

/// A request the hub could not serve: its status and why, in words (or,
/// for a kiosk to act on, as JSON).
#[derive(Debug)]
pub(crate) struct ApiError(pub(crate) StatusCode, pub(crate) String);

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

pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

pub(crate) fn bad_kiosk_id(id: &str) -> ApiError {
    ApiError(
        StatusCode::BAD_REQUEST,
        format!(
            "identifiant de kiosque « {} » invalide",
            id.chars().take(60).collect::<String>()
        ),
    )
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
