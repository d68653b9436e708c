//! « Tester le lecteur »: scan anything, see what arrived and what it says
//! of the scanner's keyboard setting (the app's `test_scan`).

use slint::ComponentHandle;

use super::desk::Intent;
use super::{AppWindow, ScanVerdict, ScannerAdapter, Shared, dispatch};
use crate::app::ScanTest;

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
    let (verdict, name, code, mix) = match (&t.registrant, t.via) {
        (Some(r), None) => (ScanVerdict::Exact, r.display_name(), r.code.clone(), None),
        (Some(r), Some(m)) => (
            ScanVerdict::Mixed,
            r.display_name(),
            r.code.clone(),
            Some(m),
        ),
        (None, _) if !t.ambiguous.is_empty() => (
            ScanVerdict::Ambiguous,
            t.ambiguous
                .iter()
                .map(|(_, r)| format!("{} [{}]", r.display_name(), r.code))
                .collect::<Vec<_>>()
                .join(" / "),
            String::new(),
            t.ambiguous.first().map(|(m, _)| *m),
        ),
        (None, _) => match t.likely.first() {
            Some((m, code)) => (ScanVerdict::Likely, String::new(), code.clone(), Some(*m)),
            None if t.read.trim().is_empty() => {
                (ScanVerdict::Empty, String::new(), String::new(), None)
            }
            None => (ScanVerdict::Nothing, String::new(), String::new(), None),
        },
    };
    a.set_verdict(verdict);
    a.set_name(name.into());
    a.set_code(code.into());
    a.set_scanner_layout(mix.map(|m| m.scanner.key()).unwrap_or_default().into());
    a.set_host_layout(mix.map(|m| m.host.key()).unwrap_or_default().into());
    a.set_mix(mix.map(|m| m.key()).unwrap_or_default().into());
}
