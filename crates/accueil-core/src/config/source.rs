//! kiosk.toml `[source]`: where the list comes from — files, or a pretix
//! event's check-in list.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::Event;

/// kiosk.toml `[source]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Source {
    /// CSV or XLSX files given to `accueil import FILE`.
    #[default]
    File,
    Pretix(PretixSettings),
}

/// kiosk.toml `[source]` with `kind = "pretix"`.
#[derive(Debug, Clone, PartialEq)]
pub struct PretixSettings {
    /// The pretix server, without trailing slash: `https://pretix.eu`.
    pub url: String,
    pub organizer: String,
    pub event: String,
    /// The check-in list whose positions are the registrants.
    pub checkin_list: u64,
    /// From kiosk.toml; [`PRETIX_TOKEN_VAR`] wins when set.
    pub token: Option<String>,
    /// How often a running kiosk or hub downloads the list again.
    pub refresh: std::time::Duration,
    /// pretix product name → category, for products not named like one.
    pub products: BTreeMap<String, String>,
}

/// The environment variable that holds the pretix API token, so that it
/// can stay out of kiosk.toml.
pub const PRETIX_TOKEN_VAR: &str = "ACCUEIL_PRETIX_TOKEN";

impl PretixSettings {
    /// The API token: the environment's, else kiosk.toml's.
    pub fn token(&self) -> Option<String> {
        std::env::var(PRETIX_TOKEN_VAR)
            .ok()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .or_else(|| self.token.clone())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    pub(super) kind: Option<String>,
    pub(super) url: Option<String>,
    pub(super) organizer: Option<String>,
    pub(super) event: Option<String>,
    pub(super) checkin_list: Option<u64>,
    pub(super) token: Option<String>,
    pub(super) refresh_seconds: Option<u64>,
    #[serde(default)]
    pub(super) products: BTreeMap<String, String>,
}

/// Shortest refresh a running kiosk may ask of pretix: a full download
/// pages through the whole list (≈ 0.4 s per 50 people).
const MIN_REFRESH_SECONDS: u64 = 30;

pub(super) fn validate(raw: RawSource, event: &Event) -> Result<Source, String> {
    let kind = raw.kind.as_deref().map(str::trim).unwrap_or("file");
    if kind == "file" {
        let pretix_keys = raw.url.is_some()
            || raw.organizer.is_some()
            || raw.event.is_some()
            || raw.checkin_list.is_some()
            || raw.token.is_some()
            || !raw.products.is_empty();
        if pretix_keys {
            return Err(
                "[source] : clés pretix sans kind = \"pretix\" — ajoutez-le, ou retirez-les".into(),
            );
        }
        return Ok(Source::File);
    }
    if kind != "pretix" {
        return Err(format!(
            "[source] kind « {kind} » inconnu — « file » (fichiers CSV/XLSX) ou « pretix »"
        ));
    }
    let text = |key: &str, v: Option<String>, example: &str| -> Result<String, String> {
        v.map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                format!("[source] {key} manquant pour pretix — par exemple {key} = \"{example}\"")
            })
    };
    let url = text("url", raw.url, "https://pretix.eu")?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "[source] url « {url} » illisible — l'adresse du serveur pretix, par exemple https://pretix.eu"
        ));
    }
    let organizer = text("organizer", raw.organizer, "mon-organisation")?;
    let slug = |key: &str, v: &str| -> Result<(), String> {
        if v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            Ok(())
        } else {
            Err(format!(
                "[source] {key} « {v} » invalide — le code court de pretix, tel qu'il apparaît dans l'adresse (lettres, chiffres, -)"
            ))
        }
    };
    slug("organizer", &organizer)?;
    let pretix_event = text("event", raw.event, "journees2026")?;
    slug("event", &pretix_event)?;
    let checkin_list = raw.checkin_list.ok_or(
        "[source] checkin_list manquant pour pretix — le numéro de la liste d'enregistrement (pretix : Enregistrement → Listes, dans l'adresse de la liste)",
    )?;
    let refresh_seconds = raw.refresh_seconds.unwrap_or(120);
    if refresh_seconds < MIN_REFRESH_SECONDS {
        return Err(format!(
            "[source] refresh_seconds = {refresh_seconds} trop court — {MIN_REFRESH_SECONDS} au moins : chaque actualisation relit toute la liste"
        ));
    }
    let mut products = BTreeMap::new();
    for (product, category) in raw.products {
        let Some(c) = event.category(&category) else {
            return Err(format!(
                "[source.products] « {product} » = « {category} » : catégorie inconnue — elle doit figurer dans un bloc [[categories]]"
            ));
        };
        products.insert(product.trim().to_owned(), c.name.clone());
    }
    Ok(Source::Pretix(PretixSettings {
        url: url.trim_end_matches('/').to_owned(),
        organizer,
        event: pretix_event,
        checkin_list,
        token: raw
            .token
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty()),
        refresh: std::time::Duration::from_secs(refresh_seconds),
        products,
    }))
}
