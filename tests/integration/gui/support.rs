//! Driving the kiosk window headlessly: key events as a keyboard or a USB
//! scanner sends them, elements found by their accessible labels.

use accueil::ui::KioskUi;
use i_slint_backend_testing::ElementHandle;
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, SharedString};

/// Held by each test that opens windows: Slint's platform is per thread,
/// but the language (the bundled translation) is the process's, and a
/// test switching to English would change the other tests' screens.
pub fn one_test_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static SCREEN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SCREEN.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn press(ui: &KioskUi, text: SharedString) {
    press_in(&ui.window, text);
}

/// [`press`] in any window.
pub fn press_in(root: &impl ComponentHandle, text: SharedString) {
    root.window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    root.window()
        .dispatch_event(WindowEvent::KeyReleased { text });
}

/// Types one key event per character; returns how many keys that was.
pub fn type_keys(ui: &KioskUi, text: &str) -> usize {
    type_in(&ui.window, text)
}

/// [`type_keys`] in any window.
pub fn type_in(root: &impl ComponentHandle, text: &str) -> usize {
    for c in text.chars() {
        press_in(root, c.to_string().into());
    }
    text.chars().count()
}

pub fn press_enter(ui: &KioskUi) {
    press(ui, Key::Return.into());
}

pub fn present(ui: &KioskUi, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(&ui.window, label)
        .next()
        .is_some()
}

/// Every text on screen (labels and values of Text elements): what an
/// onlooker reads.
pub fn screen_text(ui: &KioskUi) -> String {
    let texts = texts(&ui.window);
    assert!(
        !texts.is_empty(),
        "no text found on screen: the query is wrong"
    );
    texts
        .into_iter()
        .flat_map(|e| {
            [e.accessible_label(), e.accessible_value()]
                .into_iter()
                .flatten()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every text element (the views' `Label`s inherit `Text`).
fn texts(root: &impl ComponentHandle) -> Vec<ElementHandle> {
    i_slint_backend_testing::ElementQuery::from_root(root)
        .match_descendants()
        .match_inherits("Text")
        .find_all()
}

/// The texts on screen that do not fit their box (cut, elided, or wrapped
/// past its height), with their box's size, once the frame is laid out.
pub fn overflowing(ui: &KioskUi) -> Vec<String> {
    ui.window
        .global::<accueil::ui::Screen>()
        .set_check_fit(true);
    overflowing_in(&ui.window)
}

/// [`overflowing`] in any window whose `Screen.check-fit` is set.
pub fn overflowing_in(root: &impl ComponentHandle) -> Vec<String> {
    let _ = root.window().take_snapshot();
    texts(root)
        .into_iter()
        .filter(|e| e.computed_opacity() > 0.0)
        .filter(|e| e.accessible_description().is_some_and(|d| d == "overflow"))
        .map(|e| {
            let size = e.size();
            format!(
                "« {} » in {:.0}×{:.0}",
                e.accessible_value()
                    .filter(|v| !v.is_empty())
                    .or(e.accessible_label())
                    .unwrap_or_default(),
                size.width,
                size.height
            )
        })
        .collect()
}

pub fn find(ui: &KioskUi, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(&ui.window, label)
        .next()
        .unwrap_or_else(|| panic!("no element labelled « {label} » on screen"))
}

/// The outcome the result screen shows ("welcome", "already_in"…).
pub fn outcome(ui: &KioskUi) -> String {
    find(ui, "Résultat")
        .accessible_value()
        .unwrap_or_default()
        .to_string()
}

/// The kiosk window on an event's kiosk.toml, without background printing
/// (jobs stay queued), shown at 1280 × 800 on the headless platform.
pub fn open_kiosk(config_path: &std::path::Path) -> KioskUi {
    accueil::ui::screenshots::init_headless();
    let config = accueil::config::Config::load(config_path).expect("kiosk.toml");
    let kiosk = accueil::app::Kiosk::open(config, None).expect("open kiosk");
    let ui = KioskUi::new(kiosk, false).expect("kiosk window");
    ui.window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    ui.window.show().expect("show");
    ui
}

/// pretix's refusals as a hub hands them over to a kiosk (`(name, reason
/// code, when)`, newest first, about this kiosk's scans unless the name
/// says « autre porte »), then shown as the sync thread would.
pub fn hand_over_refusals(ui: &KioskUi, refusals: &[(&str, &str, &str)]) {
    let me = ui.with_kiosk(|k| k.config.kiosk.id.clone());
    let notices = refusals
        .iter()
        .map(|(name, reason, at)| accueil::app::PretixNotice {
            record: uuid::Uuid::now_v7(),
            kiosk: if name.contains("autre porte") {
                "porte-b".into()
            } else {
                me.clone()
            },
            code: "x".into(),
            name: (*name).into(),
            answer: "refused".into(),
            reason: Some((*reason).into()),
            at: at.parse().expect("time"),
        })
        .collect();
    let news = accueil::protocol::PretixNews {
        pending: 0,
        last_contact: None,
        notices,
    };
    ui.with_kiosk(|k| k.remember_hub_pretix(&news).expect("store"));
    ui.show_pretix_notices();
}
