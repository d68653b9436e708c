//! The full-screen outcome of a check-in, and what staff can do from it:
//! undo, fix the name, reprint for a reason.

use slint::ComponentHandle;

use super::desk::{Desk, Intent, Said, Shown};
use super::{AppWindow, JobShown, ResultAdapter, ResultKind, Shared, dispatch, job_state};
use accueil_core::app::JobView;
use accueil_core::domain::Outcome;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let result = window.global::<ResultAdapter>();
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_dismissed(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Home);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_undo(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Undo);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_reprint(move |reason| {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Reprint(reason.into()));
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_confirm_day(move || {
        if let Some(window) = w.upgrade() {
            let day = window.global::<ResultAdapter>().get_clock_day();
            dispatch(&window, &d, Intent::ConfirmDay(day));
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_search_unknown(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::SearchUnknown);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_walk_in(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::OpenWalkIn);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    result.on_edit(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::EditFromResult);
        }
    });
}

/// An empty field (it takes the focus): the next scan lands there.
pub(super) fn clear_field(window: &AppWindow) {
    window.global::<super::HomeAdapter>().set_query("".into());
}

/// The badge queued for the person on the page, followed there (or why
/// it was not queued).
pub(super) fn show_queued(window: &AppWindow, queued: &Result<JobView, String>) {
    let r = window.global::<ResultAdapter>();
    match queued {
        Ok(job) => {
            show_job(window, job);
            r.set_job_id(i32::try_from(job.id).unwrap_or(-1));
        }
        Err(e) => {
            r.set_job_state(JobShown::Refused);
            r.set_job_detail(e.as_str().into());
            r.set_job_id(-1);
        }
    }
}

/// An undo not made: the page stays, with why.
pub(super) fn show_error(window: &AppWindow, why: &str) {
    window.global::<ResultAdapter>().set_error(why.into());
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
        ResultAdapter::set_read,
    ] {
        set(r, "".into());
    }
    r.set_job_state(JobShown::None);
    r.set_job_id(-1);
    r.set_clock_day(0);
    r.set_choices(0);
}

/// The result page as the desk says it. At a self-service kiosk, the
/// person is a name and an organisation, no category.
pub(super) fn render(window: &AppWindow, d: &Desk, shown: &Shown) {
    let r = window.global::<ResultAdapter>();
    clear(&r);
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
    r.set_read(shown.read.clone().into());
    r.set_choices(i32::try_from(shown.choices).unwrap_or(i32::MAX));
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
}

/// The print job's state on the result screen (also the print worker's news
/// about the job the screen follows).
pub(super) fn show_job(window: &AppWindow, job: &accueil_core::app::JobView) {
    let r = window.global::<ResultAdapter>();
    let (state, detail) = job_state(job);
    r.set_job_state(state);
    r.set_job_detail(detail.into());
}
