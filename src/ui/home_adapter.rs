//! The home screen: the always-armed scan/search field and its results.

use slint::{ComponentHandle, ModelRc, VecModel};

use super::{AppWindow, HomeAdapter, Screen, Shared, person, result_adapter};
use crate::store::Lookup;

/// Results shown for a query: enough to find someone, few enough to read.
const RESULTS: usize = 8;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let home = window.global::<HomeAdapter>();
    home.set_results(ModelRc::default());
    home.set_hint("".into());

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
        // once. Otherwise Enter takes the first name listed to confirmation;
        // with nothing listed, the scan is reported as unknown.
        let by_code = d
            .borrow()
            .kiosk
            .registrant(&Lookup::Code(text.clone()))
            .ok()
            .flatten();
        let first = d.borrow().listed.first().copied();
        match (by_code, first) {
            (Some(r), _) => result_adapter::check_in(&window, &d, Lookup::Id(r.id)),
            (None, Some(id)) => super::confirm_adapter::open(&window, &d, id),
            (None, None) => result_adapter::check_in(&window, &d, Lookup::Code(text)),
        }
    });

    let (w, d) = (window.as_weak(), desk.clone());
    home.on_chosen(move |id| {
        if let Some(window) = w.upgrade() {
            super::confirm_adapter::open(&window, &d, i64::from(id));
        }
    });
}

/// Searches as the staff type.
pub(super) fn show_results(window: &AppWindow, desk: &Shared, text: &str) {
    let home = window.global::<HomeAdapter>();
    let mut d = desk.borrow_mut();
    let result = d.kiosk.search(text, RESULTS);
    let (people, hint) = match result {
        Ok(r) if r.hits.is_empty() && !text.trim().is_empty() => (
            Vec::new(),
            "Aucun inscrit ne correspond — vérifiez l'orthographe, ou scannez le billet".to_owned(),
        ),
        Ok(r) => {
            let hint = if r.approximate {
                "Aucun résultat exact ; orthographes proches :"
            } else {
                ""
            };
            (r.hits, hint.to_owned())
        }
        Err(e) => (Vec::new(), format!("Recherche impossible : {e}")),
    };
    d.listed = people.iter().map(|r| r.id).collect();
    let rows: Vec<_> = people.iter().map(|r| person(&d.kiosk, r)).collect();
    home.set_results(ModelRc::new(VecModel::from(rows)));
    home.set_hint(hint.into());
    window.global::<Screen>().set_current("home".into());
}

/// Back to an empty, armed home screen.
pub(super) fn reset(window: &AppWindow, desk: &Shared) {
    let home = window.global::<HomeAdapter>();
    home.set_query("".into());
    home.set_results(ModelRc::default());
    home.set_hint("".into());
    desk.borrow_mut().listed.clear();
    window.global::<Screen>().set_current("home".into());
    window.invoke_arm();
}
