//! Staff unlocking a self-service kiosk with their PIN, and locking it again.

use slint::ComponentHandle;

use super::desk::{Desk, Intent, PinShown};
use super::{AppWindow, PinAdapter, Screen, Shared, dispatch};

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let p = window.global::<PinAdapter>();
    let (w, d) = (window.as_weak(), desk.clone());
    p.on_open(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::OpenPin);
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    p.on_cancel(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Home);
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    p.on_submit(move || {
        let Some(window) = w.upgrade() else { return };
        let p = window.global::<PinAdapter>();
        let typed = p.get_pin().to_string();
        p.set_pin("".into());
        dispatch(&window, &d, Intent::Pin(typed));
    });

    let w = window.as_weak();
    p.on_erase(move || {
        if let Some(window) = w.upgrade() {
            let p = window.global::<PinAdapter>();
            let mut pin = p.get_pin().to_string();
            pin.pop();
            p.set_pin(pin.into());
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    p.on_lock(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Lock);
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    window.global::<Screen>().on_idle(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Idle);
        }
    });
}

/// An empty PIN field, no error.
pub(super) fn clear(window: &AppWindow) {
    let p = window.global::<PinAdapter>();
    p.set_pin("".into());
    p.set_error("".into());
}

/// A refused attempt.
pub(super) fn render(window: &AppWindow, shown: PinShown) {
    let p = window.global::<PinAdapter>();
    match shown {
        PinShown::Unlocked => p.set_error("".into()),
        PinShown::Wrong => p.set_error("wrong".into()),
        PinShown::WrongWait(secs) => {
            p.set_error("wrong-wait".into());
            p.set_wait(secs);
        }
        PinShown::Wait(secs) => {
            p.set_error("wait".into());
            p.set_wait(secs);
        }
        PinShown::Ticket => p.set_error("ticket".into()),
        PinShown::Nothing => p.set_error("".into()),
    }
}

/// Shows the screen for the current mode.
pub(super) fn apply_mode(window: &AppWindow, desk: &Desk) {
    let screen = window.global::<Screen>();
    screen.set_self_service(desk.self_service());
    screen.set_can_lock(desk.can_lock());
    window
        .global::<super::KeyboardAdapter>()
        .set_shown(desk.kiosk.config.kiosk.touch.shown(desk.mode));
}
