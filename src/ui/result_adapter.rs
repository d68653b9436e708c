//! The full-screen outcome of a check-in, and what staff can do from it.

use slint::ComponentHandle;

use super::{AppWindow, ResultAdapter, Screen, Shared, home_adapter, job_words, status_adapter};
use crate::app::CheckIn;
use crate::domain::{DaySpec, Outcome};
use crate::store::Lookup;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let result = window.global::<ResultAdapter>();
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_dismissed(move || {
        if let Some(window) = w.upgrade() {
            home_adapter::reset(&window, &d);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_undo(move || {
        let Some(window) = w.upgrade() else { return };
        let Some(uid) = d.borrow().last else { return };
        let day = d
            .borrow()
            .kiosk
            .day(None)
            .ok()
            .map(|(day, _)| DaySpec::Date(day.date));
        let undone = d.borrow_mut().kiosk.undo(&Lookup::Uid(uid), day);
        let r = window.global::<ResultAdapter>();
        match undone {
            Ok(u) => {
                r.set_outcome("undone".into());
                r.set_title("Arrivée annulée".into());
                r.set_detail(
                    u.registrant
                        .map(|p| p.display_name())
                        .unwrap_or_default()
                        .into(),
                );
                r.set_next("Rien n'est effacé : l'annulation est inscrite au journal.".into());
                r.set_print_state("".into());
            }
            Err(e) => r.set_next(format!("Annulation impossible : {e}").into()),
        }
        status_adapter::refresh(&window, &d.borrow().kiosk);
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_reprint(move || {
        let Some(window) = w.upgrade() else { return };
        let Some(uid) = d.borrow().last else { return };
        queue_badge(&window, &d, uid, Some("réimpression à l'accueil"));
    });
}

/// Checks someone in and shows the outcome; a welcome queues the badge.
pub(super) fn check_in(window: &AppWindow, desk: &Shared, lookup: Lookup) {
    let outcome = desk.borrow_mut().kiosk.check_in(&lookup, None);
    match outcome {
        Ok(c) => show_check_in(window, desk, &c),
        Err(e) => {
            let r = window.global::<ResultAdapter>();
            r.set_outcome("error".into());
            r.set_title("Erreur".into());
            r.set_detail(e.to_string().into());
            r.set_next("Recommencez ; si cela persiste, adressez-vous à l'organisation.".into());
            r.set_print_state("".into());
            window.global::<Screen>().set_current("result".into());
            ready_for_next_scan(window);
        }
    }
}

/// Shows a check-in's outcome (from a scan, a search or a walk-in); a
/// welcome queues the badge. The status bar is counted once per check-in.
pub(super) fn show_check_in(window: &AppWindow, desk: &Shared, c: &CheckIn) {
    show(window, desk, c);
    if let (Outcome::Welcome, Some(r)) = (c.outcome, &c.registrant) {
        queue_badge(window, desk, r.uid, None);
    }
    status_adapter::refresh(window, &desk.borrow().kiosk);
    ready_for_next_scan(window);
}

/// An empty field with the focus: the next scan lands there.
fn ready_for_next_scan(window: &AppWindow) {
    window.global::<super::HomeAdapter>().set_query("".into());
    window.invoke_arm();
}

fn queue_badge(window: &AppWindow, desk: &Shared, uid: uuid::Uuid, reason: Option<&str>) {
    let mut d = desk.borrow_mut();
    let self_service = d.mode == crate::config::Mode::SelfService;
    let queued = d.kiosk.queue_badge(&Lookup::Uid(uid), reason, self_service);
    let r = window.global::<ResultAdapter>();
    match queued {
        Ok(p) => {
            r.set_print_state(job_words(&p.job).into());
            r.set_job_id(i32::try_from(p.job.id).unwrap_or(-1));
            if let Some(printer) = &d.printer {
                let _ = printer.send(());
            }
        }
        Err(e) => r.set_print_state(format!("Badge non imprimé : {e}").into()),
    }
}

fn show(window: &AppWindow, desk: &Shared, c: &CheckIn) {
    let mut d = desk.borrow_mut();
    d.last = c.registrant.as_ref().map(|r| r.uid);
    let event = &d.kiosk.config.event;
    let r = window.global::<ResultAdapter>();
    let first = c.registrant.as_ref().map_or_else(String::new, |p| {
        if p.first_name.is_empty() {
            p.last_name.clone()
        } else {
            p.first_name.clone()
        }
    });
    let name = c
        .registrant
        .as_ref()
        .map(|p| p.display_name())
        .unwrap_or_default();
    let detail = c.registrant.as_ref().map_or_else(String::new, |p| {
        if p.organisation.is_empty() {
            p.category.clone()
        } else {
            format!("{} · {}", p.category, p.organisation)
        }
    });
    let (title, detail, next) = match c.outcome {
        Outcome::Welcome => (
            format!("Bienvenue, {first} !"),
            detail,
            "Votre badge s'imprime.".to_owned(),
        ),
        Outcome::AlreadyIn => {
            let (when, kiosk) = c.previous.as_ref().map_or_else(Default::default, |a| {
                (
                    format!(" à {}", event.timezone.to_datetime(a.at).strftime("%H:%M")),
                    format!(" · kiosque {}", a.kiosk),
                )
            });
            (
                format!("Déjà enregistré·e{when}"),
                format!("{name}{kiosk}"),
                "Besoin d'un nouveau badge ? « Réimprimer le badge ».".to_owned(),
            )
        }
        Outcome::Unknown => (
            "Billet inconnu".to_owned(),
            String::new(),
            "Merci de vous adresser à l'accueil.".to_owned(),
        ),
        Outcome::Cancelled => (
            "Billet annulé".to_owned(),
            name,
            "Merci de vous adresser à l'accueil.".to_owned(),
        ),
        Outcome::Pending => (
            "Inscription en attente".to_owned(),
            name,
            "Merci de vous adresser à l'accueil.".to_owned(),
        ),
        Outcome::NotToday => (
            format!("Pas attendu·e le {}", c.day.date.strftime("%d/%m")),
            format!(
                "{name} — {}",
                c.registrant
                    .as_ref()
                    .map(|p| p.category.as_str())
                    .unwrap_or("")
            ),
            "Merci de vous adresser à l'accueil.".to_owned(),
        ),
    };
    r.set_outcome(c.outcome.as_str().into());
    r.set_title(title.into());
    r.set_detail(detail.into());
    r.set_next(next.into());
    r.set_print_state("".into());
    r.set_job_id(-1);
    r.set_category_colour(super::colour(
        c.registrant
            .as_ref()
            .and_then(|p| event.category(&p.category))
            .map_or("#555555", |cat| cat.colour.as_str()),
    ));
    window.global::<Screen>().set_current("result".into());
}

/// The print worker's news about the job the result screen follows.
pub(super) fn show_job(window: &AppWindow, job: &crate::store::JobView) {
    window
        .global::<ResultAdapter>()
        .set_print_state(job_words(job).into());
}
