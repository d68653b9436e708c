//! Staff unlocking a self-service kiosk with their PIN, and locking it again.

use slint::ComponentHandle;

use super::{AppWindow, Page, PinAdapter, Screen, Shared, home_adapter};
use crate::app::PinVerdict;
use crate::config::Mode;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let p = window.global::<PinAdapter>();
    let (w, d) = (window.as_weak(), desk.clone());
    p.on_open(move || {
        let Some(window) = w.upgrade() else { return };
        // Whatever the attendee typed goes before staff step in.
        home_adapter::reset(&window, &d);
        let p = window.global::<PinAdapter>();
        p.set_pin("".into());
        p.set_error("".into());
        window.global::<Screen>().set_current(Page::Pin);
    });

    let (w, d) = (window.as_weak(), desk.clone());
    p.on_cancel(move || {
        if let Some(window) = w.upgrade() {
            home_adapter::reset(&window, &d);
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    p.on_submit(move || {
        let Some(window) = w.upgrade() else { return };
        let p = window.global::<PinAdapter>();
        let typed = p.get_pin().to_string();
        p.set_pin("".into());
        let verdict = d.borrow_mut().kiosk.try_pin(&typed);
        // Whole seconds, rounded up: never « 0 s » while it still waits.
        let secs = |w: std::time::Duration| {
            i32::try_from(w.as_secs() + u64::from(w.subsec_nanos() > 0)).unwrap_or(i32::MAX)
        };
        match verdict {
            Ok(PinVerdict::Unlocked) => {
                d.borrow_mut().mode = Mode::Staff;
                apply_mode(&window, &d);
                home_adapter::reset(&window, &d);
            }
            Ok(PinVerdict::Wrong { wait }) if wait.is_zero() => p.set_error("wrong".into()),
            Ok(PinVerdict::Wrong { wait }) => {
                p.set_error("wrong-wait".into());
                p.set_wait(secs(wait));
            }
            Ok(PinVerdict::Wait { wait }) => {
                p.set_error("wait".into());
                p.set_wait(secs(wait));
            }
            Err(_) => p.set_error("wrong".into()),
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    p.on_lock(move || {
        let Some(window) = w.upgrade() else { return };
        d.borrow_mut().mode = Mode::SelfService;
        apply_mode(&window, &d);
        home_adapter::reset(&window, &d);
    });

    let (w, d) = (window.as_weak(), desk.clone());
    window.global::<Screen>().on_idle(move || {
        if let Some(window) = w.upgrade() {
            // The next attendee finds the kiosk as configured.
            let language = d.borrow().kiosk.config.kiosk.language;
            super::set_language(&window, &d, language);
            home_adapter::reset(&window, &d);
        }
    });
}

/// Shows the screen for the current mode.
pub(super) fn apply_mode(window: &AppWindow, desk: &Shared) {
    let d = desk.borrow();
    let screen = window.global::<Screen>();
    screen.set_self_service(d.mode == Mode::SelfService);
    screen.set_can_lock(d.mode == Mode::Staff && d.kiosk.config.kiosk.mode == Mode::SelfService);
}
