//! Blocking HTTP to pretix's REST API (`/api/v1/organizers/<org>/…`).

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::{Item, Page, Position, Redeem, RedeemReply};
use crate::config::{PRETIX_TOKEN_VAR, PretixSettings};

#[derive(Debug, thiserror::Error)]
pub enum PretixError {
    #[error(
        "jeton pretix absent — mettez [source] token dans kiosk.toml ou la variable d'environnement {PRETIX_TOKEN_VAR}"
    )]
    NoToken,
    #[error(
        "pretix injoignable ({url}) : {source} — le kiosque continue sur sa copie et renverra plus tard"
    )]
    Unreachable { url: String, source: reqwest::Error },
    #[error(
        "pretix refuse le jeton (HTTP {status}) — vérifiez [source] token ou {PRETIX_TOKEN_VAR} : un jeton d'équipe avec les droits d'enregistrement sur l'événement"
    )]
    Unauthorized { status: u16 },
    #[error(
        "pretix ne trouve pas {what} (HTTP 404) — vérifiez [source] organizer, event et checkin_list dans kiosk.toml"
    )]
    NotFound { what: String },
    #[error("pretix répond HTTP {status} à {what} : {body}")]
    Server {
        what: String,
        status: u16,
        body: String,
    },
    #[error("réponse de pretix illisible ({what}) : {source}")]
    Decode {
        what: String,
        source: reqwest::Error,
    },
}

/// pretix caps pages at 50 results.
const PAGE_SIZE: usize = 50;

/// A connection to one pretix event and check-in list.
pub struct Client {
    /// `<url>/api/v1/organizers/<org>`
    api: String,
    /// `<url>`, for messages.
    server: String,
    event: String,
    list: u64,
    token: String,
    http: reqwest::blocking::Client,
}

impl Client {
    pub fn new(settings: &PretixSettings, timeout: Duration) -> Result<Client, PretixError> {
        let token = settings.token().ok_or(PretixError::NoToken)?;
        let api = format!("{}/api/v1/organizers/{}", settings.url, settings.organizer);
        let http = crate::http_client()
            .timeout(timeout)
            .build()
            .map_err(|source| PretixError::Unreachable {
                url: settings.url.clone(),
                source,
            })?;
        Ok(Client {
            api,
            server: settings.url.clone(),
            event: settings.event.clone(),
            list: settings.checkin_list,
            token,
            http,
        })
    }

    /// The check-in list this client works on.
    pub fn list(&self) -> u64 {
        self.list
    }

    fn send(
        &self,
        request: reqwest::blocking::RequestBuilder,
    ) -> Result<reqwest::blocking::Response, PretixError> {
        let res = request
            .header("Authorization", format!("Token {}", self.token))
            .header("Accept-Language", "fr")
            .send()
            .map_err(|source| PretixError::Unreachable {
                url: self.server.clone(),
                source,
            })?;
        match res.status().as_u16() {
            401 | 403 => Err(PretixError::Unauthorized {
                status: res.status().as_u16(),
            }),
            _ => Ok(res),
        }
    }

    fn get<T: DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, PretixError> {
        let res = self.send(self.http.get(format!("{}{path}", self.api)).query(query))?;
        match res.status().as_u16() {
            200..=299 => res.json().map_err(|source| PretixError::Decode {
                what: what.to_owned(),
                source,
            }),
            404 => Err(PretixError::NotFound {
                what: what.to_owned(),
            }),
            status => Err(PretixError::Server {
                what: what.to_owned(),
                status,
                body: res.text().unwrap_or_default().chars().take(300).collect(),
            }),
        }
    }

    /// Every page of a list, asked by page number (pretix's `next` links
    /// carry its own idea of its address, which a proxy may change).
    fn all<T: DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        extra: &[(&str, String)],
        mut progress: impl FnMut(usize, usize),
    ) -> Result<Vec<T>, PretixError> {
        let mut out = Vec::new();
        for page in 1.. {
            let mut query = vec![
                ("page_size", PAGE_SIZE.to_string()),
                ("page", page.to_string()),
            ];
            query.extend(extra.iter().cloned());
            let p: Page<T> = self.get(what, path, &query)?;
            out.extend(p.results);
            progress(out.len(), p.count);
            if p.next.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// The event's products (their names are the categories).
    pub fn items(&self) -> Result<Vec<Item>, PretixError> {
        self.all(
            "les produits de l'événement",
            &format!("/events/{}/items/", self.event),
            &[],
            |_, _| {},
        )
    }

    /// Every position of the check-in list, whatever its order's status.
    pub fn positions(
        &self,
        progress: impl FnMut(usize, usize),
    ) -> Result<Vec<Position>, PretixError> {
        self.positions_of(self.list, progress)
    }

    /// Every position of another check-in list of the event (a
    /// workshop's), whatever its order's status.
    pub fn positions_of(
        &self,
        list: u64,
        progress: impl FnMut(usize, usize),
    ) -> Result<Vec<Position>, PretixError> {
        self.all(
            "la liste d'enregistrement",
            &format!("/events/{}/checkinlists/{list}/positions/", self.event),
            &[("ignore_status", "true".into())],
            progress,
        )
    }

    /// The event's check-in lists.
    pub fn checkin_lists(&self) -> Result<Vec<super::CheckinList>, PretixError> {
        self.all(
            "les listes d'enregistrement",
            &format!("/events/{}/checkinlists/", self.event),
            &[],
            |_, _| {},
        )
    }

    /// Checks a ticket in: pretix's HTTP status and answer.
    pub fn redeem(&self, body: &Redeem) -> Result<(u16, RedeemReply), PretixError> {
        let what = "l'enregistrement d'une arrivée";
        let res = self.send(
            self.http
                .post(format!("{}/checkinrpc/redeem/", self.api))
                .json(body),
        )?;
        let status = res.status().as_u16();
        let text = res.text().map_err(|source| PretixError::Decode {
            what: what.to_owned(),
            source,
        })?;
        // A 400 about the request itself (blank secret) has no `reason`:
        // the default reply, judged as a refusal.
        Ok((status, serde_json::from_str(&text).unwrap_or_default()))
    }

    /// Annuls the check-in made with `nonce`: pretix's HTTP status.
    pub fn annul(&self, nonce: &str) -> Result<u16, PretixError> {
        let res = self.send(
            self.http
                .post(format!("{}/checkinrpc/annul/", self.api))
                .json(&serde_json::json!({ "nonce": nonce, "lists": [self.list] })),
        )?;
        Ok(res.status().as_u16())
    }
}
