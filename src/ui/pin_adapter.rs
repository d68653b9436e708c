//! Staff unlocking a self-service kiosk with their PIN, and locking it again.

use slint::ComponentHandle;

use super::desk::PinShown;
use super::{AppWindow, PinAdapter, Screen, Shared, home_adapter};

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
        super::go(&window, &d, super::desk::Page::Pin);
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
        let shown = d.borrow_mut().pin(&typed);
        match shown {
            PinShown::Unlocked => {
                apply_mode(&window, &d);
                home_adapter::reset(&window, &d);
            }
            PinShown::Wrong => p.set_error("wrong".into()),
            PinShown::WrongWait(secs) => {
                p.set_error("wrong-wait".into());
                p.set_wait(secs);
            }
            PinShown::Wait(secs) => {
                p.set_error("wait".into());
                p.set_wait(secs);
            }
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    p.on_lock(move || {
        let Some(window) = w.upgrade() else { return };
        d.borrow_mut().lock();
        apply_mode(&window, &d);
        home_adapter::reset(&window, &d);
    });

    let (w, d) = (window.as_weak(), desk.clone());
    window.global::<Screen>().on_idle(move || {
        if let Some(window) = w.upgrade() {
            let language = d.borrow_mut().idle();
            super::set_language(&window, &d, language);
            home_adapter::reset(&window, &d);
        }
    });
}

/// Shows the screen for the current mode.
pub(super) fn apply_mode(window: &AppWindow, desk: &Shared) {
    let d = desk.borrow();
    let screen = window.global::<Screen>();
    screen.set_self_service(d.self_service());
    screen.set_can_lock(d.can_lock());
}
