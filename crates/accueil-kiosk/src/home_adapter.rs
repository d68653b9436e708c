//! The home screen: the always-armed scan/search field and its results.

use slint::{ComponentHandle, ModelRc, VecModel};

use super::desk::{Desk, Hint, Intent, Listing};
use super::{AppWindow, HomeAdapter, Screen, SearchHint, Shared, dispatch, person};

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let home = window.global::<HomeAdapter>();
    home.set_results(ModelRc::default());
    home.set_hint(SearchHint::None);

    let (w, d) = (window.as_weak(), desk.clone());
    home.on_query_edited(move |text| {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Typed(text.into()));
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    home.on_submitted(move |text| {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Submitted(text.into()));
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
        dispatch(&window, &d, Intent::Typed(query));
        true
    });

    let (w, d) = (window.as_weak(), desk.clone());
    home.on_chosen(move |id| {
        if let Some(window) = w.upgrade() {
            let screen = window.global::<Screen>();
            screen.set_activity(screen.get_activity() + 1);
            dispatch(&window, &d, Intent::Chosen(i64::from(id)));
        }
    });
}

/// The home list: at a self-service kiosk, names and organisations only.
pub(super) fn render(window: &AppWindow, desk: &Desk, listing: &Listing) {
    let home = window.global::<HomeAdapter>();
    let rows: Vec<_> = listing
        .people
        .iter()
        .map(|r| {
            if desk.self_service() {
                super::public_person(r)
            } else {
                person(&desk.kiosk, r)
            }
        })
        .collect();
    home.set_results(ModelRc::new(VecModel::from(rows)));
    // New results: a folded keyboard stays folded until asked back.
    home.set_keyboard_back(false);
    home.set_hint(match listing.hint {
        Hint::None => SearchHint::None,
        Hint::Approximate => SearchHint::Approximate,
        Hint::NoMatch => SearchHint::NoMatch,
        Hint::MinLetters => SearchHint::MinLetters,
        Hint::TooMany => SearchHint::TooMany,
        Hint::Namesakes => SearchHint::Namesakes,
        Hint::SlowDown => SearchHint::SlowDown,
        Hint::Error => SearchHint::Error,
    });
    home.set_hint_detail(listing.detail.clone().into());
}

/// An empty field, nothing listed.
pub(super) fn clear(window: &AppWindow) {
    let home = window.global::<HomeAdapter>();
    home.set_query("".into());
    home.set_results(ModelRc::default());
    home.set_hint(SearchHint::None);
}
