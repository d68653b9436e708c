//! kiosk.toml `[printer]`: a CUPS queue, or a folder of PDFs.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::print::Printer;

/// kiosk.toml `[printer]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrinterSettings {
    pub printer: Printer,
    /// Reprints an attendee may ask for at a self-service kiosk.
    pub self_service_reprints: u32,
}
/// Where CUPS listens on this machine: `[printer] server` when not set.
pub const DEFAULT_CUPS_SERVER: &str = "http://localhost:631";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrinter {
    pub(super) kind: Option<String>,
    pub(super) name: Option<String>,
    pub(super) server: Option<String>,
    pub(super) folder: Option<PathBuf>,
    pub(super) self_service_reprints: Option<u32>,
}

pub(super) fn validate(raw: RawPrinter, base: &Path) -> Result<PrinterSettings, String> {
    let printer = match raw.kind.as_deref().unwrap_or("folder") {
        "cups" => {
            let queue = raw
                .name
                .filter(|n| !n.trim().is_empty())
                .ok_or("[printer] name manquant — le nom de la file CUPS (voir « lpstat -p »)")?;
            let server = raw.server.unwrap_or_else(|| DEFAULT_CUPS_SERVER.into());
            if !(server.starts_with("http://") || server.starts_with("ipp://")) {
                return Err(format!(
                    "[printer] server « {server} » invalide — par exemple « http://localhost:631 »"
                ));
            }
            Printer::Cups {
                server: server.replacen("ipp://", "http://", 1),
                queue,
            }
        }
        "folder" => Printer::Folder {
            dir: base.join(
                raw.folder
                    .unwrap_or_else(|| PathBuf::from("badges-imprimes")),
            ),
        },
        other => {
            return Err(format!(
                "[printer] kind « {other} » inconnu — « cups » (imprimante du système) ou « folder » (PDF dans un dossier)"
            ));
        }
    };
    Ok(PrinterSettings {
        printer,
        self_service_reprints: raw.self_service_reprints.unwrap_or(0),
    })
}
