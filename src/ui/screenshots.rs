//! `accueil screenshot`: every screen rendered to PNG with Slint's software
//! renderer, without a display, on a fresh demo event.

use std::path::{Path, PathBuf};

use slint::{ComponentHandle, Model};

use super::{HomeAdapter, KioskUi, UiError};
use crate::app::Kiosk;
use crate::config::Config;

/// Installs the headless platform (once per process).
pub fn init_headless() {
    use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};
    let _ = slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })));
}

/// Writes one PNG of the window as it is now.
pub fn snapshot(ui: &KioskUi, path: &Path) -> Result<(), UiError> {
    let buffer = ui
        .window
        .window()
        .take_snapshot()
        .map_err(|e| UiError::Snapshot(e.to_string()))?;
    let image =
        image::RgbaImage::from_raw(buffer.width(), buffer.height(), buffer.as_bytes().to_vec())
            .ok_or_else(|| UiError::Snapshot("tampon d'image incohérent".into()))?;
    image
        .save(path)
        .map_err(|e| UiError::Snapshot(format!("{}: {e}", path.display())))
}

/// Renders the main screens into `out` and returns the files written.
pub fn render_all(out: &Path) -> Result<Vec<PathBuf>, UiError> {
    init_headless();
    std::fs::create_dir_all(out)
        .map_err(|e| UiError::Snapshot(format!("{}: {e}", out.display())))?;
    let work = std::env::temp_dir().join(format!("accueil-screenshots-{}", std::process::id()));
    let config_path = crate::demo::create(&work, 1200)?;
    let kiosk = Kiosk::open(
        Config::load(&config_path).map_err(crate::app::AppError::from)?,
        None,
    )?;
    let ui = KioskUi::new(kiosk, false)?;
    ui.window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    ui.window.show()?;
    let mut written = Vec::new();
    let mut shot = |name: &str, ui: &KioskUi| -> Result<(), UiError> {
        let path = out.join(format!("kiosk-fr-{name}.png"));
        snapshot(ui, &path)?;
        written.push(path);
        Ok(())
    };
    shot("1-accueil", &ui)?;
    let home = ui.window.global::<HomeAdapter>();
    home.set_query("hel".into());
    home.invoke_query_edited("hel".into());
    shot("2-recherche", &ui)?;
    home.invoke_chosen(home.get_results().row_data(0).map_or(0, |p| p.id));
    shot("3-confirmation", &ui)?;
    let code = ui.with_kiosk(|k| {
        k.search("hel", 1)
            .ok()
            .and_then(|r| r.hits.first().map(|h| h.code.clone()))
    });
    home.invoke_submitted(code.clone().unwrap_or_default().into());
    shot("4-bienvenue", &ui)?;
    home.invoke_submitted(code.unwrap_or_default().into());
    shot("5-deja-enregistre", &ui)?;
    home.invoke_submitted("NEC-999999".into());
    shot("6-billet-inconnu", &ui)?;
    ui.window.global::<super::WalkInAdapter>().invoke_open();
    shot("7-inscription-sur-place", &ui)?;
    // The same kiosk as a self-service terminal.
    ui.with_kiosk(|k| k.config.kiosk.mode = crate::config::Mode::SelfService);
    ui.set_mode(crate::config::Mode::SelfService);
    super::home_adapter_reset(&ui);
    home.set_query("dup".into());
    home.invoke_query_edited("dup".into());
    shot("8-libre-service", &ui)?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(written)
}
