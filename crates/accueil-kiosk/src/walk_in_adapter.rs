//! Registering someone who is not on the list, from the desk.

use slint::{ComponentHandle, SharedString};

use super::desk::Intent;
use super::{AppWindow, Shared, WalkInAdapter, dispatch};
use accueil_core::app::AppError;
use accueil_core::domain::{Details, DetailsError};

/// A form's error for the view to phrase: a code, and what it is about.
pub(super) fn form_error(e: &AppError) -> (&'static str, String) {
    match e {
        AppError::Details(DetailsError::NoName) => ("no-name", String::new()),
        AppError::Details(DetailsError::Email(address)) => ("email", address.clone()),
        other => ("other", other.to_string()),
    }
}

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let form = window.global::<WalkInAdapter>();
    let (w, d) = (window.as_weak(), desk.clone());
    form.on_open(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::OpenWalkIn);
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    form.on_cancel(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Home);
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    form.on_submit(move || {
        let Some(window) = w.upgrade() else { return };
        let form = window.global::<WalkInAdapter>();
        let details = Details {
            first_name: form.get_first_name().into(),
            last_name: form.get_last_name().into(),
            organisation: form.get_organisation().into(),
            email: form.get_email().into(),
            category: form.get_category().into(),
        };
        dispatch(&window, &d, Intent::WalkIn(details));
    });
}

/// An empty form, on the event's default category.
pub(super) fn clear(window: &AppWindow, default_category: &str) {
    let form = window.global::<WalkInAdapter>();
    for set in [
        WalkInAdapter::set_first_name,
        WalkInAdapter::set_last_name,
        WalkInAdapter::set_organisation,
        WalkInAdapter::set_email,
        WalkInAdapter::set_error,
        WalkInAdapter::set_error_detail,
    ] {
        set(&form, SharedString::new());
    }
    form.set_category(default_category.into());
}

/// A walk-in refused: the form stays, with why.
pub(super) fn show_error(window: &AppWindow, code: &str, detail: &str) {
    let form = window.global::<WalkInAdapter>();
    form.set_error(code.into());
    form.set_error_detail(detail.into());
}
