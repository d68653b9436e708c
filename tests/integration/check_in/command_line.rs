//! The command line as scripts meet it: a closed pipe, a broken
//! kiosk.toml, `--out` at a link or a device, `--out -`.

use std::io::Read;
use std::process::Stdio;

use crate::common::{Event, KIOSK_TOML, synthetic_csv};

fn event_with_list(n: usize) -> Event {
    let ev = Event::new();
    ev.write("inscrits.csv", synthetic_csv(n));
    ev.ok(&["import", "inscrits.csv"]);
    ev
}

#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    let ev = event_with_list(3_000);
    // `accueil search … | head -1`: the reader goes after one line.
    let mut child = ev
        .command(&["export", "--out", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 8];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    assert_eq!(&first[..3], b"\xEF\xBB\xBF");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );

    let mut child = ev
        .command(&["search", "e", "--limit", "3000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "a reader that left is not a failure");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_broken_kiosk_toml_is_one_line_with_its_place_and_reason() {
    let ev = Event::with_config(&KIOSK_TOML.replacen("name = ", "name  ", 1));
    let out = ev.run(&["stats"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("kiosk.toml, ligne "), "{err}");
    let out = ev.run(&["--json", "stats"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = v["error"].as_str().unwrap();
    assert!(
        message.contains("ligne ") && message.contains("colonne"),
        "{message}"
    );
    assert!(message.len() > 60, "the reason too: {message}");
}

#[test]
fn out_dash_writes_to_stdout_and_the_report_to_stderr() {
    let ev = event_with_list(10);
    let out = ev.run(&["--json", "badge", "S-000001", "--out", "-"]);
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"%PDF-"));
    let report: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert!(report["bytes"].as_u64().unwrap() > 1000);
    let out = ev.run(&["export", "--out", "-"]);
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBFCode;Nom;"));
}

#[test]
fn out_never_writes_through_a_link_or_into_a_device() {
    let ev = event_with_list(10);
    let precious = ev.write("precieux.txt", "ne pas écraser");
    std::os::unix::fs::symlink(&precious, ev.path("lien.csv")).unwrap();
    let out = ev.run(&["export", "--out", "lien.csv"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pas un fichier ordinaire"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "ne pas écraser"
    );
    assert!(
        std::fs::symlink_metadata(ev.path("lien.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let out = ev.run(&["badge", "S-000001", "--out", "/dev/null"]);
    assert!(!out.status.success());
    assert!(
        std::fs::metadata("/dev/null")
            .map(|m| !m.is_file())
            .unwrap_or(false),
        "/dev/null is still a device"
    );
    // No temporary file left behind.
    let left: Vec<_> = std::fs::read_dir(ev.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// `accueil entree`: the steward's count from a terminal, and what the
/// entrance looks like; a count no one could have made is refused and
/// nothing is recorded.
#[test]
fn entree_counts_the_queue_and_refuses_an_impossible_count() {
    let ev = event_with_list(20);
    let before = ev.ok(&["entree"]);
    assert!(before.contains("personne n'est encore arrivé"), "{before}");
    for i in 1..=8 {
        ev.ok(&["checkin", &format!("S-{i:06}")]);
    }
    let counted = ev.json(&["entree", "--add", "12"]);
    assert_eq!(counted["counted"], true, "{counted}");
    assert_eq!(counted["open_kiosks"], 1, "{counted}");
    // 12 counted in after the 8 check-ins: all still waiting.
    assert_eq!(counted["queue"], 12.0, "{counted}");
    let fixed = ev.json(&["entree", "--add", "-2"]);
    assert_eq!(fixed["queue"], 10.0, "{fixed}");
    let wrong = ev.run(&["entree", "--add", "5000"]);
    assert!(!wrong.status.success());
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(said.contains("entre -1000 et 1000"), "{said}");
    assert_eq!(ev.json(&["entree"])["queue"], 10.0, "nothing recorded");
    let emptied = ev.json(&["entree", "--empty"]);
    assert_eq!(emptied["queue"], 0.0, "{emptied}");
    let both = ev.run(&["entree", "--add", "1", "--empty"]);
    assert!(!both.status.success(), "--add and --empty together");
}

/// A programme naming a pretix list on a copy that does not talk to
/// pretix: the line says where to import it, nothing is taken.
#[test]
fn a_pretix_list_in_the_programme_needs_pretix() {
    let ev = event_with_list(5);
    ev.write(
        "programme.csv",
        "Titre;Salle;Date;Début;Fin;Liste pretix\n\
         Atelier;Salle B;28/09/2022;10:00;11:00;Atelier intervenants\n",
    );
    let out = ev.run(&["programme", "programme.csv"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("ligne 2") && said.contains("ne désigne pas pretix"),
        "{said}"
    );
    assert!(ev.kiosk().programme().unwrap().sessions.is_empty());
}

/// `echo PIN | accueil pin-hash`: the line kiosk.toml takes, whose hash the
/// kiosk checks the PIN against; with `--json`, the same hash as a field;
/// a weak PIN refused in one line, with an example.
#[test]
fn pin_hash_prints_the_line_kiosk_toml_takes() {
    use std::io::Write;
    let ev = Event::new();
    let hashed = |args: &[&str], pin: &str| {
        let mut child = ev
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{pin}").unwrap();
        child.wait_with_output().unwrap()
    };
    let out = hashed(&["pin-hash"], "48291375");
    assert!(out.status.success());
    let line = String::from_utf8(out.stdout).unwrap();
    let hash = line
        .trim_end()
        .strip_prefix("staff_pin = \"")
        .and_then(|h| h.strip_suffix('"'))
        .unwrap_or_else(|| panic!("not a kiosk.toml line: {line}"));
    assert!(accueil::domain::pin::verify("48291375", hash));
    assert!(!accueil::domain::pin::verify("48291376", hash));

    let out = hashed(&["--json", "pin-hash"], "48291375");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(accueil::domain::pin::verify(
        "48291375",
        v["staff_pin"].as_str().unwrap()
    ));

    let out = hashed(&["pin-hash"], "12345678");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("echo 48291375 | accueil pin-hash"), "{err}");
}
