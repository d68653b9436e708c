//! Crash safety: `accueil checkin -` is killed (SIGKILL) in the middle of a
//! scanning loop; the database must be sound and hold every arrival the
//! process reported as done.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use crate::common::{Event, outside_read, synthetic_csv};
use accueil::app::Lookup;
use accueil::domain::RecordKind;

const PEOPLE: usize = 2000;

#[test]
fn killing_the_process_mid_checkin_loses_nothing_it_reported() {
    let ev = Event::new();
    ev.write("list.csv", synthetic_csv(PEOPLE));
    ev.ok(&["import", "list.csv"]);

    let mut reported: Vec<String> = Vec::new();
    for round in 1..=3 {
        let mut child = ev
            .command(&["--json", "checkin", "-", "--day", "1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn accueil");
        let mut stdin = child.stdin.take().expect("stdin");
        // Every code, again each round: the ones already in answer already_in.
        let feeder = std::thread::spawn(move || {
            for i in 0..PEOPLE {
                if writeln!(stdin, "S-{i:06}").is_err() {
                    break; // killed
                }
            }
        });
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut welcomed_this_round = 0;
        for line in stdout.lines() {
            let v: serde_json::Value =
                serde_json::from_str(&line.expect("line")).expect("json line");
            if v["outcome"] == "welcome" {
                reported.push(v["registrant"]["code"].as_str().expect("code").to_owned());
                welcomed_this_round += 1;
                if welcomed_this_round == 150 * round {
                    child.kill().expect("kill -9");
                    break;
                }
            }
        }
        child.wait().expect("reap");
        feeder.join().expect("feeder");
        assert_eq!(
            welcomed_this_round,
            150 * round,
            "round {round} was killed before it finished"
        );
    }

    let k = ev.kiosk();
    assert_eq!(k.inspect().integrity_check().unwrap(), "ok");
    for code in &reported {
        let r = k
            .registrant(&Lookup::Code(code.clone()))
            .unwrap()
            .expect("registrant");
        let arrivals = k
            .inspect()
            .records_of(r.uid)
            .unwrap()
            .into_iter()
            .filter(|rec| rec.kind == RecordKind::Arrival)
            .count();
        assert_eq!(
            arrivals, 1,
            "{code}: reported welcome, must be recorded exactly once"
        );
    }
    // The log has no gap and no duplicate: sequence numbers are 1..=n.
    let n = k.inspect().record_count().unwrap();
    assert!(n >= reported.len() as i64);
    let log = k.inspect().current_log("accueil-1").unwrap();
    assert_eq!(k.inspect().own_logs("accueil-1").unwrap(), [log.as_str()]);
    assert_eq!(k.inspect().last_seq(&log).unwrap(), n);
    // And the kiosk goes on.
    assert_eq!(
        ev.json(&["checkin", &reported[0], "--day", "1"])["outcome"],
        "already_in"
    );
}

/// `accueil checkin -` answers each code on its line, in JSON.
fn answer(
    stdin: &mut std::process::ChildStdin,
    lines: &mut std::io::Lines<BufReader<std::process::ChildStdout>>,
    code: &str,
) -> serde_json::Value {
    writeln!(stdin, "{code}").unwrap();
    stdin.flush().unwrap();
    serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap()
}

#[test]
fn an_outside_reader_of_a_running_kiosk_s_database_takes_none_of_its_arrivals_away() {
    let ev = Event::new();
    ev.write("list.csv", synthetic_csv(100));
    ev.ok(&["import", "list.csv"]);
    let mut child = ev
        .command(&["--json", "checkin", "-", "--day", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for i in 0..10 {
        assert_eq!(
            answer(&mut stdin, &mut lines, &format!("S-{i:06}"))["outcome"],
            "welcome"
        );
    }
    let db = ev.path("accueil.sqlite");
    assert!(outside_read(&db) >= 10);
    assert!(
        ev.path("accueil.sqlite-wal").exists(),
        "the kiosk's -wal is still there"
    );
    for i in 10..20 {
        assert_eq!(
            answer(&mut stdin, &mut lines, &format!("S-{i:06}"))["outcome"],
            "welcome"
        );
    }
    outside_read(&db);
    child.kill().unwrap();
    child.wait().unwrap();
    let k = ev.kiosk();
    for i in 0..20 {
        let r = k
            .registrant(&Lookup::Code(format!("S-{i:06}")))
            .unwrap()
            .unwrap();
        let arrivals = k.inspect().records_of(r.uid).unwrap();
        assert_eq!(arrivals.len(), 1, "S-{i:06} reported welcome, kept once");
    }
}
