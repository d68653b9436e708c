//! The home screen: the always-armed scan/search field and its results.

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{AppWindow, HomeAdapter, Page, Screen, SearchHint, Shared, person, result_adapter};
use crate::app::Lookup;
use crate::config::Mode;
use crate::domain::privacy;

/// Results shown for a query: enough to find someone, few enough to read.
const RESULTS: usize = 8;

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
        let text = text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        // A scanner types the code then Enter: a known code checks in at
        // once (typed with the wrong keyboard layout too: the result says
        // so). Otherwise Enter takes the first name listed to confirmation;
        // with nothing listed, the scan is reported as unknown (or as
        // ambiguous, naming nobody).
        let found = d
            .borrow_mut()
            .kiosk
            .resolve_scan(&text)
            .ok()
            .unwrap_or_default();
        // The names listed are those of this very text (a list left from
        // an earlier search must not answer for a code it does not match).
        if d.borrow().listed_for != text {
            show_results(&window, &d, &text);
        }
        let first = d.borrow().listed.first().copied();
        match (
            found.registrant.is_some() || !found.ambiguous.is_empty(),
            first,
        ) {
            (true, _) | (false, None) => result_adapter::check_in(&window, &d, Lookup::Code(text)),
            (false, Some(id)) => super::confirm_adapter::open(&window, &d, id),
        }
    });

    // A scanner (or staff) typing while Tab left the focus on a button: the
    // keys belong in the field. Slint's special keys (arrows, F1…) are in
    // the private use area; control characters (Tab, Esc) move or close.
    let (w, d) = (window.as_weak(), desk.clone());
    window.global::<Screen>().on_stray_key(move |text| {
        let Some(window) = w.upgrade() else {
            return false;
        };
        let screen = window.global::<Screen>().get_current();
        let printable = !text.is_empty()
            && text
                .chars()
                .all(|c| !c.is_control() && !('\u{E000}'..='\u{F8FF}').contains(&c));
        if !printable || (screen != Page::Home && screen != Page::Result) {
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

/// Searches as the staff type. At a self-service kiosk, nobody can browse
/// the list: nothing before 3 letters, a handful of results, names and
/// organisations only.
pub(super) fn show_results(window: &AppWindow, desk: &Shared, text: &str) {
    let home = window.global::<HomeAdapter>();
    let mut d = desk.borrow_mut();
    d.listed_for = text.trim().to_owned();
    let self_service = d.mode == Mode::SelfService;
    if self_service && !privacy::specific_enough(text) {
        d.listed.clear();
        home.set_results(ModelRc::default());
        home.set_hint(if text.trim().is_empty() {
            SearchHint::None
        } else {
            SearchHint::MinLetters
        });
        return;
    }
    if self_service && d.searches.take(std::time::Instant::now()).is_err() {
        d.listed.clear();
        home.set_results(ModelRc::default());
        home.set_hint(SearchHint::SlowDown);
        return;
    }
    let limit = if self_service {
        privacy::MAX_RESULTS + 1
    } else {
        RESULTS
    };
    let result = d.kiosk.search(text, limit);
    let (people, hint, detail) = match result {
        Ok(r) if r.hits.is_empty() && !text.trim().is_empty() => {
            (Vec::new(), SearchHint::NoMatch, String::new())
        }
        // More than a handful: the attendee gives more of their name, a
        // script learns nothing.
        Ok(r) if self_service && r.hits.len() > privacy::MAX_RESULTS => {
            (Vec::new(), SearchHint::TooMany, String::new())
        }
        Ok(r)
            if self_service
                && !d.revealed.allow(
                    std::time::Instant::now(),
                    &r.hits.iter().map(|p| p.id).collect::<Vec<_>>(),
                ) =>
        {
            (Vec::new(), SearchHint::SlowDown, String::new())
        }
        Ok(r) => {
            let hint = if r.approximate {
                SearchHint::Approximate
            } else {
                SearchHint::None
            };
            (r.hits, hint, String::new())
        }
        Err(e) => (Vec::new(), SearchHint::Error, e.to_string()),
    };
    d.listed = people.iter().map(|r| r.id).collect();
    let rows: Vec<_> = people
        .iter()
        .map(|r| {
            if self_service {
                super::public_person(r)
            } else {
                person(&d.kiosk, r)
            }
        })
        .collect();
    home.set_results(ModelRc::new(VecModel::from(rows)));
    home.set_hint(hint);
    home.set_hint_detail(detail.into());
    window.global::<Screen>().set_current(Page::Home);
}

/// Back to an empty, armed home screen.
pub(super) fn reset(window: &AppWindow, desk: &Shared) {
    let home = window.global::<HomeAdapter>();
    home.set_query("".into());
    home.set_results(ModelRc::default());
    home.set_hint(SearchHint::None);
    {
        let mut d = desk.borrow_mut();
        d.listed.clear();
        d.listed_for.clear();
    }
    window.global::<Screen>().set_current(Page::Home);
    window.invoke_arm();
}
