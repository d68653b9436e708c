//! kiosk.toml `[badge]` (its size, what it shows, its QR code, the logo)
//! and `[attestation]` (who signs the certificates of attendance): the
//! documents accueil prints.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::MAX_NAME_CHARS;
use crate::badge::{Elements, Format};

#[derive(Debug, Clone, PartialEq)]
pub struct BadgeSettings {
    pub format: Format,
    pub elements: Elements,
    /// QR content template: `{code}` (ticket code) and `{uid}`.
    pub qr: String,
    /// Event logo (PNG or JPEG), resolved against kiosk.toml's folder.
    pub logo: Option<PathBuf>,
}

impl Default for BadgeSettings {
    fn default() -> Self {
        BadgeSettings {
            format: Format::A6,
            elements: Elements::default(),
            qr: "{code}".into(),
            logo: None,
        }
    }
}

/// kiosk.toml `[attestation]`, validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttestationSettings {
    /// The organising body, at the top of each certificate.
    pub organiser: Option<String>,
    /// Who signs, with their title.
    pub signatory: Option<String>,
    /// Where it is signed (« Fait à Lyon »).
    pub place: Option<String>,
    /// The signature's image (PNG or JPEG), relative to kiosk.toml.
    pub signature: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBadge {
    pub(super) size: Option<String>,
    pub(super) elements: Option<Vec<String>>,
    pub(super) qr: Option<String>,
    pub(super) logo: Option<PathBuf>,
}

/// kiosk.toml `[attestation]`: who signs attendance certificates.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAttestation {
    pub(super) organiser: Option<String>,
    pub(super) signatory: Option<String>,
    pub(super) place: Option<String>,
    pub(super) signature: Option<PathBuf>,
}

pub(super) fn validate(raw: RawBadge, base: &Path) -> Result<BadgeSettings, String> {
    let mut settings = BadgeSettings::default();
    if let Some(size) = raw.size {
        settings.format = Format::parse(&size).ok_or_else(|| {
            format!(
                "[badge] size « {size} » inconnu — formats : {}",
                Format::ALL.map(Format::name).join(", ")
            )
        })?;
    }
    if let Some(list) = raw.elements {
        let mut e = Elements {
            event: false,
            organisation: false,
            category: false,
            qr: false,
            logo: false,
        };
        for item in &list {
            match item.as_str() {
                "event" => e.event = true,
                "organisation" => e.organisation = true,
                "category" => e.category = true,
                "qr" => e.qr = true,
                other => {
                    return Err(format!(
                        "[badge] elements : « {other} » inconnu — éléments possibles : event, organisation, category, qr (prénom et nom sont toujours présents ; le logo vient de [badge] logo)"
                    ));
                }
            }
        }
        settings.elements = e;
    }
    if let Some(qr) = raw.qr {
        if qr.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "[badge] qr : {} caractères, {MAX_NAME_CHARS} au plus (le QR code grandit avec lui)",
                qr.chars().count()
            ));
        }
        if !qr.contains("{code}") && !qr.contains("{uid}") {
            return Err(format!(
                "[badge] qr « {qr} » ne contient ni {{code}} ni {{uid}} — tous les badges auraient le même QR code"
            ));
        }
        settings.qr = qr;
    }
    if let Some(logo) = raw.logo {
        settings.logo = Some(base.join(logo));
        settings.elements.logo = true;
    }
    Ok(settings)
}

/// `[attestation]`: texts squeezed, the signature's image found beside
/// kiosk.toml.
pub(super) fn validate_attestation(raw: RawAttestation, base: &Path) -> AttestationSettings {
    let text = |v: Option<String>| {
        v.map(|t| crate::domain::text::squeeze(&t))
            .filter(|t| !t.is_empty())
    };
    AttestationSettings {
        organiser: text(raw.organiser),
        signatory: text(raw.signatory),
        place: text(raw.place),
        signature: raw.signature.map(|p| base.join(p)),
    }
}
