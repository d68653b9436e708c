//! The kiosk window driven headlessly (Slint's testing backend with the
//! software renderer): real key events for a scanner and for staff typing,
//! elements found by their accessible labels, taps through their default
//! action. Slint's platform is installed per test thread; the tests take
//! turns, as the language is the process's.

use crate::gui::support::{find, open_kiosk, outcome, press, press_enter, type_keys};
use accueil::app::{Lookup, PrintState};
use accueil::domain::Status;
use accueil::ui::KioskUi;
use i_slint_backend_testing::ElementHandle;
use slint::platform::Key;
use slint::{ComponentHandle, Model};

/// Counts what the person at the desk does.
#[derive(Default)]
struct Actions {
    keys: usize,
    taps: usize,
}

/// Types like a keyboard (or a USB scanner): one key event per character.
fn type_text(ui: &KioskUi, text: &str, actions: &mut Actions) {
    actions.keys += type_keys(ui, text);
}

fn enter(ui: &KioskUi, actions: &mut Actions) {
    press_enter(ui);
    actions.keys += 1;
}

fn tap(ui: &KioskUi, label: &str, actions: &mut Actions) {
    find(ui, label).invoke_accessible_default_action();
    actions.taps += 1;
}

/// A demo ticket that will be welcomed today: valid, admitted on day 1, not
/// in yet, and not one of `taken`.
fn welcome_code(ui: &KioskUi, taken: &[&str]) -> String {
    ui.with_kiosk(|k| {
        let day = k.day(None).unwrap().0;
        (1..=1200)
            .map(|n| format!("NEC-{n:06}"))
            .find(|code| {
                let r = k.registrant(&Lookup::Code(code.clone())).unwrap().unwrap();
                !taken.contains(&code.as_str())
                    && r.status == Status::Valid
                    && k.config.event.category_valid_on(&r.category, day.date)
                    && k.arrival_on(r.uid, day.date).unwrap().is_none()
            })
            .expect("a ticket to welcome")
    })
}

fn field_text(ui: &KioskUi) -> String {
    find(ui, "Scanner ou rechercher")
        .accessible_value()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_desk_scans_searches_confirms_and_undoes() {
    let _screen = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let config_path = accueil::demo::create(&dir.path().join("demo"), 1200).unwrap();
    let ui = open_kiosk(&config_path);

    // A scan on the armed home screen: no click, the code then Enter.
    let mut scan = Actions::default();
    // NEC-000004: in the demo, arrivals were made for 1, 9, 17… and 2, 10, 18…
    type_text(&ui, "NEC-000004", &mut scan);
    enter(&ui, &mut scan);
    assert_eq!(outcome(&ui), "welcome");
    assert_eq!(scan.taps, 0, "a scan needs no tap");
    let jobs = ui.with_kiosk(|k| k.inspect().print_jobs(5).unwrap());
    assert_eq!(jobs.len(), 1, "the badge is in the print queue");
    assert_eq!(
        jobs[0].state,
        PrintState::Queued,
        "sent by the background thread, not the UI"
    );
    assert!(
        find(&ui, "Impression")
            .accessible_value()
            .unwrap()
            .contains("file d'impression")
    );
    assert_eq!(
        field_text(&ui),
        "",
        "the field is empty and armed for the next scan"
    );

    // The same ticket again, straight from the result screen.
    type_text(&ui, "NEC-000004", &mut scan);
    enter(&ui, &mut scan);
    assert_eq!(outcome(&ui), "already_in");

    // Someone the other doors let in earlier.
    type_text(&ui, "NEC-000001", &mut scan);
    enter(&ui, &mut scan);
    assert_eq!(outcome(&ui), "already_in");

    // Unknown and cancelled tickets are refused.
    type_text(&ui, "NEC-999999", &mut scan);
    enter(&ui, &mut scan);
    assert_eq!(outcome(&ui), "unknown");
    let cancelled = ui.with_kiosk(|k| {
        (1..=1200)
            .map(|n| format!("NEC-{n:06}"))
            .find(|c| {
                k.registrant(&Lookup::Code(c.clone()))
                    .unwrap()
                    .is_some_and(|r| r.status == Status::Cancelled)
            })
            .expect("the demo has cancelled tickets")
    });
    type_text(&ui, &cancelled, &mut scan);
    enter(&ui, &mut scan);
    assert_eq!(outcome(&ui), "cancelled");
    tap(&ui, "Suivant", &mut scan);

    // Staff find a demo registrant by name: ≤ 5 keystrokes and 2 taps.
    let target = ui.with_kiosk(|k| {
        k.registrant(&Lookup::Code("NEC-000012".into()))
            .unwrap()
            .unwrap()
    });
    let folded = |s: &str| accueil::domain::text::fold(s).replace(' ', "");
    let typed = format!(
        "{} {}",
        &folded(&target.first_name)[..2],
        &folded(&target.last_name)[..2]
    );
    let mut lookup = Actions::default();
    type_text(&ui, &typed, &mut lookup);
    let label = format!("{} {}", target.first_name, target.last_name);
    let rows = ElementHandle::find_by_accessible_label(&ui.window, &label).count();
    assert!(rows >= 1, "« {typed} » lists {label}");
    tap(&ui, &label, &mut lookup);
    tap(&ui, "Enregistrer l'arrivée et imprimer", &mut lookup);
    assert!(
        matches!(outcome(&ui).as_str(), "welcome" | "already_in"),
        "{}",
        outcome(&ui)
    );
    assert!(
        lookup.keys <= 5 && lookup.taps <= 2,
        "{} keys, {} taps",
        lookup.keys,
        lookup.taps
    );

    // Accent-free typing finds accented names.
    tap(&ui, "Suivant", &mut lookup);
    type_text(&ui, "helene", &mut lookup);
    let listed = ui.window.global::<accueil::ui::HomeAdapter>().get_results();
    assert!(listed.row_count() > 0);
    for p in listed.iter() {
        let name = format!("{} {}", p.first_name, p.last_name);
        assert!(name.contains("Hélène"), "« helene » lists {name}");
    }
    // The first rows are on screen, ready to tap (later ones once scrolled to).
    for p in listed.iter().take(5) {
        let name = format!("{} {}", p.first_name, p.last_name);
        assert!(
            find(&ui, &name).accessible_role().is_some(),
            "{name} is a row staff can tap"
        );
    }

    // Undo a mistaken arrival from the result screen: logged, not deleted.
    press(&ui, Key::Escape.into());
    let mut undo = Actions::default();
    ui.window
        .global::<accueil::ui::HomeAdapter>()
        .set_query("".into());
    type_text(&ui, "NEC-000020", &mut undo);
    enter(&ui, &mut undo);
    assert_eq!(outcome(&ui), "welcome");
    tap(&ui, "Annuler l'arrivée", &mut undo);
    assert_eq!(outcome(&ui), "welcome", "undo asks for confirmation first");
    tap(&ui, "Garder l'arrivée", &mut undo);
    assert_eq!(outcome(&ui), "welcome");
    tap(&ui, "Annuler l'arrivée", &mut undo);
    // The next ticket is scanned before anyone answers: the question goes.
    let next = welcome_code(&ui, &[]);
    type_text(&ui, &next, &mut undo);
    enter(&ui, &mut undo);
    assert_eq!(outcome(&ui), "welcome");
    assert!(
        ElementHandle::find_by_accessible_label(&ui.window, "Confirmer l'annulation")
            .next()
            .is_none()
    );
    tap(&ui, "Suivant", &mut undo);
    // A confirmed undo reverts the person on screen, and only them.
    let last = welcome_code(&ui, &[&next]);
    type_text(&ui, &last, &mut undo);
    enter(&ui, &mut undo);
    tap(&ui, "Annuler l'arrivée", &mut undo);
    tap(&ui, "Confirmer l'annulation", &mut undo);
    assert_eq!(outcome(&ui), "undone");
    let live = |code: &str| {
        ui.with_kiosk(|k| {
            let r = k.registrant(&Lookup::Code(code.into())).unwrap().unwrap();
            k.inspect().live_arrivals(r.uid).unwrap().len()
        })
    };
    assert_eq!(live(&last), 0, "the confirmed undo reverted {last}");
    assert_eq!(
        (live("NEC-000020"), live(&next)),
        (1, 1),
        "the others are untouched"
    );
    tap(&ui, "Suivant", &mut undo);

    // A ticket scanned while someone else's card is open is a new scan: the
    // scanner's Enter must not confirm the person on the card.
    ui.window
        .global::<accueil::ui::HomeAdapter>()
        .invoke_chosen(40);
    assert!(
        ElementHandle::find_by_accessible_label(&ui.window, "Enregistrer l'arrivée et imprimer")
            .next()
            .is_some()
    );
    type_text(&ui, "NEC-000044", &mut undo);
    enter(&ui, &mut undo);
    let (on_card, scanned) = ui.with_kiosk(|k| {
        let live = |code: &str| {
            let r = k.registrant(&Lookup::Code(code.into())).unwrap().unwrap();
            k.inspect().live_arrivals(r.uid).unwrap().len()
        };
        (live("NEC-000040"), live("NEC-000044"))
    });
    assert_eq!(
        (on_card, scanned),
        (0, 1),
        "the scanned ticket is checked in, not the card"
    );
    assert_eq!(outcome(&ui), "welcome");
    tap(&ui, "Suivant", &mut undo);

    // A walk-in: the form says what is missing, then registers, checks in
    // and queues the badge.
    tap(&ui, "Inscription sur place", &mut undo);
    tap(&ui, "Inscrire et imprimer le badge", &mut undo);
    assert!(
        find(&ui, "Erreur")
            .accessible_value()
            .unwrap()
            .contains("au moins le prénom ou le nom")
    );
    find(&ui, "Prénom").set_accessible_value("Élodie");
    find(&ui, "Nom").set_accessible_value("Quintanilla-Ørsted");
    find(&ui, "Organisation").set_accessible_value("Mairie d'Arles");
    tap(&ui, "Inscrire et imprimer le badge", &mut undo);
    assert_eq!(outcome(&ui), "welcome");
    let walk_in = ui.with_kiosk(|k| k.search("quintanilla", 5).unwrap().hits);
    assert_eq!(walk_in.len(), 1);
    assert_eq!(
        (walk_in[0].first_name.as_str(), walk_in[0].category.as_str()),
        ("Élodie", "Participant")
    );
    let queued = ui.with_kiosk(|k| k.inspect().print_jobs(1).unwrap());
    assert_eq!(
        queued[0].registrant, walk_in[0].uid,
        "the walk-in's badge is queued"
    );
    tap(&ui, "Suivant", &mut undo);

    // Esc leaves the confirmation card without checking anyone in.
    type_text(&ui, "NEC-00003", &mut undo);
    let before = ui.with_kiosk(|k| k.inspect().record_count().unwrap());
    ui.window
        .global::<accueil::ui::HomeAdapter>()
        .invoke_chosen(30);
    press(&ui, Key::Escape.into());
    assert_eq!(
        ui.with_kiosk(|k| k.inspect().record_count().unwrap()),
        before
    );
    assert!(
        ElementHandle::find_by_accessible_label(&ui.window, "Enregistrer l'arrivée et imprimer")
            .next()
            .is_none()
    );

    fix_a_name_and_reprint(&ui);
    reprint_for_a_reason(&ui);
    keyboard_only_walk_in(&ui);
    switch_to_english_and_back(&ui);
    pretix_refusals_are_told_to_staff(&ui);
    a_scanner_in_us_mode_on_this_azerty_kiosk(&ui);
    a_kiosk_a_day_off_the_hub_asks_staff_for_the_day(&ui);
    an_unknown_ticket_scanned_on_a_card_is_unknown(&ui);
}

/// A confirmation card opened from a search; then a ticket nobody holds
/// is scanned: « Billet inconnu », not the card of the search's first name.
fn an_unknown_ticket_scanned_on_a_card_is_unknown(ui: &KioskUi) {
    let mut actions = Actions::default();
    tap(ui, "Suivant", &mut actions);
    type_text(ui, "NEC-00004", &mut actions);
    ui.window
        .global::<accueil::ui::HomeAdapter>()
        .invoke_chosen(40);
    assert!(
        ElementHandle::find_by_accessible_label(&ui.window, "Enregistrer l'arrivée et imprimer")
            .next()
            .is_some(),
        "the card is open"
    );
    let before = ui.with_kiosk(|k| k.inspect().record_count().unwrap());
    type_text(ui, "NEC-999999", &mut actions);
    enter(ui, &mut actions);
    assert_eq!(outcome(ui), "unknown");
    assert_eq!(
        ui.with_kiosk(|k| k.inspect().record_count().unwrap()),
        before
    );
    // Staff are the desk: what was read, and what to do — not « adressez-
    // vous à l'accueil ».
    let detail = find(ui, "Détail").accessible_value().unwrap().to_string();
    assert!(
        detail.contains("« NEC-999999 »") && detail.contains("inscrivez-la"),
        "{detail}"
    );
    assert!(!detail.contains("adresser à l'accueil"), "{detail}");
    tap(ui, "Rechercher « NEC-999999 »", &mut actions);
    assert_eq!(
        ui.window.global::<accueil::ui::HomeAdapter>().get_query(),
        "NEC-999999",
        "home, the field holding what was read"
    );
    type_text(ui, "NEC-999999", &mut actions);
    enter(ui, &mut actions);
    tap(ui, "Inscrire sur place", &mut actions);
    assert!(
        ElementHandle::find_by_accessible_label(&ui.window, "Prénom")
            .next()
            .is_some(),
        "the walk-in form is open"
    );
    ui.window
        .global::<accueil::ui::WalkInAdapter>()
        .invoke_cancel();
}

/// This kiosk's clock says today, the hub's says tomorrow (day 2): a scan
/// records nothing, staff are told and offered the hub's day; one tap
/// records the arrival on day 2.
fn a_kiosk_a_day_off_the_hub_asks_staff_for_the_day(ui: &KioskUi) {
    let code = welcome_code(ui, &[]);
    let before = ui.with_kiosk(|k| {
        k.config.hub.url = Some("http://127.0.0.1:9".into());
        k.staging().hub_clock_offset(86_400).unwrap();
        k.inspect().record_count().unwrap()
    });
    let mut actions = Actions::default();
    type_text(ui, &code, &mut actions);
    enter(ui, &mut actions);
    assert_eq!(outcome(ui), "error");
    assert!(
        find(ui, "Détail")
            .accessible_value()
            .unwrap()
            .contains("rien n'est enregistré"),
        "staff are told why"
    );
    assert_eq!(
        ui.with_kiosk(|k| k.inspect().record_count().unwrap()),
        before
    );
    tap(ui, "Enregistrer pour le jour 2", &mut actions);
    assert_eq!(outcome(ui), "welcome");
    let day2 = ui.with_kiosk(|k| {
        let r = k.registrant(&Lookup::Code(code.clone())).unwrap().unwrap();
        k.arrival_on(r.uid, k.config.event.days[1])
            .unwrap()
            .is_some()
    });
    assert!(day2, "recorded on the hub's day");
    ui.with_kiosk(|k| {
        k.config.hub.url = None;
        k.staging().hub_clock_offset(0).unwrap();
    });
}

/// A scanner left in its factory US mode on a French laptop: the ticket
/// still lets its holder in, staff are told what to fix, and « Tester le
/// lecteur » says exactly what arrived.
fn a_scanner_in_us_mode_on_this_azerty_kiosk(ui: &KioskUi) {
    use accueil::domain::keyboard::{Layout, Mix};
    let mix = Mix::new(Layout::Us, Layout::Fr);
    let mut act = Actions::default();
    let code = welcome_code(ui, &[]);
    let read = mix.garble(&code).unwrap();
    assert_ne!(read, code, "{code} has a dash and digits");
    type_text(ui, &read, &mut act);
    enter(ui, &mut act);
    assert_eq!(outcome(ui), "welcome", "« {read} » is {code}");
    let welcomed = ui.with_kiosk(|k| k.inspect().print_jobs(1).unwrap()[0].registrant);
    assert_eq!(welcomed, card_uid(ui, &code));
    let note = find(ui, "Réglage du lecteur").accessible_value().unwrap();
    assert!(
        note.contains("QWERTY (États-Unis)") && note.contains("AZERTY (France)"),
        "{note}"
    );
    tap(ui, "Suivant", &mut act);
    assert!(
        !crate::gui::support::present(ui, "Réglage du lecteur"),
        "the note goes with its outcome"
    );

    // The test screen: what arrived, whose ticket, what to do.
    tap(ui, "Tester le lecteur", &mut act);
    let next = welcome_code(ui, &[]);
    type_text(ui, &format!("{}\t", mix.garble(&next).unwrap()), &mut act);
    enter(ui, &mut act);
    let received = find(ui, "Reçu").accessible_value().unwrap();
    assert!(
        received.contains('⇥'),
        "a Tab the scanner added shows: {received}"
    );
    let verdict = find(ui, "Verdict").accessible_value().unwrap();
    assert!(
        verdict.contains("une fois le clavier corrigé") && verdict.contains(&next),
        "{verdict}"
    );
    let todo = find(ui, "À faire").accessible_value().unwrap();
    assert!(todo.contains("scanner_layout = \"us/fr\""), "{todo}");
    let next_uid = card_uid(ui, &next);
    assert_eq!(
        ui.with_kiosk(|k| k.arrival_on(next_uid, k.day(None).unwrap().0.date).unwrap()),
        None,
        "a test scan lets nobody in"
    );
    // A well-set scanner: said so.
    type_text(ui, &next, &mut act);
    enter(ui, &mut act);
    assert!(
        find(ui, "Verdict")
            .accessible_value()
            .unwrap()
            .contains("bien réglé")
    );
    press(ui, Key::Escape.into());
    assert!(crate::gui::support::present(ui, "Scanner ou rechercher"));
    assert!(crate::gui::support::present(ui, "Tester le lecteur"));
}

/// pretix refused arrivals the kiosk let in: staff read who and why, oldest
/// first, and clear them one by one; seen ones do not come back.
fn pretix_refusals_are_told_to_staff(ui: &KioskUi) {
    assert!(!crate::gui::support::present(ui, "Refus de pretix"));
    crate::gui::support::hand_over_refusals(
        ui,
        &[
            ("Céline Annulée", "canceled", "2026-11-29T08:59:00Z"),
            // Let in at another door: that desk is told, not this one.
            ("Jean autre porte", "blocked", "2026-11-29T08:58:30Z"),
            ("Paul Impayé", "unpaid", "2026-11-29T08:58:00Z"),
        ],
    );
    let banner = || {
        find(ui, "Refus de pretix")
            .accessible_value()
            .unwrap()
            .to_string()
    };
    let first = banner();
    assert!(
        first.contains("Paul Impayé")
            && first.contains("commande non payée dans pretix")
            && first.contains("(+1 autre)"),
        "{first}"
    );
    find(ui, "Vu").invoke_accessible_default_action();
    let second = banner();
    assert!(
        second.contains("Céline Annulée") && second.contains("billet annulé dans pretix"),
        "{second}"
    );
    assert!(!second.contains('+'), "{second}");
    find(ui, "Vu").invoke_accessible_default_action();
    assert!(!crate::gui::support::present(ui, "Refus de pretix"));
    // The next round of the sync thread brings the same news: nothing new.
    ui.show_pretix_notices();
    assert!(!crate::gui::support::present(ui, "Refus de pretix"));
    assert_eq!(field_text(ui), "", "the field is armed again");
}

/// The printed badge's job for a person: its reason and title (which
/// carries the name printed).
fn last_job(ui: &KioskUi) -> accueil::app::JobView {
    ui.with_kiosk(|k| k.inspect().print_jobs(1).unwrap().remove(0))
}

/// A misspelt name seen on the printed badge: fixed from the result screen,
/// kept in the local copy and the log, and a new badge queued for it.
fn fix_a_name_and_reprint(ui: &KioskUi) {
    let mut fix = Actions::default();
    let code = welcome_code(ui, &[]);
    let arrived = || -> u32 {
        let bar = find(ui, "Arrivées").accessible_value().unwrap();
        bar.split(" / ").next().unwrap().parse().unwrap()
    };
    let before_scan = arrived();
    type_text(ui, &code, &mut fix);
    enter(ui, &mut fix);
    assert_eq!(outcome(ui), "welcome");
    assert_eq!(
        arrived(),
        before_scan + 1,
        "the status bar counts the arrival"
    );
    let before = ui.with_kiosk(|k| k.registrant(&Lookup::Code(code.clone())).unwrap().unwrap());
    tap(ui, "Corriger le nom", &mut fix);
    // The form opens on the person's details, the first field ready.
    assert_eq!(
        find(ui, "Nom").accessible_value().unwrap(),
        before.last_name.as_str()
    );
    find(ui, "Nom").set_accessible_value("Lefèvre-Ançelin");
    tap(ui, "Enregistrer et réimprimer le badge", &mut fix);
    assert_eq!(outcome(ui), "edited");
    assert!(
        find(ui, "Titre")
            .accessible_value()
            .unwrap()
            .contains("Lefèvre-Ançelin")
    );
    let after = ui.with_kiosk(|k| k.registrant(&Lookup::Code(code.clone())).unwrap().unwrap());
    assert_eq!(
        (after.first_name.as_str(), after.last_name.as_str()),
        (before.first_name.as_str(), "Lefèvre-Ançelin")
    );
    let job = last_job(ui);
    assert_eq!(job.registrant, after.uid);
    assert_eq!(job.reason, "réimpression : nom corrigé");
    assert!(job.title.contains("Lefèvre-Ançelin"), "{}", job.title);
    assert_eq!(job.state, PrintState::Queued);
    assert!(
        ui.with_kiosk(|k| k
            .arrival_on(after.uid, k.day(None).unwrap().0.date)
            .unwrap()
            .is_some()),
        "the fix leaves the arrival alone"
    );
    assert!(fix.taps <= 2 && fix.keys <= code.len() + 1);
    tap(ui, "Suivant", &mut fix);

    // Before the badge prints: fixed from the confirmation card, which then
    // shows the new name; cancelling the form changes nothing.
    let target = welcome_code(ui, &[]);
    let id = ui.with_kiosk(|k| {
        k.registrant(&Lookup::Code(target.clone()))
            .unwrap()
            .unwrap()
            .id
    });
    ui.window
        .global::<accueil::ui::HomeAdapter>()
        .invoke_chosen(i32::try_from(id).unwrap());
    tap(ui, "Corriger le nom", &mut fix);
    find(ui, "Prénom").set_accessible_value("Zoé");
    press(ui, Key::Escape.into());
    let card = ui
        .window
        .global::<accueil::ui::ConfirmAdapter>()
        .get_person();
    assert_ne!(
        card.first_name, "Zoé",
        "Esc leaves the details as they were"
    );
    tap(ui, "Corriger le nom", &mut fix);
    find(ui, "Prénom").set_accessible_value("Zoé");
    tap(ui, "Enregistrer", &mut fix);
    let card = ui
        .window
        .global::<accueil::ui::ConfirmAdapter>()
        .get_person();
    assert_eq!(card.first_name, "Zoé", "the card shows the fixed name");
    assert!(
        ui.with_kiosk(|k| k.inspect().print_jobs(1).unwrap()[0].registrant)
            != card_uid(ui, &target),
        "nothing printed before the arrival is confirmed"
    );
    tap(ui, "Enregistrer l'arrivée et imprimer", &mut fix);
    assert_eq!(outcome(ui), "welcome");
    assert!(last_job(ui).title.contains("Zoé"));
    tap(ui, "Suivant", &mut fix);

    // A bad e-mail is refused in words, and nothing is changed.
    type_text(ui, &target, &mut fix);
    enter(ui, &mut fix);
    tap(ui, "Corriger le nom", &mut fix);
    find(ui, "Courriel").set_accessible_value("zoe@");
    tap(ui, "Enregistrer et réimprimer le badge", &mut fix);
    assert!(
        find(ui, "Erreur")
            .accessible_value()
            .unwrap()
            .contains("« zoe@ »"),
        "the form says which address is wrong"
    );
    tap(ui, "Annuler", &mut fix);
    assert_eq!(outcome(ui), "already_in", "back to the result screen");
    tap(ui, "Suivant", &mut fix);
}

fn card_uid(ui: &KioskUi, code: &str) -> uuid::Uuid {
    ui.with_kiosk(|k| {
        k.registrant(&Lookup::Code(code.into()))
            .unwrap()
            .unwrap()
            .uid
    })
}

/// Staff say why a badge is printed again; the print log keeps it.
fn reprint_for_a_reason(ui: &KioskUi) {
    let mut reprint = Actions::default();
    type_text(ui, "NEC-000004", &mut reprint);
    enter(ui, &mut reprint);
    assert_eq!(outcome(ui), "already_in");
    let jobs = ui.with_kiosk(|k| k.inspect().print_jobs(100).unwrap().len());
    tap(ui, "Réimprimer le badge", &mut reprint);
    assert_eq!(
        ui.with_kiosk(|k| k.inspect().print_jobs(100).unwrap().len()),
        jobs,
        "nothing printed before a reason is chosen"
    );
    tap(ui, "Ne pas réimprimer", &mut reprint);
    tap(ui, "Réimprimer le badge", &mut reprint);
    tap(ui, "Badge perdu", &mut reprint);
    let job = last_job(ui);
    assert_eq!(job.reason, "réimpression : badge perdu");
    assert_eq!(job.registrant, card_uid(ui, "NEC-000004"));
    assert!(
        find(ui, "Impression")
            .accessible_value()
            .unwrap()
            .contains("file d'impression"),
        "the screen follows the new job"
    );
    tap(ui, "Suivant", &mut reprint);
}

/// A fast desk works without the mouse: Tab reaches the buttons, Enter
/// presses them, the form's first field has the focus, Enter saves.
fn keyboard_only_walk_in(ui: &KioskUi) {
    let mut keys = Actions::default();
    press(ui, Key::Tab.into());
    keys.keys += 1;
    enter(ui, &mut keys);
    assert!(
        find(ui, "Prénom").accessible_value().is_some(),
        "Tab then Enter opens the walk-in form"
    );
    type_text(ui, "Ysé", &mut keys);
    press(ui, Key::Tab.into());
    keys.keys += 1;
    type_text(ui, "Clavier", &mut keys);
    enter(ui, &mut keys);
    assert_eq!(outcome(ui), "welcome");
    assert_eq!(keys.taps, 0);
    let r = ui.with_kiosk(|k| k.search("ysé clavier", 1).unwrap().hits.remove(0));
    assert_eq!(
        (r.first_name.as_str(), r.last_name.as_str()),
        ("Ysé", "Clavier")
    );
    // The field is armed again: the next scan needs no click either.
    type_text(ui, "NEC-000004", &mut keys);
    enter(ui, &mut keys);
    assert_eq!(outcome(ui), "already_in");
    // Esc leaves a form without registering anyone.
    press(ui, Key::Escape.into());
    let before = ui.with_kiosk(|k| k.inspect().record_count().unwrap());
    ui.window
        .global::<accueil::ui::WalkInAdapter>()
        .invoke_open();
    type_text(ui, "Personne", &mut keys);
    press(ui, Key::Escape.into());
    assert!(
        find(ui, "Scanner ou rechercher")
            .accessible_value()
            .is_some()
    );
    assert_eq!(
        ui.with_kiosk(|k| k.inspect().record_count().unwrap()),
        before
    );

    // A name that is not the first listed, without the mouse: Tab past the
    // walk-in button to the second row, Enter, then Enter on the card.
    type_text(ui, "hel", &mut keys);
    let second = ui
        .window
        .global::<accueil::ui::HomeAdapter>()
        .get_results()
        .row_data(1)
        .expect("two people for « hel »");
    for _ in 0..3 {
        press(ui, Key::Tab.into());
    }
    enter(ui, &mut keys);
    let card = ui
        .window
        .global::<accueil::ui::ConfirmAdapter>()
        .get_person();
    assert_eq!(
        card.id, second.id,
        "Tab, Tab, Tab, Enter opens the second row"
    );
    press(ui, Key::Escape.into());

    // Tab left the focus on a button, and a ticket is scanned: the scan
    // still lands in the field, whole and in order.
    press(ui, Key::Tab.into());
    let code = welcome_code(ui, &[]);
    type_text(ui, &code, &mut keys);
    enter(ui, &mut keys);
    assert_eq!(outcome(ui), "welcome");
    let welcomed = ui.with_kiosk(|k| k.inspect().print_jobs(1).unwrap()[0].registrant);
    assert_eq!(
        welcomed,
        card_uid(ui, &code),
        "the scanned ticket, not a mangled one"
    );
    assert_eq!(keys.taps, 0);
    tap(ui, "Suivant", &mut keys);
}

/// The screen switches to English and back; the words change, not the work.
fn switch_to_english_and_back(ui: &KioskUi) {
    let mut act = Actions::default();
    tap(ui, "English", &mut act);
    assert!(crate::gui::support::present(ui, "Scan or search"));
    assert!(!crate::gui::support::present(ui, "Scanner ou rechercher"));
    assert!(crate::gui::support::present(ui, "Walk-in registration"));
    type_text(ui, "NEC-000004", &mut act);
    enter(ui, &mut act);
    assert_eq!(
        find(ui, "Title")
            .accessible_value()
            .unwrap()
            .split(" at ")
            .next(),
        Some("Already checked in")
    );
    assert!(crate::gui::support::present(ui, "Reprint badge"));
    tap(ui, "Next", &mut act);
    tap(ui, "Français", &mut act);
    assert!(crate::gui::support::present(ui, "Scanner ou rechercher"));
    assert!(crate::gui::support::present(ui, "Inscription sur place"));
}

/// Every screen at the sizes kiosks have — a small laptop, the default
/// window, a full HD screen, a portrait tablet — in French and English:
/// no text is cut, elided or wrapped out of its box.
#[test]
fn every_text_fits_its_box_at_every_screen_size_in_both_languages() {
    let _screen = crate::gui::support::one_test_at_a_time();
    use accueil::config::Language;
    use accueil::ui::{EditAdapter, HomeAdapter, ResultAdapter, ScannerAdapter, WalkInAdapter};
    let dir = tempfile::tempdir().unwrap();
    let config_path = accueil::demo::create(&dir.path().join("demo"), 1200).unwrap();
    let mut cut = Vec::new();
    for (w, h) in [(1024, 768), (1280, 800), (1920, 1080), (800, 1280)] {
        for language in [Language::French, Language::English] {
            let ui = open_kiosk(&config_path);
            ui.window.window().set_size(slint::PhysicalSize::new(w, h));
            ui.set_language(language);
            let mut check = |screen: &str, ui: &KioskUi| {
                for text in crate::gui::support::overflowing(ui) {
                    cut.push(format!("{w}×{h} {} {screen}: {text}", language.code()));
                }
            };
            check("home", &ui);
            let home = ui.window.global::<HomeAdapter>();
            home.set_query("hel".into());
            home.invoke_query_edited("hel".into());
            check("search", &ui);
            // The longest organisation and category on the list, as a
            // list row and on the result page.
            let (longest, code) = ui.with_kiosk(|k| {
                let r = ('a'..='z')
                    .flat_map(|c| k.search(&c.to_string(), 2000).unwrap().hits)
                    .max_by_key(|r| r.organisation.len() + r.category.len())
                    .unwrap();
                (r.last_name.clone(), r.code.clone())
            });
            home.set_query(longest.clone().into());
            home.invoke_query_edited(longest.into());
            check("longest organisation listed", &ui);
            home.invoke_submitted(code.into());
            check("longest organisation checked in", &ui);
            home.set_query("hel".into());
            home.invoke_query_edited("hel".into());
            let first = home.get_results().row_data(0).unwrap();
            home.invoke_chosen(first.id);
            check("card", &ui);
            let code = welcome_code(&ui, &[]);
            home.invoke_submitted(code.clone().into());
            check("welcome", &ui);
            ui.window.global::<ResultAdapter>().invoke_edit();
            check("edit form", &ui);
            ui.window.global::<EditAdapter>().invoke_cancel();
            home.invoke_submitted(code.into());
            check("already in", &ui);
            home.invoke_submitted("NEC-999999".into());
            check("unknown", &ui);
            ui.window.global::<WalkInAdapter>().invoke_open();
            check("walk-in form", &ui);
            ui.window.global::<WalkInAdapter>().invoke_cancel();
            let scanner = ui.window.global::<ScannerAdapter>();
            scanner.invoke_open();
            scanner.invoke_tested("NEC-000001".into());
            check("scanner test", &ui);
            scanner.invoke_close();
        }
    }
    assert!(
        cut.is_empty(),
        "{} texts cut:\n{}",
        cut.len(),
        cut.join("\n")
    );
}

/// A staff tablet (`touch = true`): the demo event with the keyboard shown
/// everywhere.
fn touch_config(dir: &std::path::Path) -> std::path::PathBuf {
    let config_path = accueil::demo::create(&dir.join("tablette"), 1200).unwrap();
    let toml = std::fs::read_to_string(&config_path).unwrap();
    assert!(toml.contains("touch = \"auto\""));
    std::fs::write(
        &config_path,
        toml.replace("touch = \"auto\"", "touch = true"),
    )
    .unwrap();
    config_path
}

/// Taps `text` on the on-screen keyboard, one key a character (« ^ » is
/// « Maj », « # » the digits/accents switch); returns the taps.
fn tap_keys(ui: &KioskUi, text: &str, actions: &mut Actions) -> usize {
    let mut digits = false;
    let before = actions.taps;
    for c in text.chars() {
        let label = match c {
            ' ' => "Espace".to_owned(),
            '^' => "Majuscule".to_owned(),
            '#' => {
                digits = !digits;
                if digits { "Chiffres" } else { "Accents" }.to_owned()
            }
            c => c.to_string(),
        };
        tap(ui, &label, actions);
    }
    actions.taps - before
}

fn value(ui: &KioskUi, label: &str) -> String {
    find(ui, label).accessible_value().unwrap().to_string()
}

/// Someone already in today, found by name: the card says so, and its main
/// button does not offer to record an arrival that will not be recorded —
/// it shows the arrival (where a reprint is).
#[test]
fn the_card_of_someone_already_in_offers_their_arrival_not_a_second_one() {
    let _screen = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let config_path = accueil::demo::create(&dir.path().join("demo"), 1200).unwrap();
    let ui = open_kiosk(&config_path);
    let mut keys = Actions::default();
    type_text(&ui, "NEC-000001", &mut keys);
    enter(&ui, &mut keys);
    assert_eq!(outcome(&ui), "already_in", "in since the demo's morning");
    let p = ui.with_kiosk(|k| {
        k.registrant(&accueil::app::Lookup::Code("NEC-000001".into()))
            .unwrap()
            .unwrap()
    });
    type_text(&ui, &format!("{} {}", p.first_name, p.last_name), &mut keys);
    let home = ui.window.global::<accueil::ui::HomeAdapter>();
    assert!(
        slint::Model::iter(&home.get_results()).any(|r| r.id == p.id as i32),
        "listed"
    );
    home.invoke_chosen(p.id as i32);
    assert!(crate::gui::support::present(
        &ui,
        "Déjà arrivé·e — voir son arrivée"
    ));
    assert!(!crate::gui::support::present(
        &ui,
        "Enregistrer l'arrivée et imprimer"
    ));
    find(&ui, "Déjà arrivé·e — voir son arrivée").invoke_accessible_default_action();
    assert_eq!(outcome(&ui), "already_in");
}

/// A ticket whose QR code will not scan (a cracked phone screen): staff on
/// a tablet type its code on the home keyboard — letters, « 123 », digits —
/// and « Valider » checks its holder in.
#[test]
fn a_staff_tablet_checks_a_ticket_in_from_its_code_typed_by_hand() {
    let _screen = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let ui = open_kiosk(&touch_config(dir.path()));
    let mut actions = Actions::default();
    tap_keys(&ui, "nec-#000042", &mut actions);
    tap(&ui, "Valider", &mut actions);
    // (A quarter of the demo is in already: either is the holder found.)
    let outcome = crate::gui::support::outcome(&ui);
    assert!(outcome == "welcome" || outcome == "already_in", "{outcome}");
    let arrived = ui.with_kiosk(|k| {
        k.registrant(&accueil::app::Lookup::Code("NEC-000042".into()))
            .unwrap()
            .unwrap()
    });
    assert!(
        crate::gui::support::screen_text(&ui).contains(&arrived.last_name),
        "the ticket's holder"
    );
}

/// Staff on a tablet register a walk-in and fix a name with taps alone:
/// one tap a letter, capitals of their own accord at the start of a name
/// and after a hyphen, « Maj » for the others (and for a lower-case
/// « de »), « Suivant » to the next box, digits, « @ » and « . » for the
/// address.
#[test]
fn a_staff_tablet_registers_a_walk_in_and_fixes_a_name_with_taps_only() {
    let _screen = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let ui = open_kiosk(&touch_config(dir.path()));
    assert!(
        crate::gui::support::present(&ui, "Valider"),
        "keyboard on the home screen"
    );
    let mut walk_in = Actions::default();
    tap(&ui, "Inscription sur place", &mut walk_in);
    assert!(
        crate::gui::support::present(&ui, "Champ suivant"),
        "keyboard on the form"
    );
    assert_eq!(tap_keys(&ui, "marie-hélène", &mut walk_in), 12);
    tap(&ui, "Champ suivant", &mut walk_in);
    assert_eq!(tap_keys(&ui, "^de ^la ^tour d'^auvergne", &mut walk_in), 25);
    tap(&ui, "Champ suivant", &mut walk_in);
    tap_keys(&ui, "mairie de ^lyon", &mut walk_in);
    tap(&ui, "Champ suivant", &mut walk_in);
    tap_keys(&ui, "mh.dlt#69#@lyon.fr", &mut walk_in);
    assert_eq!(
        [
            value(&ui, "Prénom"),
            value(&ui, "Nom"),
            value(&ui, "Organisation"),
            value(&ui, "Courriel")
        ],
        [
            "Marie-Hélène",
            "de La Tour d'Auvergne",
            "Mairie de Lyon",
            "mh.dlt69@lyon.fr"
        ]
    );
    // « Suivant » goes round: back in the first box, a slip erased.
    tap(&ui, "Champ suivant", &mut walk_in);
    tap_keys(&ui, "x", &mut walk_in);
    assert_eq!(value(&ui, "Prénom"), "Marie-Hélènex");
    tap(&ui, "Effacer", &mut walk_in);
    tap(&ui, "Inscrire et imprimer le badge", &mut walk_in);
    assert_eq!(outcome(&ui), "welcome");
    assert_eq!(walk_in.keys, 0, "not one key of a keyboard");
    let registered = ui.with_kiosk(|k| k.search("auvergne", 50).unwrap().hits);
    let registered: Vec<_> = registered
        .iter()
        .filter(|r| r.email == "mh.dlt69@lyon.fr")
        .collect();
    assert_eq!(registered.len(), 1, "registered once");
    let r = registered[0];
    assert_eq!(
        [&r.first_name, &r.last_name, &r.organisation, &r.email],
        [
            "Marie-Hélène",
            "de La Tour d'Auvergne",
            "Mairie de Lyon",
            "mh.dlt69@lyon.fr"
        ]
    );

    // The name was Anjou, not Auvergne: fixed from the result page, the
    // badge reprinted.
    let mut fix = Actions::default();
    tap(&ui, "Corriger le nom", &mut fix);
    tap(&ui, "Champ suivant", &mut fix);
    for _ in 0.."auvergne".len() {
        tap(&ui, "Effacer", &mut fix);
    }
    tap_keys(&ui, "^anjou", &mut fix);
    assert_eq!(value(&ui, "Nom"), "de La Tour d'Anjou");
    tap(&ui, "Enregistrer et réimprimer le badge", &mut fix);
    assert_eq!(outcome(&ui), "edited");
    let after = ui.with_kiosk(|k| k.registrant(&Lookup::Uid(r.uid)).unwrap().unwrap());
    assert_eq!(after.last_name, "de La Tour d'Anjou");
    assert_eq!(last_job(&ui).reason, "réimpression : nom corrigé");
}

/// A staff tablet's screens with the keyboard under them fit every screen
/// size the kiosk is tested at, in both languages: no text cut, the
/// forms' buttons above the keys, the last row of keys inside the window,
/// the scanner test still at hand.
#[test]
fn a_staff_tablet_s_screens_and_keys_fit_every_screen_size_in_both_languages() {
    let _screen = crate::gui::support::one_test_at_a_time();
    use accueil::config::Language;
    let dir = tempfile::tempdir().unwrap();
    let config = touch_config(dir.path());
    let mut wrong = Vec::new();
    for (w, h) in [(1024, 768), (1280, 800), (1920, 1080), (800, 1280)] {
        for language in [Language::French, Language::English] {
            let ui = open_kiosk(&config);
            ui.window.window().set_size(slint::PhysicalSize::new(w, h));
            ui.set_language(language);
            let say = |fr: &'static str, en: &'static str| {
                if language == Language::French { fr } else { en }
            };
            let at = format!("{w}×{h} {}", language.code());
            let mut none = Actions::default();

            // Staff's home screen: its buttons, then the keys.
            let enter = find(&ui, say("Valider", "Enter"));
            let keys_end = enter.absolute_position().y + enter.size().height;
            if keys_end > h as f32 + 0.5 {
                wrong.push(format!("{at} home: the last keys end at {keys_end} px"));
            }
            for text in crate::gui::support::overflowing(&ui) {
                wrong.push(format!("{at} home: cut {text}"));
            }
            tap(&ui, say("Vérifier la borne", "Check this kiosk"), &mut none);
            for text in crate::gui::support::overflowing(&ui) {
                wrong.push(format!("{at} checks: cut {text}"));
            }
            tap(&ui, say("Tester le lecteur", "Test the scanner"), &mut none);
            tap(&ui, say("Retour", "Back"), &mut none);

            tap(
                &ui,
                say("Inscription sur place", "Walk-in registration"),
                &mut none,
            );
            let submit = say(
                "Inscrire et imprimer le badge",
                "Register and print the badge",
            );
            form_fits(&ui, h, &format!("{at} walk-in"), submit, &mut wrong);
            tap(&ui, say("Annuler", "Cancel"), &mut none);

            let code = welcome_code(&ui, &[]);
            ui.window
                .global::<accueil::ui::HomeAdapter>()
                .invoke_submitted(code.into());
            tap(&ui, say("Corriger le nom", "Fix the name"), &mut none);
            let submit = say(
                "Enregistrer et réimprimer le badge",
                "Save and reprint the badge",
            );
            form_fits(&ui, h, &format!("{at} fix"), submit, &mut wrong);
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// What is wrong with the form on screen and its keyboard, `height` high.
fn form_fits(ui: &KioskUi, height: u32, at: &str, submit: &str, wrong: &mut Vec<String>) {
    for text in crate::gui::support::overflowing(ui) {
        wrong.push(format!("{at}: cut {text}"));
    }
    let bottom = |e: &ElementHandle| e.absolute_position().y + e.size().height;
    let button = find(ui, submit);
    let first_keys = find(ui, "é").absolute_position().y;
    if bottom(&button) > first_keys + 0.5 {
        wrong.push(format!(
            "{at}: « {submit} » ends at {} px, under the keys from {first_keys} px",
            bottom(&button)
        ));
    }
    let next = ["Champ suivant", "Next field"]
        .into_iter()
        .find_map(|label| ElementHandle::find_by_accessible_label(&ui.window, label).next())
        .expect("« Suivant » on the keyboard");
    let last_keys = bottom(&next);
    if last_keys > height as f32 + 0.5 {
        wrong.push(format!(
            "{at}: the last keys end at {last_keys} px, out of the window"
        ));
    }
}

/// « Vérifier la borne »: staff see the same checks as `accueil doctor`,
/// each with its fix, and whether the door is ready; the scanner test is
/// one tap from there; attendees at a self-service screen have no door to
/// it.
#[test]
fn staff_check_the_kiosk_from_its_screen() {
    let _screen = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let config_path = accueil::demo::create(&dir.path().join("demo"), 1200).unwrap();
    let ui = open_kiosk(&config_path);
    // Tall enough for every check at once (the list scrolls on a smaller
    // screen, and rows scrolled away are not on screen to find).
    ui.window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 1800));
    let mut actions = Actions::default();
    tap(&ui, "Vérifier la borne", &mut actions);
    let verdict = find(&ui, "Verdict").accessible_value().unwrap();
    assert_eq!(verdict, "Prête : la porte peut ouvrir.");
    for name in [
        "database",
        "list",
        "disk",
        "printer",
        "hub",
        "retention",
        "camera",
    ] {
        assert_eq!(find(&ui, name).accessible_value().unwrap(), "ok", "{name}");
    }
    let text = crate::gui::support::screen_text(&ui);
    assert!(text.contains("1200 inscrits"), "{text}");
    tap(&ui, "Tester le lecteur", &mut actions);
    assert!(
        crate::gui::support::present(&ui, "Code lu"),
        "the scanner test"
    );
    tap(&ui, "Retour", &mut actions);

    // In English, the checks speak English too (they are Rust's words,
    // from the same catalogue as the screen's).
    tap(&ui, "English", &mut actions);
    tap(&ui, "Check this kiosk", &mut actions);
    assert_eq!(
        find(&ui, "Verdict").accessible_value().unwrap(),
        "Ready: the door can open."
    );
    let text = crate::gui::support::screen_text(&ui);
    for english in [
        "1200 registered (20 cancelled)",
        "is sound",
        "no camera",
        "kiosk on its own (no [hub] url)",
    ] {
        assert!(text.contains(english), "{english} in {text}");
    }
    for french in ["inscrits", "intègre", "caméra", "kiosque seul", "gardées"] {
        assert!(!text.contains(french), "{french} in {text}");
    }
    tap(&ui, "Back", &mut actions);
    tap(&ui, "Français", &mut actions);

    // An empty list shuts the door: said, with what to do.
    ui.with_kiosk(|k| k.purge(true).unwrap());
    tap(&ui, "Vérifier la borne", &mut actions);
    assert_eq!(
        find(&ui, "Verdict").accessible_value().unwrap(),
        "Pas prête : voyez les lignes marquées ✘."
    );
    assert_eq!(find(&ui, "list").accessible_value().unwrap(), "fail");
    tap(&ui, "Retour", &mut actions);

    ui.set_mode(accueil::config::Mode::SelfService);
    assert!(!crate::gui::support::present(&ui, "Vérifier la borne"));
}

/// The example kiosk.toml's event was in 2022: its names are kept past
/// `retention_days`, and staff are told so on the screen, with what to do;
/// attendees at a self-service screen are not.
#[test]
fn staff_are_told_when_personal_data_is_kept_too_long() {
    let _screen = crate::gui::support::one_test_at_a_time();
    let ev = crate::common::Event::new();
    ev.ok(&["import", &crate::common::fixture_str("noms-difficiles.csv")]);
    let ui = open_kiosk(&ev.path("kiosk.toml"));
    let said = find(&ui, "Conservation des données")
        .accessible_value()
        .unwrap();
    assert!(
        said.contains("30/10/2022") && said.contains("accueil purge --yes"),
        "{said}"
    );
    ui.set_mode(accueil::config::Mode::SelfService);
    assert!(!crate::gui::support::present(
        &ui,
        "Conservation des données"
    ));
}

/// The hub hands a new event name while the kiosk runs: its sync thread
/// takes it, and the screen shows it at once.
#[test]
fn a_new_event_from_the_hub_shows_on_the_running_kiosk() {
    let _screen = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let config_path = accueil::demo::create(&dir.path().join("demo"), 300).unwrap();
    let toml = std::fs::read_to_string(&config_path).unwrap().replacen(
        "[hub]\n",
        "[hub]\nurl = \"http://127.0.0.1:9\"\ntoken = \"jeton-des-kiosques-0123456789\"\n",
        1,
    );
    std::fs::write(&config_path, toml).unwrap();
    let ui = open_kiosk(&config_path);
    let status = ui.window.global::<accueil::ui::StatusAdapter>();
    let before = status.get_event_name().to_string();

    // What the sync thread does with the hub's answer, on its own
    // connection.
    let config = accueil::config::Config::load(&config_path).unwrap();
    let mut shared = config.shared();
    shared.toml = shared
        .toml
        .replace(&before, "Assises de la donnée publique");
    shared.rev = "nouvelle".into();
    let mut sync_thread = accueil::app::Kiosk::open(config, None).unwrap();
    assert!(sync_thread.take_hub_config(&shared).unwrap());

    status.invoke_hub_config();
    assert_eq!(status.get_event_name(), "Assises de la donnée publique");
    assert_eq!(
        ui.with_kiosk(|k| k.config.event.name.clone()),
        "Assises de la donnée publique"
    );
}

/// A room door's window on a fresh event: the list, and a programme whose
/// workshop (2 seats) is on at the door's clock, 10:00 in Paris.
fn open_door(dir: &std::path::Path, exits: bool) -> accueil::ui::DoorUi {
    std::fs::create_dir_all(dir).unwrap();
    let toml = crate::common::KIOSK_TOML.replace(
        "mode = \"staff\"",
        &format!("mode = \"door\"\nroom = \"salle lumière\"\nexits = {exits}"),
    );
    let config = accueil::config::Config::parse(&toml, dir).unwrap();
    let csv = dir.join("inscrits.csv");
    std::fs::write(&csv, accueil::demo::registrants_csv(50)).unwrap();
    let prog = dir.join("programme.csv");
    std::fs::write(
        &prog,
        "Titre;Salle;Date;Début;Fin;Capacité\n\
         Atelier « Écrire pour être compris : le langage clair dans les courriers administratifs »;Salle Lumière;28/09/2022;09:30;11:00;2\n",
    )
    .unwrap();
    let ten = || "2022-09-28T08:00:00Z".parse().unwrap();
    let mut kiosk = accueil::app::Kiosk::open(config, Some(&dir.join("porte.sqlite")))
        .unwrap()
        .with_clock(ten);
    kiosk
        .import_file(&csv, Default::default(), |_, _| {})
        .unwrap();
    kiosk.import_programme(&prog, false, false).unwrap();
    accueil::ui::screenshots::init_headless();
    let door = accueil::ui::DoorUi::new(kiosk, false).unwrap();
    door.window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    door.window.show().unwrap();
    door
}

fn door_value(door: &accueil::ui::DoorUi, label: &str) -> String {
    ElementHandle::find_by_accessible_label(&door.window, label)
        .next()
        .unwrap_or_else(|| panic!("no « {label} » on the door's screen"))
        .accessible_value()
        .unwrap_or_default()
        .to_string()
}

/// Types a code (or a name) and Enter, as a scanner does.
fn door_type(door: &accueil::ui::DoorUi, text: &str) {
    crate::gui::support::type_in(&door.window, text);
    crate::gui::support::press_in(&door.window, Key::Return.into());
}

fn door_scan(door: &accueil::ui::DoorUi, text: &str) -> String {
    door_type(door, text);
    door_value(door, "Résultat")
}

#[test]
fn a_room_door_lets_people_in_until_it_is_full_and_records_exits() {
    let _one = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let door = open_door(dir.path(), true);
    assert_eq!(
        door_value(&door, "Salle"),
        "Salle Lumière",
        "the programme's spelling"
    );
    assert!(door_value(&door, "Séance").contains("09:30–11:00"));
    assert_eq!(door_value(&door, "Présents"), "0 / 2");

    // A scanner types the code and Enter, as a keyboard.
    assert_eq!(door_scan(&door, "NEC-000001"), "admitted");
    assert_eq!(door_value(&door, "Titre"), "Entrez");
    assert_eq!(door_value(&door, "Présents"), "1 / 2");
    assert_eq!(door_scan(&door, "NEC-000001"), "already_inside");
    assert_eq!(door_scan(&door, "NEC-000002"), "admitted");
    assert_eq!(door_scan(&door, "NEC-000003"), "full");
    assert_eq!(door_value(&door, "Titre"), "Salle complète");
    assert_eq!(door_scan(&door, "XX-0000"), "unknown");

    // An exit, with the switch: a seat frees, and the next one goes in.
    ElementHandle::find_by_accessible_label(&door.window, "Entrée → Sortie")
        .next()
        .expect("the switch")
        .invoke_accessible_default_action();
    assert_eq!(door_scan(&door, "NEC-000001"), "left");
    assert_eq!(door_value(&door, "Présents"), "1 / 2");
    door.send(accueil::ui::DoorIntent::ToggleDirection);
    assert_eq!(door_scan(&door, "NEC-000003"), "admitted");

    // A name typed (no ticket): the people it matches, tapped.
    let someone = door.with_kiosk(|k| {
        k.registrant(&Lookup::Code("NEC-000004".into()))
            .unwrap()
            .unwrap()
    });
    crate::gui::support::type_in(&door.window, &someone.last_name);
    crate::gui::support::press_in(&door.window, Key::Return.into());
    let shown = door_value(&door, "Résultat");
    if shown.is_empty() {
        ElementHandle::find_by_accessible_label(
            &door.window,
            &format!("{} {}", someone.first_name, someone.last_name),
        )
        .next()
        .expect("listed by name")
        .invoke_accessible_default_action();
    }
    assert_eq!(
        door_value(&door, "Résultat"),
        "full",
        "the room is full again"
    );
    let in_log = door.with_kiosk(|k| k.occupancy(None).unwrap());
    assert_eq!(in_log.sessions[0].counts.present, 2);
    assert_eq!(in_log.sessions[0].counts.attended, 3);
}

#[test]
fn the_door_s_texts_fit_at_every_screen_size_in_both_languages() {
    let _one = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let mut cut = Vec::new();
    for (w, h) in [(1024, 768), (1280, 800), (1920, 1080), (800, 1280)] {
        for english in [false, true] {
            let door = open_door(&dir.path().join(format!("{w}-{english}")), true);
            door.window
                .window()
                .set_size(slint::PhysicalSize::new(w, h));
            if english {
                door.send(accueil::ui::DoorIntent::SwitchLanguage);
            }
            door.window
                .global::<accueil::ui::Screen>()
                .set_check_fit(true);
            let mut check = |state: &str| {
                for text in crate::gui::support::overflowing_in(&door.window) {
                    cut.push(format!(
                        "{w}×{h} {} {state}: {text}",
                        if english { "en" } else { "fr" }
                    ));
                }
            };
            check("idle");
            door_type(&door, "NEC-000001");
            check("admitted");
            door_type(&door, "NEC-000002");
            door_type(&door, "NEC-000003");
            check("full");
            door_type(&door, "Zzyzzx Qwvbnm-Lkjhgf");
            check("no match");
            door.send(accueil::ui::DoorIntent::ToggleDirection);
            check("exit");
        }
    }
    let _ = slint::select_bundled_translation("");
    assert!(cut.is_empty(), "texts cut: {cut:#?}");
}

#[test]
fn an_outside_reader_of_the_running_window_s_database_takes_none_of_its_arrivals_away() {
    let _screen = crate::gui::support::one_test_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let config_path = accueil::demo::create(&dir.path().join("demo"), 1200).unwrap();
    // With its workers (printing, counting): each its own connection.
    accueil::ui::screenshots::init_headless();
    let config = accueil::config::Config::load(&config_path).unwrap();
    let ui = KioskUi::new(accueil::app::Kiosk::open(config, None).unwrap(), true).unwrap();
    ui.window.show().unwrap();
    let db = ui.with_kiosk(|k| k.database());
    let wal = std::path::PathBuf::from(format!("{}-wal", db.display()));
    let mut taken = Vec::new();
    for _ in 0..2 {
        let code = welcome_code(&ui, &taken.iter().map(String::as_str).collect::<Vec<_>>());
        type_keys(&ui, &code);
        press_enter(&ui);
        assert_eq!(outcome(&ui), "welcome");
        taken.push(code);
        crate::common::outside_read(&db);
        assert!(wal.exists(), "the window's -wal is still there");
    }
    drop(ui);
    let k = accueil::app::Kiosk::open(accueil::config::Config::load(&config_path).unwrap(), None)
        .unwrap();
    for code in &taken {
        let r = k.registrant(&Lookup::Code(code.clone())).unwrap().unwrap();
        assert!(
            k.arrival_on(r.uid, k.day(None).unwrap().0.date)
                .unwrap()
                .is_some(),
            "{code}"
        );
    }
}
