//! The full-screen outcome of a check-in, and what staff can do from it:
//! undo, fix the name, reprint for a reason.

use slint::ComponentHandle;

use super::{
    AppWindow, JobShown, ResultAdapter, ResultKind, Shared, home_adapter, job_state, status_adapter,
};
use crate::app::CheckIn;
use crate::app::Lookup;
use crate::domain::{DaySpec, Outcome, Registrant};

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
                r.set_outcome(ResultKind::Undone);
                r.set_name(
                    u.registrant
                        .map(|p| p.display_name())
                        .unwrap_or_default()
                        .into(),
                );
                r.set_error("".into());
                r.set_job_state(JobShown::None);
                r.set_job_id(-1);
            }
            Err(e) => r.set_error(e.to_string().into()),
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
        let Some(lookup) = d.borrow_mut().held.take() else {
            return;
        };
        let Ok(n) = usize::try_from(day) else { return };
        check_in_on(&window, &d, lookup, Some(DaySpec::Number(n)));
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
    check_in_on(window, desk, lookup, None);
}

fn check_in_on(window: &AppWindow, desk: &Shared, lookup: Lookup, day: Option<DaySpec>) {
    let outcome = desk.borrow_mut().kiosk.check_in(&lookup, day);
    match outcome {
        Ok(c) => show_check_in(window, desk, &c),
        Err(e) => {
            let self_service = desk.borrow().mode == crate::config::Mode::SelfService;
            desk.borrow_mut().last = None;
            let r = window.global::<ResultAdapter>();
            clear(&r);
            // This kiosk's clock says another day than the hub's: staff
            // confirm the hub's day (an attendee is sent to the desk).
            if let crate::app::AppError::ClockDay {
                hub_day: Some(n), ..
            } = &e
            {
                r.set_clock_day(i32::try_from(*n).unwrap_or(0));
                desk.borrow_mut().held = Some(lookup);
            }
            if self_service {
                r.set_outcome(ResultKind::SeeDesk);
            } else {
                r.set_outcome(ResultKind::Error);
                r.set_error(e.to_string().into());
            }
            super::go(window, desk, super::desk::Page::Result);
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
    status_adapter::refresh(window, desk);
    ready_for_next_scan(window);
}

/// After a name fix from the result screen: the new name, and its badge.
pub(super) fn show_fixed(window: &AppWindow, desk: &Shared, r: &Registrant) {
    desk.borrow_mut().last = Some(r.uid);
    let res = window.global::<ResultAdapter>();
    clear(&res);
    res.set_outcome(ResultKind::Edited);
    about(&res, desk, r);
    super::go(window, desk, super::desk::Page::Result);
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

/// The person the result screen is about (at a self-service kiosk: a name
/// and an organisation, no category).
fn about(r: &ResultAdapter, desk: &Shared, p: &Registrant) {
    let d = desk.borrow();
    let event = &d.kiosk.config.event;
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
    if d.mode == crate::config::Mode::SelfService {
        r.set_detail(p.organisation.clone().into());
        r.set_category_colour(super::colour("#9E9E9E"));
        return;
    }
    r.set_detail(
        if p.organisation.is_empty() {
            p.category.clone()
        } else {
            format!("{} · {}", p.category, p.organisation)
        }
        .into(),
    );
    r.set_category_colour(super::colour(
        event
            .category(&p.category)
            .map_or("#555555", |cat| cat.colour.as_str()),
    ));
}

fn show(window: &AppWindow, desk: &Shared, c: &CheckIn) {
    desk.borrow_mut().last = c.registrant.as_ref().map(|r| r.uid);
    let r = window.global::<ResultAdapter>();
    clear(&r);
    if let Some(p) = &c.registrant {
        about(&r, desk, p);
    }
    if desk.borrow().mode == crate::config::Mode::SelfService {
        // Nothing of the ticket or of an earlier arrival: typing someone
        // else's name tells nothing about them.
        r.set_outcome(
            match crate::domain::privacy::self_service_outcome(c.outcome) {
                crate::domain::privacy::SelfServiceShows::Welcome => ResultKind::Welcome,
                crate::domain::privacy::SelfServiceShows::SeeDesk => ResultKind::SeeDesk,
            },
        );
        super::go(window, desk, super::desk::Page::Result);
        return;
    }
    if let (Outcome::AlreadyIn, Some(a)) = (c.outcome, &c.previous) {
        let d = desk.borrow();
        let tz = &d.kiosk.config.event.timezone;
        r.set_time(tz.to_datetime(a.at).strftime("%H:%M").to_string().into());
        r.set_at_kiosk(a.kiosk.clone().into());
    }
    if c.outcome == Outcome::NotToday {
        r.set_date(c.day.date.strftime("%d/%m").to_string().into());
    }
    let (note, mix) = match (c.scan.via, c.scan.ambiguous.first()) {
        (Some(m), _) => ("mixed", Some(m)),
        (None, Some((m, _))) => ("ambiguous", Some(*m)),
        (None, None) => ("", None),
    };
    r.set_scan_note(note.into());
    r.set_scan_scanner(mix.map(|m| m.scanner.key()).unwrap_or_default().into());
    r.set_scan_host(mix.map(|m| m.host.key()).unwrap_or_default().into());
    r.set_outcome(shown(c.outcome));
    super::go(window, desk, super::desk::Page::Result);
}

/// The print job's state on the result screen (also the print worker's news
/// about the job the screen follows).
pub(super) fn show_job(window: &AppWindow, job: &crate::app::JobView) {
    let r = window.global::<ResultAdapter>();
    let (state, detail) = job_state(job);
    r.set_job_state(state);
    r.set_job_detail(detail.into());
}

/// The result screen of a check-in's outcome.
fn shown(outcome: crate::domain::Outcome) -> ResultKind {
    use crate::domain::Outcome as O;
    match outcome {
        O::Welcome => ResultKind::Welcome,
        O::AlreadyIn => ResultKind::AlreadyIn,
        O::Unknown => ResultKind::Unknown,
        O::Cancelled => ResultKind::Cancelled,
        O::Pending => ResultKind::Pending,
        O::NotToday => ResultKind::NotToday,
    }
}
