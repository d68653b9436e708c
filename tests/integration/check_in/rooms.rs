//! Rooms and sessions on real parts: a programme imported from a French
//! spreadsheet's CSV through the real binary, room doors (capacity,
//! registration, opening time, exits, two doors of one room) on real
//! SQLite files, doors offline that sync later through the hub's
//! exchange, and the counts every copy derives.

use std::cell::{Cell, RefCell};
use std::path::Path;

use accueil::app::{Kiosk, Lookup, Occupancy};
use accueil::config::Config;
use accueil::domain::programme::{Direction, DoorOutcome};
use jiff::Timestamp;
use proptest::prelude::*;

use super::sync_props::LocalHub;
use crate::common::{Event, KIOSK_TOML, synthetic_csv};

thread_local! {
    /// The doors' clock in this test's thread.
    static NOW: Cell<i64> = const { Cell::new(0) };
}

fn clock() -> Timestamp {
    Timestamp::from_second(NOW.with(Cell::get)).unwrap()
}

/// Sets the clock to `hh:mm` on 28 September 2022, Paris time.
fn at(hm: &str) {
    let ts: Timestamp = format!("2022-09-28T{hm}:00+02:00").parse().unwrap();
    NOW.with(|n| n.set(ts.as_second()));
}

/// The programme of a morning: a plenary, a workshop on registration only,
/// a small room with two sessions. Times are Paris time.
const PROGRAMME: &str = "\
Code;Titre;Salle;Date;Début;Fin;Capacité;Sur inscription;Inscrits
PL;Plénière d'ouverture;Amphithéâtre;28/09/2022;09:00;10:30;;non;
AT1;Atelier « données ouvertes »;Salle 2;28/09/2022;09:00;10:30;3;oui;S-000000 S-000001 S-000002 S-000003 p4@example.fr
P1;Petite salle, matin;Salle 3;28/09/2022;09:00;10:00;2;non;
P2;Petite salle, midi;Salle 3;28/09/2022;10:15;11:00;2;non;
";

fn door_config(dir: &Path, id: &str, room: &str) -> Config {
    let toml = KIOSK_TOML
        .replace("id = \"accueil-1\"", &format!("id = \"{id}\""))
        .replace(
            "mode = \"staff\"",
            &format!("mode = \"door\"\nroom = \"{room}\"\nexits = true"),
        );
    Config::parse(&toml, dir).expect("door kiosk.toml")
}

fn door(dir: &Path, id: &str, room: &str) -> Kiosk {
    Kiosk::open(
        door_config(dir, id, room),
        Some(&dir.join(format!("{id}.sqlite"))),
    )
    .expect("door")
    .with_clock(clock)
}

fn person(i: usize) -> Lookup {
    Lookup::Code(format!("S-{i:06}"))
}

fn scan(k: &mut Kiosk, i: usize) -> DoorOutcome {
    k.door_scan(&person(i), None, Direction::In)
        .unwrap()
        .outcome
}

fn leave(k: &mut Kiosk, i: usize) -> DoorOutcome {
    k.door_scan(&person(i), None, Direction::Out)
        .unwrap()
        .outcome
}

/// (present, attended, registered) of a session.
fn counts(o: &Occupancy, session: &str) -> (u32, u32, u32) {
    let v = o
        .sessions
        .iter()
        .find(|v| v.session.id == session)
        .unwrap_or_else(|| panic!("session {session}"));
    (v.counts.present, v.counts.attended, v.counts.registered)
}

/// A hub holding the list and the programme, in a folder of its own.
fn hub_with_programme(dir: &Path, people: usize) -> LocalHub {
    let csv = dir.join("inscrits.csv");
    std::fs::write(&csv, synthetic_csv(people)).unwrap();
    let prog = dir.join("programme.csv");
    std::fs::write(&prog, PROGRAMME).unwrap();
    let toml = KIOSK_TOML.replace("id = \"accueil-1\"", "id = \"hub\"");
    let mut hub = Kiosk::open(
        Config::parse(&toml, dir).unwrap(),
        Some(&dir.join("hub.sqlite")),
    )
    .unwrap()
    .with_clock(clock);
    hub.import_file(&csv, Default::default(), |_, _| {})
        .unwrap();
    hub.import_programme(&prog, false, false).unwrap();
    LocalHub {
        kiosk: RefCell::new(accueil::app::HubCopy::new(hub)),
    }
}

#[test]
fn a_programme_is_imported_whole_or_not_at_all_and_each_wrong_line_is_told() {
    let ev = Event::new();
    ev.ok(&[
        "import",
        &crate::common::fixture_str("inscrits-excel-fr.csv"),
    ]);
    // As Excel for Windows saves a French sheet: Windows-1252, « ; ».
    let bad = "Titre;Salle;Date;Début;Fin;Capacité\n\
               Plénière;Amphi;28/09/2022;09:00;10:30;\n\
               Atelier;Salle 2;28/09/2022;11:00;10:00;20\n\
               Visite;;29/09/2022;14h;15h;\n\
               Table ronde;Amphi;30/09/2022;14:00;15:00;\n\
               Déjeuner;Hall;28/09/2022;12:00;13:30;beaucoup\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(bad);
    let path = ev.write("programme.csv", &bytes);
    let out = ev.run(&["programme", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for line in ["ligne 3", "ligne 4", "ligne 5", "ligne 6"] {
        assert!(err.contains(line), "{line} told: {err}");
    }
    assert!(!err.contains("ligne 2 "), "{err}");
    assert!(
        err.contains("n'est pas après le début") && err.contains("salle vide"),
        "{err}"
    );
    assert!(err.contains("rien n'a été importé"), "{err}");
    assert_eq!(
        ev.json(&["sessions"])["sessions"].as_array().unwrap().len(),
        0,
        "nothing taken"
    );

    // The same sheet, mended: taken, accents and all.
    let good = "Titre;Salle;Date;Début;Fin;Capacité\n\
                Plénière;Amphi;28/09/2022;09:00;10:30;\n\
                Atelier;Salle 2;28/09/2022;10:00;11:00;20\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(good);
    let path = ev.write("programme.csv", &bytes);
    let out = ev.ok(&["programme", path.to_str().unwrap()]);
    assert!(out.contains("2 séance(s) dans 2 salle(s)"), "{out}");
    let s = ev.json(&["sessions"]);
    let titles: Vec<&str> = s["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Plénière", "Atelier"]);
    assert_eq!(
        s["sessions"][0]["start"], "2022-09-28T07:00:00Z",
        "Paris time"
    );
    assert_eq!(s["sessions"][1]["capacity"], 20);
}

#[test]
fn a_room_door_admits_refuses_and_counts_each_person_once() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_programme(dir.path(), 10);
    let mut d2 = door(dir.path(), "porte-salle-2", "salle 2");
    at("08:30");
    d2.sync_with(&hub).unwrap();
    assert_eq!(
        d2.programme().unwrap().sessions.len(),
        4,
        "the programme came with the list"
    );

    // Before its door opens (a quarter of an hour before the start).
    at("08:40");
    let early = d2.door_scan(&person(0), None, Direction::In).unwrap();
    assert_eq!(early.outcome, DoorOutcome::TooEarly);
    assert_eq!(early.session.unwrap().id, "AT1");
    assert!(early.record.is_none());

    at("08:50");
    assert_eq!(scan(&mut d2, 0), DoorOutcome::Admitted);
    assert_eq!(
        scan(&mut d2, 0),
        DoorOutcome::AlreadyInside,
        "scanned twice"
    );
    // p4@example.fr registered by e-mail: S-000004.
    assert_eq!(scan(&mut d2, 4), DoorOutcome::Admitted);
    assert_eq!(scan(&mut d2, 7), DoorOutcome::NotRegistered);
    assert_eq!(scan(&mut d2, 1), DoorOutcome::Admitted);
    assert_eq!(scan(&mut d2, 2), DoorOutcome::Full, "three seats");
    assert_eq!(
        d2.door_scan(&Lookup::Code("NOPE-1".into()), None, Direction::In)
            .unwrap()
            .outcome,
        DoorOutcome::Unknown
    );
    // Someone leaves: a seat frees.
    assert_eq!(leave(&mut d2, 1), DoorOutcome::Left);
    assert_eq!(scan(&mut d2, 2), DoorOutcome::Admitted);
    let o = d2.occupancy(None).unwrap();
    assert_eq!(counts(&o, "AT1"), (3, 4, 5));

    // A second door of the same room, on its own copy, offline: it admits
    // S-000000 again (its copy does not know they are in).
    let mut d2b = door(dir.path(), "porte-salle-2-b", "Salle 2");
    at("08:30");
    d2b.sync_with(&hub).unwrap();
    at("09:05");
    assert_eq!(scan(&mut d2b, 0), DoorOutcome::Admitted);
    // Then both doors sync, in either order: one person, counted once.
    d2.sync_with(&hub).unwrap();
    d2b.sync_with(&hub).unwrap();
    d2.sync_with(&hub).unwrap();
    at("09:10");
    for k in [&d2, &d2b, hub.kiosk.borrow().kiosk()] {
        let o = k.occupancy(None).unwrap();
        assert_eq!(counts(&o, "AT1"), (3, 4, 5), "{}", k.config.kiosk.id);
        let room = o.rooms.iter().find(|r| r.room == "Salle 2").unwrap();
        assert_eq!(
            (room.present, room.capacity, room.nearly_full),
            (3, Some(3), true)
        );
    }

    // Going into another room closes the presence in this one.
    let mut d3 = door(dir.path(), "porte-salle-3", "Salle 3");
    d3.sync_with(&hub).unwrap();
    assert_eq!(scan(&mut d3, 0), DoorOutcome::Admitted);
    d3.sync_with(&hub).unwrap();
    d2.sync_with(&hub).unwrap();
    let o = d2.occupancy(None).unwrap();
    assert_eq!(counts(&o, "AT1"), (2, 4, 5));
    assert_eq!(counts(&o, "P1"), (1, 1, 0));

    // At the end of a session its room empties; the next one takes over.
    at("10:05");
    let o = d3.occupancy(None).unwrap();
    assert_eq!(counts(&o, "P1"), (0, 1, 0));
    assert_eq!(scan(&mut d3, 5), DoorOutcome::Admitted);
    assert_eq!(
        d3.door_scan(&person(5), None, Direction::In)
            .unwrap()
            .session
            .unwrap()
            .id,
        "P2"
    );
    at("11:00");
    assert_eq!(scan(&mut d3, 6), DoorOutcome::NoSession);
}

#[test]
fn a_walk_in_registered_at_the_desk_gets_into_a_room_and_counts_at_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_programme(dir.path(), 6);
    at("09:00");
    let mut desk = Kiosk::open(
        Config::parse(
            &KIOSK_TOML.replace("id = \"accueil-1\"", "id = \"desk\""),
            dir.path(),
        )
        .unwrap(),
        Some(&dir.path().join("desk.sqlite")),
    )
    .unwrap()
    .with_clock(clock);
    desk.sync_with(&hub).unwrap();
    let details = accueil::domain::Details {
        first_name: "Zoé".into(),
        last_name: "Sur-Place".into(),
        category: "Participant".into(),
        ..Default::default()
    };
    let w = desk.walk_in(details, None).unwrap();
    desk.sync_with(&hub).unwrap();
    let mut d1 = door(dir.path(), "porte-amphi", "Amphithéâtre");
    d1.sync_with(&hub).unwrap();
    at("09:10");
    let s = d1
        .door_scan(
            &Lookup::Code(w.registrant.code.clone()),
            None,
            Direction::In,
        )
        .unwrap();
    assert_eq!(s.outcome, DoorOutcome::Admitted);
    d1.sync_with(&hub).unwrap();
    let o = hub.kiosk.borrow().occupancy(None).unwrap();
    assert_eq!(counts(&o, "PL"), (1, 1, 0));

    // After the event, the purge keeps who-came-to-what as anonymous
    // counts: attendance and registrations per session survive it.
    let tally = |o: &Occupancy| -> Vec<(String, u32, u32)> {
        o.sessions
            .iter()
            .map(|v| (v.session.id.clone(), v.counts.attended, v.counts.registered))
            .collect()
    };
    let before = tally(&o);
    hub.kiosk.borrow_mut().purge(true).unwrap();
    let after = tally(&hub.kiosk.borrow().occupancy(None).unwrap());
    assert_eq!(after, before);
    assert!(before.iter().any(|(_, _, registered)| *registered == 5));
}

/// One door's step in the property below.
#[derive(Debug, Clone)]
enum Step {
    In { door: usize, person: usize },
    Out { door: usize, person: usize },
    Sync { door: usize },
    Tick { minutes: i64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (0..3usize, 0..8usize).prop_map(|(door, person)| Step::In { door, person }),
        2 => (0..3usize, 0..8usize).prop_map(|(door, person)| Step::Out { door, person }),
        3 => (0..3usize).prop_map(|door| Step::Sync { door }),
        1 => (1..20i64).prop_map(|minutes| Step::Tick { minutes }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Three doors (two of them at one room), scanning and syncing in any
    /// order, offline in between: once all have synced, every copy shows
    /// the same counts, nobody is counted twice, and nobody is present in
    /// two sessions at once.
    #[test]
    fn doors_syncing_in_any_order_agree_on_every_count(steps in prop::collection::vec(step(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let hub = hub_with_programme(dir.path(), 8);
        at("08:50");
        let mut doors = vec![
            door(dir.path(), "d0", "Salle 3"),
            door(dir.path(), "d1", "salle 3"),
            door(dir.path(), "d2", "Amphithéâtre"),
        ];
        for d in &mut doors {
            d.sync_with(&hub).unwrap();
        }
        let mut minute = 0i64;
        for s in &steps {
            match *s {
                Step::In { door, person: p } => {
                    doors[door].door_scan(&person(p), None, Direction::In).unwrap();
                }
                Step::Out { door, person: p } => {
                    doors[door].door_scan(&person(p), None, Direction::Out).unwrap();
                }
                Step::Sync { door } => {
                    doors[door].sync_with(&hub).unwrap();
                }
                Step::Tick { minutes } => {
                    minute += minutes;
                    let t = Timestamp::from_second(
                        "2022-09-28T08:50:00+02:00".parse::<Timestamp>().unwrap().as_second() + minute * 60,
                    ).unwrap();
                    NOW.with(|n| n.set(t.as_second()));
                }
            }
        }
        for _ in 0..2 {
            for d in &mut doors {
                d.sync_with(&hub).unwrap();
            }
        }
        let reference = hub.kiosk.borrow().occupancy(None).unwrap();
        // What each copy derived as records came, in whatever order they
        // came, is what a replay of its log gives, and the same everywhere.
        prop_assert_eq!(&hub.kiosk.borrow().occupancy_replayed(None).unwrap(), &reference);
        for d in &doors {
            prop_assert_eq!(&d.occupancy(None).unwrap(), &reference);
            prop_assert_eq!(&d.occupancy_replayed(None).unwrap(), &reference);
        }
        let present: u32 = reference.sessions.iter().map(|v| v.counts.present).sum();
        prop_assert!(present <= 8, "nobody in two sessions at once: {:?}", reference);
        for v in &reference.sessions {
            prop_assert!(v.counts.present <= v.counts.attended);
            prop_assert!(v.counts.attended <= 8);
        }
    }
}

#[test]
fn a_door_s_settings_that_cannot_work_are_refused_with_what_to_write() {
    let dir = tempfile::tempdir().unwrap();
    let with = |from: &str, to: &str| {
        Config::parse(&KIOSK_TOML.replace(from, to), dir.path())
            .err()
            .map(|e| match e {
                accueil::config::ParseError::Invalid(m) => m,
                other => format!("{other:?}"),
            })
            .unwrap_or_default()
    };
    let no_room = with("mode = \"staff\"", "mode = \"door\"");
    assert!(no_room.contains("room = "), "{no_room}");
    let room_alone = with("mode = \"staff\"", "mode = \"staff\"\nroom = \"Salle A\"");
    assert!(room_alone.contains("mode = \"door\""), "{room_alone}");
    let exits_alone = with("mode = \"staff\"", "mode = \"staff\"\nexits = true");
    assert!(exits_alone.contains("porte de salle"), "{exits_alone}");
    let too_early = with("door_opens_minutes = 15", "door_opens_minutes = 600");
    assert!(too_early.contains("240"), "{too_early}");
    let typo = with("mode = \"staff\"", "mode = \"porte\"");
    assert!(typo.contains("« door »"), "{typo}");
}

#[test]
fn a_programme_that_drops_a_session_people_came_to_or_names_nobody_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_programme(dir.path(), 10);
    at("09:10");
    let mut door_a = door(dir.path(), "porte-amphi", "Amphithéâtre");
    door_a.sync_with(&hub).unwrap();
    assert_eq!(scan(&mut door_a, 1), DoorOutcome::Admitted);
    door_a.sync_with(&hub).unwrap();
    let before = hub.kiosk.borrow().programme().unwrap();

    // The plenary gone from the file: refused, the programme kept.
    let without = dir.path().join("sans-pleniere.csv");
    std::fs::write(
        &without,
        PROGRAMME
            .lines()
            .filter(|l| !l.starts_with("PL;"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let err = hub
        .kiosk
        .borrow_mut()
        .import_programme(&without, false, false)
        .unwrap_err();
    assert!(
        err.to_string().contains("« PL »") && err.to_string().contains("--force"),
        "{err}"
    );
    assert_eq!(hub.kiosk.borrow().programme().unwrap(), before);
    // With --force it goes; the entry stays in the log.
    let done = hub
        .kiosk
        .borrow_mut()
        .import_programme(&without, false, true)
        .unwrap();
    assert_eq!(done.change.removed, ["PL"]);

    // A registration by an e-mail nobody has: the line is told, nothing taken.
    let unknown = dir.path().join("inconnu.csv");
    std::fs::write(
        &unknown,
        PROGRAMME.replace("p4@example.fr", "personne@nulle-part.fr"),
    )
    .unwrap();
    let kept = hub.kiosk.borrow().programme().unwrap();
    let err = hub
        .kiosk
        .borrow_mut()
        .import_programme(&unknown, false, true)
        .unwrap_err();
    assert!(
        err.to_string().contains("ligne 3") && err.to_string().contains("personne@nulle-part.fr"),
        "{err}"
    );
    assert_eq!(hub.kiosk.borrow().programme().unwrap(), kept);
    // A dry run writes nothing either.
    let dry = hub
        .kiosk
        .borrow_mut()
        .import_programme(&dir.path().join("programme.csv"), true, false)
        .unwrap();
    assert!(!dry.change.committed);
    assert_eq!(hub.kiosk.borrow().programme().unwrap(), kept);
}

#[test]
fn two_offline_doors_over_filling_a_room_show_it_over_capacity_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    at("08:40");
    let hub = hub_with_programme(dir.path(), 50);
    let mut north = door(dir.path(), "porte-nord", "Salle 3");
    let mut south = door(dir.path(), "porte-sud", "Salle 3");
    north.sync_with(&hub).unwrap();
    south.sync_with(&hub).unwrap();
    // The network is down: each door lets in the two seats it sees.
    at("09:05");
    assert_eq!(scan(&mut north, 10), DoorOutcome::Admitted);
    assert_eq!(scan(&mut north, 11), DoorOutcome::Admitted);
    assert_eq!(scan(&mut south, 12), DoorOutcome::Admitted);
    assert_eq!(scan(&mut south, 13), DoorOutcome::Admitted);
    let o = north.occupancy(None).unwrap();
    let room = o.rooms.iter().find(|r| r.room == "Salle 3").unwrap();
    assert!(room.nearly_full && !room.over_capacity, "{room:?}");
    // Back online: four people in a room of two, said as such.
    north.sync_with(&hub).unwrap();
    south.sync_with(&hub).unwrap();
    north.sync_with(&hub).unwrap();
    for k in [&north, hub.kiosk.borrow().kiosk()] {
        let o = k.occupancy(None).unwrap();
        let room = o.rooms.iter().find(|r| r.room == "Salle 3").unwrap();
        assert_eq!((room.present, room.capacity), (4, Some(2)));
        assert!(room.over_capacity, "{room:?}");
        let p1 = o.sessions.iter().find(|v| v.session.id == "P1").unwrap();
        assert!(p1.over_capacity);
        let json = serde_json::to_value(&o).unwrap();
        assert!(
            json["rooms"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["over_capacity"] == true)
        );
    }
    // And the next person is refused at either door.
    assert_eq!(scan(&mut south, 14), DoorOutcome::Full);
}

/// The same programme as Google Sheets in English (9/28/2022, 2:00:00 PM),
/// LibreOffice in French and Excel with General cells (serials, fractions
/// of a day) write it: the same sessions, the evening one ending after
/// midnight with a warning.
#[test]
fn a_programme_reads_the_same_from_every_spreadsheet() {
    let mut seen: Vec<Vec<(String, String, String)>> = Vec::new();
    for file in [
        "programme/google-sheets-en.csv",
        "programme/libreoffice-fr.csv",
        "programme/excel-standard.xlsx",
    ] {
        let ev = Event::new();
        let v = ev.json(&["programme", &crate::common::fixture_str(file)]);
        let warned = v.to_string();
        assert!(warned.contains("après minuit"), "{file}: {v}");
        let s = ev.json(&["sessions"]);
        let sessions: Vec<(String, String, String)> = s["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["title"].as_str().unwrap().to_owned(),
                    v["start"].as_str().unwrap().to_owned(),
                    v["end"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(sessions.len(), 4, "{file}: {s}");
        seen.push(sessions);
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[1], seen[2]);
    let lunch = seen[0].iter().find(|s| s.0 == "Déjeuner-débat").unwrap();
    // Paris in September is UTC+2: 12:15–13:45 there.
    assert_eq!(
        (lunch.1.as_str(), lunch.2.as_str()),
        ("2022-09-28T10:15:00Z", "2022-09-28T11:45:00Z")
    );
    // 22:00 to 01:00 the next night, Paris time.
    let evening = seen[0]
        .iter()
        .find(|s| s.0 == "Soirée des territoires")
        .unwrap();
    assert_eq!(
        (evening.1.as_str(), evening.2.as_str()),
        ("2022-09-28T20:00:00Z", "2022-09-28T23:00:00Z")
    );
}
