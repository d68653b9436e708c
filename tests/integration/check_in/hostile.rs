//! Damaged and hostile files: each refused in one line with what to do,
//! nothing imported, nobody cancelled, the process standing.

use crate::common::{Event, fixture_str, synthetic_csv};

/// An event with 40 people imported and one of them in.
fn event_with_someone_in() -> Event {
    let ev = Event::new();
    ev.write("all.csv", synthetic_csv(40));
    ev.ok(&["import", "all.csv"]);
    assert_eq!(
        ev.json(&["checkin", "S-000003", "--day", "1"])["outcome"],
        "welcome"
    );
    ev
}

/// The import failed in one line naming `words`, and the list is as it was.
fn refused(ev: &Event, file: &str, words: &[&str]) {
    let out = ev.run(&["import", file]);
    assert!(!out.status.success(), "{file} imported");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    for w in words {
        assert!(err.contains(w), "« {w} » in: {err}");
    }
    let stats = ev.json(&["stats"]);
    assert_eq!(stats["registrants"], 40, "{file}");
    assert_eq!(stats["cancelled"], 0, "nobody cancelled by {file}");
    assert_eq!(
        ev.json(&["checkin", "S-000003", "--day", "1"])["outcome"],
        "already_in"
    );
}

#[test]
fn a_quote_left_open_cancels_nobody() {
    let ev = event_with_someone_in();
    // The same list, one name typed with an opening quote: without the
    // check, every later row (S-000003 among them) is one field, and the
    // re-import cancels them.
    let text = synthetic_csv(40).replacen(";Dupont0;", ";\"Dupont0;", 1);
    ev.write("quote.csv", &text);
    refused(&ev, "quote.csv", &["ligne 2", "guillemet ouvert", "jamais"]);
    // Closed further down, after rows: the same.
    let text = synthetic_csv(40)
        .replacen(";Dupont0;", ";\"Dupont0;", 1)
        .replacen(";Bernard0;", ";Bernard0\";", 1);
    ev.write("quote2.csv", &text);
    refused(
        &ev,
        "quote2.csv",
        &["ligne 2", "guillemet ouvert", "ligne 6"],
    );
}

#[test]
fn two_encodings_in_one_file_are_refused_with_the_line() {
    let ev = event_with_someone_in();
    let mut bytes = synthetic_csv(40).into_bytes();
    // One row re-saved in Windows-1252 by another tool: « Hélène » there.
    let helene = "Hélène".as_bytes();
    let at = bytes
        .windows(helene.len())
        .rposition(|w| w == helene)
        .unwrap();
    bytes.splice(at..at + helene.len(), b"H\xe9l\xe8ne".iter().copied());
    ev.write("mixed.csv", &bytes);
    refused(&ev, "mixed.csv", &["deux encodages", "ré-enregistrez"]);
    // Invalid bytes after a UTF-8 BOM.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(synthetic_csv(40).as_bytes());
    bom.extend_from_slice(b"S-999;Andr\xe9;X;;p@x.fr;Participant\n");
    ev.write("bom.csv", &bom);
    refused(&ev, "bom.csv", &["ligne 42", "UTF-8"]);
}

#[test]
fn a_cell_typed_far_away_does_not_bring_the_kiosk_down() {
    let ev = event_with_someone_in();
    let file = fixture_str("hostile/cellule-lointaine.xlsx");
    refused(&ev, &file, &["XFD1048576", "« Inscrits »", "CSV"]);
}

#[test]
fn invisible_and_control_characters_are_taken_out_and_said() {
    let ev = Event::new();
    ev.write(
        "inv.csv",
        "Code;Nom;Prénom\nNEC-1\u{200B};Dupont\u{202E};H\u{1b}[2Jélène\nNEC-2;Martin;Jean\n",
    );
    let v = ev.json(&["import", "inv.csv"]);
    let w = v["warnings"][0]["message"].as_str().unwrap();
    assert!(
        w.contains("caractères invisibles") && w.contains("(2)"),
        "{w}"
    );
    let h = &ev.json(&["search", "dupont"])["hits"][0];
    assert_eq!(h["code"], "NEC-1");
    assert_eq!(h["last_name"], "Dupont");
    assert_eq!(h["first_name"], "H[2Jélène");
    assert_eq!(
        ev.json(&["checkin", "NEC-1", "--day", "1"])["outcome"],
        "welcome"
    );
}
