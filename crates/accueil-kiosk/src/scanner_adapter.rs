//! « Tester le lecteur »: scan anything, see what arrived and what it says
//! of the scanner's keyboard setting (the app's `test_scan`).

use slint::ComponentHandle;

use super::desk::Intent;
use super::{AppWindow, ScanVerdict, ScannerAdapter, Shared, dispatch};
use accueil_core::app::ScanTest;
use accueil_core::domain::keyboard::Mix;

pub(super) fn wire(window: &AppWindow, desk: &Shared) {
    let adapter = window.global::<ScannerAdapter>();
    let (w, d) = (window.as_weak(), desk.clone());
    adapter.on_open(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::OpenScanner);
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    adapter.on_tested(move |read| {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::TestScan(read.into()));
        }
    });
    let (w, d) = (window.as_weak(), desk.clone());
    adapter.on_close(move || {
        if let Some(window) = w.upgrade() {
            dispatch(&window, &d, Intent::Home);
        }
    });
}

/// The test page, nothing read yet.
pub(super) fn clear(window: &AppWindow) {
    let a = window.global::<ScannerAdapter>();
    a.set_verdict(ScanVerdict::None);
    a.set_read("".into());
}

/// What the scan said of the scanner.
pub(super) fn render(window: &AppWindow, tested: &Result<ScanTest, String>) {
    let a = window.global::<ScannerAdapter>();
    match tested {
        Ok(t) => show(&a, t),
        Err(e) => {
            a.set_verdict(ScanVerdict::Nothing);
            a.set_read(e.as_str().into());
        }
    }
}

fn show(a: &ScannerAdapter, t: &ScanTest) {
    a.set_read(t.visible().into());
    a.set_length(i32::try_from(t.read.chars().count()).unwrap_or(i32::MAX));
    let (verdict, name, code, mixes): (_, String, String, Vec<Mix>) =
        match (&t.registrant, t.scan.via) {
            (Some(r), None) => (
                ScanVerdict::Exact,
                r.display_name(),
                r.code.clone(),
                Vec::new(),
            ),
            (Some(r), Some(_)) => (
                ScanVerdict::Mixed,
                r.display_name(),
                r.code.clone(),
                t.scan.mixes(),
            ),
            (None, _) if !t.scan.ambiguous.is_empty() => (
                ScanVerdict::Ambiguous,
                t.scan
                    .ambiguous
                    .iter()
                    .map(|(_, r)| format!("{} [{}]", r.display_name(), r.code))
                    .collect::<Vec<_>>()
                    .join(" / "),
                String::new(),
                t.scan.ambiguous.iter().filter_map(|(m, _)| *m).collect(),
            ),
            (None, _) if !t.likely.is_empty() => {
                let mut codes: Vec<String> =
                    t.likely.iter().map(|(_, c)| format!("« {c} »")).collect();
                codes.dedup();
                (
                    ScanVerdict::Likely,
                    String::new(),
                    codes.join(" / "),
                    t.likely.iter().map(|(m, _)| *m).collect(),
                )
            }
            (None, _) if t.read.trim().is_empty() => {
                (ScanVerdict::Empty, String::new(), String::new(), Vec::new())
            }
            (None, _) => (
                ScanVerdict::Nothing,
                String::new(),
                String::new(),
                Vec::new(),
            ),
        };
    // Two tickets are two explanations: none is named alone.
    let one = match verdict {
        ScanVerdict::Ambiguous => None,
        _ => accueil_core::domain::keyboard::to_name(&mixes),
    };
    let as_read = t
        .scan
        .ambiguous
        .iter()
        .any(|(m, _)| m.is_none())
        .then_some("none");
    a.set_verdict(verdict);
    a.set_name(name.into());
    a.set_code(code.into());
    a.set_scanner_layout(one.map(|m| m.scanner.key()).unwrap_or_default().into());
    a.set_host_layout(one.map(|m| m.host.key()).unwrap_or_default().into());
    a.set_mix(one.map(|m| m.key()).unwrap_or_default().into());
    a.set_mixes(
        as_read
            .into_iter()
            .map(str::to_owned)
            .chain(mixes.iter().map(|m| m.key()))
            .collect::<Vec<_>>()
            .join(", ")
            .into(),
    );
}
