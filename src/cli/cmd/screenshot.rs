//! `accueil screenshot`: every screen rendered to PNG, without a display.

use std::path::Path;

use crate::cli::report;

pub(in crate::cli) fn run(out: &Path) -> anyhow::Result<report::Screenshots> {
    Ok(report::Screenshots {
        paths: crate::ui::screenshots::render_all(out)?,
    })
}
