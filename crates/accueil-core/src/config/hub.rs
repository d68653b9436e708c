//! kiosk.toml `[hub]`: the hub's side (where it listens, its three
//! secrets) and a kiosk's (the hub's address, the enrolment token).

use serde::Deserialize;

/// kiosk.toml `[hub]`: the hub's side (`listen`, both tokens) and the
/// kiosk's side (`url`, `token`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HubSettings {
    /// Where `accueil hub` listens.
    pub listen: Option<std::net::SocketAddr>,
    /// Kiosks' shared secret (hub and kiosks).
    pub token: Option<String>,
    /// The read-only secret of the attendance page (hub): stewards'
    /// phones, the venue's screen. It shows and counts the queue, no more.
    pub dashboard_token: Option<String>,
    /// The organisers' secret (hub): the page with what changes the event
    /// — kiosks enrolled, revoked, readmitted, the named exports.
    pub organiser_token: Option<String>,
    /// The hub a kiosk syncs with, `http://host:port`.
    pub url: Option<String>,
}

/// Tokens shorter than this are refused: they are the only lock on the hub.
pub const MIN_TOKEN_LEN: usize = 16;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHub {
    pub(super) listen: Option<String>,
    pub(super) token: Option<String>,
    pub(super) dashboard_token: Option<String>,
    pub(super) organiser_token: Option<String>,
    pub(super) url: Option<String>,
}

pub(super) fn validate(raw: RawHub) -> Result<HubSettings, String> {
    let secret = |key: &str, value: Option<String>| -> Result<Option<String>, String> {
        let Some(v) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        if v.chars().count() < MIN_TOKEN_LEN {
            return Err(format!(
                "[hub] {key} trop court ({} caractères, {MIN_TOKEN_LEN} au moins) — tirez-en un au hasard, par exemple avec « openssl rand -hex 16 »",
                v.chars().count()
            ));
        }
        Ok(Some(v))
    };
    let listen = match raw.listen.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(l) => Some(l.parse().map_err(|_| {
            format!("[hub] listen « {l} » illisible — adresse:port, par exemple « 0.0.0.0:8080 »")
        })?),
    };
    let url = match raw.url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
            Some(u.trim_end_matches('/').to_owned())
        }
        Some(u) => {
            return Err(format!(
                "[hub] url « {u} » illisible — écrivez-la http://machine:port, par exemple http://192.168.1.10:8080"
            ));
        }
    };
    let hub = HubSettings {
        listen,
        token: secret("token", raw.token)?,
        dashboard_token: secret("dashboard_token", raw.dashboard_token)?,
        organiser_token: secret("organiser_token", raw.organiser_token)?,
        url,
    };
    // Without `token`, kiosks enrol with the one-time codes of the
    // organisers' page (« Ajouter un kiosque ») only.
    if hub.token.is_some() && hub.token == hub.dashboard_token {
        return Err("[hub] dashboard_token doit différer de token : la page des organisateurs ne doit pas ouvrir la synchronisation".into());
    }
    if hub.organiser_token.is_some()
        && (hub.organiser_token == hub.token || hub.organiser_token == hub.dashboard_token)
    {
        return Err("[hub] organiser_token doit différer de token et de dashboard_token : chacun n'ouvre que ce qui est à son porteur".into());
    }
    Ok(hub)
}
