//! `accueil demo`: a made-up event of 1,200 registrants, then its window.

use std::path::Path;

/// Makes the demonstration in `dir` and, unless `no_window`, opens it.
pub(in crate::cli) fn run(dir: &Path, no_window: bool) -> anyhow::Result<()> {
    let config_path = crate::demo::create(dir, 1200)?;
    say!(
        "Démonstration prête dans {} — relancez-la avec « accueil --config {} kiosk » ; la porte d'une salle : « accueil --config {} kiosk »",
        dir.display(),
        config_path.display(),
        crate::folder_of(&config_path).join("porte.toml").display()
    );
    if no_window {
        return Ok(());
    }
    #[cfg(feature = "gui")]
    {
        let config = crate::config::Config::load(&config_path)?;
        let _log = crate::logging::init(Some(&crate::logging::dir_beside(&config.database)));
        Ok(crate::ui::run_kiosk(crate::app::Kiosk::open(
            config, None,
        )?)?)
    }
    #[cfg(not(feature = "gui"))]
    anyhow::bail!(
        "accueil est compilé sans interface (--no-default-features) : la démonstration est prête, ouvrez-la avec un accueil complet"
    )
}
