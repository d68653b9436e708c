//! Scanners in the wrong keyboard mode, against real SQLite files and the
//! real binary: every mix-up of [`Mix::ALL`] against every family of codes
//! met at the door, the ambiguous case that must let nobody in, the mix-up
//! remembered, and the one pinned in kiosk.toml.

use crate::common::{Event, KIOSK_TOML};
use accueil::domain::keyboard::{Layout, Mix};
use serde_json::Value;

/// One code of each family: a pretix secret, an Eventbrite barcode, a
/// HelloAsso ticket number, prefixed codes with a dash, accueil's own.
const CODES: &[(&str, &str)] = &[
    ("s95a2m964kbsaskwmzby6sc9vcu6fkz4", "Gaëlle;Dupré"),
    ("39810234554957712040001", "Hélène;Dupont"),
    ("61234500", "Zoé;Lefèvre-Martin"),
    ("NEC-000123", "Jean-Baptiste;N'Diaye"),
    ("T-2022-0456", "Noël;Le Goff"),
    ("A-7QZ9M2WXKH", "Åsa;Øberg"),
    ("W-3F8K2M9QZX", "Loïc;Le Bihan"),
];

fn event_with(codes: &[(&str, &str)], toml: &str) -> Event {
    let ev = Event::with_config(toml);
    let mut csv = String::from("Code;Prénom;Nom\n");
    for (code, names) in codes {
        csv.push_str(&format!("{code};{names}\n"));
    }
    ev.write("codes.csv", csv);
    ev.ok(&["import", "codes.csv"]);
    ev
}

fn scan_test(ev: &Event, read: &str) -> Value {
    ev.json(&["scan-test", read])
}

#[test]
fn every_mix_up_against_every_code_family() {
    let ev = event_with(CODES, KIOSK_TOML);
    for mix in Mix::ALL {
        for (code, _) in CODES {
            let Some(read) = mix.garble(code) else {
                // A dead key of the computer's (`y` of a US scanner on BÉPO).
                assert_eq!(mix, Mix::new(Layout::Us, Layout::Bepo), "{code}");
                continue;
            };
            let v = scan_test(&ev, &read);
            assert_eq!(
                v["registrant"]["code"], *code,
                "{mix}: « {read} » for {code}: {v}"
            );
            if read != *code {
                // Every mix-up named reads it as this code (without case,
                // as codes are matched), and this one is among them.
                let also = v["scanner"]["also"].as_array().expect("also");
                let named: Vec<Mix> = std::iter::once(&v["scanner"]["layout"])
                    .chain(also)
                    .map(|k| Mix::from_key(k.as_str().expect("layout")).expect("a known mix"))
                    .collect();
                for m in &named {
                    let meant = m.recover(&read).map(|c| c.to_lowercase());
                    assert_eq!(meant, Some(code.to_lowercase()), "{m}: {v}");
                }
                assert!(named.contains(&mix), "{mix} not named: {v}");
                assert!(
                    v["verdict"].as_str().unwrap().contains("réglez le lecteur"),
                    "{v}"
                );
            }
        }
    }
}

#[test]
fn a_us_scanner_on_a_french_laptop_checks_people_in_and_says_so() {
    let ev = event_with(CODES, KIOSK_TOML);
    let read = Mix::new(Layout::Us, Layout::Fr)
        .garble("NEC-000123")
        .unwrap();
    assert_eq!(read, "NEC)ààà&é\"");
    let out = ev.ok(&["checkin", &read, "--day", "1"]);
    assert!(out.contains("Bienvenue, Jean-Baptiste N'Diaye"), "{out}");
    assert!(
        out.contains("le lecteur tape en QWERTY (États-Unis) sur un poste AZERTY (France)")
            && out.contains("clavier AZERTY")
            && out.contains("scanner_layout = \"us/fr\""),
        "{out}"
    );
    let v = ev.json(&["checkin", &read, "--day", "1"]);
    assert_eq!(v["outcome"], "already_in");
    assert_eq!(v["scanner"]["layout"], "us/fr");
    assert_eq!(v["scanner"]["host"], "fr");
    // An AZERTY scanner on a QWERTY computer, the other way round.
    let read = Mix::new(Layout::Fr, Layout::Us)
        .garble("T-2022-0456")
        .unwrap();
    assert_eq!(read, "T6@)@@6)$%^");
    let v = ev.json(&["checkin", &read, "--day", "1"]);
    assert_eq!(v["outcome"], "welcome");
    assert_eq!(v["registrant"]["last_name"], "Le Goff");
    assert_eq!(v["scanner"]["layout"], "fr/us");
}

/// « ZEW » is « WEZ » typed by a US scanner on an AZERTY computer, and
/// « YEW » typed on a German one.
const TWINS: &[(&str, &str)] = &[("WEZ", "Ambre;Martin"), ("YEW", "Bruno;Petit")];

#[test]
fn a_scan_two_tickets_could_be_lets_nobody_in() {
    let ev = event_with(TWINS, KIOSK_TOML);
    assert_eq!(
        Mix::new(Layout::Us, Layout::Fr).garble("WEZ").as_deref(),
        Some("ZEW")
    );
    assert_eq!(
        Mix::new(Layout::Us, Layout::De).garble("YEW").as_deref(),
        Some("ZEW")
    );
    let v = ev.json(&["checkin", "ZEW", "--day", "1"]);
    assert_eq!(v["outcome"], "unknown", "{v}");
    assert!(v["record"].is_null(), "nobody checked in");
    let twins: Vec<&str> = v["scanner"]["ambiguous"]
        .as_array()
        .expect("ambiguous")
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(twins, ["WEZ", "YEW"]);
    let out = ev.ok(&["checkin", "ZEW", "--day", "1"]);
    assert!(
        out.contains("Billet inconnu") && out.contains("plusieurs billets possibles"),
        "{out}"
    );
    assert_eq!(ev.json(&["stats"])["days"][0]["arrived"], 0);
}

/// The mix-up matched last is named first, but never settles a scan two
/// tickets explain: only staff know which computer the scanner is on.
#[test]
fn the_mix_up_seen_last_is_named_first_and_a_pinned_one_alone() {
    let mut codes = TWINS.to_vec();
    codes.push(("NEC-000123", "Jean-Baptiste;N'Diaye"));
    let ev = event_with(&codes, KIOSK_TOML);
    // A scan only a German computer explains (« ß » for « - »)…
    let read = Mix::new(Layout::Us, Layout::De)
        .garble("NEC-000123")
        .unwrap();
    assert_eq!(
        ev.json(&["checkin", &read, "--day", "1"])["scanner"]["layout"],
        "us/de"
    );
    // …does not settle the next ambiguous one: nobody is let in, the
    // German reading comes first.
    let v = ev.json(&["checkin", "ZEW", "--day", "1"]);
    assert_eq!(v["outcome"], "unknown", "{v}");
    assert!(v["record"].is_null());
    assert_eq!(v["scanner"]["ambiguous"][0]["layout"], "us/de", "{v}");
    assert_eq!(v["scanner"]["ambiguous"][0]["code"], "YEW", "{v}");

    // Pinned in kiosk.toml: that mix-up only.
    let toml = KIOSK_TOML.replace("scanner_layout = \"auto\"", "scanner_layout = \"us/fr\"");
    let ev = event_with(&codes, &toml);
    assert_eq!(
        ev.json(&["checkin", "ZEW", "--day", "1"])["registrant"]["code"],
        "WEZ"
    );
    assert_eq!(
        ev.json(&["checkin", &read, "--day", "1"])["outcome"],
        "unknown",
        "a German mix-up is not tried"
    );
    // « none »: codes as read.
    let toml = KIOSK_TOML.replace("scanner_layout = \"auto\"", "scanner_layout = \"none\"");
    let ev = event_with(&codes, &toml);
    assert_eq!(
        ev.json(&["checkin", "ZEW", "--day", "1"])["outcome"],
        "unknown"
    );
    // A wrong value is named with the possible ones.
    let toml = KIOSK_TOML.replace("scanner_layout = \"auto\"", "scanner_layout = \"azerty\"");
    let ev = Event::with_config(&toml);
    let out = ev.run(&["stats"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("scanner_layout « azerty »") && err.contains("us/fr"),
        "{err}"
    );
}

#[test]
fn scan_test_shows_what_arrived_and_guesses_the_setting() {
    let ev = event_with(CODES, KIOSK_TOML);
    // Not a ticket of the event, but obviously digits typed on AZERTY.
    let v = scan_test(&ev, "&é\"'(-è_çà");
    assert!(v["registrant"].is_null());
    assert_eq!(v["likely"][0]["layout"], "us/fr");
    assert_eq!(v["likely"][0]["code"], "1234567890");
    let out = ev.ok(&["scan-test", "NEC-000123\t"]);
    assert!(
        out.contains("NEC-000123⇥"),
        "a trailing Tab is shown: {out}"
    );
    // One scan per line on standard input, as a scanner types them.
    let mut child = ev
        .command(&["scan-test"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all("61234500\r\nNEC)ààà&é\"\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("reconnu tel quel : Zoé Lefèvre-Martin"),
        "{text}"
    );
    assert!(text.contains("Jean-Baptiste N'Diaye"), "{text}");
}

/// The case through the binary: a US scanner on a Spanish (or
/// Italian, Portuguese, Latin-American) computer types `TEAM-Z7` as
/// `TEAM'Z7`; on a Swiss one that would have been `TEAM-Y7`. With both
/// tickets on the list nobody is let in, both are named; `scan-test` names
/// every layout, not the Swiss one alone.
#[test]
fn a_dash_typed_as_a_quote_never_admits_the_wrong_person() {
    let pair: &[(&str, &str)] = &[("TEAM-Z7", "Diego;Zorro"), ("TEAM-Y7", "Yves;Yann")];
    let ev = event_with(pair, KIOSK_TOML);
    let read = Mix::new(Layout::Us, Layout::Es).garble("TEAM-Z7").unwrap();
    assert_eq!(read, "TEAM'Z7");
    let v = ev.json(&["checkin", &read, "--day", "1"]);
    assert_eq!(v["outcome"], "unknown", "{v}");
    assert!(v["record"].is_null(), "{v}");
    let mut named: Vec<&str> = v["scanner"]["ambiguous"]
        .as_array()
        .expect("ambiguous")
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    named.sort_unstable();
    assert_eq!(named, ["Diego Zorro", "Yves Yann"]);
    assert_eq!(ev.json(&["stats"])["days"][0]["arrived"], 0);

    // Diego alone on the list: found, and scan-test names every computer
    // that types a dash as a quote — not « QWERTZ (Suisse) » first.
    let ev = event_with(&pair[..1], KIOSK_TOML);
    let v = scan_test(&ev, &read);
    assert_eq!(v["registrant"]["code"], "TEAM-Z7", "{v}");
    let verdict = v["verdict"].as_str().unwrap();
    for host in ["Espagne", "Italie", "Portugal", "Amérique latine"] {
        assert!(verdict.contains(host), "{host}: {verdict}");
    }
    assert!(!verdict.contains("Suisse"), "{verdict}");
    assert!(verdict.contains("selon ce poste"), "{verdict}");
}

/// A QWERTY scanner on the keyboards accueil did not know before: each
/// code of each family is found, through the binary.
#[test]
fn new_layouts_find_every_family() {
    let ev = event_with(CODES, KIOSK_TOML);
    for host in [
        Layout::Uk,
        Layout::Es,
        Layout::It,
        Layout::Pt,
        Layout::Latam,
        Layout::CaFr,
        Layout::Dvorak,
        Layout::Bepo,
        Layout::ChFr,
    ] {
        let mix = Mix::new(Layout::Us, host);
        for (code, _) in CODES {
            let Some(read) = mix.garble(code) else {
                continue;
            };
            let v = ev.json(&["checkin", &read, "--day", "1"]);
            assert_eq!(v["registrant"]["code"], *code, "{mix}: {read} {v}");
        }
    }
    // An AZERTY scanner on a German or Swiss computer.
    for host in [Layout::De, Layout::Ch, Layout::ChFr, Layout::Uk] {
        let mix = Mix::new(Layout::Fr, host);
        for (code, _) in CODES {
            let read = mix.garble(code).expect("one key each");
            let v = scan_test(&ev, &read);
            assert_eq!(v["registrant"]["code"], *code, "{mix}: {read} {v}");
        }
    }
}
