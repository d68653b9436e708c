//! Fixing someone's details at the desk (a misspelt name, a new
//! organisation): from the confirmation card before the badge prints, or
//! from the result screen, where saving reprints the badge.

use slint::ComponentHandle;

use super::desk::Intent;
use super::{AppWindow, EditAdapter, Shared, dispatch};
use accueil_core::domain::{DetailsPatch, Registrant};

/// The form on someone's current details.
pub(super) fn render(window: &AppWindow, r: &Registrant, reprint: bool) {
    let form = window.global::<EditAdapter>();
    form.set_first_name(r.first_name.clone().into());
    form.set_last_name(r.last_name.clone().into());
    form.set_organisation(r.organisation.clone().into());
    form.set_email(r.email.clone().into());
    form.set_category(r.category.clone().into());
    form.set_error("".into());
    form.set_error_detail("".into());
    form.set_reprint(reprint);
}

/// A fix refused: the form stays, with why.
pub(super) fn show_error(window: &AppWindow, code: &str, detail: &str) {
    let form = window.global::<EditAdapter>();
    form.set_error(code.into());
    form.set_error_detail(detail.into());
}

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let form = window.global::<EditAdapter>();

    let (w, d) = (window.as_weak(), desk.clone());
    form.on_cancel(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::CancelEdit);
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    form.on_submit(move || {
        let Some(window) = w.upgrade() else { return };
        let form = window.global::<EditAdapter>();
        let patch = DetailsPatch {
            first_name: Some(form.get_first_name().into()),
            last_name: Some(form.get_last_name().into()),
            organisation: Some(form.get_organisation().into()),
            email: Some(form.get_email().into()),
            category: Some(form.get_category().into()),
        };
        dispatch(&window, &d, Intent::SaveEdit(patch));
    });
}
