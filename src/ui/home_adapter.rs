//! The home screen: the always-armed scan/search field and its results.

use slint::{ComponentHandle, ModelRc, VecModel};

use super::desk::{Enter, Hint, Listing};
use super::{AppWindow, HomeAdapter, Screen, SearchHint, Shared, person, result_adapter};
use crate::app::Lookup;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let home = window.global::<HomeAdapter>();
    home.set_results(ModelRc::default());
    home.set_hint(SearchHint::None);

    let (w, d) = (window.as_weak(), desk.clone());
    home.on_query_edited(move |text| {
        if let Some(window) = w.upgrade() {
            show_results(&window, &d, &text);
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    home.on_submitted(move |text| {
        let Some(window) = w.upgrade() else { return };
        let (enter, listing) = d.borrow_mut().enter(&text, std::time::Instant::now());
        if let Some(listing) = listing {
            render(&window, &d, &listing);
        }
        match enter {
            Enter::Nothing => {}
            Enter::CheckIn(code) => result_adapter::check_in(&window, &d, Lookup::Code(code)),
            Enter::Confirm(id) => super::confirm_adapter::open(&window, &d, id),
        }
    });

    // A scanner (or staff) typing while Tab left the focus on a button: the
    // keys belong in the field.
    let (w, d) = (window.as_weak(), desk.clone());
    window.global::<Screen>().on_stray_key(move |text| {
        let Some(window) = w.upgrade() else {
            return false;
        };
        if !d.borrow().takes_stray_key(&text) {
            return false;
        }
        let home = window.global::<HomeAdapter>();
        let query = format!("{}{text}", home.get_query());
        home.set_query(query.clone().into());
        window.invoke_arm_at_end();
        show_results(&window, &d, &query);
        true
    });

    let (w, d) = (window.as_weak(), desk.clone());
    home.on_chosen(move |id| {
        if let Some(window) = w.upgrade() {
            let screen = window.global::<Screen>();
            screen.set_activity(screen.get_activity() + 1);
            super::confirm_adapter::open(&window, &d, i64::from(id));
        }
    });
}

/// Searches as the staff type (the desk decides what a self-service
/// screen may list) and shows the list.
pub(super) fn show_results(window: &AppWindow, desk: &Shared, text: &str) {
    let listing = desk.borrow_mut().search(text, std::time::Instant::now());
    render(window, desk, &listing);
}

/// The home page with a listing: at a self-service kiosk, names and
/// organisations only.
fn render(window: &AppWindow, desk: &Shared, listing: &Listing) {
    let home = window.global::<HomeAdapter>();
    let d = desk.borrow();
    let rows: Vec<_> = listing
        .people
        .iter()
        .map(|r| {
            if d.self_service() {
                super::public_person(r)
            } else {
                person(&d.kiosk, r)
            }
        })
        .collect();
    home.set_results(ModelRc::new(VecModel::from(rows)));
    home.set_hint(match listing.hint {
        Hint::None => SearchHint::None,
        Hint::Approximate => SearchHint::Approximate,
        Hint::NoMatch => SearchHint::NoMatch,
        Hint::MinLetters => SearchHint::MinLetters,
        Hint::TooMany => SearchHint::TooMany,
        Hint::SlowDown => SearchHint::SlowDown,
        Hint::Error => SearchHint::Error,
    });
    home.set_hint_detail(listing.detail.clone().into());
    super::show_page(window, d.page());
}

/// Back to an empty, armed home screen.
pub(super) fn reset(window: &AppWindow, desk: &Shared) {
    let home = window.global::<HomeAdapter>();
    home.set_query("".into());
    home.set_results(ModelRc::default());
    home.set_hint(SearchHint::None);
    desk.borrow_mut().home();
    super::show_page(window, super::desk::Page::Home);
    window.invoke_arm();
}
