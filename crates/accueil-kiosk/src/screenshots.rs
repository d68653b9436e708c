//! `accueil screenshot`: every screen rendered to PNG with Slint's software
//! renderer, without a display, on a fresh demo event.

use std::path::{Path, PathBuf};

use slint::{ComponentHandle, Model};

use super::{HomeAdapter, KioskUi, UiError};
use accueil_core::app::Kiosk;
use accueil_core::config::Config;
use accueil_core::config::Language;
use i_slint_backend_testing::ElementHandle;

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
    snapshot_window(ui.window.window(), path)
}

/// Writes one PNG of any of the application's windows as it is now.
pub fn snapshot_window(window: &slint::Window, path: &Path) -> Result<(), UiError> {
    let buffer = window
        .take_snapshot()
        .map_err(|e| UiError::Snapshot(e.to_string()))?;
    let image =
        image::RgbaImage::from_raw(buffer.width(), buffer.height(), buffer.as_bytes().to_vec())
            .ok_or_else(|| UiError::Snapshot("tampon d'image incohérent".into()))?;
    image
        .save(path)
        .map_err(|e| UiError::Snapshot(format!("{}: {e}", path.display())))
}

/// Renders every screen, in French then in English, into `out` and returns
/// the files written (`kiosk-fr-1-accueil.png`, `kiosk-en-1-accueil.png`…).
pub fn render_all(out: &Path) -> Result<Vec<PathBuf>, UiError> {
    init_headless();
    std::fs::create_dir_all(out)
        .map_err(|e| UiError::Snapshot(format!("{}: {e}", out.display())))?;
    let mut written = Vec::new();
    for language in [Language::French, Language::English] {
        let work = std::env::temp_dir().join(format!(
            "accueil-screenshots-{}-{}",
            std::process::id(),
            language.code()
        ));
        let rendered = render_setup(&work, out, language, &mut written)
            .and_then(|()| render_language(&work, out, language, &mut written))
            .and_then(|()| render_door(&work, out, language, &mut written));
        let _ = std::fs::remove_dir_all(&work);
        rendered?;
    }
    Ok(written)
}

/// Lets the outcome's white flash fade (mocked time, no waiting). Without
/// an event loop, timers start and animations advance only when a frame is
/// drawn: a frame starts the flash's timer, it fires, a frame starts the
/// fade, the fade ends.
fn settle(ui: &KioskUi) {
    for _ in 0..3 {
        let _ = ui.window.window().take_snapshot();
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(500));
    }
}

/// The set-up screen of a machine with no kiosk.toml, as it opens.
fn render_setup(
    work: &Path,
    out: &Path,
    language: Language,
    written: &mut Vec<PathBuf>,
) -> Result<(), UiError> {
    let setup = super::SetupUi::new(&work.join("nouveau-kiosque.toml"), None, false)?;
    setup
        .window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    setup.window.show()?;
    if language == Language::English {
        setup
            .window
            .global::<super::SetupAdapter>()
            .invoke_switch_language();
    }
    let path = out.join(format!("kiosk-{}-00-mise-en-service.png", language.code()));
    snapshot_window(setup.window.window(), &path)?;
    written.push(path);
    setup.window.hide()?;
    // Back to French: the kiosk's screens switch on their own.
    super::select_language(Language::French)
}

/// The demo's room door (porte.toml): waiting, a person let in, the room
/// full. The demo in `work` is already built.
fn render_door(
    work: &Path,
    out: &Path,
    language: Language,
    written: &mut Vec<PathBuf>,
) -> Result<(), UiError> {
    let config =
        Config::load(&work.join("porte.toml")).map_err(accueil_core::app::AppError::from)?;
    let door = super::DoorUi::new(Kiosk::open(config, None)?, false)?;
    door.window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    door.window.show()?;
    if language == Language::English {
        door.send(super::DoorIntent::SwitchLanguage);
    }
    let mut shot = |name: &str| -> Result<(), UiError> {
        let path = out.join(format!("kiosk-{}-{name}.png", language.code()));
        snapshot_window(door.window.window(), &path)?;
        written.push(path);
        Ok(())
    };
    shot("20-porte")?;
    // Someone who is not in the room yet.
    let code = door.with_kiosk(|k| {
        (400..1200)
            .map(|n| format!("NEC-{n:06}"))
            .find(|c| {
                k.registrant(&accueil_core::app::Lookup::Code(c.clone()))
                    .ok()
                    .flatten()
                    .is_some_and(|r| {
                        r.status == accueil_core::domain::Status::Valid
                            && r.category == "Participant"
                    })
            })
            .unwrap_or_default()
    });
    door.send(super::DoorIntent::Submitted(code));
    shot("21-porte-entree")?;
    super::select_language(Language::French)
}

/// One language's screens, on a fresh demo event in `work`.
fn render_language(
    work: &Path,
    out: &Path,
    language: Language,
    written: &mut Vec<PathBuf>,
) -> Result<(), UiError> {
    let config_path = accueil_core::demo::create(work, 1200)?;
    let kiosk = Kiosk::open(
        Config::load(&config_path).map_err(accueil_core::app::AppError::from)?,
        None,
    )?;
    let ui = KioskUi::new(kiosk, false)?;
    ui.window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    ui.window.show()?;
    ui.set_language(language);
    let mut shot = |name: &str, ui: &KioskUi| -> Result<(), UiError> {
        let path = out.join(format!("kiosk-{}-{name}.png", language.code()));
        snapshot(ui, &path)?;
        written.push(path);
        Ok(())
    };
    let tap = |ui: &KioskUi, label: &str| {
        if let Some(e) = ElementHandle::find_by_accessible_label(&ui.window, label).next() {
            e.invoke_accessible_default_action();
        }
    };
    let english = language == Language::English;
    shot("01-accueil", &ui)?;
    let home = ui.window.global::<HomeAdapter>();
    home.set_query("hel".into());
    home.invoke_query_edited("hel".into());
    shot("02-recherche", &ui)?;
    home.invoke_chosen(home.get_results().row_data(0).map_or(0, |p| p.id));
    shot("03-confirmation", &ui)?;
    let code = ui.with_kiosk(|k| {
        k.search("hel", 1)
            .ok()
            .and_then(|r| r.hits.first().map(|h| h.code.clone()))
    });
    home.invoke_submitted(code.clone().unwrap_or_default().into());
    // The white flash is over by the time anyone reads the screen.
    settle(&ui);
    shot("04-bienvenue", &ui)?;
    tap(
        &ui,
        if english {
            "Reprint badge"
        } else {
            "Réimprimer le badge"
        },
    );
    shot("05-reimpression-motif", &ui)?;
    tap(
        &ui,
        if english {
            "Don't reprint"
        } else {
            "Ne pas réimprimer"
        },
    );
    tap(
        &ui,
        if english {
            "Fix the name"
        } else {
            "Corriger le nom"
        },
    );
    let form = ui.window.global::<super::EditAdapter>();
    let fixed = format!("{}-Marchal", form.get_last_name());
    form.set_last_name(fixed.into());
    shot("06-correction", &ui)?;
    form.invoke_submit();
    settle(&ui);
    shot("07-nom-corrige", &ui)?;
    home.invoke_submitted(code.unwrap_or_default().into());
    settle(&ui);
    shot("08-deja-enregistre", &ui)?;
    home.invoke_submitted("NEC-999999".into());
    settle(&ui);
    shot("09-billet-inconnu", &ui)?;
    ui.window.global::<super::WalkInAdapter>().invoke_open();
    shot("10-inscription-sur-place", &ui)?;
    ui.window.global::<super::WalkInAdapter>().invoke_cancel();
    // The same form on a staff tablet (`touch = true`), half typed with the
    // on-screen keyboard.
    ui.with_kiosk(|k| k.config.kiosk.touch = accueil_core::config::Touch::On);
    ui.set_mode(accueil_core::config::Mode::Staff);
    ui.window.global::<super::WalkInAdapter>().invoke_open();
    let keyboard = ui.window.global::<super::KeyboardAdapter>();
    for c in "marie-hélène".chars() {
        keyboard.invoke_key(c.to_string().into());
    }
    tap(
        &ui,
        if english {
            "Next field"
        } else {
            "Champ suivant"
        },
    );
    for c in "de".chars() {
        keyboard.invoke_key(c.to_string().into());
    }
    shot("16-inscription-tablette", &ui)?;
    ui.window.global::<super::WalkInAdapter>().invoke_cancel();
    ui.with_kiosk(|k| k.config.kiosk.touch = accueil_core::config::Touch::Auto);
    ui.set_mode(accueil_core::config::Mode::Staff);
    // A scanner left in US mode on this AZERTY kiosk: let in, staff told.
    let us_on_fr = accueil_core::domain::keyboard::Mix::new(
        accueil_core::domain::keyboard::Layout::Us,
        accueil_core::domain::keyboard::Layout::Fr,
    );
    let pair = ui.with_kiosk(|k| {
        let hits = k.search("mar", 40).map(|r| r.hits).unwrap_or_default();
        let day = k.day(None).ok().map(|(d, _)| d.date);
        let mut fresh = hits.into_iter().filter(|h| {
            h.status == accueil_core::domain::Status::Valid
                && day.is_some_and(|d| {
                    k.config.event.category_valid_on(&h.category, d)
                        && k.arrival_on(h.uid, d).ok().flatten().is_none()
                })
        });
        (fresh.next(), fresh.next())
    });
    if let (Some(first), Some(second)) = pair {
        if let Some(read) = us_on_fr.garble(&first.code) {
            home.invoke_submitted(read.into());
            settle(&ui);
            shot("14-lecteur-mal-regle", &ui)?;
        }
        let scanner = ui.window.global::<super::ScannerAdapter>();
        scanner.invoke_open();
        if let Some(read) = us_on_fr.garble(&second.code) {
            scanner.invoke_tested(read.into());
        }
        shot("15-tester-le-lecteur", &ui)?;
        scanner.invoke_close();
    }
    // « Vérifier la borne »: the checks of `accueil doctor`.
    let doctor = ui.window.global::<super::DoctorAdapter>();
    doctor.invoke_open();
    shot("17-verifier-la-borne", &ui)?;
    doctor.invoke_close();
    // pretix refused an arrival the door let in (its order was cancelled
    // after the last refresh), as the hub hands it over.
    let someone = ui.with_kiosk(|k| {
        k.search("dup", 1).ok().and_then(|r| {
            r.hits
                .first()
                .map(|h| format!("{} {}", h.first_name, h.last_name))
        })
    });
    let news = accueil_core::protocol::PretixNews {
        pending: 0,
        last_contact: Some(jiff::Timestamp::now()),
        notices: vec![accueil_core::app::PretixNotice {
            record: uuid::Uuid::now_v7(),
            kiosk: ui.with_kiosk(|k| k.config.kiosk.id.clone()),
            code: String::new(),
            name: someone.unwrap_or_default(),
            answer: "refused".into(),
            reason: Some("canceled".into()),
            at: jiff::Timestamp::now(),
        }],
    };
    ui.with_kiosk(|k| k.remember_hub_pretix(&news))?;
    ui.show_pretix_notices();
    shot("13-refus-pretix", &ui)?;
    // The same kiosk as a self-service terminal.
    ui.with_kiosk(|k| k.config.kiosk.mode = accueil_core::config::Mode::SelfService);
    ui.set_mode(accueil_core::config::Mode::SelfService);
    super::home_adapter_reset(&ui);
    home.set_query("dup".into());
    home.invoke_query_edited("dup".into());
    shot("11-libre-service", &ui)?;
    ui.window.global::<super::PinAdapter>().invoke_open();
    shot("12-code-personnel", &ui)?;
    Ok(())
}
