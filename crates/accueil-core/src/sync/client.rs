//! A kiosk's connection to its hub over HTTP (blocking), and the link a
//! round goes through (`HubLink`: the client, or in tests a hub's copy in
//! the same process).

use std::path::Path;
use std::time::Duration;

use super::{Credential, SyncError, UploadClash, UploadRefused};

use crate::protocol::{
    EnrolRequest, EnrolResponse, JoinRequest, JoinResponse, ListResponse, SyncRequest, SyncResponse,
};
/// A kiosk's connection to its hub: enrolment with the hub's token, then
/// everything else with the kiosk's own credential.
pub struct Client {
    url: String,
    /// `[hub] token`, when this kiosk may enrol with it; a kiosk enrolled
    /// by code has none.
    token: Option<String>,
    credential: Option<Credential>,
    http: reqwest::blocking::Client,
}

impl Client {
    pub fn new(url: &str, token: Option<&str>, timeout: Duration) -> Result<Client, SyncError> {
        let http = crate::http_client()
            .timeout(timeout)
            .build()
            .map_err(|source| SyncError::Unreachable {
                url: url.to_owned(),
                source,
            })?;
        Ok(Client {
            url: url.trim_end_matches('/').to_owned(),
            token: token.map(str::to_owned),
            credential: None,
            http,
        })
    }

    /// Whether the hub answers, and its clock (the HTTP `Date` header, to
    /// the second): any answer will do, no secret is sent.
    pub fn probe(&self) -> Result<Option<jiff::Timestamp>, SyncError> {
        let res = self
            .request(reqwest::Method::GET, "/")
            .send()
            .map_err(|source| SyncError::Unreachable {
                url: self.url.clone(),
                source,
            })?;
        Ok(res
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(|d| jiff::fmt::rfc2822::parse(d).ok())
            .map(|z| z.timestamp()))
    }

    /// Syncs with `credential` from now on.
    pub fn set_credential(&mut self, credential: Credential) {
        self.credential = Some(credential);
    }

    /// Asks the hub for kiosk `kiosk`'s own credential.
    pub fn enrol(&self, kiosk: &str) -> Result<Credential, SyncError> {
        let Some(token) = &self.token else {
            return Err(SyncError::NotEnrolled);
        };
        let res = self
            .request(reqwest::Method::POST, "/api/enrol")
            .bearer_auth(token)
            .json(&EnrolRequest {
                kiosk: kiosk.to_owned(),
            })
            .send();
        let res = res.map_err(|source| SyncError::Unreachable {
            url: self.url.clone(),
            source,
        })?;
        let res = understood(res)?;
        match res.status().as_u16() {
            200..=299 => {
                let answer: EnrolResponse = res.json().map_err(SyncError::Decode)?;
                Credential::parse(&answer.credential).ok_or_else(|| {
                    SyncError::BadCredential("identifiant reçu illisible".to_owned())
                })
            }
            401 => Err(SyncError::Unauthorized),
            403 => Err(SyncError::Revoked {
                kiosk: kiosk.to_owned(),
            }),
            status => Err(SyncError::Hub {
                status,
                body: res.text().unwrap_or_default().chars().take(300).collect(),
            }),
        }
    }

    /// Shows an invitation's code to the hub: a new kiosk's id, credential
    /// and event.
    pub fn join(
        &self,
        code: &str,
        attended: bool,
        kiosk: Option<&str>,
    ) -> Result<JoinResponse, SyncError> {
        let res = self
            .request(reqwest::Method::POST, "/api/join")
            .json(&JoinRequest {
                code: code.to_owned(),
                attended,
                kiosk: kiosk.map(str::to_owned),
            })
            .send()
            .map_err(|source| SyncError::Unreachable {
                url: self.url.clone(),
                source,
            })?;
        let res = understood(res)?;
        match res.status().as_u16() {
            200..=299 => {
                let answer: JoinResponse = res.json().map_err(SyncError::Decode)?;
                if Credential::parse(&answer.credential).is_none() {
                    return Err(SyncError::BadCredential(
                        "identifiant reçu illisible".to_owned(),
                    ));
                }
                Ok(answer)
            }
            401 | 403 => Err(SyncError::BadInvitation),
            409 => Err(SyncError::BadRequest(
                res.text()
                    .unwrap_or_default()
                    .trim()
                    .chars()
                    .take(300)
                    .collect(),
            )),
            status => Err(SyncError::Hub {
                status,
                body: res.text().unwrap_or_default().chars().take(300).collect(),
            }),
        }
    }

    /// `GET /api/snapshot`: the hub's copy for a new kiosk, written to
    /// `to`; `false` when the hub does not offer one.
    /// `minimal`: the copy for a kiosk that serves attendees (no e-mail, no
    /// free field); a hub that has none sends the full one.
    pub fn snapshot(&self, to: &Path, minimal: bool) -> Result<bool, SyncError> {
        let query = if minimal { "?minimal=true" } else { "" };
        let res = self
            .request(reqwest::Method::GET, &format!("/api/snapshot{query}"))
            .bearer_auth(self.secret())
            // A large event's copy is hundreds of megabytes.
            .timeout(Duration::from_secs(600))
            .send();
        let res = match res {
            Ok(r) if r.status().as_u16() == 404 => return Ok(false),
            other => self.check(other)?,
        };
        let mut res = res;
        // Everyone's names: readable by this kiosk's user only.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(to)
            .map_err(|e| SyncError::Local(to.to_owned(), e))?;
        // Not synced to the disk: the copy is read at once, and what makes
        // it this kiosk's is the restore's own commit.
        res.copy_to(&mut file).map_err(SyncError::Decode)?;
        Ok(true)
    }

    /// A request to the hub, naming this kiosk's protocol version.
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::blocking::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .header(crate::protocol::HEADER, crate::protocol::VERSION)
    }

    fn secret(&self) -> String {
        match &self.credential {
            Some(c) => c.to_string(),
            None => self.token.clone().unwrap_or_default(),
        }
    }

    fn check(
        &self,
        res: reqwest::Result<reqwest::blocking::Response>,
    ) -> Result<reqwest::blocking::Response, SyncError> {
        let res = res.map_err(|source| SyncError::Unreachable {
            url: self.url.clone(),
            source,
        })?;
        let res = understood(res)?;
        match res.status().as_u16() {
            200..=299 => Ok(res),
            // 403: the credential is another kiosk id's (this one's id
            // changed, or its database came from another kiosk).
            401 | 403 if self.credential.is_some() => {
                let body = res.text().unwrap_or_default();
                Err(SyncError::BadCredential(
                    body.trim().chars().take(300).collect(),
                ))
            }
            401 => Err(SyncError::Unauthorized),
            status => {
                let body = res.text().unwrap_or_default();
                if status == 400
                    && let Ok(refused) = serde_json::from_str::<UploadRefused>(&body)
                {
                    return Err(SyncError::Refused(refused));
                }
                if status == 409
                    && let Ok(clash) = serde_json::from_str::<UploadClash>(&body)
                {
                    return Err(SyncError::Clash(clash));
                }
                Err(SyncError::Hub {
                    status,
                    body: body.chars().take(300).collect(),
                })
            }
        }
    }
}

/// An answer of a hub whose protocol this kiosk understands: a hub that
/// refused this kiosk's version (426) or that speaks one too old is a
/// [`SyncError::Protocol`] naming both versions.
fn understood(res: reqwest::blocking::Response) -> Result<reqwest::blocking::Response, SyncError> {
    if res.status().as_u16() == 426 {
        let body = res.text().unwrap_or_default();
        let said = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or(body);
        return Err(SyncError::Protocol(said.trim().chars().take(400).collect()));
    }
    let hub = res
        .headers()
        .get(crate::protocol::HEADER)
        .map(|v| v.to_str().unwrap_or("?"));
    crate::protocol::kiosk_accepts(hub).map_err(|m| SyncError::Protocol(m.to_string()))?;
    Ok(res)
}

/// How a kiosk reaches its hub: over HTTP ([`Client`]), or, in tests, a
/// hub's copy in the same process.
pub trait HubLink {
    /// `POST /api/sync`.
    fn exchange(&self, req: &SyncRequest) -> Result<SyncResponse, SyncError>;
    /// `GET /api/list`.
    fn list(&self) -> Result<ListResponse, SyncError>;
}

impl HubLink for Client {
    fn exchange(&self, req: &SyncRequest) -> Result<SyncResponse, SyncError> {
        let res = self
            .request(reqwest::Method::POST, "/api/sync")
            .bearer_auth(self.secret())
            .json(req)
            .send();
        self.check(res)?.json().map_err(SyncError::Decode)
    }

    fn list(&self) -> Result<ListResponse, SyncError> {
        let res = self
            .request(reqwest::Method::GET, "/api/list")
            .bearer_auth(self.secret())
            .send();
        self.check(res)?.json().map_err(SyncError::Decode)
    }
}

/// This kiosk's own credential and the hub that gave it, as JSON
/// `{"url": …, "credential": …}` (a kiosk's setting, not synced).
pub const HUB_CREDENTIAL: &str = "hub_credential";
