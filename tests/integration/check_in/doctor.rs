//! `accueil doctor`: one line per check with its fix, exit 0 only when
//! the door is ready.

use std::io::Write;
use std::process::Stdio;

use accueil::domain::keyboard::{Layout, Mix};

use crate::common::{Event, fixture_str};

fn doctor(ev: &Event, scan: Option<&str>) -> (bool, serde_json::Value) {
    let mut args = vec!["--json", "doctor"];
    if scan.is_some() {
        args.push("--scan");
    }
    let mut child = ev
        .command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(scan) = scan {
        // As a scanner types: the code, then Enter.
        writeln!(child.stdin.take().unwrap(), "{scan}").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let report: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap())
        .unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(
        report["ready"].as_bool(),
        Some(out.status.success()),
        "exit 0 exactly when ready: {report}"
    );
    (out.status.success(), report)
}

fn check<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}: {report}"))
}

#[test]
fn the_doctor_says_what_keeps_the_door_shut_and_how_to_open_it() {
    let ev = Event::new();
    // No list yet: not ready, and what to do.
    let (ready, report) = doctor(&ev, None);
    assert!(!ready);
    let list = check(&report, "list");
    assert_eq!(list["level"], "fail");
    assert!(
        list["fix"].as_str().unwrap().contains("accueil import"),
        "{list}"
    );
    for name in ["database", "disk", "printer", "hub", "camera"] {
        assert_eq!(check(&report, name)["level"], "ok", "{name}: {report}");
    }
    // The example's days are in 2022: data kept too long, a warning only.
    assert_eq!(check(&report, "retention")["level"], "warn");

    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
    let (ready, report) = doctor(&ev, None);
    assert!(ready, "{report}");

    // A scanner typing as a US keyboard on this French computer: the
    // ticket is read all the same, and the fix said.
    let garbled = Mix {
        scanner: Layout::Us,
        host: Layout::Fr,
    }
    .garble("NEC-1001")
    .unwrap();
    let (ready, report) = doctor(&ev, Some(&garbled));
    let scanner = check(&report, "scanner");
    assert_eq!(scanner["level"], "warn", "{scanner}");
    assert!(ready, "a mix-up read is not a shut door");
    let (ready, report) = doctor(&ev, Some("NEC-1001"));
    assert!(ready);
    assert_eq!(check(&report, "scanner")["level"], "ok", "{report}");
    // Something that is no ticket of this event.
    let (ready, report) = doctor(&ev, Some("https://example.org/x"));
    assert!(!ready);
    assert_eq!(check(&report, "scanner")["level"], "fail", "{report}");

    // The database readable by every account: said, with the command.
    use std::os::unix::fs::PermissionsExt;
    let db = ev.path("accueil.sqlite");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (_, report) = doctor(&ev, None);
    let rights = check(&report, "permissions");
    assert_eq!(rights["level"], "warn");
    assert!(
        rights["fix"].as_str().unwrap().starts_with("chmod 600"),
        "{rights}"
    );

    // A hub that is not there: a warning (the door works offline).
    let toml = std::fs::read_to_string(ev.path("kiosk.toml")).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let toml = toml.replacen(
        "[hub]\n",
        &format!("[hub]\nurl = \"http://127.0.0.1:{port}\"\ntoken = \"0123456789abcdef0123\"\n"),
        1,
    );
    std::fs::write(ev.path("kiosk.toml"), toml).unwrap();
    let (ready, report) = doctor(&ev, None);
    assert_eq!(check(&report, "hub")["level"], "warn", "{report}");
    assert!(ready, "{report}");
}
