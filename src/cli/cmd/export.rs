//! `accueil export`: attendance per person and day, CSV for Excel.

use std::path::PathBuf;

use crate::app::Kiosk;
use crate::cli::report;

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    path: PathBuf,
    no_shows: bool,
) -> anyhow::Result<report::Exported> {
    let written = kiosk.export_attendance(&path, no_shows)?;
    Ok(report::Exported { written, path })
}
