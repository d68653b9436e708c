//! `accueil programme`: the rooms and sessions, from the organisers' sheet.

use std::path::PathBuf;

use crate::app::Kiosk;
use crate::cli::report;

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    file: PathBuf,
    dry_run: bool,
    force: bool,
) -> anyhow::Result<report::ProgrammeImported> {
    let i = kiosk.import_programme(&file, dry_run, force)?;
    Ok(report::ProgrammeImported { path: file, i })
}
