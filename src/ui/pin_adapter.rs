//! Staff unlocking a self-service kiosk with their PIN, and locking it again.

use std::time::Instant;

use slint::ComponentHandle;

use super::{AppWindow, PinAdapter, Screen, Shared, home_adapter};
use crate::config::Mode;
use crate::domain::pin;

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
        window.global::<Screen>().set_current("pin".into());
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
        let mut desk = d.borrow_mut();
        if let Some(until) = desk.locked_until
            && Instant::now() < until
        {
            let wait = until.saturating_duration_since(Instant::now()).as_secs() + 1;
            p.set_error("wait".into());
            p.set_wait(i32::try_from(wait).unwrap_or(i32::MAX));
            return;
        }
        let hash = desk
            .kiosk
            .config
            .kiosk
            .staff_pin
            .clone()
            .unwrap_or_default();
        if pin::verify(&typed, &hash) {
            desk.attempts.succeeded();
            desk.locked_until = None;
            desk.mode = Mode::Staff;
            drop(desk);
            apply_mode(&window, &d);
            home_adapter::reset(&window, &d);
        } else {
            desk.attempts.failed();
            let lockout = desk.attempts.lockout();
            if lockout.is_zero() {
                p.set_error("wrong".into());
            } else {
                desk.locked_until = Some(Instant::now() + lockout);
                p.set_error("wrong-wait".into());
                p.set_wait(i32::try_from(lockout.as_secs()).unwrap_or(i32::MAX));
            }
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
