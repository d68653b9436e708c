//! The on-screen keyboard (`[kiosk] touch`): on the home screen it types
//! into the scan/search field, on the walk-in and edit forms into the box
//! that last had the focus. The desk says what each tap writes.

use slint::ComponentHandle;

use super::desk::{Entry, Form, Intent, KeyTap, Page};
use super::{AppWindow, EditAdapter, HomeAdapter, KeyboardAdapter, Screen, Shared, WalkInAdapter};
use super::{Entry as ShownEntry, dispatch};

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let keyboard = window.global::<KeyboardAdapter>();
    let (w, d) = (window.as_weak(), desk.clone());
    keyboard.on_key(move |text| {
        if let (Some(window), Some(c)) = (w.upgrade(), text.chars().next()) {
            tap(&window, &d, KeyTap::Char(c));
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    keyboard.on_erase(move || {
        if let Some(window) = w.upgrade() {
            tap(&window, &d, KeyTap::Erase);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    keyboard.on_enter(move || {
        if let Some(window) = w.upgrade() {
            tap(&window, &d, KeyTap::Enter);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    keyboard.on_shift(move || {
        if let Some(window) = w.upgrade() {
            tap(&window, &d, KeyTap::Shift);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    keyboard.on_focused(move |entry, text| {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::FormFocus(entry.into(), text.into()));
        }
    });
}

/// One tap: the text it goes into, before it, and the key.
fn tap(window: &AppWindow, desk: &Shared, key: KeyTap) {
    let screen = window.global::<Screen>();
    screen.set_activity(screen.get_activity() + 1);
    let page = desk.borrow().page();
    let intent = match form_on(page) {
        Some(form) => {
            let entry: Entry = window.global::<KeyboardAdapter>().get_entry().into();
            Intent::FormKey(entry, text(window, form, entry), key)
        }
        None => Intent::Key(window.global::<HomeAdapter>().get_query().into(), key),
    };
    dispatch(window, desk, intent);
}

fn form_on(page: Page) -> Option<Form> {
    match page {
        Page::WalkIn => Some(Form::WalkIn),
        Page::Edit => Some(Form::Edit),
        _ => None,
    }
}

/// What a form's box holds.
fn text(window: &AppWindow, form: Form, entry: Entry) -> String {
    let text = match form {
        Form::WalkIn => {
            let f = window.global::<WalkInAdapter>();
            match entry {
                Entry::FirstName => f.get_first_name(),
                Entry::LastName => f.get_last_name(),
                Entry::Organisation => f.get_organisation(),
                Entry::Email => f.get_email(),
            }
        }
        Form::Edit => {
            let f = window.global::<EditAdapter>();
            match entry {
                Entry::FirstName => f.get_first_name(),
                Entry::LastName => f.get_last_name(),
                Entry::Organisation => f.get_organisation(),
                Entry::Email => f.get_email(),
            }
        }
    };
    text.into()
}

/// A form's box, as the keyboard wrote it; its cursor to the end.
pub(super) fn write(window: &AppWindow, form: Form, entry: Entry, text: &str) {
    let text = text.into();
    match form {
        Form::WalkIn => {
            let f = window.global::<WalkInAdapter>();
            match entry {
                Entry::FirstName => f.set_first_name(text),
                Entry::LastName => f.set_last_name(text),
                Entry::Organisation => f.set_organisation(text),
                Entry::Email => f.set_email(text),
            }
        }
        Form::Edit => {
            let f = window.global::<EditAdapter>();
            match entry {
                Entry::FirstName => f.set_first_name(text),
                Entry::LastName => f.set_last_name(text),
                Entry::Organisation => f.set_organisation(text),
                Entry::Email => f.set_email(text),
            }
        }
    }
    let keyboard = window.global::<KeyboardAdapter>();
    keyboard.set_written(keyboard.get_written().wrapping_add(1));
}

impl From<ShownEntry> for Entry {
    fn from(e: ShownEntry) -> Entry {
        match e {
            ShownEntry::FirstName => Entry::FirstName,
            ShownEntry::LastName => Entry::LastName,
            ShownEntry::Organisation => Entry::Organisation,
            ShownEntry::Email => Entry::Email,
        }
    }
}
