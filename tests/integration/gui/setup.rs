//! A new machine's set-up screen against a real hub: joined by scanning
//! the code the organisers' page shows, every wrong answer said and
//! nothing written, its words fitting every screen in both languages.

use crate::common::HubProcess;
use crate::hub::{hub_by_codes, invitation};

/// Key events into the focused element of a window, as a USB scanner
/// sends them: one per character, then Enter.
fn scan_into(window: &slint::Window, text: &str) {
    use slint::platform::{Key, WindowEvent};
    let keys = text
        .chars()
        .map(|c| slint::SharedString::from(c.to_string()))
        .chain([slint::SharedString::from(Key::Return)]);
    for key in keys {
        window.dispatch_event(WindowEvent::KeyPressed { text: key.clone() });
        window.dispatch_event(WindowEvent::KeyReleased { text: key });
    }
}

fn shown(window: &impl slint::ComponentHandle, label: &str) -> String {
    i_slint_backend_testing::ElementHandle::find_by_accessible_label(window, label)
        .next()
        .and_then(|e| e.accessible_value())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

fn tap(window: &impl slint::ComponentHandle, label: &str) {
    i_slint_backend_testing::ElementHandle::find_by_accessible_label(window, label)
        .next()
        .unwrap_or_else(|| panic!("no « {label} » on the set-up screen"))
        .invoke_accessible_default_action();
}

#[test]
fn a_new_machine_opens_on_its_set_up_screen_and_joins_by_scanning_the_page_s_code() {
    use slint::ComponentHandle;
    let _one = crate::gui::support::one_test_at_a_time();
    let hub_ev = hub_by_codes(false);
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let door = tempfile::tempdir().unwrap();
    let config = door.path().join("kiosk.toml");

    accueil::ui::screenshots::init_headless();
    let setup = accueil::ui::SetupUi::new(&config, None, false).unwrap();
    setup
        .window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    setup.window.show().unwrap();
    let window = setup.window.window();

    // A ticket scanned by mistake: told what to scan, nothing spent.
    scan_into(window, "TICKET-0042");
    assert!(shown(&setup.window, "Erreur").contains("Ajouter un kiosque"));

    // A file that is no kiosk.toml: refused with its reason, nothing written.
    let bad = door.path().join("sur-la-cle.toml");
    std::fs::write(&bad, "[event]\nname = \"Sans jours\"\n").unwrap();
    setup
        .window
        .global::<accueil::ui::SetupAdapter>()
        .set_file(bad.to_string_lossy().into_owned().into());
    tap(&setup.window, "Ouvrir le fichier");
    assert!(!shown(&setup.window, "Erreur").is_empty());
    assert!(!config.exists(), "nothing written for a bad file");

    // Self-service needs the hub's staff PIN, which this hub lacks: said,
    // and the code is still good for the next try.
    let payload = invitation(hub.addr)["payload"].as_str().unwrap().to_owned();
    tap(&setup.window, "Libre-service");
    tap(&setup.window, "Pas d'imprimante : badges en PDF");
    scan_into(window, &payload);
    assert!(
        shown(&setup.window, "Erreur").contains("staff_pin"),
        "{}",
        shown(&setup.window, "Erreur")
    );
    assert!(setup.kiosk().is_none());

    // As staff, the scanner in US layout on this French machine: joined,
    // and the kiosk's window opens on the hub's event and list.
    tap(&setup.window, "Accueil");
    let garbled = accueil::domain::keyboard::Mix::new(
        accueil::domain::keyboard::Layout::Us,
        accueil::domain::keyboard::Layout::Fr,
    )
    .garble(&payload)
    .unwrap();
    scan_into(window, &garbled);
    let kiosk = setup
        .kiosk()
        .unwrap_or_else(|| panic!("{}", shown(&setup.window, "Erreur")));
    let (id, people, event) = kiosk.with_kiosk(|k| {
        (
            k.config.kiosk.id.clone(),
            k.inspect().registrant_count().unwrap(),
            k.config.event.name.clone(),
        )
    });
    assert_eq!(id, "borne-01");
    assert_eq!(event, "Journées nationales de l'innovation publique 2022");
    assert_eq!(people, 300, "the list came with the first sync");
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(written.contains("mode = \"staff\""), "{written}");
    // Once set up, the screen takes no second scan.
    drop(kiosk);
    scan_into(window, invitation(hub.addr)["payload"].as_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        written,
        "joined once"
    );
}

#[test]
fn the_set_up_screen_says_what_is_wrong_and_writes_nothing_for_each_wrong_answer() {
    use slint::ComponentHandle;
    let _one = crate::gui::support::one_test_at_a_time();
    let door = tempfile::tempdir().unwrap();
    let config = door.path().join("kiosk.toml");
    accueil::ui::screenshots::init_headless();
    let setup = accueil::ui::SetupUi::new(&config, None, false).unwrap();
    setup.window.show().unwrap();
    let adapter = setup.window.global::<accueil::ui::SetupAdapter>();
    let error = || shown(&setup.window, "Erreur");
    let typed = |hub: &str, code: &str| {
        adapter.set_hub(hub.into());
        adapter.set_code(code.into());
        tap(&setup.window, "Rejoindre");
    };

    // A hub's address that is none: said, before anything is asked.
    typed("pas une adresse", "K7QF-M2XP-9TZA");
    assert!(error().contains("pas une adresse"), "{}", error());
    // A hub nobody answers at (the port closed): said, with what to check.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    typed(&format!("http://127.0.0.1:{port}"), "K7QF-M2XP-9TZA");
    let said = error();
    assert!(said.contains(&format!("127.0.0.1:{port}")), "{said}");
    assert!(
        said.contains("Connection refused"),
        "the network's reason: {said}"
    );
    assert!(!said.contains("copie locale"), "there is none yet: {said}");
    // A file that is not there, and a folder in place of a file.
    let missing = door.path().join("cle-usb").join("kiosk.toml");
    adapter.set_file(missing.to_string_lossy().into_owned().into());
    tap(&setup.window, "Ouvrir le fichier");
    assert!(error().contains("cle-usb"), "{}", error());
    adapter.set_file(door.path().to_string_lossy().into_owned().into());
    tap(&setup.window, "Ouvrir le fichier");
    assert!(!error().is_empty());
    // The demo's folder taken by something of the user's: left alone.
    std::fs::create_dir(door.path().join("demo")).unwrap();
    std::fs::write(door.path().join("demo").join("notes.txt"), "à garder").unwrap();
    tap(&setup.window, "Démonstration");
    assert!(error().contains("demo"), "{}", error());
    assert_eq!(
        std::fs::read_to_string(door.path().join("demo").join("notes.txt")).unwrap(),
        "à garder"
    );

    assert!(setup.kiosk().is_none());
    assert!(!config.exists(), "nothing written for a wrong answer");
    // Still on the set-up screen, its choices ready for the right answer.
    tap(&setup.window, "Accueil");
}

#[test]
fn the_set_up_screen_s_texts_fit_at_every_screen_size_in_both_languages() {
    use slint::ComponentHandle;
    let _one = crate::gui::support::one_test_at_a_time();
    let door = tempfile::tempdir().unwrap();
    accueil::ui::screenshots::init_headless();
    let mut cut = Vec::new();
    for (w, h) in [(1024, 768), (1280, 800), (1920, 1080), (800, 1280)] {
        for english in [false, true] {
            let setup =
                accueil::ui::SetupUi::new(&door.path().join("kiosk.toml"), None, false).unwrap();
            setup
                .window
                .window()
                .set_size(slint::PhysicalSize::new(w, h));
            setup.window.show().unwrap();
            let adapter = setup.window.global::<accueil::ui::SetupAdapter>();
            if english {
                adapter.invoke_switch_language();
            }
            setup
                .window
                .global::<accueil::ui::Screen>()
                .set_check_fit(true);
            let mut check = |screen: &str| {
                for text in crate::gui::support::overflowing_in(&setup.window) {
                    cut.push(format!(
                        "{w}×{h} {} {screen}: {text}",
                        if english { "en" } else { "fr" }
                    ));
                }
            };
            check("choices");
            // The longest error a join can show.
            adapter.set_hub("http://192.168.100.200:8080".into());
            adapter.set_code("K7QF-M2XP".into());
            adapter.invoke_join_typed();
            check("error");
        }
    }
    let _ = slint::select_bundled_translation("");
    assert!(
        cut.is_empty(),
        "{} texts cut:\n{}",
        cut.len(),
        cut.join("\n")
    );
}
