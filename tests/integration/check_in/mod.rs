//! The check-in core against real parts: real SQLite files in temp folders,
//! the real `accueil` binary, French Excel and XLSX fixtures.

mod command_line;
mod doctor;
mod exports;
mod hostile;
mod hub_config;
mod privacy;
mod rooms;
mod scanners;
mod storage;
mod sync_props;

use crate::common::{Event, fixture_str};
use accueil::app::Lookup;
use accueil::app::UndoOutcome;
use accueil::domain::{DaySpec, Outcome, RecordKind, Status};
use serde_json::Value;

fn names(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            format!(
                "{} {}",
                h["first_name"].as_str().unwrap_or(""),
                h["last_name"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn french_excel_csv_imports_and_exports_back_cleanly() {
    let ev = Event::new();
    let out = ev.ok(&["import", &fixture_str("inscrits-excel-fr.csv")]);
    assert!(out.contains("8 ligne(s) lue(s)"), "{out}");
    assert!(
        out.contains("windows-1252") && out.contains("« ; »"),
        "{out}"
    );
    assert!(
        out.contains("ligne 8") && out.contains("Bénévole"),
        "unknown category reported: {out}"
    );

    let k = ev.kiosk();
    let r = k
        .registrant(&Lookup::Code("NEC-0005".into()))
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.first_name.as_str(), r.last_name.as_str()),
        ("Lætitia", "Œuvray")
    );
    assert_eq!(r.organisation, "Ministère de l'Intérieur");
    assert_eq!(
        r.extra.get("Régime alimentaire").map(String::as_str),
        Some("sans gluten")
    );
    let zoe = k
        .registrant(&Lookup::Code("NEC-0007".into()))
        .unwrap()
        .unwrap();
    assert_eq!(
        zoe.category, "Participant",
        "falls back to the default category"
    );
    let noel = k
        .registrant(&Lookup::Code("NEC-0008".into()))
        .unwrap()
        .unwrap();
    assert_eq!(
        noel.category, "Participant",
        "category matched without case"
    );

    ev.ok(&["checkin", "NEC-0001", "--day", "1"]);
    ev.ok(&["export", "--out", "presence.csv"]);
    let bytes = std::fs::read(ev.path("presence.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "BOM so that Excel reads UTF-8"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(
        lines[0].starts_with(
            "Code;Nom;Prénom;Organisation;Courriel;Catégorie;Statut;Jour 1 (2022-09-28)"
        )
    );
    let helene = lines.iter().find(|l| l.starts_with("NEC-0001;")).unwrap();
    assert!(
        helene.contains(";Hélène;") && helene.ends_with(";oui"),
        "{helene}"
    );
    assert!(text.contains("Œuvray;Lætitia"));

    // The export is itself an importable list: same people, same codes.
    let other = Event::new();
    let json = other.json(&["import", &ev.path("presence.csv").to_string_lossy()]);
    assert_eq!(json["added"], 8);
    let r2 = other
        .kiosk()
        .registrant(&Lookup::Code("NEC-0005".into()))
        .unwrap()
        .unwrap();
    assert_eq!(
        (r2.first_name, r2.last_name, r2.uid),
        (r.first_name, r.last_name, r.uid)
    );
}

#[test]
fn no_shows_export_lists_only_those_never_seen() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("inscrits-excel-fr.csv")]);
    ev.ok(&["checkin", "NEC-0001", "--day", "1"]);
    ev.ok(&["checkin", "NEC-0006", "--day", "2"]);
    let json = ev.json(&["export", "--out", "absents.csv", "--no-shows"]);
    assert_eq!(json["written"], 6);
    let text = std::fs::read_to_string(ev.path("absents.csv")).unwrap();
    assert!(!text.contains("NEC-0001;") && !text.contains("NEC-0006;"));
    assert!(text.contains("NEC-0002;"));
}

#[test]
fn utf8_csv_and_xlsx_import() {
    let ev = Event::new();
    let json = ev.json(&["import", &fixture_str("attendees-utf8.csv")]);
    assert_eq!(json["added"], 8);
    assert_eq!(json["format"], "CSV, séparateur « , », UTF-8");
    let k = ev.kiosk();
    let ayse = k
        .registrant(&Lookup::Code("T-100".into()))
        .unwrap()
        .unwrap();
    assert_eq!(
        (ayse.first_name.as_str(), ayse.last_name.as_str()),
        ("Ayşe", "Çavuşoğlu")
    );
    assert_eq!(
        k.registrant(&Lookup::Code("T-105".into()))
            .unwrap()
            .unwrap()
            .status,
        Status::Pending
    );
    assert_eq!(
        k.registrant(&Lookup::Code("T-107".into()))
            .unwrap()
            .unwrap()
            .status,
        Status::Cancelled
    );

    let ev = Event::new();
    let json = ev.json(&["import", &fixture_str("inscrits.xlsx")]);
    assert_eq!(json["added"], 3, "{json}");
    let k = ev.kiosk();
    let h = k.registrant(&Lookup::Code("X-1".into())).unwrap().unwrap();
    assert_eq!(
        (
            h.first_name.as_str(),
            h.category.as_str(),
            h.organisation.as_str()
        ),
        ("Hélène", "Intervenant", "Mairie de Lyon")
    );
    assert!(
        k.registrant(&Lookup::Code("1234".into()))
            .unwrap()
            .is_some(),
        "numeric ticket cell read as 1234"
    );
}

#[test]
fn reimport_updates_in_place_cancels_the_missing_and_keeps_arrivals() {
    let ev = Event::new();
    let v1 = "Code;Nom;Prénom;Organisation\nA1;Dupont;Hélène;Mairie\nA2;Martin;Jean;Préfecture\nA3;Durand;Zoé;Région\n";
    ev.write("v1.csv", v1);
    ev.ok(&["import", "v1.csv"]);
    let c = ev.json(&["checkin", "A1", "--day", "1"]);
    assert_eq!(c["outcome"], "welcome");
    let uid = c["registrant"]["uid"].clone();

    // Same file again: nothing changes.
    let same = ev.json(&["import", "v1.csv"]);
    assert_eq!(
        (
            same["added"].clone(),
            same["updated"].clone(),
            same["unchanged"].clone()
        ),
        (0.into(), 0.into(), 3.into())
    );

    // Updated file: A1's organisation changes, A2 disappears, A4 arrives.
    ev.write("v2.csv", "Code;Nom;Prénom;Organisation\nA1;Dupont;Hélène;Métropole de Lyon\nA3;Durand;Zoé;Région\nA4;Petit;Noël;CHU\n");
    let dry = ev.json(&["import", "v2.csv", "--dry-run"]);
    assert_eq!(dry["committed"], false);
    assert_eq!(
        (
            dry["added"].clone(),
            dry["updated"].clone(),
            dry["cancelled"].clone()
        ),
        (1.into(), 1.into(), 1.into())
    );
    assert_eq!(
        ev.kiosk().inspect().registrant_count().unwrap(),
        3,
        "a dry run writes nothing"
    );

    let real = ev.json(&["import", "v2.csv"]);
    assert_eq!(real["committed"], true);
    let again = ev.json(&["checkin", "A1", "--day", "1"]);
    assert_eq!(
        again["outcome"], "already_in",
        "the arrival survived the re-import"
    );
    assert_eq!(
        again["registrant"]["uid"], uid,
        "same person, updated in place"
    );
    assert_eq!(again["registrant"]["organisation"], "Métropole de Lyon");
    assert_eq!(
        ev.json(&["checkin", "A2", "--day", "1"])["outcome"],
        "cancelled",
        "missing from the source: cancelled, not deleted"
    );
    assert_eq!(
        ev.json(&["checkin", "A4", "--day", "1"])["outcome"],
        "welcome"
    );

    // Back in the list: valid again.
    ev.write("v3.csv", "Code;Nom;Prénom;Organisation\nA1;Dupont;Hélène;Métropole de Lyon\nA2;Martin;Jean;Préfecture\nA3;Durand;Zoé;Région\nA4;Petit;Noël;CHU\n");
    ev.ok(&["import", "v3.csv"]);
    assert_eq!(
        ev.json(&["checkin", "A2", "--day", "1"])["outcome"],
        "welcome"
    );
}

#[test]
fn a_file_without_codes_is_keyed_by_email_across_imports() {
    let ev = Event::new();
    ev.write(
        "a.csv",
        "Nom,Prénom,Email\nDupont,Helene,h@x.fr\nMartin,Jean,j@x.fr\n",
    );
    ev.ok(&["import", "a.csv"]);
    let k = ev.kiosk();
    let before = k.search("dupont", 5).unwrap().hits[0].clone();
    assert!(
        before.code.starts_with("A-"),
        "generated code: {}",
        before.code
    );
    drop(k);
    // The name is fixed in the source: same person (same e-mail), same code.
    ev.write(
        "a.csv",
        "Nom,Prénom,Email\nDupont,Hélène,h@x.fr\nMartin,Jean,j@x.fr\n",
    );
    let json = ev.json(&["import", "a.csv"]);
    assert_eq!(
        (json["added"].clone(), json["updated"].clone()),
        (0.into(), 1.into())
    );
    let after = ev.kiosk().search("helene", 5).unwrap().hits[0].clone();
    assert_eq!(
        (after.code, after.uid, after.first_name.as_str()),
        (before.code, before.uid, "Hélène")
    );
}

#[test]
fn a_bad_file_imports_nothing_and_lists_every_bad_row() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("inscrits-excel-fr.csv")]);
    let before = ev.kiosk().search("dupont", 5).unwrap();
    ev.write(
        "bad.csv",
        "Code;Nom;Prénom;Courriel;Statut\nB1;Nouveau;Arrivant;n@x.fr;\nB2;;;vide@x.fr;\nB3;Dupont;Hélène;pas-un-courriel;\nB1;Doublon;Code;d@x.fr;\nB5;Test;Statut;t@x.fr;peut-être\n",
    );
    let out = ev.run(&["import", "bad.csv"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "4 ligne(s) en erreur",
        "ligne 3 : prénom et nom vides",
        "ligne 4 : courriel « pas-un-courriel »",
        "ligne 5 : code « B1 » déjà utilisé ligne 2",
        "ligne 6 : statut « peut-être »",
    ] {
        assert!(err.contains(needle), "missing « {needle} » in:\n{err}");
    }
    let k = ev.kiosk();
    assert_eq!(
        k.inspect().registrant_count().unwrap(),
        8,
        "nothing imported"
    );
    assert!(k.registrant(&Lookup::Code("B1".into())).unwrap().is_none());
    assert_eq!(k.search("dupont", 5).unwrap(), before);

    // --json gives the rows to scripts.
    let out = ev.run(&["--json", "import", "bad.csv"]);
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(4));
    assert_eq!(v["rows"][0]["line"], 3);
}

#[test]
fn missing_column_and_wrong_separator_are_explained() {
    let ev = Event::new();
    ev.write("x.csv", "Nom;Prénom\nDupont;Hélène\n");
    let toml = crate::common::KIOSK_TOML.replace("separator = \"auto\"", "separator = \",\"");
    let ev2 = Event::with_config(&toml);
    ev2.write("x.csv", "Nom;Prénom\nDupont;Hélène\n");
    let out = ev2.run(&["import", "x.csv"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("une seule colonne") && err.contains("séparateur") && err.contains("« ; »"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one actionable line: {err}");
    assert!(
        ev.run(&["import", "x.csv"]).status.success(),
        "auto-detection copes"
    );
}

#[test]
fn an_import_that_would_cancel_most_people_needs_force() {
    let ev = Event::new();
    ev.write("all.csv", crate::common::synthetic_csv(40));
    ev.ok(&["import", "all.csv"]);
    ev.write("other.csv", "Code;Nom;Prénom\nZ1;Autre;Événement\n");
    let out = ev.run(&["import", "other.csv"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("annulerait 40 des 40"));
    assert_eq!(
        ev.json(&["checkin", "S-000001", "--day", "1"])["outcome"],
        "welcome"
    );
    let forced = ev.json(&["import", "other.csv", "--force"]);
    assert_eq!(forced["cancelled"], 40);
}

#[test]
fn every_checkin_outcome() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("attendees-utf8.csv")]);

    let w = ev.json(&["checkin", "T-101", "--day", "2022-09-28"]);
    assert_eq!(w["outcome"], "welcome");
    assert_eq!(w["admitted"], true);
    assert_eq!(
        w["day"],
        serde_json::json!({"number": 1, "date": "2022-09-28", "reason": "asked"})
    );
    assert_eq!(w["registrant"]["first_name"], "Hélène");
    assert!(w["previous"].is_null());
    assert!(w["record"].is_string());

    let a = ev.json(&["checkin", "t-101", "--day", "1"]);
    assert_eq!(a["outcome"], "already_in", "codes are matched without case");
    assert_eq!(a["previous"]["kiosk"], "accueil-1");
    assert!(
        a["previous"]["at"].as_str().unwrap().ends_with(":00"),
        "RFC 3339 with offset: {}",
        a["previous"]["at"]
    );
    assert!(a["record"].is_null());

    let u = ev.json(&["checkin", "NOPE-1", "--day", "1"]);
    assert_eq!(u["outcome"], "unknown");
    assert!(u["registrant"].is_null());
    assert_eq!(
        ev.json(&["checkin", "T-107", "--day", "1"])["outcome"],
        "cancelled"
    );
    assert_eq!(
        ev.json(&["checkin", "T-105", "--day", "1"])["outcome"],
        "pending"
    );
    let exhibitor = ev.json(&["checkin", "T-104", "--day", "1"]);
    assert_eq!(exhibitor["outcome"], "not_today");
    assert_eq!(exhibitor["admitted"], false);
    assert_eq!(
        ev.json(&["checkin", "T-104", "--day", "2"])["outcome"],
        "welcome"
    );

    // By local id; a scan typed by a US-mode scanner on an AZERTY computer
    // (T)&à& for T-101) is recognised.
    let id = w["registrant"]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        ev.json(&["checkin", "--id", &id, "--day", "2"])["outcome"],
        "welcome"
    );
    assert_eq!(
        ev.json(&["checkin", "T)&à&", "--day", "2"])["outcome"],
        "already_in"
    );

    // Human output says what to do; exit code is 0 whatever the outcome.
    let out = ev.ok(&["checkin", "NOPE-1", "--day", "1"]);
    assert!(
        out.contains("Billet inconnu") && out.contains("accueil"),
        "{out}"
    );

    // Wrong day: a clear error, non-zero.
    let out = ev.run(&["checkin", "T-101", "--day", "3"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pas de jour 3"));
}

#[test]
fn default_day_is_today_during_the_event_else_the_first_day() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("attendees-utf8.csv")]);
    let during = || "2022-09-29T07:30:00Z".parse().unwrap();
    let mut k = ev.kiosk().with_clock(during);
    let c = k.check_in(&Lookup::Code("T-101".into()), None).unwrap();
    assert_eq!((c.day.number, c.outcome), (2, Outcome::Welcome));
    let before = || "2022-09-01T07:30:00Z".parse().unwrap();
    let mut k = ev.kiosk().with_clock(before);
    let c = k.check_in(&Lookup::Code("T-101".into()), None).unwrap();
    assert_eq!(c.day.number, 1);
    let out = ev.ok(&["checkin", "T-100"]);
    assert!(out.contains("premier jour retenu"), "{out}");
}

#[test]
fn undo_reverts_the_last_arrival_with_a_new_record() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("attendees-utf8.csv")]);
    ev.ok(&["checkin", "T-101", "--day", "1"]);
    ev.ok(&["checkin", "T-101", "--day", "2"]);
    let u = ev.json(&["undo", "T-101"]);
    assert_eq!(u["outcome"], "undone");
    assert_eq!(u["reverted"]["day"], "2022-09-29", "the last arrival");
    assert_eq!(
        ev.json(&["checkin", "T-101", "--day", "2"])["outcome"],
        "welcome"
    );
    assert_eq!(
        ev.json(&["checkin", "T-101", "--day", "1"])["outcome"],
        "already_in"
    );
    assert_eq!(
        ev.json(&["undo", "T-101", "--day", "1"])["reverted"]["day"],
        "2022-09-28"
    );
    assert_eq!(
        ev.json(&["undo", "T-101", "--day", "1"])["outcome"],
        "nothing_to_undo"
    );
    assert_eq!(ev.json(&["undo", "NOPE"])["outcome"], "unknown");

    let mut k = ev.kiosk();
    let uid = k
        .registrant(&Lookup::Code("T-101".into()))
        .unwrap()
        .unwrap()
        .uid;
    let kinds: Vec<RecordKind> = k
        .inspect()
        .records_of(uid)
        .unwrap()
        .iter()
        .map(|r| r.kind)
        .collect();
    use RecordKind::{Arrival, Undo};
    assert_eq!(
        kinds,
        [Arrival, Arrival, Undo, Arrival, Undo],
        "nothing deleted, everything logged"
    );
    let seqs: Vec<i64> = k
        .inspect()
        .records_of(uid)
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    assert_eq!(
        k.undo(&Lookup::Code("T-101".into()), Some(DaySpec::Number(2)))
            .unwrap()
            .outcome,
        UndoOutcome::Undone
    );
}

#[test]
fn search_is_accent_case_prefix_and_typo_tolerant() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("attendees-utf8.csv")]);
    // One list: the fixture plus three more people.
    let both = format!(
        "{}{}",
        std::fs::read_to_string(crate::common::fixture("attendees-utf8.csv"))
            .unwrap()
            .trim_start_matches('\u{feff}')
            .replace(',', ";"),
        "M-1;Moreau;Hélène;Ville de Nantes;;;\nM-2;Çavuşoğlu;Hélène;Ankara;;;\nM-3;de La Tour d'Auvergne;Marie-Hélène;Puy-de-Dôme;;;\n"
    );
    ev.write("both.csv", both);
    ev.ok(&["import", "both.csv"]);

    let helene = ev.json(&["search", "helene"]);
    let got = names(&helene);
    assert!(
        got.contains(&"Hélène Dupont".to_owned())
            && got.contains(&"Marie-Hélène de La Tour d'Auvergne".to_owned()),
        "{got:?}"
    );
    assert_eq!(
        names(&ev.json(&["search", "HÉLÈNE"])),
        got,
        "case and accents do not matter"
    );
    assert_eq!(
        names(&ev.json(&["search", "cavusoglu"])),
        ["Ayşe Çavuşoğlu", "Hélène Çavuşoğlu"],
        "same last name: by first name"
    );
    assert_eq!(
        names(&ev.json(&["search", "hel", "cav"])),
        ["Hélène Çavuşoğlu"],
        "prefix on every word"
    );
    assert_eq!(names(&ev.json(&["search", "lucja"])), ["Łucja Wałęsa"]);
    assert_eq!(names(&ev.json(&["search", "walesa"])), ["Łucja Wałęsa"]);
    assert_eq!(
        names(&ev.json(&["search", "muller", "strasse"])),
        ["Jürgen Müller"],
        "ü and ß fold"
    );

    let typo = ev.json(&["search", "dupnot"]);
    assert_eq!(typo["approximate"], true);
    assert_eq!(names(&typo)[0], "Hélène Dupont");
    assert_eq!(ev.json(&["search", "dupont"])["approximate"], false);
    assert!(
        names(&ev.json(&["search", "xyzzy"])).is_empty(),
        "no typo tolerance under 5 letters and no false friends"
    );

    // Ranking: last-name prefix first, then first name, then elsewhere.
    assert_eq!(
        names(&ev.json(&["search", "mart"])),
        ["Paul Martin", "Martine Bernard"]
    );
    assert_eq!(
        names(&ev.json(&["search", "dup"])),
        ["Hélène Dupont", "Dupont-Marc Dupuis"]
    );
    assert_eq!(
        names(&ev.json(&["search", "marc"])),
        ["Dupont-Marc Dupuis"],
        "later words of a name count"
    );
    // An exact ticket code comes first.
    assert_eq!(names(&ev.json(&["search", "T-106"]))[0], "Martine Bernard");
    // Only e-mail and organisation match: still found.
    assert_eq!(names(&ev.json(&["search", "gdansk"])), ["Łucja Wałęsa"]);
    let out = ev.ok(&["search", "personne"]);
    assert!(out.contains("Aucun inscrit"), "{out}");
}

#[test]
fn checkin_reads_codes_from_stdin_one_json_line_each() {
    use std::io::Write;
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("attendees-utf8.csv")]);
    let mut child = ev
        .command(&["--json", "checkin", "-", "--day", "1"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"T-101\n\nT-101\nINCONNU\r\nT-107\nd\xe9j\xe0\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let outcomes: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["outcome"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        outcomes,
        ["welcome", "already_in", "unknown", "cancelled", "unknown"],
        "a Latin-1 line does not stop the replay"
    );
}

#[test]
fn stats_count_expected_and_arrived_per_day_category_and_kiosk() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("attendees-utf8.csv")]);
    for (code, day) in [
        ("T-101", "1"),
        ("T-100", "1"),
        ("T-101", "2"),
        ("T-104", "2"),
    ] {
        ev.ok(&["checkin", code, "--day", day]);
    }
    ev.ok(&["undo", "T-100"]);
    let s = ev.json(&["stats"]);
    assert_eq!(s["registrants"], 8);
    assert_eq!(s["cancelled"], 1);
    let d1 = &s["days"][0];
    // Valid people: T-100..104 and T-106 (T-105 pending, T-107 cancelled); the exhibitor T-104 only on day 2.
    assert_eq!(
        (d1["expected"].clone(), d1["arrived"].clone()),
        (5.into(), 1.into())
    );
    let d2 = &s["days"][1];
    assert_eq!(
        (d2["expected"].clone(), d2["arrived"].clone()),
        (6.into(), 2.into())
    );
    let cat = |d: &Value, name: &str| {
        d["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(cat(d2, "Exposant")["arrived"], 1);
    assert_eq!(cat(d1, "Exposant")["expected"], 0);
    assert_eq!(cat(d1, "Participant")["colour"], "#1F6FB2");
    assert_eq!(d2["kiosks"]["accueil-1"], 2);
    let human = ev.ok(&["stats"]);
    assert!(
        human.contains("Jour 2 (2022-09-29) : 2 arrivé(s) sur 6 attendu(s)"),
        "{human}"
    );
}

#[test]
fn config_and_database_errors_are_one_actionable_line() {
    let ev = Event::new();
    let out = ev.run(&["--config", "absent.toml", "stats"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("absent.toml introuvable") && err.contains("--config"),
        "{err}"
    );
    let bad = Event::with_config(&crate::common::KIOSK_TOML.replace("Europe/Paris", "Paris"));
    let err = String::from_utf8(bad.run(&["stats"]).stderr).unwrap();
    assert!(
        err.contains("timezone « Paris »") && err.contains("Europe/Paris"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // --db overrides the configured file.
    ev.ok(&[
        "--db",
        "autre.sqlite",
        "import",
        &fixture_str("attendees-utf8.csv"),
    ]);
    assert!(ev.path("autre.sqlite").exists() && !ev.path("accueil.sqlite").exists());
}

#[test]
fn a_desk_fix_survives_reimports_unless_the_source_changes_that_field() {
    let ev = Event::new();
    ev.write(
        "v1.csv",
        "Code;Nom;Prénom;Organisation\nA1;Dupont;Helene;Mairie\nA2;Martin;Jean;Préfecture\n",
    );
    ev.ok(&["import", "v1.csv"]);
    let e = ev.json(&["edit", "A1", "--first-name", "Hélène"]);
    assert_eq!(e["changed"], serde_json::json!(["first_name"]));
    assert!(e["record"].is_string());

    let again = ev.json(&["import", "v1.csv"]);
    assert_eq!(
        (again["updated"].clone(), again["unchanged"].clone()),
        (0.into(), 2.into()),
        "the source did not change: nothing to update"
    );
    let k = ev.kiosk();
    assert_eq!(
        k.registrant(&Lookup::Code("A1".into()))
            .unwrap()
            .unwrap()
            .first_name,
        "Hélène",
        "the fix survived"
    );
    assert_eq!(
        names(&ev.json(&["search", "helene"])),
        ["Hélène Dupont"],
        "search sees the fix"
    );
    drop(k);

    // The source changes the organisation: taken, the name fix stays.
    ev.write(
        "v2.csv",
        "Code;Nom;Prénom;Organisation\nA1;Dupont;Helene;Métropole\nA2;Martin;Jean;Préfecture\n",
    );
    let v2 = ev.json(&["import", "v2.csv"]);
    assert_eq!(
        v2["changes"][0]["fields"],
        serde_json::json!(["organisation"])
    );
    let r = ev
        .kiosk()
        .registrant(&Lookup::Code("A1".into()))
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.first_name.as_str(), r.organisation.as_str()),
        ("Hélène", "Métropole")
    );

    // The source fixes the first name itself: the source wins.
    ev.write("v3.csv", "Code;Nom;Prénom;Organisation\nA1;Dupont;Hélène-Marie;Métropole\nA2;Martin;Jean;Préfecture\n");
    ev.ok(&["import", "v3.csv"]);
    let k = ev.kiosk();
    let r = k.registrant(&Lookup::Code("A1".into())).unwrap().unwrap();
    assert_eq!(r.first_name, "Hélène-Marie");

    let edits: Vec<_> = k
        .inspect()
        .records_of(r.uid)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == RecordKind::RegistrantEdited)
        .collect();
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0].payload["changes"]["first_name"],
        serde_json::json!({"from": "Helene", "to": "Hélène"})
    );

    let out = ev.run(&["edit", "A1", "--email", "pas un courriel"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("courriel « pas un courriel » invalide"));
    let out = ev.run(&["edit", "ZZZ", "--last-name", "X"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("accueil search"));
}

#[test]
fn a_walk_in_is_registered_checked_in_logged_and_kept_by_reimports() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("inscrits-excel-fr.csv")]);
    let w = ev.json(&[
        "walk-in",
        "--first-name",
        " Élodie ",
        "--last-name",
        "Nguyễn",
        "--organisation",
        "Mairie d'Arles",
        "--category",
        "presse",
        "--day",
        "1",
    ]);
    assert_eq!(w["checkin"]["outcome"], "welcome");
    assert_eq!(w["registrant"]["first_name"], "Élodie", "spaces tidied");
    assert_eq!(w["registrant"]["category"], "Presse");
    assert_eq!(w["registrant"]["origin"], "walk_in");
    let code = w["registrant"]["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with("W-"));
    assert_eq!(names(&ev.json(&["search", "nguyen"])), ["Élodie Nguyễn"]);
    assert_eq!(
        ev.json(&["checkin", &code, "--day", "1"])["outcome"],
        "already_in"
    );

    // A walk-in is not in the source file: re-importing must not cancel them.
    let re = ev.json(&["import", &fixture_str("inscrits-excel-fr.csv")]);
    assert_eq!(re["cancelled"], 0);
    assert_eq!(
        ev.json(&["checkin", &code, "--day", "2"])["outcome"],
        "welcome"
    );

    let k = ev.kiosk();
    let uid = uuid::Uuid::parse_str(w["registrant"]["uid"].as_str().unwrap()).unwrap();
    let log = k.inspect().records_of(uid).unwrap();
    assert_eq!(log[0].kind, RecordKind::WalkIn);
    assert_eq!(log[0].payload["code"], code.as_str());
    assert_eq!(
        log[0].payload["details"]["last_name"], "Nguyễn",
        "enough for another kiosk to create them"
    );

    // An exhibitor walk-in on a day exhibitors do not come: registered, not let in.
    let x = ev.json(&[
        "walk-in",
        "--last-name",
        "Stand",
        "--category",
        "Exposant",
        "--day",
        "1",
    ]);
    assert_eq!(x["checkin"]["outcome"], "not_today");
    let bad = ev.run(&["walk-in", "--first-name", "", "--last-name", " "]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("prénom et nom vides"));
}
