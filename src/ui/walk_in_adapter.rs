//! Registering someone who is not on the list, from the desk.

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use super::{AppWindow, Screen, Shared, WalkInAdapter, home_adapter, result_adapter};
use crate::domain::Details;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let form = window.global::<WalkInAdapter>();
    let event = desk.borrow().kiosk.config.event.clone();
    let categories: Vec<SharedString> = event
        .categories
        .iter()
        .map(|c| c.name.clone().into())
        .collect();
    form.set_categories(ModelRc::new(VecModel::from(categories)));

    let w = window.as_weak();
    let default_category = event.default_category.clone();
    form.on_open(move || {
        let Some(window) = w.upgrade() else { return };
        let form = window.global::<WalkInAdapter>();
        for set in [
            WalkInAdapter::set_first_name,
            WalkInAdapter::set_last_name,
            WalkInAdapter::set_organisation,
            WalkInAdapter::set_email,
            WalkInAdapter::set_error,
        ] {
            set(&form, SharedString::new());
        }
        form.set_category(default_category.clone().into());
        window.global::<Screen>().set_current("walk-in".into());
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
        let registered = d.borrow_mut().kiosk.walk_in(details, None);
        match registered {
            Ok(w) => result_adapter::show_check_in(&window, &d, &w.check_in),
            Err(e) => form.set_error(e.to_string().into()),
        }
    });
}
