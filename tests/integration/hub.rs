//! Several kiosks, one hub: the real `accueil hub` as a child process on
//! 127.0.0.1 (port 0), kiosks as event folders with their own SQLite files
//! syncing through the real binary (`accueil sync --once`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::net::SocketAddr;
use std::process::{Child, Stdio};

use crate::common::{Event, HubProcess, KIOSK_TOML, outside_read, synthetic_csv};
use accueil::app::Lookup;

const TOKEN: &str = "jeton-des-kiosques-0123456789";
/// The read-only page's secret (stewards' phones, the venue's screen).
const DASHBOARD: &str = "jeton-des-organisateurs-abcdef";
/// The organisers' secret: what changes the event.
const ORGANISER: &str = "jeton-des-responsables-0123456";

/// The example kiosk.toml as kiosk `id`, with a `[hub]` section.
fn toml(id: &str, hub: &str) -> String {
    KIOSK_TOML
        .replace("id = \"accueil-1\"", &format!("id = \"{id}\""))
        .replace("[hub]\n", &format!("[hub]\n{hub}\n"))
}

fn hub_event() -> Event {
    hub_event_of(300)
}

/// A hub whose list holds `n` people, `S-000000`…
fn hub_event_of(n: usize) -> Event {
    let ev = Event::with_config(&toml(
        "hub",
        &format!(
            "token = \"{TOKEN}\"\ndashboard_token = \"{DASHBOARD}\"\norganiser_token = \"{ORGANISER}\""
        ),
    ));
    ev.write("inscrits.csv", synthetic_csv(n));
    ev.ok(&["import", "inscrits.csv"]);
    ev
}

fn kiosk_event(id: &str, hub: SocketAddr, token: &str) -> Event {
    Event::with_config(&toml(
        id,
        &format!("url = \"http://{hub}\"\ntoken = \"{token}\""),
    ))
}

fn sync(ev: &Event) -> serde_json::Value {
    ev.json(&["sync", "--once"])
}

fn check_in(ev: &Event, codes: &[String]) {
    let mut child = ev
        .command(&["checkin", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("checkin -");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(codes.join("\n").as_bytes())
        .expect("codes");
    assert!(child.wait().expect("checkin").success());
}

fn codes(range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range.map(|i| format!("S-{i:06}")).collect()
}

/// Every record id a copy holds.
fn record_ids(ev: &Event, db: Option<&str>) -> BTreeSet<String> {
    let kiosk = match db {
        Some(name) => accueil::app::Kiosk::open(ev.config(), Some(&ev.path(name))).unwrap(),
        None => ev.kiosk(),
    };
    let marks = kiosk.inspect().marks().unwrap();
    marks
        .keys()
        .flat_map(|k| kiosk.inspect().records_after(k, 0, 1_000_000).unwrap())
        .map(|r| r.id.to_string())
        .collect()
}

/// A kiosk's one log in a copy's marks, and how far it goes.
fn log_of(marks: &accueil::app::Marks, kiosk: &str) -> Option<(String, i64)> {
    let mut logs = marks
        .iter()
        .filter(|(log, _)| accueil::sync::log_owner(log) == kiosk);
    let found = logs.next().map(|(l, n)| (l.clone(), *n));
    assert!(logs.next().is_none(), "{kiosk} has several logs: {marks:?}");
    found
}

fn http() -> reqwest::blocking::Client {
    accueil::http_client().build().expect("http client")
}

#[test]
fn kiosks_join_sync_and_converge_through_the_hub() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let kiosks: Vec<Event> = ["porte-a", "porte-b", "porte-c"]
        .iter()
        .map(|id| kiosk_event(id, hub.addr, TOKEN))
        .collect();

    // Joining: a new kiosk takes the whole list from the hub.
    for k in &kiosks {
        let round = sync(k);
        assert_eq!(round["list_updated"], true);
        assert_eq!(k.kiosk().inspect().registrant_count().unwrap(), 300);
    }

    // Each door works on its own copy.
    check_in(&kiosks[0], &codes(1..=10));
    check_in(&kiosks[1], &codes(11..=20));
    kiosks[2].ok(&[
        "walk-in",
        "--first-name",
        "Zoé",
        "--last-name",
        "Nouvelle-Arrivée",
    ]);
    kiosks[2].ok(&["edit", "S-000005", "--first-name", "Hélène-Marie"]);

    // Two rounds each: the first sends, the second brings the others'.
    for _ in 0..2 {
        for k in &kiosks {
            let round = sync(k);
            assert_eq!(round["pending"], 0, "{round}");
        }
    }
    let hub_ids = record_ids(&hub_ev, None);
    assert_eq!(
        hub_ids.len(),
        10 + 10 + 2 + 1,
        "arrivals, the walk-in and their arrival, the fix"
    );
    for k in &kiosks {
        assert_eq!(record_ids(k, None), hub_ids, "every record everywhere");
        let kiosk = k.kiosk();
        // The walk-in registered at porte-c can be found at every door…
        let hits = kiosk.search("nouvelle", 5).unwrap().hits;
        assert_eq!(hits.len(), 1, "the walk-in is known everywhere");
        // …the name fixed at porte-c is fixed everywhere…
        let fixed = kiosk
            .registrant(&Lookup::Code("S-000005".into()))
            .unwrap()
            .unwrap();
        assert_eq!(fixed.first_name, "Hélène-Marie");
        // …and someone let in at porte-a is already in at porte-b.
        let stats = kiosk.stats().unwrap();
        assert_eq!(stats.days[0].tally.arrived, 21);
    }
    let at_b = kiosks[1].json(&["checkin", "S-000003"]);
    assert_eq!(at_b["outcome"], "already_in");

    // A kiosk that joins now takes the hub's copy whole — the list, every
    // record, the fix, the walk-in — and nothing of the hub's own.
    let late = kiosk_event("porte-d", hub.addr, TOKEN);
    let round = sync(&late);
    assert_eq!(round["from_copy"], true, "{round}");
    assert_eq!(round["list_updated"], true, "{round}");
    assert_eq!(record_ids(&late, None), record_ids(&hub_ev, None));
    {
        let copy = accueil::app::HubCopy::new(late.kiosk());
        assert!(
            copy.enrolled_kiosks().unwrap().kiosks.is_empty(),
            "no kiosk's credential in the copy"
        );
        assert_eq!(copy.search("nouvelle", 5).unwrap().hits.len(), 1);
        assert_eq!(copy.stats().unwrap().days[0].tally.arrived, 21);
    }
    assert_eq!(late.json(&["checkin", "S-000003"])["outcome"], "already_in");
    check_in(&late, &codes(30..=30));
    assert_eq!(sync(&late)["pending"], 0);
    assert_eq!(arrived(&hub_ev), 22);
    // It kept its own credential through the copy: it did not enrol twice.
    let enrolled = hub_ev.json(&["kiosks"]);
    let d = enrolled["kiosks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kiosk"] == "porte-d")
        .cloned()
        .unwrap();
    assert_eq!(d["credentials"], 1, "{enrolled}");

    // A re-import at the hub reaches the kiosks; their fix survives it.
    let mut csv = synthetic_csv(300);
    csv.push_str("S-000300;Tardif;Jeanne;Mairie;jt@example.fr;Participant\n");
    hub_ev.write("inscrits.csv", csv);
    drop(hub);
    hub_ev.ok(&["import", "inscrits.csv"]);
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let k = kiosk_event("porte-a", hub.addr, TOKEN);
    std::fs::copy(kiosks[0].path("accueil.sqlite"), k.path("accueil.sqlite")).unwrap();
    let round = sync(&k);
    assert_eq!(round["list_updated"], true);
    let kiosk = k.kiosk();
    assert!(
        kiosk
            .registrant(&Lookup::Code("S-000300".into()))
            .unwrap()
            .is_some()
    );
    let fixed = kiosk
        .registrant(&Lookup::Code("S-000005".into()))
        .unwrap()
        .unwrap();
    assert_eq!(
        fixed.first_name, "Hélène-Marie",
        "the desk fix survives the new list"
    );
}

#[test]
fn bad_or_missing_credentials_get_401_and_nothing_else() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let base = format!("http://{}", hub.addr);
    let c = http();
    let body = serde_json::json!({ "kiosk": "x", "records": [], "marks": {} });
    // The enrolment token gives a kiosk its own credential; nothing else.
    for (what, token) in [
        ("none", None),
        ("wrong", Some("pas-le-bon-jeton-0000")),
        ("organisers'", Some(DASHBOARD)),
        ("enrolment", Some(TOKEN)),
        (
            "forged",
            Some("acc1.0123456789abcdef.0123456789abcdef0123456789abcdef0123456789abcdef"),
        ),
    ] {
        let mut req = c.post(format!("{base}/api/sync")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().unwrap();
        assert_eq!(res.status(), 401, "sync with {what} token");
        let text = res.text().unwrap();
        assert!(!text.contains("S-0000"), "{text}");
        let res = c
            .get(format!("{base}/api/list?token={}", token.unwrap_or("")))
            .send()
            .unwrap();
        assert_eq!(res.status(), 401, "list with {what} token");
    }
    for path in [
        "/",
        "/api/stats",
        "/api/events",
        "/export/presences.csv",
        "/export/absents.csv",
    ] {
        for token in ["", "faux", TOKEN] {
            let res = c.get(format!("{base}{path}?token={token}")).send().unwrap();
            assert_eq!(res.status(), 401, "{path} with « {token} »");
            let text = res.text().unwrap();
            assert!(
                !text.contains("S-0000") && !text.contains("Dupont"),
                "{path} leaks: {text}"
            );
        }
    }
    for token in ["", "faux", DASHBOARD] {
        let res = c
            .post(format!("{base}/api/enrol?token={token}"))
            .json(&serde_json::json!({ "kiosk": "x" }))
            .send()
            .unwrap();
        assert_eq!(res.status(), 401, "enrolment with « {token} »");
    }
    // The right secrets open their doors, and only theirs.
    let res = c
        .get(format!("{base}/api/list"))
        .bearer_auth(credential(hub.addr, "porte-y"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = c.get(format!("{base}/?token={DASHBOARD}")).send().unwrap();
    assert_eq!(res.status(), 200);
    let csv = c
        .get(format!("{base}/export/absents.csv?token={ORGANISER}"))
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBFCode;Nom;"), "Excel CSV");

    // A kiosk with the wrong token is told so in one actionable line.
    let k = kiosk_event("porte-z", hub.addr, "pas-le-bon-jeton-0000");
    let out = k.run(&["sync", "--once"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("jeton") && err.contains("[hub] token"),
        "{err}"
    );
}

#[test]
fn an_offline_kiosk_and_a_killed_hub_lose_and_duplicate_nothing() {
    let hub_ev = hub_event_of(600);
    let mut hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let port = hub.addr;
    let a = kiosk_event("porte-a", port, TOKEN);
    sync(&a);
    hub.kill();

    // 500 check-ins with the hub down: the door keeps working, syncs fail
    // with a clear message and lose nothing.
    check_in(&a, &codes(0..=499));
    let out = a.run(&["sync", "--once"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("hub injoignable"));

    // The hub comes back; kiosk A syncs in a loop while checking more people
    // in, and the hub is killed again once it holds part of the stream.
    let mut hub = HubProcess::start(&hub_ev, &port.to_string());
    let hub_db = hub_ev.path("accueil.sqlite");
    let worker = {
        let dir = a.dir.path().to_owned();
        std::thread::spawn(move || {
            for chunk in 0..5 {
                // S-000500…S-000599, then people already in (the list is
                // S-000000…S-000599): everyone is in at the end.
                let codes: Vec<String> = (500 + chunk * 50..550 + chunk * 50)
                    .map(|i| format!("S-{:06}", i % 600))
                    .collect();
                let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_accueil"))
                    .current_dir(&dir)
                    .args(["checkin", "-"])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .spawn()
                    .unwrap();
                c.stdin
                    .take()
                    .unwrap()
                    .write_all(codes.join("\n").as_bytes())
                    .unwrap();
                c.wait().unwrap();
                let _ = std::process::Command::new(env!("CARGO_BIN_EXE_accueil"))
                    .current_dir(&dir)
                    .args(["sync", "--once"])
                    .output();
            }
        })
    };
    // Kill -9 as soon as the hub holds some of A's records (a condition,
    // not a clock).
    let held = || {
        accueil::app::Kiosk::open(hub_ev.config(), Some(&hub_db))
            .ok()
            .and_then(|k| k.inspect().marks().ok())
            .map(|m| log_of(&m, "porte-a").map_or(0, |(_, n)| n))
            .unwrap_or(0)
    };
    while held() == 0 && !worker.is_finished() {
        std::thread::yield_now();
    }
    hub.kill();
    worker.join().unwrap();
    let hub = HubProcess::start(&hub_ev, &port.to_string());

    let round = sync(&a);
    assert_eq!(round["pending"], 0, "{round}");
    let log = a.kiosk().inspect().current_log("porte-a").unwrap();
    let own = a.kiosk().inspect().records_after(&log, 0, 10_000).unwrap();
    let at_hub = accueil::app::Kiosk::open(hub_ev.config(), None)
        .unwrap()
        .inspect()
        .records_after(&log, 0, 10_000)
        .unwrap();
    assert!(own.len() >= 600, "{}", own.len());
    assert_eq!(own.len(), at_hub.len(), "nothing lost");
    assert_eq!(own, at_hub, "the same records, in the same order");
    let ids: BTreeSet<_> = at_hub.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), at_hub.len(), "nothing duplicated");
    assert_eq!(
        at_hub.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..=at_hub.len() as i64).collect::<Vec<_>>()
    );
    // 600 people, each let in once (the loop came back to the first ones).
    let stats = accueil::app::Kiosk::open(hub_ev.config(), None)
        .unwrap()
        .stats()
        .unwrap();
    assert_eq!(stats.days[0].tally.arrived, 600);
    drop(hub);
}

#[test]
fn the_same_person_at_two_offline_kiosks_counts_once_and_is_flagged() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    let b = kiosk_event("porte-b", hub.addr, TOKEN);
    sync(&a);
    sync(&b);
    // The Wi-Fi is down between them: both let S-000042 in.
    assert_eq!(a.json(&["checkin", "S-000042"])["outcome"], "welcome");
    assert_eq!(b.json(&["checkin", "S-000042"])["outcome"], "welcome");
    for k in [&a, &b, &a] {
        sync(k);
    }
    let stats: serde_json::Value = http()
        .get(format!("http://{}/api/stats", hub.addr))
        .bearer_auth(DASHBOARD)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        stats["stats"]["days"][0]["arrived"], 1,
        "counted once: {stats}"
    );
    let doubles = stats["double_entries"].as_array().unwrap();
    assert_eq!(doubles.len(), 1, "{stats}");
    let kiosks: BTreeSet<_> = doubles[0]["arrivals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kiosk"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kiosks,
        BTreeSet::from(["porte-a".to_owned(), "porte-b".to_owned()])
    );
    // Both records are kept, at the hub and at both kiosks.
    assert_eq!(record_ids(&a, None), record_ids(&hub_ev, None));
    assert_eq!(
        a.kiosk()
            .inspect()
            .live_arrivals(
                a.kiosk()
                    .registrant(&Lookup::Code("S-000042".into()))
                    .unwrap()
                    .unwrap()
                    .uid
            )
            .unwrap()
            .len(),
        2
    );
}

/// People in on day 1, as a copy counts them.
fn arrived(ev: &Event) -> i64 {
    ev.kiosk().stats().unwrap().days[0].tally.arrived
}

/// The copy's database file replaced by `from` (a backup, another
/// machine's copy), as an operator would: the process is not running.
fn replace_db(ev: &Event, from: &std::path::Path) {
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(ev.path(&format!("accueil.sqlite{ext}")));
    }
    std::fs::copy(from, ev.path("accueil.sqlite")).unwrap();
}

#[test]
fn a_kiosk_restored_from_a_backup_or_copied_to_another_machine_loses_nothing() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    sync(&a);
    check_in(&a, &codes(1..=5));
    sync(&a);
    let backup = a.path("sauvegarde.sqlite");
    std::fs::copy(a.path("accueil.sqlite"), &backup).unwrap();
    check_in(&a, &codes(6..=10));
    assert_eq!(sync(&a)["pending"], 0);

    // The laptop's disk comes back from last night's backup: the kiosk
    // numbers its next records 6, 7… as the hub already holds others.
    replace_db(&a, &backup);
    check_in(&a, &codes(11..=15));
    let out = a.run(&["--json", "sync", "--once"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let round: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(round["moved"], 5, "{round}");
    assert_eq!(round["pending"], 0, "{round}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("nouveau journal"),
        "said loudly"
    );
    assert_eq!(
        arrived(&hub_ev),
        15,
        "the restored kiosk's arrivals reach the hub"
    );
    assert_eq!(arrived(&a), 15, "and the hub's come back to it");
    assert_eq!(record_ids(&a, None), record_ids(&hub_ev, None));
    assert_eq!(a.json(&["checkin", "S-000008"])["outcome"], "already_in");

    // Its database copied onto a second laptop, both go on at the door.
    let b = kiosk_event("porte-a", hub.addr, TOKEN);
    replace_db(&b, &a.path("accueil.sqlite"));
    check_in(&a, &codes(16..=18));
    check_in(&b, &codes(19..=21));
    for k in [&a, &b, &a] {
        let round = sync(k);
        assert_eq!(round["pending"], 0, "{round}");
    }
    assert_eq!(arrived(&hub_ev), 21);
    assert_eq!(record_ids(&a, None), record_ids(&hub_ev, None));
    assert_eq!(record_ids(&b, None), record_ids(&hub_ev, None));
}

#[test]
fn two_kiosks_given_the_same_id_keep_both_their_arrivals() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    let twin = kiosk_event("porte-a", hub.addr, TOKEN);
    sync(&a);
    sync(&twin);
    check_in(&a, &codes(1..=4));
    check_in(&twin, &codes(5..=9));
    for k in [&a, &twin, &a] {
        assert_eq!(sync(k)["pending"], 0);
    }
    assert_eq!(arrived(&hub_ev), 9);
    assert_eq!(arrived(&a), 9);
    assert_eq!(arrived(&twin), 9);
}

#[test]
fn a_kiosk_writes_only_as_itself_and_a_revoked_one_is_shut_out_until_readmitted() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    let b = kiosk_event("porte-b", hub.addr, TOKEN);
    sync(&a);
    sync(&b);
    check_in(&a, &codes(1..=3));
    assert_eq!(sync(&a)["pending"], 0);

    // Someone with kiosk.toml's token, and a credential of their own,
    // writing as porte-a: refused, whatever the records say.
    let someone = accueil::domain::uid_for_code("S-000010").to_string();
    let arrival = |log: &str, seq: i64| {
        serde_json::json!({
            "id": uuid::Uuid::now_v7(), "kiosk": "porte-a", "log": log, "seq": seq,
            "at": "2022-09-28T09:00:00Z", "kind": "arrival", "registrant": someone,
            "day": "2022-09-28", "reverts": null, "payload": {},
        })
    };
    let log = a
        .kiosk()
        .inspect()
        .own_logs("porte-a")
        .unwrap()
        .pop()
        .unwrap();
    let (status, body) = raw_sync(
        hub.addr,
        "pirate",
        &serde_json::json!({ "kiosk": "porte-a", "marks": {}, "records": [arrival(&log, 4)] }),
    );
    assert_eq!(status, 403, "{body}");
    // Enrolled again as porte-a, they cannot append to porte-a's log: the
    // hub sends them to a log of their own.
    let (status, body) = raw_sync(
        hub.addr,
        "porte-a",
        &serde_json::json!({ "kiosk": "porte-a", "marks": {}, "records": [arrival(&log, 4)] }),
    );
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("nouveau journal"), "{body}");
    assert_eq!(arrived(&hub_ev), 3);

    // porte-a is stolen: an organiser revokes it from the hub's command
    // line while the hub runs — after a typo, refused: a misspelt id would
    // bar nobody while porte-a kept sending.
    let out = hub_ev.run(&["kiosks", "--revoke", "porte-aa"]);
    assert!(!out.status.success(), "a misspelt id is an error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("« porte-aa »") && err.contains("porte-a, porte-b"),
        "{err}"
    );
    // The same on the page's door: a missing or unknown id, told.
    let c = http();
    let base = format!("http://{}", hub.addr);
    for (query, status, says) in [
        ("", 400, "?kiosk="),
        ("?kiosk=", 400, "?kiosk="),
        ("?kiosk=porte-z", 404, "porte-a, porte-b"),
    ] {
        let res = c
            .post(format!("{base}/api/kiosks/revoke{query}"))
            .bearer_auth(ORGANISER)
            .send()
            .unwrap();
        assert_eq!(res.status(), status, "revoke{query}");
        let text = res.text().unwrap();
        assert!(text.contains(says), "revoke{query}: {text}");
    }
    assert!(
        hub_ev.json(&["kiosks"])["kiosks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["revoked"] == false),
        "nobody revoked by mistakes"
    );
    let revoked = hub_ev.json(&["kiosks", "--revoke", "porte-a"]);
    assert!(
        revoked["kiosks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["kiosk"] == "porte-a" && k["revoked"] == true),
        "{revoked}"
    );
    check_in(&a, &codes(4..=5));
    let out = a.run(&["sync", "--once"]);
    assert!(!out.status.success(), "a revoked kiosk's sync fails");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("révoqué") && err.contains("--readmit porte-a"),
        "{err}"
    );
    assert_eq!(arrived(&hub_ev), 3, "nothing of it is taken");
    let (status, _) = enrol(hub.addr, "porte-a");
    assert_eq!(status, 403, "it cannot enrol again");
    let res = http()
        .get(format!("http://{}/api/list", hub.addr))
        .bearer_auth(credential(hub.addr, "porte-a"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 401, "nor read the list");
    // The other kiosks go on.
    check_in(&b, &codes(6..=7));
    assert_eq!(sync(&b)["pending"], 0);
    assert_eq!(arrived(&hub_ev), 5);

    // Found again, it is readmitted from the organisers' page: it enrols
    // anew at its next sync and its arrivals, kept all along, go up.
    let res = http()
        .post(format!(
            "http://{}/api/kiosks/readmit?kiosk=porte-a&token={ORGANISER}",
            hub.addr
        ))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let round = sync(&a);
    assert_eq!(round["pending"], 0, "{round}");
    assert_eq!(arrived(&hub_ev), 7);
    assert_eq!(arrived(&a), 7);
    let stats: serde_json::Value = http()
        .get(format!("http://{}/api/stats", hub.addr))
        .bearer_auth(DASHBOARD)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let enrolled = stats["enrolled"].as_array().unwrap();
    assert!(
        enrolled
            .iter()
            .any(|k| k["kiosk"] == "porte-a" && k["revoked"] == false),
        "{stats}"
    );
}

/// The hub's answer to an enrolment as `kiosk`.
fn enrol(hub: SocketAddr, kiosk: &str) -> (u16, String) {
    let res = http()
        .post(format!("http://{hub}/api/enrol"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "kiosk": kiosk }))
        .send()
        .unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

/// A credential of kiosk `kiosk` (one per hub and kiosk in this test
/// process: a second would be a second kiosk of that id).
fn credential(hub: SocketAddr, kiosk: &str) -> String {
    static GIVEN: std::sync::Mutex<BTreeMap<(SocketAddr, String), String>> =
        std::sync::Mutex::new(BTreeMap::new());
    let mut given = GIVEN.lock().unwrap();
    given
        .entry((hub, kiosk.to_owned()))
        .or_insert_with(|| {
            let (status, body) = enrol(hub, kiosk);
            assert_eq!(status, 200, "{body}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            v["credential"].as_str().unwrap().to_owned()
        })
        .clone()
}

/// `POST /api/sync` of `body` with kiosk `as_kiosk`'s credential.
fn raw_sync(hub: SocketAddr, as_kiosk: &str, body: &serde_json::Value) -> (u16, String) {
    let res = http()
        .post(format!("http://{hub}/api/sync"))
        .bearer_auth(credential(hub, as_kiosk))
        .json(body)
        .send()
        .unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

#[test]
fn records_the_hub_cannot_keep_are_refused_by_name_and_never_resent() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let base = format!("http://{}", hub.addr);
    let someone = accueil::domain::uid_for_code("S-000001").to_string();
    let record = |log: &str, kiosk: &str, at: &str, day: &str| {
        serde_json::json!({
            "id": uuid::Uuid::now_v7(), "kiosk": kiosk, "log": log, "seq": 1, "at": at,
            "kind": "arrival", "registrant": someone, "day": day, "reverts": null, "payload": {},
        })
    };
    // A timestamp at year −1 once made every later sync, the page and the
    // exports fail for good.
    let (status, body) = raw_sync(
        hub.addr,
        "pirate",
        &serde_json::json!({ "kiosk": "pirate", "marks": {},
            "records": [record("pirate", "pirate", "-000001-01-01T00:00:00Z", "2022-09-28")] }),
    );
    assert_eq!(status, 400, "{body}");
    let refused: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(refused["refused"][0]["seq"], 1, "{body}");
    assert!(
        refused["error"].as_str().unwrap().contains("horloge"),
        "{body}"
    );
    // A record in another kiosk's name.
    let (status, body) = raw_sync(
        hub.addr,
        "pirate",
        &serde_json::json!({ "kiosk": "pirate", "marks": {},
            "records": [record("porte-b~X", "pirate", "2022-09-28T09:00:00Z", "2022-09-28")] }),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("porte-b"), "{body}");
    // Junk in a kiosk id.
    let (status, _) = raw_sync(
        hub.addr,
        "pirate",
        &serde_json::json!({ "kiosk": "a\u{1b}[31m", "marks": {}, "records": [] }),
    );
    assert_eq!(status, 400);
    // Everything else still works.
    for path in ["/api/stats", "/export/presences.csv"] {
        let res = http()
            .get(format!("{base}{path}"))
            .bearer_auth(ORGANISER)
            .send()
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    let round = sync(&a);
    assert_eq!(round["list_updated"], true);
    assert_eq!(round["from_copy"], true);
    assert_eq!(arrived(&hub_ev), 0, "the refused arrival is not counted");
    assert!(
        a.kiosk().refused_records(10).unwrap().is_empty(),
        "a new kiosk's copy holds none of the hub's refusals"
    );

    // A kiosk whose kiosk.toml has a day the hub's event does not, at
    // work before it ever synced (the hub's event would have fixed it).
    let odd = Event::with_config(
        &toml(
            "porte-c",
            &format!("url = \"http://{}\"\ntoken = \"{TOKEN}\"", hub.addr),
        )
        .replace(
            r#"days = ["2022-09-28", "2022-09-29"]"#,
            r#"days = ["2022-09-28", "2022-09-29", "2022-09-30"]"#,
        ),
    );
    odd.write("inscrits.csv", synthetic_csv(300));
    odd.ok(&["import", "inscrits.csv"]);
    odd.ok(&["checkin", "S-000002", "--day", "3"]);
    odd.ok(&["checkin", "S-000003", "--day", "1"]);
    let out = odd.run(&["--json", "sync", "--once"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let round: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        round["refused"].as_array().map(Vec::len),
        Some(1),
        "{round}"
    );
    assert_eq!(round["pending"], 0, "{round}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusée par le hub") && err.contains("2022-09-30"),
        "{err}"
    );
    // The good one went up; the refused one is never sent again.
    assert_eq!(arrived(&hub_ev), 1);
    let again = sync(&odd);
    assert_eq!(
        again["refused"].as_array().map(Vec::len),
        Some(0),
        "{again}"
    );
    assert_eq!(again["sent"], 0);
    assert_eq!(odd.kiosk().refused_records(10).unwrap().len(), 1);
}

#[test]
fn name_fixes_at_two_kiosks_converge_on_the_latest() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    let b = kiosk_event("porte-b", hub.addr, TOKEN);
    let c = kiosk_event("porte-c", hub.addr, TOKEN);
    for k in [&a, &b, &c] {
        sync(k);
    }
    // Offline, A fixes the name, then B fixes it otherwise, later.
    a.ok(&["edit", "S-000007", "--last-name", "Dupond"]);
    b.ok(&["edit", "S-000007", "--last-name", "Dupont-Aignan"]);
    b.ok(&["edit", "S-000007", "--organisation", "Mairie de Lyon"]);
    a.ok(&["edit", "S-000007", "--first-name", "Anne-Sophie"]);
    // B reaches the hub first; A, whose last-name fix is older, after.
    for k in [&b, &a, &b, &c] {
        sync(k);
    }
    for k in [&a, &b, &c, &hub_ev] {
        let who = k
            .kiosk()
            .registrant(&Lookup::Code("S-000007".into()))
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                who.first_name.as_str(),
                who.last_name.as_str(),
                who.organisation.as_str()
            ),
            ("Anne-Sophie", "Dupont-Aignan", "Mairie de Lyon"),
            "every copy ends with the latest fix of each field"
        );
    }
}

#[test]
fn a_hub_restored_from_a_backup_never_hands_out_a_stale_list() {
    let hub_ev = hub_event();
    let mut hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let port = hub.addr;
    let a = kiosk_event("porte-a", port, TOKEN);
    sync(&a);
    hub.kill();
    let backup = hub_ev.path("sauvegarde.sqlite");
    std::fs::copy(hub_ev.path("accueil.sqlite"), &backup).unwrap();
    let mut csv = synthetic_csv(300);
    csv.push_str("S-000300;Tardif;Jeanne;Mairie;jt@example.fr;Participant\n");
    hub_ev.write("inscrits.csv", csv);
    hub_ev.ok(&["import", "inscrits.csv"]);
    let mut hub = HubProcess::start(&hub_ev, &port.to_string());
    sync(&a);
    hub.kill();
    // The hub's disk is restored, and the organisers import again — a
    // list of the same length, other content.
    replace_db(&hub_ev, &backup);
    let mut csv = synthetic_csv(300);
    csv.push_str("S-000301;Lemaire;Paul;Préfecture;pl@example.fr;Participant\n");
    hub_ev.write("inscrits.csv", csv);
    hub_ev.ok(&["import", "inscrits.csv"]);
    let _hub = HubProcess::start(&hub_ev, &port.to_string());
    assert_eq!(sync(&a)["list_updated"], true);
    assert!(
        a.kiosk()
            .registrant(&Lookup::Code("S-000301".into()))
            .unwrap()
            .is_some(),
        "the kiosk has the hub's list"
    );
}

/// The copy a new kiosk starts from is made ahead, as the hub starts: a
/// list imported while the hub runs must not leave new kiosks on the old
/// list, and arrivals since the copy was made come with it.
#[test]
fn a_kiosk_joining_after_the_list_changed_is_handed_the_new_list() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    assert_eq!(sync(&a)["from_copy"], true);
    check_in(&a, &codes(1..=3));
    assert_eq!(sync(&a)["pending"], 0);
    // The organisers import a longer list at the hub, the hub running.
    let mut csv = synthetic_csv(300);
    csv.push_str("S-000300;Tardif;Jeanne;Mairie;jt@example.fr;Participant\n");
    hub_ev.write("inscrits.csv", csv);
    hub_ev.ok(&["import", "inscrits.csv"]);

    let b = kiosk_event("porte-b", hub.addr, TOKEN);
    let round = sync(&b);
    assert_eq!(round["from_copy"], true, "{round}");
    let kiosk = b.kiosk();
    assert_eq!(kiosk.inspect().registrant_count().unwrap(), 301);
    assert!(
        kiosk
            .registrant(&Lookup::Code("S-000300".into()))
            .unwrap()
            .is_some(),
        "the list imported after the hub started"
    );
    assert_eq!(kiosk.stats().unwrap().days[0].tally.arrived, 3);
    drop(kiosk);
    assert_eq!(record_ids(&b, None), record_ids(&hub_ev, None));
    assert!(
        !std::fs::read_dir(hub_ev.path(".")).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".part")),
        "no half-made copy left beside the hub's database"
    );
    // The copy removed from under the running hub: made again.
    std::fs::remove_file(hub_ev.path("accueil.copie-pour-kiosque")).unwrap();
    let c = kiosk_event("porte-c", hub.addr, TOKEN);
    assert_eq!(sync(&c)["from_copy"], true);
    assert_eq!(record_ids(&c, None), record_ids(&hub_ev, None));
}

fn a_day_ahead() -> jiff::Timestamp {
    jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24)
}

/// The organisers' page's figures once `ok` holds (they follow each sync;
/// how fast is measured in benches/hub.rs, the deadline only bounds a
/// failure).
fn figures_until(hub: SocketAddr, ok: &dyn Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let stats: serde_json::Value = http()
            .get(format!("http://{hub}/api/stats"))
            .bearer_auth(DASHBOARD)
            .send()
            .unwrap()
            .json()
            .unwrap();
        if ok(&stats) || std::time::Instant::now() > deadline {
            return stats;
        }
    }
}

/// A kiosk whose print server is away: the organisers see it on their
/// phones, with what holds it and how many badges wait — and that it
/// prints again once it does.
#[test]
fn each_kiosks_printer_shows_on_the_organisers_page() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let away = toml(
        "porte-b",
        &format!("url = \"http://{}\"\ntoken = \"{TOKEN}\"", hub.addr),
    )
    .replace(
        "kind = \"folder\"",
        "kind = \"cups\"\nname = \"QL820\"\nserver = \"http://127.0.0.1:9\"",
    );
    let ev = Event::with_config(&away);
    sync(&ev);
    let p = ev.json(&["print", "S-000001"]);
    assert_eq!(p["job"]["state"], "queued", "{p}");
    sync(&ev);
    let stats = figures_until(hub.addr, &|s| {
        s["printers"].as_array().is_some_and(|p| !p.is_empty())
    });
    let alerts = stats["printers"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{stats}");
    assert_eq!(alerts[0]["kiosk"], "porte-b");
    assert_eq!(alerts[0]["queued"], 1);
    assert!(
        alerts[0]["problem"]
            .as_str()
            .unwrap()
            .contains("injoignable"),
        "{stats}"
    );
    let row = stats["enrolled"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kiosk"] == "porte-b")
        .cloned()
        .unwrap();
    assert_eq!(row["printer"]["printer"], "imprimante « QL820 »", "{row}");

    // The hub keeps a log file beside its database, with what happened and
    // nobody's name or ticket code in it.
    let logged = || -> String {
        std::fs::read_dir(hub_ev.path("logs"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !logged().contains("« porte-b » inscrit") && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let log = logged();
    assert!(log.contains("« porte-b » inscrit"), "{log}");
    assert!(
        !log.contains("S-000001"),
        "no ticket code in the log: {log}"
    );

    // Printing to a folder instead: the badge goes, the alert clears.
    std::fs::write(
        ev.path("kiosk.toml"),
        away.replace("kind = \"cups\"", "kind = \"folder\""),
    )
    .unwrap();
    ev.ok(&["print", "--status"]);
    sync(&ev);
    let stats = figures_until(hub.addr, &|s| {
        s["printers"].as_array().is_some_and(Vec::is_empty)
    });
    assert_eq!(
        stats["printers"].as_array().map(Vec::len),
        Some(0),
        "{stats}"
    );
}

#[test]
fn a_kiosk_whose_clock_is_a_day_off_is_told_and_records_nothing_unconfirmed() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let ev = kiosk_event("porte-a", hub.addr, TOKEN);
    let mut k = ev.kiosk().with_clock(a_day_ahead);
    let round = k.sync_once(std::time::Duration::from_secs(30)).unwrap();
    let offset = round.clock_offset.unwrap();
    assert!((offset + 86_400).abs() < 60, "{offset}");
    // Today by this kiosk's clock is tomorrow by the hub's: nothing
    // recorded without saying which day.
    let before = k.inspect().record_count().unwrap();
    let refused = k.check_in(&Lookup::Code("S-000001".into()), None);
    let err = refused.unwrap_err().to_string();
    assert!(err.contains("horloge") && err.contains("--day"), "{err}");
    assert_eq!(k.inspect().record_count().unwrap(), before);
    // Staff confirm the day: recorded.
    let c = k
        .check_in(
            &Lookup::Code("S-000001".into()),
            Some(accueil::domain::DaySpec::Number(1)),
        )
        .unwrap();
    assert_eq!(c.outcome, accueil::domain::Outcome::Welcome);
    // The organisers' page lists it.
    let figures_until = |ok: &dyn Fn(&serde_json::Value) -> bool| figures_until(hub.addr, ok);
    let stats = figures_until(&|s| s["clocks"].as_array().is_some_and(|c| !c.is_empty()));
    let clocks = stats["clocks"].as_array().unwrap();
    assert_eq!(clocks.len(), 1, "{stats}");
    assert_eq!(clocks[0]["kiosk"], "porte-a");
    assert_eq!(clocks[0]["ahead"], true);
    assert!(clocks[0]["minutes"].as_i64().unwrap() >= 1439);
    // Its clock set right, the next sync clears it.
    let out = ev.run(&["sync", "--once"]);
    assert!(out.status.success());
    let stats = figures_until(&|s| s["clocks"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(stats["clocks"].as_array().map(Vec::len), Some(0), "{stats}");
}

#[test]
fn idle_and_half_sent_connections_cannot_lock_the_kiosks_out() {
    use std::io::Read;
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    sync(&a);
    // Hundreds of connections that say nothing, and some that send half a
    // request — no token needed.
    let mut hostile = Vec::new();
    for _ in 0..600 {
        hostile.push(std::net::TcpStream::connect(hub.addr).unwrap());
    }
    for _ in 0..50 {
        let mut s = std::net::TcpStream::connect(hub.addr).unwrap();
        s.write_all(b"POST /api/sync HTTP/1.1\r\nHost: hub\r\nContent-Le")
            .unwrap();
        hostile.push(s);
    }
    // The door goes on: check-ins reach the hub.
    check_in(&a, &codes(1..=5));
    assert_eq!(sync(&a)["pending"], 0);
    assert_eq!(arrived(&hub_ev), 5);
    // The hub closes them: at once when it needs their place, else after
    // its header timeout (the read only bounds a failure).
    for s in hostile.iter_mut().rev().take(20) {
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let mut buf = [0u8; 64];
        match s.read(&mut buf) {
            Ok(n) => assert!(n == 0 || buf.starts_with(b"HTTP/1.1 408"), "{n} bytes"),
            Err(e) => assert_ne!(e.kind(), std::io::ErrorKind::WouldBlock, "still open: {e}"),
        }
    }
}

/// A real headless Chromium driven over WebDriver (Debian's chromium and
/// chromium-driver; .ci/run installs them).
struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::blocking::Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = std::process::Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver not found — apt-get install chromium chromium-driver (.ci/run does)",
            );
        let base = format!("http://127.0.0.1:{port}");
        let http = accueil::http_client().build().expect("http client");
        // Ready when its status says so (bounded: a driver that never
        // comes up fails the test).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !http
            .get(format!("{base}/status"))
            .send()
            .ok()
            .and_then(|r| r.json::<serde_json::Value>().ok())
            .is_some_and(|v| v["value"]["ready"] == true)
        {
            assert!(
                std::time::Instant::now() < deadline,
                "chromedriver did not start"
            );
            std::thread::yield_now();
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = serde_json::json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "eager",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run",
                         format!("--user-data-dir={}", profile.path().display()), "--window-size=412,1400"]
            }
        }}});
        let s: serde_json::Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let session = s["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {s}"))
            .to_owned();
        Browser {
            driver,
            base,
            session,
            http,
            _profile: profile,
        }
    }

    fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let res: serde_json::Value = self
            .http
            .request(method, url)
            .json(&body)
            .send()
            .unwrap()
            .json()
            .unwrap();
        res["value"].clone()
    }

    fn open(&self, url: &str) {
        self.call(
            reqwest::Method::POST,
            "/url",
            serde_json::json!({ "url": url }),
        );
    }

    /// Clicks the element matching a CSS selector.
    fn click(&self, css: &str) {
        let found = self.call(
            reqwest::Method::POST,
            "/element",
            serde_json::json!({ "using": "css selector", "value": css }),
        );
        let id = found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("no {css} on the page: {found}"))
            .to_owned();
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            serde_json::json!({}),
        );
    }

    /// The text of the elements matching a CSS selector.
    fn texts(&self, css: &str) -> Vec<String> {
        let found = self.call(
            reqwest::Method::POST,
            "/elements",
            serde_json::json!({ "using": "css selector", "value": css }),
        );
        found
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e.as_object()?.values().next()?.as_str().map(str::to_owned))
            .map(|id| {
                self.call(
                    reqwest::Method::GET,
                    &format!("/element/{id}/text"),
                    serde_json::json!({}),
                )
                .as_str()
                .unwrap_or("")
                .to_owned()
            })
            .collect()
    }

    /// Waits until the page shows what `ok` wants (how fast is measured in
    /// benches/hub.rs; `secs` only bounds a failure).
    fn until(&self, secs: u64, what: &str, ok: impl Fn(&Browser) -> bool) {
        let start = std::time::Instant::now();
        while !ok(self) {
            assert!(
                start.elapsed().as_secs() < secs,
                "the page never showed {what}"
            );
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
#[ignore = "needs chromium and chromium-driver (.ci/run installs them)"]
fn the_organisers_page_follows_check_ins_live_in_a_real_browser() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    sync(&a);
    check_in(&a, &codes(1..=3));
    sync(&a);

    let browser = Browser::start();
    browser.open(&format!("http://{}/?token={ORGANISER}", hub.addr));
    browser.until(10, "3 arrivals", |b| b.texts("#arrived") == ["3"]);
    assert_eq!(browser.texts("#expected"), ["300"]);
    assert_eq!(
        browser.texts("#t-today")[0].to_lowercase(),
        "aujourd'hui",
        "French first"
    );
    assert!(browser.texts("#kiosks td")[0].contains("porte-a"));

    // A check-in at the door, through the CLI: on the open page, no reload.
    // The walk-in's name is hostile HTML: it must show as text.
    a.ok(&[
        "walk-in",
        "--first-name",
        "<img src=x onerror=alert(1)>",
        "--last-name",
        "Test",
    ]);
    sync(&a);
    browser.until(10, "the walk-in", |b| b.texts("#arrived") == ["4"]);
    let last = browser.texts("#last tr");
    assert!(
        last[0].contains("<img src=x onerror=alert(1)> Test"),
        "{last:?}"
    );
    let images = browser.call(
        reqwest::Method::POST,
        "/elements",
        serde_json::json!({ "using": "css selector", "value": "#last img" }),
    );
    assert_eq!(images.as_array().map(Vec::len), Some(0), "no HTML injected");

    // porte-a is lost: an organiser revokes it from the page, after saying
    // yes to the question; the page shows it, and porte-a is shut out.
    browser.until(10, "porte-a enrolled", |b| {
        b.texts("#enrolled td").iter().any(|t| t == "porte-a")
    });
    browser.click("button[aria-label='Révoquer porte-a']");
    let question = browser.call(reqwest::Method::GET, "/alert/text", serde_json::json!({}));
    assert!(
        question.as_str().unwrap_or("").contains("porte-a"),
        "{question}"
    );
    browser.call(
        reqwest::Method::POST,
        "/alert/accept",
        serde_json::json!({}),
    );
    browser.until(10, "porte-a revoked", |b| {
        b.texts("#enrolled td").iter().any(|t| t == "révoqué")
    });
    assert!(!a.run(&["sync", "--once"]).status.success());

    // The read-only page (a steward's phone): the figures, and no button
    // that changes the event.
    browser.open(&format!("http://{}/?token={DASHBOARD}", hub.addr));
    browser.until(10, "the kiosks listed", |b| {
        b.texts("#enrolled td").iter().any(|t| t == "porte-a")
    });
    let buttons = browser.call(
        reqwest::Method::POST,
        "/elements",
        serde_json::json!({ "using": "css selector", "value": "#enrolled button" }),
    );
    assert_eq!(buttons.as_array().map(Vec::len), Some(0), "{buttons}");
    assert_eq!(browser.texts("#add"), [""], "« Ajouter un kiosque » hidden");
    assert_eq!(
        browser.texts("#t-exports"),
        [""],
        "the named exports hidden"
    );

    // In English, on the organisers' asking: the page's own words and the
    // figures' words alike, from accueil's one catalogue.
    browser.open(&format!("http://{}/?token={ORGANISER}", hub.addr));
    browser.until(10, "the kiosks listed", |b| {
        b.texts("#enrolled td").iter().any(|t| t == "porte-a")
    });
    assert_eq!(browser.texts("#lang"), ["English"]);
    browser.click("#lang");
    browser.until(10, "English", |b| {
        b.texts("#t-today").first().map(|t| t.to_lowercase()) == Some("today".into())
    });
    assert_eq!(browser.texts("#lang"), ["Français"], "the way back");
    assert_eq!(browser.texts("#add"), ["Add a kiosk"]);
    assert!(
        browser.texts("#enrolled td").iter().any(|t| t == "revoked"),
        "{:?}",
        browser.texts("#enrolled td")
    );

    // A wrong token opens nothing.
    browser.open(&format!("http://{}/?token=faux", hub.addr));
    assert!(browser.texts("#arrived").is_empty());
}

/// axe-core's script: `AXE_CORE`, else where `.ci/run` installs it.
fn axe_core() -> String {
    let path = std::env::var_os("AXE_CORE").map_or_else(
        || {
            std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/accueil-ci/axe/node_modules/axe-core/axe.min.js")
        },
        std::path::PathBuf::from,
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}) — npm install --prefix ~/.cache/accueil-ci/axe axe-core@4 (.ci/run does)",
            path.display()
        )
    })
}

/// The organisers' page as the French public sector must provide it
/// (RGAA 4.1: WCAG 2.1 AA, and 2.2's AA criteria): axe-core finds nothing
/// in any view — the organiser's, the read-only one, the door view, in
/// English, before the first arrival, and with « Ajouter un kiosque » open,
/// whose dialog keeps Tab inside it.
#[test]
#[ignore = "needs chromium, chromium-driver and axe-core (.ci/run installs them)"]
fn the_organisers_page_has_no_accessibility_violations_in_any_view() {
    let axe = axe_core();
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let browser = Browser::start();
    let check = |view: &str| {
        let script = format!(
            "{axe}\nconst done = arguments[arguments.length - 1];\naxe.run(document, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }} }}).then((r) => done(r.violations.map((v) => v.impact + ' ' + v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '))), (e) => done(['axe failed: ' + e]));"
        );
        let found = browser.call(
            reqwest::Method::POST,
            "/execute/async",
            serde_json::json!({ "script": script, "args": [] }),
        );
        assert_eq!(found, serde_json::json!([]), "{view}");
    };
    let page = |query: &str| format!("http://{}/?token={query}", hub.addr);
    // The figures shown (hidden ones too: the door view shows few).
    let shows = |b: &Browser, arrived: &str| {
        b.call(
            reqwest::Method::POST,
            "/execute/sync",
            serde_json::json!({
                "script": "return document.getElementById('arrived').textContent;",
                "args": []
            }),
        ) == serde_json::json!(arrived)
    };

    // Before the first arrival.
    browser.open(&page(ORGANISER));
    browser.until(10, "the figures", |b| shows(b, "0"));
    check("before the first arrival");

    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    sync(&a);
    check_in(&a, &codes(1..=3));
    sync(&a);
    for (view, query) in [
        ("organiser", ORGANISER.to_owned()),
        ("read-only", DASHBOARD.to_owned()),
        ("door view", format!("{ORGANISER}&vue=entree")),
        ("in English", format!("{ORGANISER}&lang=en")),
    ] {
        browser.open(&page(&query));
        browser.until(10, "3 arrivals", |b| shows(b, "3"));
        check(view);
    }

    // The dialog: nothing behind it takes the focus.
    browser.open(&page(ORGANISER));
    browser.until(10, "3 arrivals", |b| shows(b, "3"));
    browser.click("#add");
    browser.until(10, "the code", |b| {
        !b.texts("#invite-typed").concat().is_empty()
    });
    check("« Ajouter un kiosque » open");
    let behind = browser.call(
        reqwest::Method::POST,
        "/execute/sync",
        serde_json::json!({
            "script": "return [...document.querySelectorAll('button, a[href], input, select, textarea, [tabindex]')].filter((e) => !e.closest('#invite')).every((e) => e.closest('[inert]') !== null);",
            "args": []
        }),
    );
    assert_eq!(
        behind,
        serde_json::json!(true),
        "only the dialog can take the focus"
    );
}

/// What accueil writes beside the people's data — the hub's log lines (on
/// stderr and in `logs/`), every command's messages, the badge files'
/// names, the print jobs' names — carries no name, e-mail, organisation
/// or ticket code: logs are kept a week and read by whoever runs the
/// machine. A morning's work goes through, wrong inputs included (an
/// unknown ticket, a walk-in with a bad address, a record the hub refuses).
#[test]
fn no_log_line_message_job_or_file_name_carries_a_name_an_email_or_a_code() {
    use std::io::{BufRead, Read};
    let csv = std::fs::read_to_string(crate::common::fixture("noms-difficiles.csv")).unwrap();
    let mut personal: Vec<String> = csv
        .lines()
        .skip(1)
        .flat_map(|line| {
            let cells: Vec<String> = line.split(';').map(|c| c.trim().to_owned()).collect();
            // Code, last and first names, organisation, e-mail.
            cells.into_iter().take(5).collect::<Vec<_>>()
        })
        .filter(|v| v.chars().count() >= 4)
        .collect();
    personal.extend(
        [
            "Walkiria",
            "Surplace-Inédite",
            "walkiria@exemple.fr",
            "walkiria@@exemple",
        ]
        .map(String::from),
    );

    let hub_ev = Event::with_config(&toml(
        "hub",
        &format!(
            "token = \"{TOKEN}\"\ndashboard_token = \"{DASHBOARD}\"\norganiser_token = \"{ORGANISER}\""
        ),
    ));
    let mut messages = String::new();
    let mut keep = |out: std::process::Output| {
        messages.push_str(&String::from_utf8_lossy(&out.stderr));
        out
    };
    keep(hub_ev.run(&["import", &crate::common::fixture_str("noms-difficiles.csv")]));
    let mut child = hub_ev
        .command(&["--json", "hub", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let addr: SocketAddr = v["listening"].as_str().unwrap().parse().unwrap();
    let mut hub_stderr = child.stderr.take().unwrap();
    let hub_log = std::thread::spawn(move || {
        let mut all = String::new();
        let _ = hub_stderr.read_to_string(&mut all);
        all
    });

    let k = kiosk_event("porte-a", addr, TOKEN);
    let mut run = |args: &[&str]| keep(k.run(args));
    run(&["sync", "--once"]);
    run(&["checkin", "NEC-1001", "--print"]);
    run(&["checkin", "NEC-1001"]);
    run(&["checkin", "NEC-9999"]);
    run(&["undo", "NEC-1001"]);
    run(&["checkin", "NEC-1002", "--print"]);
    run(&["edit", "NEC-1003", "--last-name", "Surplace-Inédite"]);
    run(&[
        "walk-in",
        "--first-name",
        "Walkiria",
        "--email",
        "walkiria@@exemple",
    ]);
    run(&[
        "walk-in",
        "--first-name",
        "Walkiria",
        "--last-name",
        "Surplace-Inédite",
        "--email",
        "walkiria@exemple.fr",
    ]);
    run(&["print", "NEC-1004"]);
    run(&["print", "--status"]);
    run(&["sync", "--once"]);
    run(&["stats"]);
    run(&["doctor"]);
    // A record the hub cannot keep: its refusal is logged.
    let someone = accueil::domain::uid_for_code("NEC-1005").to_string();
    raw_sync(
        addr,
        "pirate",
        &serde_json::json!({ "kiosk": "pirate", "marks": {}, "records": [{
            "id": uuid::Uuid::now_v7(), "kiosk": "pirate", "log": "pirate", "seq": 1,
            "at": "2022-09-28T09:00:00Z", "kind": "walk_in", "registrant": someone,
            "day": null, "reverts": null,
            "payload": { "first_name": "Walkiria", "email": "walkiria@exemple.fr" } }] }),
    );
    let _ = child.kill();
    let _ = child.wait();
    // The commands' own messages may say back what their user just typed
    // wrong (« courriel « walkiria@@exemple » invalide »): that is for the
    // person at the keyboard, not a log. Nothing else.
    let said_back = "walkiria@@exemple";
    let found: Vec<&String> = personal
        .iter()
        .filter(|v| v.as_str() != said_back && messages.contains(v.as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "commands' messages carry {found:?}:\n{messages}"
    );
    let mut messages = hub_log.join().unwrap();
    assert!(
        messages.contains("hub :"),
        "the hub's log was read: {messages}"
    );

    // The log files, the names of every file accueil wrote.
    let mut names = String::new();
    for dir in [hub_ev.dir.path(), k.dir.path()] {
        for entry in walk(dir) {
            names.push_str(&entry.to_string_lossy());
            names.push('\n');
            if entry.components().any(|c| c.as_os_str() == "logs") {
                messages.push_str(&std::fs::read_to_string(&entry).unwrap_or_default());
            }
        }
    }
    let jobs: Vec<String> = k
        .kiosk()
        .inspect()
        .print_jobs(50)
        .unwrap()
        .into_iter()
        .map(|j| j.printer_job.unwrap_or_default())
        .collect();
    assert!(jobs.len() >= 2, "badges were printed: {jobs:?}");
    for (what, text) in [
        ("log lines", &messages),
        ("file names", &names),
        ("job names", &jobs.join("\n")),
    ] {
        let found: Vec<&String> = personal
            .iter()
            .filter(|v| text.contains(v.as_str()))
            .collect();
        assert!(found.is_empty(), "{what} carry {found:?}:\n{text}");
    }
}

/// Every file under `dir` (the database files, logs, badges…).
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// One configuration, at the hub: organisers change the event in the
/// hub's kiosk.toml, restart the hub, and every kiosk has it at its next
/// sync — said in `sync`'s report — and keeps it across restarts, its own
/// `[kiosk]` untouched.
#[test]
fn the_event_set_at_the_hub_reaches_the_kiosks_at_their_next_sync() {
    let hub_ev = hub_event();
    let set_name = |name: &str| {
        let toml = std::fs::read_to_string(hub_ev.path("kiosk.toml")).unwrap();
        let line = toml
            .lines()
            .find(|l| l.starts_with("name = ") && !l.contains("porte"))
            .unwrap()
            .to_owned();
        std::fs::write(
            hub_ev.path("kiosk.toml"),
            toml.replacen(&line, &format!("name = \"{name}\""), 1),
        )
        .unwrap();
    };
    set_name("Assises de la donnée publique");
    let mut hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let k = kiosk_event("porte-a", hub.addr, TOKEN);
    let said = k.ok(&["sync", "--once"]);
    assert!(
        said.contains("configuration de l'événement reçue du hub"),
        "{said}"
    );
    assert_eq!(k.kiosk().config.event.name, "Assises de la donnée publique");
    assert_eq!(k.kiosk().config.kiosk.id, "porte-a");
    let again = k.ok(&["sync", "--once"]);
    assert!(!again.contains("configuration"), "sent once: {again}");

    hub.kill();
    set_name("Assises nationales de la donnée publique");
    let hub = HubProcess::start(&hub_ev, &hub.addr.to_string());
    let _ = hub.addr;
    let said = k.ok(&["sync", "--once"]);
    assert!(
        said.contains("configuration de l'événement reçue du hub"),
        "{said}"
    );
    assert_eq!(
        k.kiosk().config.event.name,
        "Assises nationales de la donnée publique"
    );
}

/// The hub's copy of the event for joining kiosks holds everyone's names:
/// `accueil purge` on the hub removes it with the rest.
#[test]
fn a_hub_s_purge_removes_its_copy_for_joining_kiosks() {
    let hub_ev = hub_event();
    let mut hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let k = kiosk_event("porte-a", hub.addr, TOKEN);
    assert_eq!(sync(&k)["from_copy"], true, "joined from the hub's copy");
    hub.kill();
    let copy = hub_ev.path("accueil.copie-pour-kiosque");
    assert!(copy.exists());
    let done = hub_ev.json(&["purge", "--yes"]);
    assert!(
        done["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().ends_with("accueil.copie-pour-kiosque")),
        "{done}"
    );
    assert!(!copy.exists(), "the copy is gone");
}

/// A hub that enrols kiosks only by the page's codes (no `[hub] token`).
pub(crate) fn hub_by_codes(staff_pin: bool) -> Event {
    let mut toml = toml(
        "hub",
        &format!("dashboard_token = \"{DASHBOARD}\"\norganiser_token = \"{ORGANISER}\""),
    );
    if staff_pin {
        let hash = accueil::domain::pin::hash("48291375").unwrap();
        toml = toml.replace("[kiosk]\n", &format!("[kiosk]\nstaff_pin = \"{hash}\"\n"));
    }
    let ev = Event::with_config(&toml);
    ev.write("inscrits.csv", synthetic_csv(300));
    ev.ok(&["import", "inscrits.csv"]);
    ev
}

/// « Ajouter un kiosque », as the page asks it.
pub(crate) fn invitation(hub: SocketAddr) -> serde_json::Value {
    let res = http()
        .post(format!("http://{hub}/api/kiosks/invite?token={ORGANISER}"))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().unwrap()
}

/// `accueil join` into a new machine's folder (nothing in it yet).
fn join(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_accueil"))
        .current_dir(dir)
        .args(["--config", "kiosk.toml", "--json", "join"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_kiosk_enrolled_by_the_page_s_code_gets_its_id_the_event_and_the_list() {
    use std::os::unix::fs::PermissionsExt;
    let hub_ev = hub_by_codes(false);
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    // Only organisers ask for codes.
    let res = http()
        .post(format!("http://{}/api/kiosks/invite", hub.addr))
        .send()
        .unwrap();
    assert_eq!(res.status(), 401);

    let invite = invitation(hub.addr);
    let payload = invite["payload"].as_str().unwrap().to_owned();
    assert_eq!(invite["hub"], format!("http://{}", hub.addr));
    assert!(payload.starts_with(&format!("accueil:http://{}/", hub.addr)));
    assert!(invite["svg"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(invite["minutes"], 10);

    // A self-service kiosk needs the hub's staff PIN: the hub has none, it
    // says so, and the code is still good.
    let door = tempfile::tempdir().unwrap();
    let out = join(door.path(), &[&payload, "--mode", "self-service"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("staff_pin"), "{err}");
    assert!(!door.path().join("kiosk.toml").exists(), "nothing written");

    // The same code, as staff: enrolled, with the hub's event and list.
    let out = join(door.path(), &[&payload]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let joined: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(joined["kiosk"], "borne-01");
    assert_eq!(joined["people"], 300);
    assert_eq!(
        joined["event"],
        "Journées nationales de l'innovation publique 2022"
    );
    assert!(joined.get("sync_error").is_none(), "{joined}");
    let written = std::fs::read_to_string(door.path().join("kiosk.toml")).unwrap();
    assert!(!written.contains("[event]"), "{written}");
    assert!(!written.contains("token"), "no shared secret: {written}");
    assert!(written.contains(&format!("url = \"http://{}\"", hub.addr)));
    let mode = std::fs::metadata(door.path().join("kiosk.toml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // Used once: a second machine with the same code gets nothing.
    let other = tempfile::tempdir().unwrap();
    let out = join(other.path(), &[&payload]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("déjà utilisé ou expiré"), "{err}");
    assert!(!other.path().join("kiosk.toml").exists());

    // A scanner typing in US layout on a French laptop garbles the code:
    // it enrols all the same, as the next free id.
    let code = invitation(hub.addr)["payload"].as_str().unwrap().to_owned();
    let garbled = accueil::domain::keyboard::Mix::new(
        accueil::domain::keyboard::Layout::Us,
        accueil::domain::keyboard::Layout::Fr,
    )
    .garble(&code)
    .unwrap();
    let out = join(other.path(), &[&garbled]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let joined: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(joined["kiosk"], "borne-02");

    // The door works: an arrival reaches the hub with borne-01's name.
    let kiosk = Event { dir: door };
    kiosk.ok(&["checkin", "S-000007"]);
    assert_eq!(sync(&kiosk)["pending"], 0);
    let stats = figures_until(hub.addr, &|s| {
        s["stats"]["days"][0]["kiosks"]["borne-01"] == 1
    });
    assert_eq!(stats["enrolled"].as_array().unwrap().len(), 2);

    // Revoked from the page: shut out, and told why.
    let res = http()
        .post(format!(
            "http://{}/api/kiosks/revoke?kiosk=borne-01&token={ORGANISER}",
            hub.addr
        ))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let out = kiosk.run(&["sync", "--once"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("révoqué"), "{err}");
}

#[test]
fn a_self_service_kiosk_enrolled_by_code_takes_the_hub_s_staff_pin() {
    let hub_ev = hub_by_codes(true);
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let invite = invitation(hub.addr);
    // Typed by hand: the address without http://, the code in lower case.
    let door = tempfile::tempdir().unwrap();
    let code = invite["code"].as_str().unwrap().to_lowercase();
    let out = join(
        door.path(),
        &[
            &code,
            "--hub",
            &hub.addr.to_string(),
            "--mode",
            "self-service",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kiosk = Event { dir: door };
    let config = kiosk.config();
    assert_eq!(config.kiosk.mode, accueil::config::Mode::SelfService);
    assert!(accueil::domain::pin::verify(
        "48291375",
        config.kiosk.staff_pin.as_deref().unwrap()
    ));
    // Its copy is a self-service one: no e-mail.
    let k = kiosk.kiosk();
    assert_eq!(
        k.config.event.name,
        "Journées nationales de l'innovation publique 2022"
    );
    let db = std::fs::read(kiosk.path("accueil.sqlite")).unwrap();
    assert!(
        !String::from_utf8_lossy(&db).contains("@example.fr"),
        "a self-service copy holds no e-mail"
    );

    // A staff desk has no use for the PIN: it is not handed one.
    let desk = tempfile::tempdir().unwrap();
    let code = invitation(hub.addr)["code"].as_str().unwrap().to_owned();
    let out = join(desk.path(), &[&code, "--hub", &hub.addr.to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let toml = std::fs::read_to_string(desk.path().join("kiosk.toml")).unwrap();
    assert!(!toml.contains("argon2"), "{toml}");
    assert_eq!(Event { dir: desk }.config().kiosk.staff_pin, None);
}

/// A kiosk.toml whose event runs from yesterday to tomorrow (Paris), so
/// that a session on at this hour is on an event day.
fn around_today(toml: String) -> String {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let today = tz.to_datetime(jiff::Timestamp::now()).date();
    let (y, n) = (today.yesterday().unwrap(), today.tomorrow().unwrap());
    toml.replace(
        "days = [\"2022-09-28\", \"2022-09-29\"]",
        &format!("days = [\"{y}\", \"{today}\", \"{n}\"]"),
    )
    .replace("days = [\"2022-09-29\"]", &format!("days = [\"{n}\"]"))
}

/// A programme on now: a workshop of 3 seats in « Salle A », a plenary
/// without limit, both from an hour ago (or from midnight, Paris: they are
/// today's sessions even just after it) to two hours from now.
fn programme_now() -> String {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let now = jiff::Timestamp::now();
    let midnight = tz
        .to_datetime(now)
        .date()
        .to_zoned_datetime(tz.clone())
        .unwrap()
        .timestamp();
    let text = |t: jiff::Timestamp| tz.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string();
    let start = text((now - jiff::SignedDuration::from_hours(1)).max(midnight));
    let end = text(now + jiff::SignedDuration::from_hours(2));
    format!(
        "Code;Titre;Salle;Début;Fin;Capacité\n\
         AT;Atelier « données »;Salle A;{start};{end};3\n\
         PL;Plénière;Amphithéâtre;{start};{end};\n"
    )
}

#[test]
#[ignore = "needs chromium and chromium-driver (.ci/run installs them)"]
fn the_organisers_page_shows_each_room_live_and_warns_when_one_is_nearly_full() {
    let hub_ev = Event::with_config(&around_today(toml(
        "hub",
        &format!(
            "token = \"{TOKEN}\"\ndashboard_token = \"{DASHBOARD}\"\norganiser_token = \"{ORGANISER}\""
        ),
    )));
    hub_ev.write("inscrits.csv", synthetic_csv(50));
    hub_ev.ok(&["import", "inscrits.csv"]);
    hub_ev.write("programme.csv", programme_now());
    hub_ev.ok(&["programme", "programme.csv"]);
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    // Two doors of « Salle A », each on its own copy.
    let doors: Vec<Event> = ["porte-a1", "porte-a2"]
        .iter()
        .map(|id| {
            let t = around_today(toml(
                id,
                &format!("url = \"http://{}\"\ntoken = \"{TOKEN}\"", hub.addr),
            ))
            .replace("mode = \"staff\"", "mode = \"door\"\nroom = \"salle a\"");
            let ev = Event::with_config(&t);
            sync(&ev);
            ev
        })
        .collect();
    assert_eq!(doors[0].json(&["door", "S-000001"])["outcome"], "admitted");
    // The same person at the other door, offline from the first: counted once.
    assert_eq!(doors[1].json(&["door", "S-000001"])["outcome"], "admitted");
    assert_eq!(doors[1].json(&["door", "S-000002"])["outcome"], "admitted");
    sync(&doors[0]);
    sync(&doors[1]);

    let browser = Browser::start();
    browser.open(&format!("http://{}/?token={DASHBOARD}", hub.addr));
    browser.until(10, "the rooms", |b| {
        b.texts("#rooms td").iter().any(|t| t.starts_with("2 / 3"))
    });
    let rooms = browser.texts("#rooms tr");
    assert!(
        rooms
            .iter()
            .any(|r| r.contains("Salle A") && r.contains("Atelier « données »")),
        "{rooms:?}"
    );
    assert!(browser.texts("#alerts li").is_empty(), "2 of 3 is not 90 %");

    // A third person fills the workshop: the page warns, no reload.
    sync(&doors[0]);
    assert_eq!(doors[0].json(&["door", "S-000003"])["outcome"], "admitted");
    assert_eq!(doors[0].json(&["door", "S-000004"])["outcome"], "full");
    sync(&doors[0]);
    browser.until(10, "3 of 3", |b| {
        b.texts("#rooms td").iter().any(|t| t.starts_with("3 / 3"))
    });
    browser.until(10, "the warning", |b| {
        b.texts("#alerts li")
            .iter()
            .any(|t| t.contains("Salle A") && t.contains("3 / 3"))
    });
    let sessions = browser.texts("#sessions tr");
    assert!(
        sessions
            .iter()
            .any(|s| s.contains("Atelier") && s.contains("3\nvenus")),
        "{sessions:?}"
    );
    // An exit frees a seat.
    assert_eq!(
        doors[1].json(&["door", "S-000002", "--exit"])["outcome"],
        "left"
    );
    sync(&doors[1]);
    browser.until(10, "the seat freed", |b| {
        b.texts("#rooms td").iter().any(|t| t.starts_with("2 / 3"))
    });
}

/// The door view, as the venue manager's 1920×1080 screen shows it: the
/// entrance alone, each kiosk's pace, and the steward's « + 5 » and « La
/// file est vide » counting the queue live; the link back to the page.
#[test]
#[ignore = "needs chromium and chromium-driver (.ci/run installs them)"]
fn the_door_view_counts_the_queue_and_shows_the_entrance_alone() {
    let hub_ev = Event::with_config(&around_today(toml(
        "hub",
        &format!(
            "token = \"{TOKEN}\"\ndashboard_token = \"{DASHBOARD}\"\norganiser_token = \"{ORGANISER}\""
        ),
    )));
    hub_ev.write("inscrits.csv", synthetic_csv(50));
    hub_ev.ok(&["import", "inscrits.csv"]);
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = Event::with_config(&around_today(toml(
        "entree-1",
        &format!("url = \"http://{}\"\ntoken = \"{TOKEN}\"", hub.addr),
    )));
    sync(&a);
    check_in(&a, &codes(1..=8));
    sync(&a);

    let browser = Browser::start();
    browser.call(
        reqwest::Method::POST,
        "/window/rect",
        serde_json::json!({ "width": 1920, "height": 1080 }),
    );
    browser.open(&format!(
        "http://{}/?token={DASHBOARD}&vue=entree",
        hub.addr
    ));
    browser.until(10, "entree-1's pace", |b| {
        b.texts("#entrance-kiosks td")
            .iter()
            .any(|t| t == "entree-1")
    });
    assert_eq!(browser.texts("#t-entrance"), ["ENTRÉE, MAINTENANT"]);
    // The rest of the page is not on the big screen.
    assert_eq!(browser.texts("#t-days"), [""], "per day hidden");
    // Nobody counts yet, the kiosk keeps up: the wait from its pace.
    assert!(
        browser.texts("#entrance-why")[0].starts_with("les bornes suivent"),
        "{:?}",
        browser.texts("#entrance-why")
    );
    browser.click("#q-5");
    browser.until(10, "5 in the queue", |b| b.texts("#f-queue") == ["5"]);
    assert!(
        browser.texts("#entrance-why")[0].contains("file comptée : 5 personnes"),
        "{:?}",
        browser.texts("#entrance-why")
    );
    browser.click("#q-1");
    browser.until(10, "6 in the queue", |b| b.texts("#f-queue") == ["6"]);
    browser.click("#q-empty");
    browser.until(10, "an empty queue", |b| b.texts("#f-queue") == ["0"]);
    assert_eq!(browser.texts("#wait"), ["0 min"]);
    // Back to the whole page.
    browser.click("#door-view");
    browser.until(10, "the whole page", |b| {
        b.texts("#t-days").first().is_some_and(|t| !t.is_empty())
    });
}

/// The organisers' figures as of now (the hub answers once it has computed
/// them after every change it had seen).
fn stats_now(client: &reqwest::blocking::Client, addr: SocketAddr) -> serde_json::Value {
    client
        .get(format!("http://{addr}/api/stats"))
        .bearer_auth(DASHBOARD)
        .send()
        .unwrap()
        .json()
        .unwrap()
}

/// The simulated morning's clock, read by the hub and the kiosks of
/// [`a_simulated_morning_s_predicted_wait_is_the_wait_people_had`].
static MORNING: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn morning_clock() -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(MORNING.load(std::sync::atomic::Ordering::SeqCst))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn set_morning(t: jiff::Timestamp) {
    MORNING.store(t.as_millisecond(), std::sync::atomic::Ordering::SeqCst);
}

/// A small seeded generator (xorshift64*): the same morning every run.
struct Draw(u64);

impl Draw {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.unit().max(1e-12), self.unit());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }

    /// Log-normal of this mean and coefficient of variation.
    fn lognormal(&mut self, mean: f64, cv: f64) -> f64 {
        let s2 = (1.0 + cv * cv).ln();
        (mean.ln() - s2 / 2.0 + s2.sqrt() * self.normal()).exp()
    }
}

/// 9:00 on the first day, the conference's start: 60–70 % of 1,000
/// people arrive between 8:30 and 9:00, three entrance kiosks serve them
/// one queue (20 s a person on average, log-normal), a steward counts
/// people into the queue on the door view (« + 1 »). Every simulated
/// minute the kiosks sync with the real hub over HTTP and the page's
/// figures are read: the wait the hub predicts for someone joining then
/// is within 20 % of the wait the people who joined then had, once the
/// queue is established, and the alert comes the minute the wait passes
/// `[event] max_wait_minutes`.
///
/// The hub (`hub::run`, its figures thread, its HTTP) and the three
/// kiosks (each its own SQLite file, syncing as `accueil sync` does) run
/// in this process: they share the simulated clock through
/// `Kiosk::with_clock`, which separate processes could only do through a
/// clock override in the shipped binary.
#[test]
fn a_simulated_morning_s_predicted_wait_is_the_wait_people_had() {
    use jiff::{SignedDuration, Timestamp};
    // 8:30 in Paris, summer time.
    let start: Timestamp = "2022-09-28T06:30:00Z".parse().unwrap();
    set_morning(start - SignedDuration::from_mins(10));
    let hub_ev = hub_event_of(1000);
    let own = hub_ev.kiosk().with_clock(morning_clock);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        accueil::hub::run(own, "127.0.0.1:0".parse().unwrap(), move |a| {
            let _ = tx.send(a);
        })
    });
    let addr: SocketAddr = rx.recv().unwrap();
    let folders: Vec<Event> = ["entree-1", "entree-2", "entree-3"]
        .iter()
        .map(|id| kiosk_event(id, addr, TOKEN))
        .collect();
    let timeout = std::time::Duration::from_secs(20);
    let mut kiosks: Vec<accueil::app::Kiosk> = folders
        .iter()
        .map(|ev| ev.kiosk().with_clock(morning_clock))
        .collect();
    for k in &mut kiosks {
        k.sync_once(timeout).unwrap();
    }

    // The morning: who joins the queue when, who is served where, when.
    let mut draw = Draw(0x00ac_c0e1_1e5e_ed01);
    let people = 600 + (draw.unit() * 100.0) as usize;
    let mut joins: Vec<f64> = (0..people)
        .map(|_| 1800.0 * (draw.unit() + draw.unit()) / 2.0)
        .collect();
    joins.sort_by(f64::total_cmp);
    let mut free = [0.0f64; 3];
    // (joined, began, kiosk), seconds after 8:30; one queue, first come
    // first served at the first kiosk free.
    let served: Vec<(f64, f64, usize)> = joins
        .iter()
        .map(|&joined| {
            let k = (0..3).min_by(|a, b| free[*a].total_cmp(&free[*b])).unwrap();
            let began = joined.max(free[k]);
            free[k] = began + draw.lognormal(20.0, 0.4);
            (joined, began, k)
        })
        .collect();
    enum Step {
        Join,
        Scan(usize, usize),
    }
    let mut steps: Vec<(f64, Step)> = Vec::new();
    for (i, &(joined, began, k)) in served.iter().enumerate() {
        steps.push((joined, Step::Join));
        // The kiosk logs the check-in as it reads the code.
        steps.push((began + 2.0, Step::Scan(i, k)));
    }
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    let at = |secs: f64| start + SignedDuration::from_millis((secs * 1000.0) as i64);

    let client = http();
    let mut steps = steps.into_iter().peekable();
    // Minute by minute: (minute, predicted wait, the alert's kind).
    let mut predicted: Vec<(usize, Option<f64>, Option<String>)> = Vec::new();
    let last_minute = (free.iter().cloned().fold(0.0, f64::max) / 60.0).ceil() as usize;
    for minute in 1..=last_minute {
        let boundary = minute as f64 * 60.0;
        while let Some((t, _)) = steps.peek()
            && *t < boundary
        {
            let Some((t, step)) = steps.next() else { break };
            set_morning(at(t));
            match step {
                Step::Join => {
                    let r = client
                        .post(format!("http://{addr}/api/queue?add=1"))
                        .bearer_auth(DASHBOARD)
                        .send()
                        .unwrap();
                    assert!(r.status().is_success(), "{:?}", r.text());
                }
                Step::Scan(i, k) => {
                    let code = format!("S-{i:06}");
                    let done = kiosks[k].check_in(&Lookup::Code(code), None).unwrap();
                    assert!(done.record.is_some(), "{:?}", done.outcome);
                }
            }
        }
        set_morning(at(boundary));
        for k in &mut kiosks {
            k.sync_once(timeout).unwrap();
        }
        let stats = stats_now(&client, addr);
        // The door view and the phone's page at 8:45, for docs/ (only
        // when asked: ACCUEIL_DOCS=docs cargo test … -- --include-ignored).
        if minute == 15
            && let Some(docs) = std::env::var_os("ACCUEIL_DOCS")
        {
            let docs = std::path::PathBuf::from(docs);
            for (file, size, view) in [
                ("hub-entree-1920.png", "1920,1080", "&vue=entree"),
                ("hub-entree-telephone.png", "420,1400", ""),
                ("hub-entrance-phone-english.png", "420,1400", "&lang=en"),
            ] {
                let shot = std::process::Command::new("chromium")
                    .args([
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--hide-scrollbars",
                    ])
                    .arg("--timeout=4000")
                    .arg(format!("--window-size={size}"))
                    .arg(format!("--screenshot={}", docs.join(file).display()))
                    .arg(format!("http://{addr}/?token={DASHBOARD}{view}"))
                    .output()
                    .expect("chromium");
                assert!(shot.status.success(), "{shot:?}");
            }
        }
        let entrance = &stats["entrance"];
        predicted.push((
            minute,
            entrance["wait_minutes"].as_f64(),
            entrance["alert"]["kind"].as_str().map(str::to_owned),
        ));
    }

    // The wait people had: those who joined within half a minute of each
    // prediction.
    let had = |minute: usize| {
        let from = minute as f64 * 60.0 - 30.0;
        let waits: Vec<f64> = served
            .iter()
            .filter(|(j, ..)| *j >= from && *j < from + 60.0)
            .map(|(j, b, _)| (b - j) / 60.0)
            .collect();
        (!waits.is_empty()).then(|| waits.iter().sum::<f64>() / waits.len() as f64)
    };
    let mut compared = 0;
    let mut worst = 0.0f64;
    let mut table = String::new();
    for (minute, wait, alert) in &predicted {
        let actual = had(*minute);
        table.push_str(&format!(
            "{minute:>3} min : prévu {wait:?}, vécu {actual:?}, {alert:?}\n"
        ));
    }
    for (minute, wait, _) in &predicted {
        let Some(actual) = had(*minute) else { continue };
        // Established: a few minutes of queue, the kiosks measured.
        if actual < 3.0 || *minute < 5 {
            continue;
        }
        let wait = wait.unwrap_or_else(|| panic!("no prediction at {minute} min\n{table}"));
        assert!(
            (wait - actual).abs() <= 0.2 * actual,
            "at {minute} min: predicted {wait:.1}, had {actual:.1}\n{table}"
        );
        compared += 1;
        worst = worst.max((wait - actual).abs() / actual);
    }
    eprintln!(
        "{table}{compared} minutes compared, worst {:.0} %",
        worst * 100.0
    );
    assert!(compared >= 20, "only {compared} minutes compared\n{table}");

    // The alert: the first minute the predicted wait passes 10 minutes,
    // against the first minute people waited more than 10.
    let alerted = predicted
        .iter()
        .find(|(_, _, a)| a.as_deref() == Some("wait"))
        .map(|(m, ..)| *m)
        .unwrap_or_else(|| panic!("no alert\n{table}"));
    let passed = (1..=last_minute)
        .find(|m| had(*m).is_some_and(|w| w > 10.0))
        .unwrap_or_else(|| panic!("nobody waited 10 minutes\n{table}"));
    assert!(
        alerted.abs_diff(passed) <= 1,
        "alert at {alerted} min, the wait passed 10 min at {passed}\n{table}"
    );
    // Had nobody counted: from the check-ins alone, at 8:50, the kiosks
    // are saturated — said so, with no wait number.
    let names = ["entree-1", "entree-2", "entree-3"];
    let checkins: Vec<accueil::domain::queue::Served<'_>> = served
        .iter()
        .map(|&(_, began, k)| accueil::domain::queue::Served {
            at: at(began + 2.0),
            kiosk: names[k],
        })
        .collect();
    let uncounted = accueil::domain::queue::forecast(&checkins, &[], at(20.0 * 60.0), 10);
    assert_eq!(uncounted.wait_minutes, None, "{uncounted:?}");
    assert!(
        matches!(
            uncounted.alert,
            Some(accueil::domain::queue::QueueAlert::Saturated { minutes }) if minutes >= 5
        ),
        "{uncounted:?}"
    );
    // And once the queue is gone, no alert.
    assert_eq!(predicted.last().and_then(|p| p.2.clone()), None, "{table}");

    // entree-3's network goes: two minutes later, the entrance says so.
    set_morning(at(last_minute as f64 * 60.0 + 120.0));
    for k in &mut kiosks[..2] {
        k.sync_once(timeout).unwrap();
    }
    let stats = stats_now(&client, addr);
    let offline: Vec<(&str, bool)> = stats["entrance"]["kiosks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["kiosk"].as_str().unwrap(), k["offline"] == true))
        .collect();
    assert_eq!(
        offline,
        [("entree-1", false), ("entree-2", false), ("entree-3", true)]
    );
}

#[test]
fn an_outside_reader_of_the_hub_s_database_takes_none_of_its_writes_away() {
    let hub_ev = hub_event();
    let mut hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let port = hub.addr;
    let a = kiosk_event("porte-a", port, TOKEN);
    let b = kiosk_event("porte-b", port, TOKEN);
    sync(&a);
    sync(&b);
    check_in(&a, &codes(1..=5));
    assert_eq!(sync(&a)["pending"], 0);
    let db = hub_ev.path("accueil.sqlite");
    let wal = hub_ev.path("accueil.sqlite-wal");
    assert!(wal.exists());

    // Someone looks into the running hub's file, twice.
    assert!(outside_read(&db) >= 5);
    assert!(outside_read(&db) >= 5);
    assert!(wal.exists(), "the hub's -wal is still there");

    // The hub goes on: arrivals, a count of the queue, a revocation.
    check_in(&a, &codes(6..=12));
    assert_eq!(sync(&a)["pending"], 0);
    let c = http();
    let res = c
        .post(format!("http://{port}/api/queue?add=7"))
        .bearer_auth(DASHBOARD)
        .send()
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().unwrap());
    hub_ev.ok(&["kiosks", "--revoke", "porte-b"]);
    let enrolled = credential(port, "porte-c");
    outside_read(&db);
    assert!(wal.exists(), "the hub's -wal is still there");
    let queued = stats_now(&c, port)["entrance"]["queue"].clone();
    assert!(queued.as_f64().is_some_and(|q| q > 0.0), "{queued}");

    // Killed, restarted: every write it acknowledged is there.
    hub.kill();
    let _hub = HubProcess::start(&hub_ev, &port.to_string());
    assert_eq!(arrived(&hub_ev), 12, "every arrival acknowledged");
    assert_eq!(
        stats_now(&c, port)["entrance"]["queue"],
        queued,
        "the queue's count"
    );
    check_in(&b, &codes(20..=21));
    let out = b.run(&["sync", "--once"]);
    assert!(!out.status.success(), "porte-b is still revoked");
    assert!(String::from_utf8_lossy(&out.stderr).contains("révoqué"));
    let res = c
        .get(format!("http://{port}/api/list"))
        .bearer_auth(&enrolled)
        .send()
        .unwrap();
    assert_eq!(res.status(), 200, "porte-c's enrolment is kept");
}

/// Whether `needle` is anywhere in `bytes`.
fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn the_copy_for_joining_kiosks_holds_no_freed_page_of_the_hub() {
    let hub_ev = hub_event();
    // Everyone's e-mail changed by a re-import: the old ones are gone.
    hub_ev.write(
        "inscrits.csv",
        synthetic_csv(300).replace("@example.fr", "@nouveau.example"),
    );
    hub_ev.ok(&["import", "inscrits.csv"]);
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    // A kiosk's credential (its hash is the hub's own), and a walk-in the
    // hub refuses (a clock at year −1): its copy is the hub's own too.
    let given = credential(hub.addr, "porte-a");
    let kept = accueil::sync::Credential::parse(&given).unwrap();
    let walk_in = serde_json::json!({
        "id": uuid::Uuid::now_v7(), "kiosk": "porte-a", "log": "porte-a", "seq": 1,
        "at": "-000001-01-01T00:00:00Z", "kind": "walk_in",
        "registrant": accueil::domain::uid_for_code("REFUS-4242").to_string(),
        "day": "2022-09-28", "reverts": null,
        "payload": { "code": "REFUS-4242", "details": {
            "first_name": "Zéphyrine", "last_name": "Refusée", "organisation": "Mairie de Nulle-Part",
            "email": "zephyrine@refus.example", "category": "Participant" } },
    });
    let (status, body) = raw_sync(
        hub.addr,
        "porte-a",
        &serde_json::json!({ "kiosk": "porte-a", "marks": {}, "records": [walk_in] }),
    );
    assert_eq!(status, 400, "{body}");
    assert!(
        accueil::app::Kiosk::open(hub_ev.config(), None)
            .unwrap()
            .refused_records(10)
            .unwrap()
            .len()
            == 1,
        "the hub keeps its refusal"
    );
    let copy = http()
        .get(format!("http://{}/api/snapshot", hub.addr))
        .bearer_auth(&given)
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    assert!(copy.starts_with(b"SQLite format 3\0"));
    assert!(holds(&copy, "@nouveau.example"), "the copy holds the list");
    for gone in [
        "@example.fr",
        "Zéphyrine",
        "Refusée",
        "zephyrine@refus.example",
        "REFUS-4242",
        "Nulle-Part",
        kept.secret_hash().as_str(),
        given.split('.').nth(1).unwrap(),
    ] {
        assert!(!holds(&copy, gone), "« {gone} » is in the copy's bytes");
    }
}

/// A tiny deterministic generator (xorshift): the kill points of a fault
/// test, the same at every run.
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn a_self_service_kiosk_killed_during_its_first_sync_never_holds_an_e_mail() {
    const PEOPLE: usize = 20_000;
    let hub_ev = hub_event_of(PEOPLE);
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let hash = accueil::domain::pin::hash("48291375").unwrap();
    let borne = |id: &str| {
        Event::with_config(
            &toml(
                id,
                &format!("url = \"http://{}\"\ntoken = \"{TOKEN}\"", hub.addr),
            )
            .replace(
                "mode = \"staff\"",
                &format!("mode = \"self-service\"\nstaff_pin = \"{hash}\""),
            ),
        )
    };
    // No file of the kiosk's folder holds an e-mail but a first sync's
    // download (removed at the next open); the database, its WAL and its
    // journal, never.
    let leaks = |k: &Event, download_too: bool| -> Vec<String> {
        std::fs::read_dir(k.dir.path())
            .unwrap()
            .flatten()
            .filter(|e| download_too || !e.file_name().to_string_lossy().contains("depuis-le-hub"))
            .filter(|e| holds(&std::fs::read(e.path()).unwrap_or_default(), "@example.fr"))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    // How long a whole first sync takes here, to kill within it (once the
    // hub's copies are made: the first kiosk waits for them).
    sync(&borne("borne-00"));
    let first = borne("borne-0");
    let start = std::time::Instant::now();
    sync(&first);
    let whole = start.elapsed();
    assert_eq!(
        first.kiosk().inspect().registrant_count().unwrap(),
        PEOPLE as i64
    );
    assert!(leaks(&first, true).is_empty());

    let mut rng = Seeded(0x2029_0029);
    let mut killed_mid_way = 0;
    for round in 1..=10 {
        let k = borne(&format!("borne-{round}"));
        let mut child = k
            .command(&["sync", "--once"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // A kill point from the seed, within the time a first sync takes.
        let at = whole.mul_f64(rng.below(1000) as f64 / 1000.0);
        let start = std::time::Instant::now();
        while start.elapsed() < at && child.try_wait().unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        if child.try_wait().unwrap().is_none() {
            killed_mid_way += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let leaked = leaks(&k, false);
        assert!(
            leaked.is_empty(),
            "round {round}, killed at {at:?}: {leaked:?} hold e-mails"
        );
        // Reopened (its window, any command): the download is gone; then
        // synced: everyone there, and no byte of any file holds an e-mail.
        k.ok(&["stats"]);
        let leaked = leaks(&k, true);
        assert!(
            leaked.is_empty(),
            "round {round}, reopened: {leaked:?} hold e-mails"
        );
        sync(&k);
        assert_eq!(
            k.kiosk().inspect().registrant_count().unwrap(),
            PEOPLE as i64
        );
        let leaked = leaks(&k, true);
        assert!(
            leaked.is_empty(),
            "round {round}, synced: {leaked:?} hold e-mails"
        );
    }
    assert!(
        killed_mid_way >= 5,
        "only {killed_mid_way} kills fell inside a sync"
    );

    // The hub made a copy without e-mails for them; a hub without one (an
    // older version, a copy that failed) sends the full one, and the kiosk
    // minimises it before it takes it.
    let minimal = hub_ev.path("accueil.copie-pour-borne");
    assert!(minimal.exists());
    assert!(!holds(&std::fs::read(&minimal).unwrap(), "@example.fr"));
    std::fs::remove_file(&minimal).unwrap();
    let late = borne("borne-tard");
    sync(&late);
    assert_eq!(
        late.kiosk().inspect().registrant_count().unwrap(),
        PEOPLE as i64
    );
    assert!(leaks(&late, true).is_empty());
}

#[test]
fn each_secret_opens_its_own_doors_and_no_other() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let base = format!("http://{}", hub.addr);
    let kiosk = credential(hub.addr, "porte-m");
    let c = http();
    // (who, secret)
    let holders = [
        ("nobody", ""),
        ("a wrong secret", "pas-le-bon-jeton-0000"),
        ("a kiosk", kiosk.as_str()),
        ("the enrolment token", TOKEN),
        ("the read-only page", DASHBOARD),
        ("the organisers", ORGANISER),
    ];
    use reqwest::Method;
    let sync_body = serde_json::json!({ "kiosk": "porte-m", "marks": {}, "records": [] });
    // (method, path, body, the one status for each holder above)
    let doors: Vec<(Method, &str, Option<serde_json::Value>, [u16; 6])> = vec![
        (Method::GET, "/", None, [401, 401, 401, 401, 200, 200]),
        (
            Method::GET,
            "/api/stats",
            None,
            [401, 401, 401, 401, 200, 200],
        ),
        (
            Method::GET,
            "/api/events",
            None,
            [401, 401, 401, 401, 200, 200],
        ),
        (
            Method::POST,
            "/api/queue?add=1",
            None,
            [401, 401, 401, 401, 200, 200],
        ),
        (
            Method::POST,
            "/api/kiosks/invite",
            None,
            [401, 401, 401, 401, 403, 200],
        ),
        (
            Method::POST,
            "/api/kiosks/revoke?kiosk=porte-x",
            None,
            [401, 401, 401, 401, 403, 200],
        ),
        (
            Method::POST,
            "/api/kiosks/readmit?kiosk=porte-x",
            None,
            [401, 401, 401, 401, 403, 200],
        ),
        (
            Method::GET,
            "/export/presences.csv",
            None,
            [401, 401, 401, 401, 403, 200],
        ),
        (
            Method::GET,
            "/export/absents.csv",
            None,
            [401, 401, 401, 401, 403, 200],
        ),
        (
            Method::POST,
            "/api/enrol",
            Some(serde_json::json!({ "kiosk": "porte-n" })),
            [401, 401, 401, 200, 401, 401],
        ),
        (
            Method::POST,
            "/api/sync",
            Some(sync_body),
            [401, 401, 200, 401, 401, 401],
        ),
        (
            Method::GET,
            "/api/list",
            None,
            [401, 401, 200, 401, 401, 401],
        ),
        (
            Method::GET,
            "/api/snapshot",
            None,
            [401, 401, 200, 401, 401, 401],
        ),
    ];
    // porte-x has synced once, so that it can be revoked, then readmitted.
    credential(hub.addr, "porte-x");
    let mut wrong = Vec::new();
    for (method, path, body, expected) in &doors {
        for ((who, secret), want) in holders.iter().zip(expected) {
            let mut req = c.request(method.clone(), format!("{base}{path}"));
            if !secret.is_empty() {
                req = req.bearer_auth(secret);
            }
            if let Some(body) = body {
                req = req.json(body);
            }
            let res = req.send().unwrap();
            let status = res.status().as_u16();
            if status != *want {
                wrong.push(format!("{method} {path} with {who}: {status}, not {want}"));
            }
            if status == 403 {
                let text = res.text().unwrap();
                assert!(text.contains("organiser_token"), "{path}: {text}");
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // An id the hub never saw is neither revoked nor readmitted: told so.
    for action in ["revoke", "readmit"] {
        let res = c
            .post(format!("{base}/api/kiosks/{action}?kiosk=porte-zz"))
            .bearer_auth(ORGANISER)
            .send()
            .unwrap();
        assert_eq!(res.status(), 404, "{action}");
        assert!(res.text().unwrap().contains("porte-zz"), "{action}");
    }
}

/// The arrivals a copy holds, by kiosk id.
fn arrivals_by_kiosk(ev: &Event) -> BTreeMap<String, i64> {
    ev.kiosk().stats().unwrap().days[0]
        .kiosks
        .iter()
        .map(|(k, n)| (k.clone(), *n))
        .collect()
}

#[test]
fn a_kiosk_enrolled_by_code_re_enrols_with_a_new_hub_and_delivers_everything() {
    let hub_ev = hub_by_codes(false);
    let mut hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let door = tempfile::tempdir().unwrap();
    let code = invitation(hub.addr)["payload"].as_str().unwrap().to_owned();
    assert!(join(door.path(), &[&code]).status.success());
    let kiosk = Event { dir: door };
    check_in(&kiosk, &codes(1..=4));
    assert_eq!(sync(&kiosk)["pending"], 0);

    // The hub's machine is lost mid-event; the door goes on.
    hub.kill();
    drop(hub_ev);
    check_in(&kiosk, &codes(5..=9));
    // A new hub, on another address, with the same list.
    let new_ev = hub_by_codes(false);
    let new_hub = HubProcess::start(&new_ev, "127.0.0.1:0");
    let toml_before = std::fs::read_to_string(kiosk.path("kiosk.toml")).unwrap();
    let out = join(
        kiosk.dir.path(),
        &["NOPE-NOPE-NOPE", "--hub", &new_hub.addr.to_string()],
    );
    assert!(!out.status.success(), "a wrong code enrols nothing");
    assert_eq!(
        std::fs::read_to_string(kiosk.path("kiosk.toml")).unwrap(),
        toml_before
    );

    // Told the exact command, then given a code: enrolled again, with its
    // id (the new hub never had a borne-01), its database and its log.
    let code = invitation(new_hub.addr)["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = join(kiosk.dir.path(), &[&code]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let joined: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(joined["kiosk"], "borne-01", "{joined}");
    assert!(joined.get("sync_error").is_none(), "{joined}");
    let written = std::fs::read_to_string(kiosk.path("kiosk.toml")).unwrap();
    assert!(
        written.contains(&format!("url = \"http://{}\"", new_hub.addr)),
        "{written}"
    );
    assert!(
        written.contains("# kiosk.toml du kiosque"),
        "its comments are kept"
    );
    // Every arrival it holds, those the lost hub had taken too.
    assert_eq!(arrived(&kiosk), 9);
    assert_eq!(arrived(&new_ev), 9);
    assert_eq!(sync(&kiosk)["pending"], 0);

    // The new hub forgets it (a restore from before): the kiosk says what
    // to do, in words that name the command.
    let other = tempfile::tempdir().unwrap();
    let code = invitation(new_hub.addr)["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(join(other.path(), &[&code]).status.success());
    let res = http()
        .post(format!(
            "http://{}/api/kiosks/revoke?kiosk=borne-01&token={ORGANISER}",
            new_hub.addr
        ))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    check_in(&kiosk, &codes(10..=11));
    let out = kiosk.run(&["sync", "--once"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("accueil join CODE"), "{err}");
    // A revoked id is not given back: the kiosk becomes another, and its
    // arrivals not yet at the hub go up under its new id.
    let code = invitation(new_hub.addr)["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = join(kiosk.dir.path(), &[&code]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let joined: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let new_id = joined["kiosk"].as_str().unwrap().to_owned();
    assert!(new_id != "borne-01" && new_id != "borne-02", "{joined}");
    assert_eq!(kiosk.config().kiosk.id, new_id);
    assert_eq!(arrived(&new_ev), 11);
    let by_kiosk = arrivals_by_kiosk(&new_ev);
    assert_eq!(by_kiosk.get("borne-01"), Some(&9), "{by_kiosk:?}");
    assert_eq!(by_kiosk.get(&new_id), Some(&2), "{by_kiosk:?}");
}

#[test]
fn a_kiosk_whose_id_changed_or_whose_database_was_copied_delivers_under_its_own_id() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let a = kiosk_event("porte-a", hub.addr, TOKEN);
    sync(&a);
    check_in(&a, &codes(1..=3));
    assert_eq!(sync(&a)["pending"], 0);
    check_in(&a, &codes(4..=6));

    // Its database copied to another machine (porte-c), before it synced
    // again: porte-c delivers what porte-a had not, under porte-c.
    let c = kiosk_event("porte-c", hub.addr, TOKEN);
    for name in ["accueil.sqlite", "accueil.sqlite-wal", "accueil.sqlite-shm"] {
        if a.path(name).exists() {
            std::fs::copy(a.path(name), c.path(name)).unwrap();
        }
    }
    check_in(&c, &codes(7..=7));
    let round = sync(&c);
    assert_eq!(round["pending"], 0, "{round}");
    assert_eq!(arrived(&hub_ev), 7);
    // porte-a, still at work, sends the same arrivals: counted once, and
    // it is not stuck.
    let round = sync(&a);
    assert_eq!(round["pending"], 0, "{round}");
    assert_eq!(arrived(&hub_ev), 7);

    // porte-a's id changed in kiosk.toml after it synced: what it records
    // next goes up under its new id, and nothing is refused for good.
    let toml_a = std::fs::read_to_string(a.path("kiosk.toml")).unwrap();
    check_in(&a, &codes(8..=9));
    std::fs::write(
        a.path("kiosk.toml"),
        toml_a.replace("id = \"porte-a\"", "id = \"porte-b\""),
    )
    .unwrap();
    let round = sync(&a);
    assert_eq!(round["pending"], 0, "{round}");
    assert_eq!(arrived(&hub_ev), 9);
    let by_kiosk = arrivals_by_kiosk(&hub_ev);
    assert_eq!(by_kiosk.get("porte-a"), Some(&3), "{by_kiosk:?}");
    assert_eq!(by_kiosk.get("porte-c"), Some(&4), "{by_kiosk:?}");
    assert_eq!(by_kiosk.get("porte-b"), Some(&2), "{by_kiosk:?}");
}

#[test]
fn a_re_enrolment_killed_at_any_point_is_taken_up_again_and_loses_nothing() {
    let hub_ev = hub_by_codes(false);
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let door = tempfile::tempdir().unwrap();
    let code = invitation(hub.addr)["payload"].as_str().unwrap().to_owned();
    assert!(join(door.path(), &[&code]).status.success());
    let kiosk = Event { dir: door };
    check_in(&kiosk, &codes(1..=20));
    // The hub is lost; a new one is set up.
    drop(hub);
    let new_ev = hub_by_codes(false);
    let new_hub = HubProcess::start(&new_ev, "127.0.0.1:0");
    let c = http();
    // Each round the hub no longer knows the kiosk (an organiser revoked
    // its id, say): the code is needed, and the kiosk changes id.
    let forget = || {
        let id = kiosk.config().kiosk.id;
        let _ = c
            .post(format!(
                "http://{}/api/kiosks/revoke?kiosk={id}&token={ORGANISER}",
                new_hub.addr
            ))
            .send()
            .unwrap();
    };
    let rejoin = |code: &str| {
        kiosk
            .command(&["--config", "kiosk.toml", "--json", "join", code])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // A whole re-enrolment, not interrupted: how long one takes here.
    let code = invitation(new_hub.addr)["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    let start = std::time::Instant::now();
    assert!(rejoin(&code).wait().unwrap().success());
    let whole = start.elapsed();
    check_in(&kiosk, &codes(21..=30));

    let mut rng = Seeded(0x2029_0004);
    let mut killed_mid_way = 0;
    for round in 0..10 {
        forget();
        let code = invitation(new_hub.addr)["payload"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut child = rejoin(&code);
        let at = whole.mul_f64(rng.below(1000) as f64 / 1000.0);
        let start = std::time::Instant::now();
        while start.elapsed() < at && child.try_wait().unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        if child.try_wait().unwrap().is_none() {
            killed_mid_way += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        // Whatever the kill left, kiosk.toml is whole and valid.
        let config = accueil::config::Config::load(&kiosk.path("kiosk.toml"));
        assert!(config.is_ok(), "round {round}: {config:?}");
    }
    assert!(
        killed_mid_way >= 4,
        "only {killed_mid_way} kills fell inside a join"
    );
    // A last code, not interrupted: everything the door recorded is at
    // the hub, once.
    forget();
    let code = invitation(new_hub.addr)["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = join(kiosk.dir.path(), &[&code]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(sync(&kiosk)["pending"], 0);
    assert_eq!(arrived(&new_ev), 30);
    assert_eq!(arrived(&kiosk), 30);
    let by_kiosk = arrivals_by_kiosk(&new_ev);
    assert_eq!(by_kiosk.values().sum::<i64>(), 30, "{by_kiosk:?}");
}

#[test]
fn records_beyond_what_a_desk_or_a_door_can_write_are_refused_by_the_hub() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let someone = accueil::domain::uid_for_code("S-000001").to_string();
    let walk_in = |code: &str, first: &str, email: &str| {
        serde_json::json!({ "kind": "walk_in",
            "registrant": accueil::domain::uid_for_code(&format!("new-{code}")).to_string(),
            "day": null, "reverts": null,
            "payload": { "code": code, "details": { "first_name": first, "last_name": "Essai",
                "organisation": "", "email": email, "category": "Participant" } } })
    };
    let cases = [
        (walk_in("W-1", &"a".repeat(300), ""), "200 au plus"),
        (walk_in("W-3", &"a".repeat(5_000), ""), "4096 au plus"),
        (walk_in("W-2", "Zoé", "pas-un-courriel"), "courriel"),
        (walk_in("S-000001", "Zoé", ""), "déjà celui d'un autre"),
        (
            serde_json::json!({ "kind": "registrant_edited", "registrant": someone, "day": null,
                "reverts": null, "payload": { "changes": { "last_name": { "from": "x", "to": "b".repeat(300) } } } }),
            "200 au plus",
        ),
        (
            serde_json::json!({ "kind": "room_entry", "registrant": someone, "day": null, "reverts": null,
                "payload": { "room": "Amphi A", "session": "A1", "note": "x".repeat(10_000) } }),
            "4096 au plus",
        ),
        (
            serde_json::json!({ "kind": "room_entry", "registrant": someone, "day": null, "reverts": null,
                "payload": { "room": "Salle fantôme", "session": "A1" } }),
            "absente du programme",
        ),
    ];
    for (seq, (record, why)) in cases.into_iter().enumerate() {
        let mut record = record;
        let fields = record.as_object_mut().unwrap();
        fields.insert("id".into(), serde_json::json!(uuid::Uuid::now_v7()));
        fields.insert("kiosk".into(), serde_json::json!("porte-a"));
        fields.insert("log".into(), serde_json::json!("porte-a~BORNES01"));
        fields.insert("seq".into(), serde_json::json!(seq + 1));
        fields.insert("at".into(), serde_json::json!("2022-09-28T09:00:00Z"));
        let (status, body) = raw_sync(
            hub.addr,
            "porte-a",
            &serde_json::json!({ "kiosk": "porte-a", "marks": {}, "records": [record] }),
        );
        assert_eq!(status, 400, "{why}: {body}");
        assert!(body.contains(why), "{why}: {body}");
    }
    // Nothing of them is kept but the refusals; the list is as it was.
    let k = accueil::app::Kiosk::open(hub_ev.config(), None).unwrap();
    assert_eq!(k.inspect().registrant_count().unwrap(), 300);
    assert_eq!(k.refused_records(10).unwrap().len(), 7);
    assert_eq!(k.inspect().record_count().unwrap(), 0);
}

#[test]
fn the_queue_s_count_and_enrolments_are_bounded_per_minute() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let c = http();
    let count = |add: i64| {
        let res = c
            .post(format!("http://{}/api/queue?add={add}", hub.addr))
            .bearer_auth(DASHBOARD)
            .send()
            .unwrap();
        (res.status().as_u16(), res.text().unwrap())
    };
    assert_eq!(count(600).0, 200);
    assert_eq!(count(-200).0, 200);
    // 800 counted this minute: 300 more would be 1,100.
    let (status, body) = count(300);
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("rien n'a été ajouté"), "{body}");
    assert_eq!(count(200).0, 200);
    assert_eq!(count(1).0, 429);
    assert_eq!(
        stats_now(&c, hub.addr)["entrance"]["queue"],
        600.0,
        "the refused counts are not in"
    );

    // Enrolments with the shared token: 60 a minute, then told to wait.
    let mut statuses = Vec::new();
    for i in 0..61 {
        statuses.push(enrol(hub.addr, &format!("porte-{i}")).0);
    }
    assert!(statuses[..60].iter().all(|s| *s == 200), "{statuses:?}");
    let (status, body) = enrol(hub.addr, "porte-61");
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("réessayez"), "{body}");
}

/// Kiosks and the hub are upgraded one Debian package at a time. A kiosk
/// of the previous release (protocol 1: no version header, the bodies of
/// `tests/fixtures/protocol/`) still syncs with this hub, whose every
/// answer names its version; a kiosk of a future protocol is refused
/// before its body is read, with both versions and what to upgrade; and a
/// kiosk of this build told so by its hub says it in those words, keeping
/// everything.
#[test]
fn kiosks_of_the_previous_and_of_a_future_protocol_meet_this_hub() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let uid = accueil::domain::uid_for_code("S-000007").to_string();
    let body: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::common::fixture("protocol/v1-sync-request.json"))
            .unwrap()
            .replace("{{uid S-000007}}", &uid),
    )
    .unwrap();
    let post = |version: Option<&str>| {
        let mut req = http()
            .post(format!("http://{}/api/sync", hub.addr))
            .bearer_auth(credential(hub.addr, "ancien-01"))
            .json(&body);
        if let Some(v) = version {
            req = req.header(accueil::protocol::HEADER, v);
        }
        req.send().unwrap()
    };
    // The previous release: served, its arrival kept, the hub's version named.
    let res = post(None);
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()[accueil::protocol::HEADER],
        accueil::protocol::VERSION.to_string().as_str()
    );
    let answer: serde_json::Value = res.json().unwrap();
    assert_eq!(answer["acked"]["ancien-01"], 1, "{answer}");
    assert_eq!(arrived(&hub_ev), 1);

    // A future kiosk: refused before its body is read — nothing recorded.
    let future = (accueil::protocol::VERSION + 1).to_string();
    let res = post(Some(&future));
    assert_eq!(res.status(), 426);
    let why = res.text().unwrap();
    for says in [
        format!("version {future}"),
        format!("version {}", accueil::protocol::VERSION),
        "sur le hub".to_owned(),
    ] {
        assert!(why.contains(&says), "« {says} » in « {why} »");
    }
    assert_eq!(arrived(&hub_ev), 1);
    // Junk as a version: refused too.
    assert_eq!(post(Some("deux")).status(), 426);

    // This build's kiosk before a hub that refuses its version (a hub of
    // a later release that no longer reads it): the hub's words, nothing
    // lost, the arrival still waiting to be sent.
    let refusing = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = refusing.local_addr().unwrap();
    let said = "ce kiosque parle la version 2 du protocole de synchronisation ; le hub parle la version 9 et ne comprend plus avant la version 5 : mettez à jour accueil sur ce kiosque";
    std::thread::spawn(move || {
        for stream in refusing.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 65536];
            let _ = std::io::Read::read(&mut stream, &mut buf);
            let reply = format!(
                "HTTP/1.1 426 Upgrade Required\r\ncontent-type: text/plain; charset=utf-8\r\naccueil-protocol: 9\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{said}",
                said.len()
            );
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    let kiosk = kiosk_event("porte-v", addr, TOKEN);
    kiosk.write("inscrits.csv", synthetic_csv(10));
    kiosk.ok(&["import", "inscrits.csv"]);
    kiosk.ok(&["checkin", "S-000003", "--day", "1"]);
    let out = kiosk.run(&["sync", "--once"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mettez à jour accueil sur ce kiosque"),
        "{err}"
    );
    assert!(!err.contains("répond 426"), "words, not a status: {err}");
    assert_eq!(arrived(&kiosk), 1, "kept on the kiosk");
}

/// The keys page.html's JavaScript reads of `/api/stats` (`s.rooms`,
/// `today.categories`…), found in the page itself.
fn keys_read(page: &str, object: &str) -> BTreeSet<String> {
    let needle = format!("{object}.");
    let mut keys = BTreeSet::new();
    let mut from = 0;
    while let Some(i) = page[from..].find(&needle) {
        let at = from + i;
        from = at + needle.len();
        let before = page[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let key: String = page[from..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        if !key.is_empty() {
            keys.insert(key);
        }
    }
    keys
}

/// Every figure the organisers' page shows is one the hub sends: a key
/// renamed on one side only would leave a blank on every organiser's
/// phone, and no other test would see it.
#[test]
fn every_key_the_page_reads_is_in_the_hub_s_figures() {
    let hub_ev = hub_event();
    let hub = HubProcess::start(&hub_ev, "127.0.0.1:0");
    let stats = figures_until(hub.addr, &|s| s.get("stats").is_some());
    let page = include_str!("../../crates/accueil-hub/src/page.html");
    let top = keys_read(page, "s");
    assert!(top.len() > 10, "{top:?}");
    for key in &top {
        // `s.error` is the live feed's error event, not a figure.
        if key == "error" {
            continue;
        }
        assert!(stats.get(key).is_some(), "page.html reads s.{key}: {stats}");
    }
    let day = &stats["stats"]["days"][0];
    for key in keys_read(page, "today") {
        assert!(
            day.get(&key).is_some(),
            "page.html reads today.{key}: {day}"
        );
    }
}
