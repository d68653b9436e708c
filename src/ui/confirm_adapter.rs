//! The confirmation card: who is about to be checked in.

use slint::ComponentHandle;

use super::{AppWindow, ConfirmAdapter, Shared, home_adapter, lookup_of, person, result_adapter};
use crate::app::Lookup;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let confirm = window.global::<ConfirmAdapter>();
    let (w, d) = (window.as_weak(), desk.clone());
    confirm.on_confirm(move || {
        if let Some(window) = w.upgrade() {
            let id = window.global::<ConfirmAdapter>().get_person().id;
            result_adapter::check_in(&window, &d, lookup_of(id));
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    confirm.on_edit(move || {
        let Some(window) = w.upgrade() else { return };
        let id = window.global::<ConfirmAdapter>().get_person().id;
        let found = d.borrow().kiosk.registrant(&lookup_of(id));
        if let Ok(Some(r)) = found {
            super::edit_adapter::open(&window, &d, &r, false);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    confirm.on_cancel(move || {
        if let Some(window) = w.upgrade() {
            home_adapter::reset(&window, &d);
        }
    });
}

pub(super) fn open(window: &AppWindow, desk: &Shared, id: i64) {
    let d = desk.borrow();
    let Ok(Some(r)) = d.kiosk.registrant(&Lookup::Id(id)) else {
        return;
    };
    // An attendee sees a name and an organisation, nothing of the ticket.
    let shown = if d.mode == crate::config::Mode::SelfService {
        super::public_person(&r)
    } else {
        person(&d.kiosk, &r)
    };
    drop(d);
    window.global::<ConfirmAdapter>().set_person(shown);
    super::go(window, desk, super::desk::Page::Confirm);
}
