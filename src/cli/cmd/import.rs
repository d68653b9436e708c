//! `accueil import`: a registrants' file, or the list from pretix
//! (`--from pretix`); atomic, `--dry-run` to look first.

use std::path::PathBuf;

use crate::app::{ImportOptions, Kiosk};
use crate::cli::output::with_progress;
use crate::cli::report;

/// What `import` read and changed, from a file or from pretix.
#[derive(serde::Serialize)]
#[serde(untagged)]
pub(in crate::cli) enum Imported {
    File(report::FileImport),
    Pretix(report::PretixImport),
}

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    file: Option<PathBuf>,
    options: ImportOptions,
    json: bool,
) -> anyhow::Result<Imported> {
    Ok(match file {
        Some(file) => {
            let imported = with_progress(json, "Import", |progress| {
                kiosk.import_file(&file, options, progress)
            })?;
            Imported::File(report::FileImport {
                file,
                imported,
                options,
            })
        }
        None => {
            let imported = with_progress(json, "pretix", |progress| {
                kiosk.import_pretix(options, progress)
            })?;
            Imported::Pretix(report::PretixImport { imported, options })
        }
    })
}

impl std::fmt::Display for Imported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Imported::File(r) => r.fmt(f),
            Imported::Pretix(r) => r.fmt(f),
        }
    }
}
