//! « Vérifier la borne »: the checks of `accueil doctor` on a staff page.
//! They ask the printer and the hub (seconds at worst): they run on a
//! thread of their own, on a connection of their own, and the page shows
//! « Vérification en cours… » until they are back.

use slint::{ComponentHandle, ModelRc, VecModel};

use super::desk::{Desk, Intent};
use super::{AppWindow, CheckLevel, CheckRow, DoctorAdapter, Shared, dispatch};
use accueil_core::app::{Doctor, Level};
use accueil_core::config::Language;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let adapter = window.global::<DoctorAdapter>();
    for on in [DoctorAdapter::on_open, DoctorAdapter::on_again] {
        let (w, d) = (window.as_weak(), desk.clone());
        on(&adapter, move || {
            if let Some(window) = w.upgrade() {
                dispatch(&window, &d, Intent::OpenDoctor);
            }
        });
    }
    let (w, d) = (window.as_weak(), desk.clone());
    adapter.on_close(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Home);
        }
    });
}

/// Starts the checks. Without background work (tests), on this thread.
pub(super) fn run(window: &AppWindow, desk: &Desk) {
    let adapter = window.global::<DoctorAdapter>();
    adapter.set_running(true);
    adapter.set_checks(ModelRc::default());
    // In the language on screen when asked.
    let language = desk.language;
    let mut kiosk = match desk.kiosk.open_another() {
        Ok(k) => k,
        Err(e) => {
            render(window, &Doctor::could_not_start(e.to_string()), language);
            return;
        }
    };
    if desk.counter.is_none() {
        render(window, &kiosk.doctor(None), language);
        return;
    }
    let w = window.as_weak();
    let spawned = std::thread::Builder::new()
        .name("verification".into())
        .spawn(move || {
            let report = kiosk.doctor(None);
            let _ = w.upgrade_in_event_loop(move |w| render(&w, &report, language));
        });
    if let Err(e) = spawned {
        render(window, &Doctor::could_not_start(e.to_string()), language);
    }
}

fn render(window: &AppWindow, report: &Doctor, language: Language) {
    let adapter = window.global::<DoctorAdapter>();
    let rows: Vec<CheckRow> = report
        .checks
        .iter()
        .map(|c| CheckRow {
            name: c.name.into(),
            level: match c.level {
                Level::Ok => CheckLevel::Ok,
                Level::Warn => CheckLevel::Warn,
                Level::Fail => CheckLevel::Fail,
            },
            detail: c.detail.in_language(language).into(),
            fix: c
                .fix
                .as_ref()
                .map(|f| f.in_language(language))
                .unwrap_or_default()
                .into(),
        })
        .collect();
    adapter.set_checks(ModelRc::new(VecModel::from(rows)));
    adapter.set_ready(report.ready);
    adapter.set_running(false);
}
