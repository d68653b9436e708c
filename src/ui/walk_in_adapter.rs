//! Registering someone who is not on the list, from the desk.

use slint::{ComponentHandle, SharedString};

use super::{AppWindow, Shared, WalkInAdapter, home_adapter, result_adapter};
use crate::app::AppError;
use crate::domain::{Details, DetailsError};

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
    let default_category = desk.borrow().kiosk.config.event.default_category.clone();
    form.on_open(move || {
        let Some(window) = w.upgrade() else { return };
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
        form.set_category(default_category.clone().into());
        super::go(&window, &d, super::desk::Page::WalkIn);
    });

    let (w, d) = (window.as_weak(), desk.clone());
    form.on_cancel(move || {
        if let Some(window) = w.upgrade() {
            home_adapter::reset(&window, &d);
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
        let registered = d.borrow_mut().walk_in(details);
        match registered {
            Some(Ok(shown)) => result_adapter::show(&window, &d, &shown),
            None => {}
            Some(Err(e)) => {
                let (code, detail) = form_error(&e);
                form.set_error(code.into());
                form.set_error_detail(detail.into());
            }
        }
    });
}
