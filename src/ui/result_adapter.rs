//! The full-screen outcome of a check-in, and what staff can do from it:
//! undo, fix the name, reprint for a reason.

use slint::ComponentHandle;

use super::desk::{Said, Shown};
use super::{
    AppWindow, JobShown, ResultAdapter, ResultKind, Shared, home_adapter, job_state, status_adapter,
};
use crate::app::Lookup;
use crate::domain::{Outcome, Registrant};

/// Why a badge was printed again, as the print log records it.
pub(super) fn reprint_reason(code: &str) -> &'static str {
    match code {
        "lost" => "réimpression : badge perdu",
        "damaged" => "réimpression : badge abîmé",
        "misprint" => "réimpression : mal imprimé",
        "name-fixed" => "réimpression : nom corrigé",
        _ => "réimpression",
    }
}

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
        let Some(undone) = d.borrow_mut().undo() else {
            return;
        };
        match undone {
            Ok(shown) => render(&window, &d, &shown),
            Err(e) => window.global::<ResultAdapter>().set_error(e.into()),
        }
        status_adapter::refresh(&window, &d);
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_reprint(move |reason| {
        let Some(window) = w.upgrade() else { return };
        let Some(uid) = d.borrow().last else { return };
        queue_badge(&window, &d, uid, Some(reprint_reason(&reason)));
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_confirm_day(move || {
        let Some(window) = w.upgrade() else { return };
        let day = window.global::<ResultAdapter>().get_clock_day();
        let shown = d.borrow_mut().confirm_day(day);
        if let Some(shown) = shown {
            after_check_in(&window, &d, &shown);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_edit(move || {
        let Some(window) = w.upgrade() else { return };
        let Some(uid) = d.borrow().last else { return };
        let found = d.borrow().kiosk.registrant(&Lookup::Uid(uid));
        if let Ok(Some(r)) = found {
            super::edit_adapter::open(&window, &d, &r, true);
        }
    });
}

/// Checks someone in and shows the outcome; a welcome queues the badge.
pub(super) fn check_in(window: &AppWindow, desk: &Shared, lookup: Lookup) {
    let shown = desk.borrow_mut().check_in(lookup, None);
    after_check_in(window, desk, &shown);
}

/// Shows a check-in the desk made (a walk-in's); a welcome queues the badge.
pub(super) fn show(window: &AppWindow, desk: &Shared, shown: &Shown) {
    after_check_in(window, desk, shown);
}

/// The outcome on screen, the badge queued for a welcome, the status bar
/// counted once, the field ready for the next scan.
fn after_check_in(window: &AppWindow, desk: &Shared, shown: &Shown) {
    render(window, desk, shown);
    if let (true, Some(r)) = (shown.badge, &shown.person) {
        queue_badge(window, desk, r.uid, None);
    }
    status_adapter::refresh(window, desk);
    ready_for_next_scan(window);
}

/// After a name fix from the result screen: the new name, and its badge.
pub(super) fn show_fixed(window: &AppWindow, desk: &Shared, r: &Registrant) {
    let shown = desk.borrow_mut().fixed(r);
    render(window, desk, &shown);
    queue_badge(window, desk, r.uid, Some(reprint_reason("name-fixed")));
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
            show_job(window, &p.job);
            r.set_job_id(i32::try_from(p.job.id).unwrap_or(-1));
            if let Some(printer) = &d.printer {
                let _ = printer.send(());
            }
        }
        Err(e) => {
            r.set_job_state(JobShown::Refused);
            r.set_job_detail(e.to_string().into());
            r.set_job_id(-1);
        }
    }
}

/// Nothing left over from the previous outcome.
fn clear(r: &ResultAdapter) {
    for set in [
        ResultAdapter::set_scan_note,
        ResultAdapter::set_first_name,
        ResultAdapter::set_name,
        ResultAdapter::set_detail,
        ResultAdapter::set_time,
        ResultAdapter::set_at_kiosk,
        ResultAdapter::set_date,
        ResultAdapter::set_error,
        ResultAdapter::set_job_detail,
    ] {
        set(r, "".into());
    }
    r.set_job_state(JobShown::None);
    r.set_job_id(-1);
    r.set_clock_day(0);
}

/// The result page as the desk says it. At a self-service kiosk, the
/// person is a name and an organisation, no category.
fn render(window: &AppWindow, desk: &Shared, shown: &Shown) {
    let r = window.global::<ResultAdapter>();
    clear(&r);
    let d = desk.borrow();
    if let Some(p) = &shown.person {
        r.set_first_name(
            if p.first_name.is_empty() {
                &p.last_name
            } else {
                &p.first_name
            }
            .as_str()
            .into(),
        );
        r.set_name(p.display_name().into());
        if d.self_service() {
            r.set_detail(p.organisation.clone().into());
            r.set_category_colour(super::colour("#9E9E9E"));
        } else {
            r.set_detail(
                if p.organisation.is_empty() {
                    p.category.clone()
                } else {
                    format!("{} · {}", p.category, p.organisation)
                }
                .into(),
            );
            r.set_category_colour(super::colour(
                d.kiosk
                    .config
                    .event
                    .category(&p.category)
                    .map_or("#555555", |cat| cat.colour.as_str()),
            ));
        }
    }
    r.set_time(shown.time.clone().into());
    r.set_at_kiosk(shown.at_kiosk.clone().into());
    r.set_date(shown.date.clone().into());
    r.set_scan_note(shown.scan_note.into());
    let (scanner, host) = shown.scan_layouts.unwrap_or_default();
    r.set_scan_scanner(scanner.into());
    r.set_scan_host(host.into());
    r.set_error(shown.error.clone().into());
    r.set_clock_day(shown.clock_day);
    r.set_outcome(match shown.said {
        Said::CheckedIn(Outcome::Welcome) => ResultKind::Welcome,
        Said::CheckedIn(Outcome::AlreadyIn) => ResultKind::AlreadyIn,
        Said::CheckedIn(Outcome::Unknown) => ResultKind::Unknown,
        Said::CheckedIn(Outcome::Cancelled) => ResultKind::Cancelled,
        Said::CheckedIn(Outcome::Pending) => ResultKind::Pending,
        Said::CheckedIn(Outcome::NotToday) => ResultKind::NotToday,
        Said::Undone => ResultKind::Undone,
        Said::Edited => ResultKind::Edited,
        Said::SeeDesk => ResultKind::SeeDesk,
        Said::Error => ResultKind::Error,
    });
    super::show_page(window, d.page());
}

/// The print job's state on the result screen (also the print worker's news
/// about the job the screen follows).
pub(super) fn show_job(window: &AppWindow, job: &crate::app::JobView) {
    let r = window.global::<ResultAdapter>();
    let (state, detail) = job_state(job);
    r.set_job_state(state);
    r.set_job_detail(detail.into());
}
