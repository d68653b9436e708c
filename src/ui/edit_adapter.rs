//! Fixing someone's details at the desk (a misspelt name, a new
//! organisation): from the confirmation card before the badge prints, or
//! from the result screen, where saving reprints the badge.

use slint::ComponentHandle;

use super::desk::{Back, Saved};
use super::{
    AppWindow, EditAdapter, Shared, confirm_adapter, result_adapter, walk_in_adapter::form_error,
};
use crate::domain::{DetailsPatch, Registrant};

/// Opens the form on someone's current details.
pub(super) fn open(window: &AppWindow, desk: &Shared, r: &Registrant, reprint: bool) {
    desk.borrow_mut().edit(r.id, reprint);
    let form = window.global::<EditAdapter>();
    form.set_first_name(r.first_name.clone().into());
    form.set_last_name(r.last_name.clone().into());
    form.set_organisation(r.organisation.clone().into());
    form.set_email(r.email.clone().into());
    form.set_category(r.category.clone().into());
    form.set_error("".into());
    form.set_error_detail("".into());
    form.set_reprint(reprint);
    super::show_page(window, super::desk::Page::Edit);
}

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let form = window.global::<EditAdapter>();

    let (w, d) = (window.as_weak(), desk.clone());
    form.on_cancel(move || {
        let Some(window) = w.upgrade() else { return };
        let back = d.borrow_mut().cancel_edit();
        match back {
            Some(Back::Result) => {
                super::show_page(&window, super::desk::Page::Result);
                window.invoke_arm();
            }
            Some(Back::Confirm(id)) => confirm_adapter::open(&window, &d, id),
            None => {}
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
        let saved = d.borrow_mut().save_edit(patch);
        match saved {
            Some(Ok(Saved::Reprint(r))) => result_adapter::show_fixed(&window, &d, &r),
            Some(Ok(Saved::Confirm(id))) => confirm_adapter::open(&window, &d, id),
            Some(Err(e)) => {
                let (code, detail) = form_error(&e);
                form.set_error(code.into());
                form.set_error_detail(detail.into());
            }
            None => {}
        }
    });
}
