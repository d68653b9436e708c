//! kiosk.toml `[import]`: how registrants' files are read — separator,
//! encoding, sheet, platform profile, and the organisers' own column names,
//! status words and categories.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::text::sort_key;
use crate::domain::{Event, Status};
use crate::import::{Column, Encoding, ImportSettings};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawImport {
    pub(super) separator: Option<String>,
    pub(super) encoding: Option<String>,
    pub(super) sheet: Option<String>,
    pub(super) profile: Option<String>,
    pub(super) header_row: Option<usize>,
    #[serde(default)]
    pub(super) ignore_columns: Vec<String>,
    #[serde(default)]
    pub(super) columns: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) status: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) categories: BTreeMap<String, String>,
}

pub(super) fn validate(raw: RawImport, event: &Event) -> Result<ImportSettings, String> {
    let separator = match raw.separator.as_deref() {
        None | Some("auto") => None,
        Some(";") => Some(b';'),
        Some(",") => Some(b','),
        Some("tab") | Some("\t") => Some(b'\t'),
        Some(other) => {
            return Err(format!(
                "[import] separator « {other} » invalide — « auto », « ; », « , » ou « tab »"
            ));
        }
    };
    let encoding = match raw.encoding.as_deref() {
        None | Some("auto") => Encoding::Auto,
        Some("utf-8") | Some("utf8") => Encoding::Utf8,
        Some("windows-1252") | Some("cp1252") | Some("latin1") => Encoding::Windows1252,
        Some("mac-roman") | Some("macintosh") => Encoding::MacRoman,
        Some(other) => {
            return Err(format!(
                "[import] encoding « {other} » invalide — « auto », « utf-8 », « windows-1252 » ou « mac-roman »"
            ));
        }
    };
    let profile = match raw.profile.as_deref().map(str::trim) {
        None | Some("") | Some("auto") => None,
        Some(id) => match crate::import::profile::by_id(id) {
            Some(p) => Some(p.id.to_owned()),
            None => {
                return Err(format!(
                    "[import] profile « {id} » inconnu — « auto » ou l'un de : {}",
                    crate::import::profile::PROFILES
                        .iter()
                        .filter(|p| p.attendees)
                        .map(|p| p.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        },
    };
    if raw.header_row == Some(0) {
        return Err("[import] header_row commence à 1 (la première ligne du fichier)".into());
    }
    let mut columns = BTreeMap::new();
    for (key, header) in raw.columns {
        let column = Column::from_key(&key).ok_or_else(|| {
            format!(
                "[import.columns] clé « {key} » inconnue — clés possibles : {}",
                Column::ALL.map(Column::key).join(", ")
            )
        })?;
        if header.trim().is_empty() {
            return Err(format!("[import.columns] {key} est vide"));
        }
        columns.insert(column, header);
    }
    let mut statuses = BTreeMap::new();
    for (word, meaning) in raw.status {
        let status = match meaning.trim() {
            "valid" => Status::Valid,
            "pending" => Status::Pending,
            "cancelled" => Status::Cancelled,
            other => {
                return Err(format!(
                    "[import.status] « {word} » = « {other} » : attendu « valid » (admis), « pending » (en attente) ou « cancelled » (annulé)"
                ));
            }
        };
        statuses.insert(sort_key(&word), status);
    }
    let mut categories = BTreeMap::new();
    for (value, category) in raw.categories {
        let Some(c) = event.category(&category) else {
            return Err(format!(
                "[import.categories] « {value} » = « {category} » : pas une des [[categories]] ({})",
                event
                    .categories
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        categories.insert(sort_key(&value), c.name.clone());
    }
    Ok(ImportSettings {
        separator,
        encoding,
        sheet: raw.sheet,
        columns,
        profile,
        header_row: raw.header_row,
        statuses,
        categories,
        ignore: raw
            .ignore_columns
            .iter()
            .map(|h| sort_key(h))
            .filter(|h| !h.is_empty())
            .collect(),
    })
}
