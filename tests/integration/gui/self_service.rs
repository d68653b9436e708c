//! The self-service kiosk, driven headlessly: attendees find only
//! themselves, the screen forgets them, staff get in with a PIN that cannot
//! be guessed by trying.

use crate::gui::support::{find, open_kiosk, outcome, present, press, screen_text, type_keys};
use accueil::ui::{HomeAdapter, KioskUi};
use slint::platform::Key;
use slint::{ComponentHandle, Model};

fn type_text(ui: &KioskUi, text: &str) {
    type_keys(ui, text);
}

fn self_service_kiosk(dir: &std::path::Path) -> KioskUi {
    open_kiosk(&self_service_config(dir))
}

fn self_service_config(dir: &std::path::Path) -> std::path::PathBuf {
    let config_path = accueil::demo::create(&dir.join("borne"), 1200).unwrap();
    let toml = std::fs::read_to_string(&config_path).unwrap().replace(
        "mode = \"staff\"",
        &format!(
            "mode = \"self-service\"\nstaff_pin = \"{}\"",
            accueil::domain::pin::hash("48291375").unwrap()
        ),
    );
    std::fs::write(&config_path, toml).unwrap();
    config_path
}

#[test]
fn attendees_see_only_themselves_and_staff_need_the_pin() {
    let _one = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let ui = self_service_kiosk(dir.path());
    assert!(
        !present(&ui, "Inscription sur place") && !present(&ui, "Tester le lecteur"),
        "no walk-ins, no scanner test at a self-service kiosk"
    );
    assert!(present(&ui, "Personnel"));

    // Nobody can browse the list: nothing for two letters.
    type_text(&ui, "du");
    let home = ui.window.global::<HomeAdapter>();
    assert_eq!(home.get_results().row_count(), 0);
    assert_eq!(
        find(&ui, "Indication").accessible_value().unwrap(),
        "Tapez au moins 3 lettres de votre nom"
    );
    // Three letters in a row: three letters of one word, not « e e e ».
    for _ in 0..2 {
        press(&ui, Key::Backspace.into());
    }
    type_text(&ui, "e e e");
    assert_eq!(home.get_results().row_count(), 0);
    assert_eq!(
        find(&ui, "Indication").accessible_value().unwrap(),
        "Tapez au moins 3 lettres de votre nom"
    );
    for _ in 0..5 {
        press(&ui, Key::Backspace.into());
    }
    // A common start matches many: nobody listed, more of the name asked.
    type_text(&ui, "mar");
    assert_eq!(home.get_results().row_count(), 0);
    assert_eq!(
        find(&ui, "Indication").accessible_value().unwrap(),
        "Plusieurs personnes correspondent : tapez votre prénom et votre nom en entier"
    );

    // A visitor switches to English; left alone for 30 s, the screen
    // forgets the search and is French again for the next person.
    find(&ui, "English").invoke_accessible_default_action();
    assert!(present(&ui, "Scan or search"));
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_secs(31));
    assert_eq!(home.get_query(), "");
    assert_eq!(home.get_results().row_count(), 0);
    assert!(present(&ui, "Scanner ou rechercher"));

    // A QR code: the badge prints with no tap at all — even from a scanner
    // left in US mode on this AZERTY kiosk, and nothing about it is shown
    // to the attendee.
    use accueil::domain::keyboard::{Layout, Mix};
    let read = Mix::new(Layout::Us, Layout::Fr)
        .garble("NEC-000004")
        .unwrap();
    type_text(&ui, &read);
    press(&ui, Key::Return.into());
    assert_eq!(outcome(&ui), "welcome");
    assert!(!present(&ui, "Réglage du lecteur"), "staff's business");
    assert!(
        !present(&ui, "Annuler l'arrivée")
            && !present(&ui, "Réimprimer le badge")
            && !present(&ui, "Corriger le nom"),
        "no undo, no reprint, no editing"
    );
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_secs(31));
    assert!(
        !present(&ui, "Résultat"),
        "the result does not stay for the next person"
    );

    // By name: three letters, my row, « C'est bien moi ».
    let me = ui.with_kiosk(|k| {
        k.registrant(&accueil::app::Lookup::Code("NEC-000012".into()))
            .unwrap()
            .unwrap()
    });
    type_text(
        &ui,
        &format!(
            "{} {}",
            &me.first_name.to_lowercase()[..],
            &me.last_name.to_lowercase()[..]
        ),
    );
    // At most three rows, names and organisations, nothing else; the card
    // says nothing more.
    let rows: Vec<_> = home.get_results().iter().collect();
    assert!(!rows.is_empty() && rows.len() <= 3, "{} rows", rows.len());
    for p in &rows {
        assert!(
            p.category.is_empty() && p.status.is_empty() && p.arrival.is_empty(),
            "{p:?}"
        );
    }
    find(&ui, &format!("{} {}", me.first_name, me.last_name)).invoke_accessible_default_action();
    let card = ui
        .window
        .global::<accueil::ui::ConfirmAdapter>()
        .get_person();
    assert!(
        card.category.is_empty() && card.status.is_empty() && card.arrival.is_empty(),
        "{card:?}"
    );
    assert!(!present(&ui, &me.category), "no category on the card");
    find(&ui, "C'est bien moi — imprimer mon badge").invoke_accessible_default_action();
    assert_eq!(outcome(&ui), "welcome");
    find(&ui, "Suivant").invoke_accessible_default_action();

    // Someone else's ticket — already in, or cancelled — says only « see
    // the desk »: no time, no kiosk, no ticket status.
    type_text(&ui, &read);
    press(&ui, Key::Return.into());
    assert_eq!(outcome(&ui), "see-desk");
    let shown = screen_text(&ui);
    assert!(
        shown.contains("Adressez-vous à l'accueil")
            && !shown.contains("Déjà")
            && !shown.contains("kiosque")
            && !shown
                .lines()
                .any(|l| l.contains(" à ") && l.contains(':') && !l.contains("prête")),
        "{shown}"
    );
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_secs(31));
    let cancelled = ui.with_kiosk(|k| {
        (1..1200)
            .map(|i| format!("NEC-{i:06}"))
            .find(|c| {
                k.registrant(&accueil::app::Lookup::Code(c.clone()))
                    .unwrap()
                    .is_some_and(|r| r.status == accueil::domain::Status::Cancelled)
            })
            .unwrap()
    });
    type_text(&ui, &cancelled);
    press(&ui, Key::Return.into());
    assert_eq!(outcome(&ui), "see-desk");
    let shown = screen_text(&ui);
    assert!(
        shown.contains("Adressez-vous à l'accueil") && !shown.to_lowercase().contains("annulé"),
        "{shown}"
    );
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_secs(31));

    // Wrong PINs are slowed down; even the right one then waits.
    find(&ui, "Personnel").invoke_accessible_default_action();
    for attempt in 1..=3 {
        find(&ui, "Code PIN").set_accessible_value("0000");
        find(&ui, "Déverrouiller").invoke_accessible_default_action();
        let error = find(&ui, "Erreur").accessible_value().unwrap().to_string();
        assert!(error.contains("Code incorrect"), "{attempt}: {error}");
        if attempt == 3 {
            assert!(error.contains("réessayez dans 30 s"), "{error}");
        }
    }
    find(&ui, "Code PIN").set_accessible_value("48291375");
    find(&ui, "Déverrouiller").invoke_accessible_default_action();
    assert!(
        find(&ui, "Erreur")
            .accessible_value()
            .unwrap()
            .contains("Trop d'essais")
    );
    assert!(!present(&ui, "Inscription sur place"), "still locked");
    find(&ui, "Retour").invoke_accessible_default_action();
    // Restarting the kiosk does not lift the wait.
    drop(ui);
    let ui = open_kiosk(&dir.path().join("borne").join("kiosk.toml"));
    find(&ui, "Personnel").invoke_accessible_default_action();
    find(&ui, "Code PIN").set_accessible_value("48291375");
    find(&ui, "Déverrouiller").invoke_accessible_default_action();
    assert!(
        find(&ui, "Erreur")
            .accessible_value()
            .unwrap()
            .contains("Trop d'essais"),
        "the wait survives a restart"
    );
    find(&ui, "Retour").invoke_accessible_default_action();

    // On a kiosk that was not attacked, the right PIN opens staff mode, and
    // staff lock it again when they leave.
    let other = tempfile::tempdir().unwrap();
    let ui = self_service_kiosk(other.path());
    find(&ui, "Personnel").invoke_accessible_default_action();
    find(&ui, "Code PIN").set_accessible_value("48291375");
    find(&ui, "Déverrouiller").invoke_accessible_default_action();
    assert!(present(&ui, "Inscription sur place") && present(&ui, "Verrouiller (libre service)"));
    type_text(&ui, "d");
    assert!(
        ui.window.global::<HomeAdapter>().get_results().row_count() > 0,
        "staff search from the first letter"
    );
    find(&ui, "Verrouiller (libre service)").invoke_accessible_default_action();
    assert!(!present(&ui, "Inscription sur place") && present(&ui, "Personnel"));

    // pretix's refusals name people: never on the attendees' screen.
    crate::gui::support::hand_over_refusals(
        &ui,
        &[("Paul Impayé", "unpaid", "2026-11-29T08:58:00Z")],
    );
    assert!(!present(&ui, "Refus de pretix"));
}

/// A touch screen without a keyboard: the attendee finds themselves with
/// taps alone, one tap a letter — accents from their own keys — and the
/// keyboard goes when staff take over at a desk.
#[test]
fn an_attendee_finds_their_name_with_taps_on_the_screen_keyboard() {
    let _one = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let ui = self_service_kiosk(dir.path());
    let me = ui.with_kiosk(|k| {
        k.search("cavusoglu", 100)
            .unwrap()
            .hits
            .into_iter()
            .find(|r| {
                r.first_name
                    .chars()
                    .any(|c| "éèêëàâçîïôöùûüÿœæ".contains(c))
            })
            .expect("a Çavuşoğlu with an accent in their first name in the demo")
    });
    // « Hélène çavusoglu »: ş and ğ are not French letters; the search
    // folds them.
    let typed = format!("{} çavusoglu", me.first_name.to_lowercase());
    let mut taps = 0;
    for c in typed.chars() {
        let label = if c == ' ' {
            "Espace".to_owned()
        } else {
            c.to_string()
        };
        find(&ui, &label).invoke_accessible_default_action();
        taps += 1;
    }
    assert_eq!(taps, typed.chars().count(), "one tap a letter");
    let home = ui.window.global::<HomeAdapter>();
    assert_eq!(
        home.get_query(),
        typed.as_str(),
        "the field shows what was tapped"
    );
    let listed: Vec<_> = home.get_results().iter().map(|p| p.id).collect();
    assert!(
        listed.contains(&(me.id as i32)),
        "{} {} listed for « {typed} »: {listed:?}",
        me.first_name,
        me.last_name
    );
    // A slip: erased with one tap.
    find(&ui, "a").invoke_accessible_default_action();
    find(&ui, "Effacer").invoke_accessible_default_action();
    assert_eq!(home.get_query(), typed.as_str());
    assert!(present(&ui, "Valider"));

    // Staff at the desk type on the laptop: no keyboard on the screen.
    find(&ui, "Personnel").invoke_accessible_default_action();
    find(&ui, "Code PIN").set_accessible_value("48291375");
    find(&ui, "Déverrouiller").invoke_accessible_default_action();
    assert!(
        !present(&ui, "Valider"),
        "hidden for staff (touch = \"auto\")"
    );
}

/// The on-screen keyboard and a search above it fit every screen size the
/// kiosk is tested at, in both languages: no key label or hint cut.
#[test]
fn the_screen_keyboard_fits_every_screen_size_in_both_languages() {
    let _one = crate::gui::support::one_test_at_a_time();
    use accueil::config::Language;
    let dir = tempfile::tempdir().unwrap();
    let config = self_service_config(dir.path());
    let mut cut = Vec::new();
    for (w, h) in [(1024, 768), (1280, 800), (1920, 1080), (800, 1280)] {
        for language in [Language::French, Language::English] {
            let ui = open_kiosk(&config);
            ui.window.window().set_size(slint::PhysicalSize::new(w, h));
            ui.set_language(language);
            assert!(present(
                &ui,
                if language == Language::French {
                    "Valider"
                } else {
                    "Enter"
                }
            ));
            for query in ["", "du", "dupont"] {
                let home = ui.window.global::<HomeAdapter>();
                home.set_query(query.into());
                home.invoke_query_edited(query.into());
                for text in crate::gui::support::overflowing(&ui) {
                    cut.push(format!("{w}×{h} {} « {query} »: {text}", language.code()));
                }
            }
        }
    }
    assert!(cut.is_empty(), "cut or elided: {cut:#?}");
}

/// A touch-only self-service kiosk: staff type the PIN on the page's
/// keypad; a ticket scanned on the PIN page (typed, then Enter, as a
/// scanner does) is said to be a ticket and is no wrong PIN — three of
/// them lock nobody out; Esc leaves the page.
#[test]
fn the_pin_page_has_a_keypad_and_scans_there_are_not_wrong_pins() {
    let _one = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let ui = self_service_kiosk(dir.path());
    find(&ui, "Personnel").invoke_accessible_default_action();
    for _ in 0..3 {
        type_text(&ui, "NEC-000001");
        press(&ui, Key::Return.into());
        let said = find(&ui, "Erreur").accessible_value().unwrap().to_string();
        assert!(said.contains("Ceci est un billet"), "{said}");
    }
    press(&ui, Key::Escape.into());
    assert!(
        present(&ui, "Personnel") && !present(&ui, "Code PIN"),
        "Esc left"
    );

    find(&ui, "Personnel").invoke_accessible_default_action();
    for digit in "482913759".chars() {
        find(&ui, &digit.to_string()).invoke_accessible_default_action();
    }
    find(&ui, "Effacer un chiffre").invoke_accessible_default_action();
    assert_eq!(
        find(&ui, "Code PIN").accessible_value().unwrap(),
        "48291375"
    );
    find(&ui, "Déverrouiller").invoke_accessible_default_action();
    assert!(
        present(&ui, "Inscription sur place"),
        "unlocked at once: the scans were no attempts"
    );
}

/// Namesakes at a touch kiosk (the demo has two people or more under one
/// name): both are listed in view — the keyboard folds, nothing sits under
/// it — and the attendee is asked to pick theirs by its organisation.
#[test]
fn namesakes_are_both_in_view_and_told_apart_by_their_organisation() {
    let _one = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let ui = self_service_kiosk(dir.path());
    let name = ui.with_kiosk(|k| {
        let mut seen = std::collections::BTreeMap::<String, usize>::new();
        for r in k.search("dupont", 500).unwrap().hits {
            *seen
                .entry(format!("{} {}", r.first_name, r.last_name))
                .or_default() += 1;
        }
        seen.into_iter()
            .find(|(_, n)| (2..=3).contains(n))
            .map(|(name, _)| name)
            .expect("namesakes among the demo's Duponts")
    });
    type_text(&ui, &name.to_lowercase());
    let home = ui.window.global::<HomeAdapter>();
    assert!(home.get_results().row_count() >= 2, "{name}");
    assert_eq!(
        find(&ui, "Indication").accessible_value().unwrap(),
        "Même nom pour plusieurs personnes : touchez le vôtre d'après votre organisation"
    );
    assert!(!present(&ui, "Valider"), "the keyboard folded");
    let window = ui.window.window();
    let height = window.size().height as f32 / window.scale_factor();
    let rows: Vec<_> =
        i_slint_backend_testing::ElementHandle::find_by_accessible_label(&ui.window, &name)
            .map(|row| (row.absolute_position().y, row.size().height))
            .collect();
    assert!(rows.len() >= 2, "{rows:?}");
    for (y, h) in rows {
        assert!(
            y >= 0.0 && y + h <= height,
            "a row at {y} + {h} px, the window {height} px"
        );
    }
}
