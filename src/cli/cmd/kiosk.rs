//! `accueil kiosk`: the window — or, on a machine with no kiosk.toml yet,
//! its set-up screen first.

use std::path::Path;

/// The set-up screen of a new machine (no kiosk.toml at `config`).
pub(in crate::cli) fn set_up(config: &Path, db: Option<&Path>) -> anyhow::Result<()> {
    let database = db
        .map(Path::to_path_buf)
        .unwrap_or_else(|| crate::folder_of(config).join(crate::app::DATABASE_FILE));
    let _log = crate::logging::init(Some(&crate::logging::dir_beside(&database)));
    tracing::info!("{} absent : écran de mise en service", config.display());
    Ok(crate::ui::run_setup(config, db)?)
}

pub(in crate::cli) fn run(kiosk: crate::app::Kiosk) -> anyhow::Result<()> {
    Ok(crate::ui::run_kiosk(kiosk)?)
}
