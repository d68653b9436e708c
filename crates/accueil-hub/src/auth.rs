//! Who is asking: each role an extractor (a kiosk with its credential,
//! one enrolling with `[hub] token`, a viewer of the page, an organiser), so
//! a handler that takes one cannot be reached without that secret. A missing
//! or wrong secret gets 401 and nothing else; another role's, 403 and why.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use accueil_core::app::Holder;

use accueil_core::sync::same_secret;

use crate::error::{ApiError, internal};
use crate::{Hub, blocking};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TokenQuery {
    token: Option<String>,
}

/// The secret sent as `Authorization: Bearer …`, or `?token=…` (a page
/// opened from a link, an EventSource).
pub(crate) fn given<'a>(headers: &'a HeaderMap, query: &'a TokenQuery) -> &'a str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or(query.token.as_deref())
        .unwrap_or("")
}

pub(crate) fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "401\n").into_response()
}

/// A request from an enrolled kiosk, with its own credential: handlers
/// that take it cannot be reached without one.
pub(crate) struct FromKiosk {
    /// The kiosk id the credential was given to.
    pub(crate) kiosk: String,
    /// The credential's public part.
    pub(crate) credential: String,
}

/// A request with the hub's enrolment token (`[hub] token`).
pub(crate) struct Enrolling;

/// A request that may read the page: `[hub] dashboard_token`, or the
/// organisers' (who see more of it).
pub(crate) struct FromViewer {
    pub(crate) organiser: bool,
}

/// A request from an organiser (`[hub] organiser_token`).
pub(crate) struct FromOrganiser;

/// The secret a request carries, read from its parts.
pub(crate) fn secret_of(parts: &axum::http::request::Parts) -> String {
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
