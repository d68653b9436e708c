//! The confirmation card: who is about to be checked in.

use slint::ComponentHandle;

use super::desk::{Desk, Intent};
use super::{AppWindow, ConfirmAdapter, Shared, dispatch, person};
use accueil_core::domain::Registrant;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let confirm = window.global::<ConfirmAdapter>();
    let on_card = |w: &AppWindow| i64::from(w.global::<ConfirmAdapter>().get_person().id);
    let (w, d) = (window.as_weak(), desk.clone());
    confirm.on_confirm(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Confirm(on_card(&window)));
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    confirm.on_edit(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::EditFromCard(on_card(&window)));
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    confirm.on_cancel(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Home);
        }
    });
}

/// The card: an attendee sees a name and an organisation, nothing of the
/// ticket.
pub(super) fn render(window: &AppWindow, desk: &Desk, r: &Registrant) {
    let shown = if desk.self_service() {
        super::public_person(r)
    } else {
        person(&desk.kiosk, r)
    };
    window.global::<ConfirmAdapter>().set_person(shown);
}
