//! The database file as users damage it: empty, not a database, damaged
//! pages, a restored file beside the `-wal` of its successor, a full disk,
//! two processes writing at once — each refused or survived with what to
//! do, never silently wrong.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use crate::common::{Event, synthetic_csv};

fn event_with_list(n: usize) -> Event {
    let ev = Event::new();
    ev.write("inscrits.csv", synthetic_csv(n));
    ev.ok(&["import", "inscrits.csv"]);
    ev
}

fn stderr_of(ev: &Event, args: &[&str]) -> String {
    let out = ev.run(args);
    assert!(!out.status.success(), "accueil {args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn an_empty_or_foreign_file_is_refused_not_taken_for_a_new_event() {
    let ev = Event::new();
    ev.write("accueil.sqlite", "");
    let err = stderr_of(&ev, &["checkin", "S-000001"]);
    assert!(err.contains("vide (0 octet)"), "{err}");
    assert_eq!(
        std::fs::metadata(ev.path("accueil.sqlite")).unwrap().len(),
        0
    );

    ev.write("accueil.sqlite", "Code;Nom\nS-1;Dupont\n");
    let err = stderr_of(&ev, &["stats"]);
    assert!(err.contains("n'est pas une base SQLite"), "{err}");
    assert_eq!(
        std::fs::read(ev.path("accueil.sqlite")).unwrap(),
        b"Code;Nom\nS-1;Dupont\n",
        "left as it was"
    );
}

#[test]
fn a_database_with_damaged_pages_is_refused_before_it_answers() {
    let ev = event_with_list(2_000);
    let db = ev.path("accueil.sqlite");
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    let pages = bytes.len() / page;
    assert!(pages > 20, "{pages} pages");
    // A few pages in the second half of the file (indexes, search
    // entries): what a bad sector or a torn copy leaves.
    for p in [pages / 2, pages / 2 + 1, pages * 3 / 4] {
        bytes[p * page + 8..(p + 1) * page].fill(0xA5);
    }
    std::fs::write(&db, &bytes).unwrap();
    let err = stderr_of(&ev, &["checkin", "S-000001"]);
    assert!(
        err.contains("endommagée") && err.contains("sauvegarde"),
        "{err}"
    );
}

#[test]
fn a_database_path_that_is_no_file_or_a_file_cut_short_gets_the_right_advice() {
    let ev = event_with_list(2_000);
    for not_a_file in ["/dev/null", "."] {
        let err = stderr_of(&ev, &["--db", not_a_file, "stats"]);
        assert!(
            err.contains("n'est pas un fichier") && err.contains("--db"),
            "{err}"
        );
    }
    // A copy cut short (a USB key pulled out): damaged, to restore — not
    // « check the path ».
    let bytes = std::fs::read(ev.path("accueil.sqlite")).unwrap();
    ev.write("coupee.sqlite", &bytes[..bytes.len() / 3]);
    let err = stderr_of(&ev, &["--db", "coupee.sqlite", "stats"]);
    assert!(
        err.contains("endommagée") && err.contains("sauvegarde"),
        "{err}"
    );
    assert!(!err.contains("vérifiez [database] path"), "{err}");
}

#[test]
fn what_a_scanner_typed_is_echoed_without_its_control_characters() {
    let ev = event_with_list(10);
    let mut child = ev
        .command(&["checkin", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"S-0\x1b[2J\x1b]0;pirate\x07X\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Billet inconnu"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(
        text.contains("\\u{1b}[2J"),
        "what was read is shown: {text}"
    );
}

/// `checkin -` fed `codes`, killed (SIGKILL) once it has answered them all:
/// its `-wal` stays beside the database.
fn killed_mid_stream(ev: &Event, codes: impl Iterator<Item = String>) {
    let mut child = ev
        .command(&["checkin", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for code in codes {
        writeln!(stdin, "{code}").unwrap();
        stdin.flush().unwrap();
        // Answered: recorded.
        let line = lines.next().unwrap().unwrap();
        assert!(line.contains("Bienvenue"), "{line}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_restored_file_beside_the_wal_of_its_successor_is_refused_and_a_crash_wal_is_replayed() {
    let ev = event_with_list(600);
    let db = ev.path("accueil.sqlite");
    let wal = ev.path("accueil.sqlite-wal");
    let shm = ev.path("accueil.sqlite-shm");
    // Last night's backup, then a morning of check-ins.
    let backup = ev.path("sauvegarde.sqlite");
    std::fs::copy(&db, &backup).unwrap();
    let morning: String = (0..150).map(|i| format!("S-{i:06}\n")).collect();
    let mut c = ev
        .command(&["checkin", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all(morning.as_bytes())
        .unwrap();
    assert!(c.wait().unwrap().success());

    // A crash leaves a WAL: it is this file's, and replayed.
    killed_mid_stream(&ev, (150..450).map(|i| format!("S-{i:06}")));
    assert!(
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > 0,
        "a WAL stayed"
    );
    let crashed = [&db, &wal, &shm].map(|p| std::fs::read(p).unwrap());
    let stats = ev.json(&["stats"]);
    assert_eq!(stats["days"][0]["arrived"], 450, "{stats}");

    // The same crash, then last night's backup copied over the file, its
    // -wal and -shm forgotten beside it.
    for (p, bytes) in [&db, &wal, &shm].iter().zip(&crashed) {
        std::fs::write(p, bytes).unwrap();
    }
    // Some time later (the WAL's last write is ten minutes old)…
    let earlier = std::time::SystemTime::now() - std::time::Duration::from_secs(600);
    for p in [&wal, &shm] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(earlier)
            .unwrap();
    }
    std::fs::copy(&backup, &db).unwrap();
    let err = stderr_of(&ev, &["stats"]);
    assert!(err.contains("ne vient pas de cette base"), "{err}");
    assert_eq!(
        std::fs::read(&wal).unwrap(),
        crashed[1],
        "the WAL is untouched"
    );
    assert_eq!(std::fs::read(&db).unwrap(), std::fs::read(&backup).unwrap());
    // Doing what the message says: the backup opens, as it was.
    std::fs::rename(&wal, ev.path("ancien-wal")).unwrap();
    std::fs::rename(&shm, ev.path("ancien-shm")).unwrap();
    assert_eq!(ev.json(&["stats"])["days"][0]["arrived"], 0);
}

#[test]
fn a_check_in_waits_for_another_process_writing_instead_of_failing() {
    // A re-import of 30,000 people in one process (one transaction) while
    // a scanner stream checks people in through another.
    let ev = event_with_list(30_000);
    let mut csv = synthetic_csv(30_000).replace(";Participant\n", ";Intervenant\n");
    csv.push_str("S-099999;Tardif;Jeanne;Mairie;jt@example.fr;Participant\n");
    ev.write("inscrits.csv", csv);
    let import = ev
        .command(&["import", "inscrits.csv", "--force"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stream = ev
        .command(&["--json", "checkin", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let codes: String = (0..150).map(|i| format!("S-{:06}\n", i * 7)).collect();
    stream
        .stdin
        .take()
        .unwrap()
        .write_all(codes.as_bytes())
        .unwrap();
    let out = stream.wait_with_output().unwrap();
    let import = import.wait_with_output().unwrap();
    assert!(import.status.success());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let welcomed = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"welcome\""))
        .count();
    assert_eq!(welcomed, 150);
}

#[test]
fn databases_and_exports_are_created_for_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let ev = event_with_list(20);
    ev.ok(&["checkin", "S-000001"]);
    ev.ok(&["export", "--out", "presences.csv"]);
    ev.ok(&["badge", "S-000001", "--out", "badge.pdf"]);
    for name in ["accueil.sqlite", "presences.csv", "badge.pdf"] {
        let mode = std::fs::metadata(ev.path(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{name} is {mode:o}");
    }
}

#[test]
#[ignore = "needs root to mount a small tmpfs (.ci/run runs as root)"]
fn a_full_disk_is_said_once_per_scan_and_loses_nothing_recorded() {
    let ev = Event::new();
    let disk = ev.path("disque");
    std::fs::create_dir(&disk).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
        .arg(&disk)
        .status()
        .unwrap();
    assert!(mounted.success(), "mount tmpfs");
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(disk.clone());
    ev.write("inscrits.csv", synthetic_csv(300));
    let db = disk.join("accueil.sqlite");
    let db_arg = db.to_string_lossy().into_owned();
    ev.ok(&["--db", &db_arg, "import", "inscrits.csv"]);
    // Fill what is left.
    let filler = disk.join("remplissage");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    // …but room for a few dozen check-ins.
    let full = f.metadata().unwrap().len();
    f.set_len(full.saturating_sub(160 * 1024)).unwrap();
    drop(f);
    let mut child = ev
        .command(&["--db", &db_arg, "checkin", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let codes: String = (0..200).map(|i| format!("S-{i:06}\n")).collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(codes.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "some scans could not be recorded");
    let err = String::from_utf8_lossy(&out.stderr);
    let full: Vec<_> = err.lines().filter(|l| l.contains("disque plein")).collect();
    assert!(!full.is_empty(), "{err}");
    for line in &full {
        assert_eq!(line.matches("disque plein").count(), 1, "said once: {line}");
        assert!(line.contains("ligne "), "names the scan: {line}");
    }
    let welcomed = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("Bienvenue"))
        .count();
    // Space again: the database opens, sound, with every arrival it said.
    std::fs::remove_file(&filler).unwrap();
    let stats = ev.json(&["--db", &db_arg, "stats"]);
    assert_eq!(stats["days"][0]["arrived"], welcomed as i64, "{stats}");
    let again = ev.run(&["--db", &db_arg, "checkin", "S-000199"]);
    assert!(again.status.success());
}

/// `accueil import inscrits.csv` into an empty copy, once its transaction
/// is under way (its rollback journal exists).
fn first_import_under_way(ev: &Event) -> std::process::Child {
    // The copy exists first (creating it goes through a journal of its own).
    assert_eq!(ev.json(&["stats"])["registrants"], 0);
    let journal = ev.path("accueil.sqlite-journal");
    assert!(!journal.exists());
    let mut child = ev
        .command(&["import", "inscrits.csv"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while !journal.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the import ended ({status}) before its journal was seen");
        }
        std::thread::yield_now();
    }
    child
}

/// A first import writes through a rollback journal (see `apply_import`):
/// killed once that journal exists — its transaction under way — the copy
/// reopens empty and sound, back in WAL mode, and the import runs again.
#[test]
fn a_first_import_killed_midway_leaves_an_empty_sound_copy() {
    let ev = Event::new();
    ev.write("inscrits.csv", synthetic_csv(30_000));
    let journal = ev.path("accueil.sqlite-journal");
    let mut child = first_import_under_way(&ev);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(journal.exists(), "killed mid-transaction: a hot journal");

    let stats = ev.json(&["stats"]);
    assert_eq!(stats["registrants"], 0, "{stats}");
    // (The rolled-back journal may stay, its header zeroed: not hot.)
    let db = rusqlite::Connection::open(ev.path("accueil.sqlite")).unwrap();
    let (check, mode): (String, String) = (
        db.query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap(),
        db.query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap(),
    );
    assert_eq!((check.as_str(), mode.as_str()), ("ok", "wal"));
    drop(db);

    let again = ev.json(&["import", "inscrits.csv"]);
    assert_eq!(again["added"], 30_000, "{again}");
    assert_eq!(ev.json(&["stats"])["registrants"], 30_000);
}

/// A kiosk killed while it makes its very first database leaves none, or
/// a whole one — never the empty file the next start would refuse as
/// « base vide ».
#[test]
fn a_process_killed_as_it_creates_the_copy_leaves_a_usable_one() {
    let ev = Event::new();
    let db = ev.path("accueil.sqlite");
    for round in 0..5 {
        let _ = std::fs::remove_file(&db);
        let mut child = ev
            .command(&["stats"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Killed the moment the file shows at its place.
        while std::fs::symlink_metadata(&db).is_err() {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::yield_now();
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let out = ev.run(&["stats"]);
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A first import writes without WAL (see `apply_import`), so it holds the
/// file more tightly than a re-import: another process opening the copy
/// meanwhile (the kiosk window, `stats`) waits for it and sees all or
/// nothing — it does not fail with « database is locked ».
#[test]
fn another_process_opening_during_a_first_import_waits_and_sees_all_or_nothing() {
    let ev = Event::new();
    ev.write("inscrits.csv", synthetic_csv(30_000));
    let mut import = first_import_under_way(&ev);
    let out = ev.run(&["--json", "stats"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let seen = stats["registrants"].as_u64().unwrap();
    assert!(seen == 0 || seen == 30_000, "{seen}");
    assert!(import.wait().unwrap().success());
    assert_eq!(ev.json(&["stats"])["registrants"], 30_000);
}

#[test]
fn the_wal_of_another_database_beside_a_good_one_is_refused() {
    // Two events' kiosks; the second is killed mid-stream and leaves a
    // WAL whose page 1 (the header, rewritten as the file grows) names
    // its own database.
    let ours = event_with_list(600);
    ours.ok(&["checkin", "S-000001"]);
    let theirs = event_with_list(600);
    killed_mid_stream(&theirs, (0..150).map(|i| format!("S-{i:06}")));
    let their_wal = std::fs::read(theirs.path("accueil.sqlite-wal")).unwrap();
    assert!(!their_wal.is_empty());
    // Someone copies it beside ours (ours closed cleanly: no WAL of its own).
    let db = ours.path("accueil.sqlite");
    assert!(!ours.path("accueil.sqlite-wal").exists());
    let before = std::fs::read(&db).unwrap();
    std::fs::write(ours.path("accueil.sqlite-wal"), &their_wal).unwrap();
    let err = stderr_of(&ours, &["stats"]);
    assert!(err.contains("ne vient pas de cette base"), "{err}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "nothing of it laid over ours"
    );
    // Moved aside as told: ours as it was, its one arrival.
    std::fs::remove_file(ours.path("accueil.sqlite-wal")).unwrap();
    let _ = std::fs::remove_file(ours.path("accueil.sqlite-shm"));
    assert_eq!(ours.json(&["stats"])["days"][0]["arrived"], 1);
}
