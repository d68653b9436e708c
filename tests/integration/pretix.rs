//! Against a real pretix (../shared/pretix-peer, started by .ci/run): the
//! list comes down intact, arrivals and undos go up once, pretix's own
//! check-ins come back, refusals are told.
//!
//! `#[ignore]`d in plain `cargo test`; `.ci/run` starts the peer, exports
//! its `peer.env` and runs them with `--include-ignored`. Without those
//! variables they fail, loudly, rather than pass without a server.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use crate::common::{Event, KIOSK_TOML};
use accueil::app::Lookup;
use serde_json::{Value, json};

/// The peer, from the environment `peer.env` describes.
struct Peer {
    url: String,
    organizer: String,
    event: String,
    list: u64,
    token: String,
    http: reqwest::blocking::Client,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} absent: these tests need a real pretix — run \
             `../shared/pretix-peer/pretix-peer.sh start` and export the variables of its peer.env \
             (.ci/run does both)"
        )
    })
}

/// The tests share one server: they take turns, so that pretix's counts
/// are not moved by another test meanwhile.
static TURN: Mutex<()> = Mutex::new(());
/// Tickets a test already used (checked in, cancelled, annulled…).
static USED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn peer() -> (Peer, MutexGuard<'static, ()>) {
    let turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let peer = Peer {
        url: env("PRETIX_BASE_URL"),
        organizer: env("PRETIX_ORGANIZER"),
        event: env("PRETIX_EVENT"),
        list: env("PRETIX_CHECKINLIST_ID").parse().expect("list id"),
        token: env("PRETIX_API_TOKEN"),
        http: accueil::http_client().build().expect("http client"),
    };
    (peer, turn)
}

impl Peer {
    fn api(&self, path: &str) -> String {
        format!("{}/api/v1/organizers/{}{path}", self.url, self.organizer)
    }

    fn get(&self, path: &str) -> Value {
        let res = self
            .http
            .get(self.api(path))
            .header("Authorization", format!("Token {}", self.token))
            .send()
            .expect("pretix answers");
        assert!(res.status().is_success(), "GET {path}: {}", res.status());
        res.json().expect("json")
    }

    fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let res = self
            .http
            .post(self.api(path))
            .header("Authorization", format!("Token {}", self.token))
            .json(&body)
            .send()
            .expect("pretix answers");
        let status = res.status().as_u16();
        (status, res.json().unwrap_or(Value::Null))
    }

    fn event_path(&self, rest: &str) -> String {
        format!("/events/{}{rest}", self.event)
    }

    /// Every position of the list, every status, straight from pretix.
    fn positions(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for page in 1.. {
            let p = self.get(&self.event_path(&format!(
                "/checkinlists/{}/positions/?ignore_status=true&page_size=50&page={page}",
                self.list
            )));
            out.extend(p["results"].as_array().cloned().unwrap_or_default());
            if p["next"].is_null() {
                return out;
            }
        }
        unreachable!()
    }

    /// One position, by its secret.
    fn position(&self, secret: &str) -> Value {
        self.positions()
            .into_iter()
            .find(|p| p["secret"] == secret)
            .unwrap_or_else(|| panic!("no position {secret}"))
    }

    /// Entries pretix holds for a ticket on the list.
    fn entries(&self, secret: &str) -> Vec<Value> {
        self.position(secret)["checkins"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c["list"] == self.list && c["type"] == "entry")
            .collect()
    }

    /// `n` paid tickets nobody has used yet (not in by pretix, not taken
    /// by an earlier test of this run).
    fn fresh(&self, n: usize) -> Vec<String> {
        let mut used = USED.lock().unwrap_or_else(|p| p.into_inner());
        let picked: Vec<String> = self
            .positions()
            .into_iter()
            .filter(|p| {
                p["order__status"] == "p"
                    && p["addon_to"].is_null()
                    && p["checkins"].as_array().is_some_and(|c| c.is_empty())
            })
            .filter_map(|p| p["secret"].as_str().map(str::to_owned))
            .filter(|s| !used.contains(s))
            .take(n)
            .collect();
        assert_eq!(
            picked.len(),
            n,
            "the peer has run out of unused tickets — `pretix-peer.sh reset` then start it again"
        );
        used.extend(picked.iter().cloned());
        picked
    }

    /// Cancels the ticket's order in pretix (after the kiosk downloaded it).
    fn cancel(&self, secret: &str) {
        let order = self.position(secret)["order"]
            .as_str()
            .expect("order code")
            .to_owned();
        let (status, _) = self.post(
            &self.event_path(&format!("/orders/{order}/mark_canceled/")),
            json!({"send_email": false}),
        );
        assert_eq!(status, 200, "cancel {order}");
    }

    /// The seeder's pending and cancelled samples.
    fn sample(&self, status: &str) -> String {
        self.positions()
            .into_iter()
            .find(|p| {
                p["order__status"] == status
                    && p["attendee_name_parts"]["family_name"]
                        == if status == "n" { "Impayé" } else { "Annulée" }
            })
            .and_then(|p| p["secret"].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("no {status} sample on the peer"))
    }

    /// A kiosk folder working from this pretix (its token in kiosk.toml
    /// unless `token_in_file` is false).
    fn kiosk(&self, id: &str, token_in_file: bool) -> Event {
        self.kiosk_at(id, &self.url, token_in_file)
    }

    fn kiosk_at(&self, id: &str, url: &str, token_in_file: bool) -> Event {
        let token = if token_in_file {
            format!("token = \"{}\"\n", self.token)
        } else {
            String::new()
        };
        let source = format!(
            "[source]\nkind = \"pretix\"\nurl = \"{url}\"\norganizer = \"{}\"\nevent = \"{}\"\ncheckin_list = {}\n{token}",
            self.organizer, self.event, self.list
        );
        Event::with_config(
            &KIOSK_TOML
                .replace("id = \"accueil-1\"", &format!("id = \"{id}\""))
                .replacen("[source]\n", &source, 1),
        )
    }
}

fn registrant(ev: &Event, code: &str) -> accueil::domain::Registrant {
    ev.kiosk()
        .registrant(&Lookup::Code(code.into()))
        .expect("store")
        .unwrap_or_else(|| panic!("{code} not in the copy"))
}

/// The time of the person's live arrival in the copy.
fn arrival_time(ev: &Event, code: &str) -> jiff::Timestamp {
    let r = registrant(ev, code);
    let arrivals = ev.kiosk().inspect().live_arrivals(r.uid).expect("arrivals");
    assert_eq!(arrivals.len(), 1, "{arrivals:?}");
    arrivals[0].at
}

fn pretix_time(checkin: &Value) -> jiff::Timestamp {
    checkin["datetime"]
        .as_str()
        .expect("datetime")
        .parse()
        .expect("ISO 8601")
}

#[test]
#[ignore = "needs a real pretix: .ci/run starts ../shared/pretix-peer"]
fn the_download_matches_pretix_counts_with_accents_intact() {
    let (peer, _turn) = peer();
    let ev = peer.kiosk("accueil-dl", true);
    let report = ev.json(&["import", "--from", "pretix"]);
    let status = peer.get(&peer.event_path(&format!("/checkinlists/{}/status/", peer.list)));
    let positions = peer.positions();
    assert_eq!(report["positions"], positions.len());
    assert!(report["committed"].as_bool().unwrap());

    // pretix's own counts: paid tickets per product, people in.
    let kiosk = ev.kiosk();
    let mut valid_per_category: BTreeMap<String, i64> = BTreeMap::new();
    for p in &positions {
        let code = p["secret"].as_str().unwrap();
        let r = kiosk
            .registrant(&Lookup::Code(code.into()))
            .unwrap()
            .unwrap_or_else(|| panic!("{code} missing"));
        // Names exactly as pretix holds them, accents and all.
        assert_eq!(r.first_name, p["attendee_name_parts"]["given_name"]);
        assert_eq!(r.last_name, p["attendee_name_parts"]["family_name"]);
        assert_eq!(r.organisation, p["company"].as_str().unwrap_or(""));
        if r.status == accueil::domain::Status::Valid {
            *valid_per_category.entry(r.category.clone()).or_default() += 1;
        }
    }
    assert!(
        positions
            .iter()
            .any(|p| p["attendee_name"].as_str().is_some_and(|n| !n.is_ascii())),
        "the peer seeds accented names"
    );
    assert_eq!(
        valid_per_category.values().sum::<i64>(),
        status["position_count"].as_i64().unwrap(),
        "paid tickets: ours vs pretix's /status/"
    );
    for item in status["items"].as_array().unwrap() {
        let name = item["name"].as_str().unwrap();
        assert_eq!(
            valid_per_category.get(name).copied().unwrap_or(0),
            item["position_count"].as_i64().unwrap(),
            "{name}"
        );
    }
    // Everyone pretix counts in (paid tickets checked in on the list) is
    // in here too.
    let in_here = positions
        .iter()
        .filter(|p| p["order__status"] == "p")
        .filter(|p| {
            let r = registrant(&ev, p["secret"].as_str().unwrap());
            !kiosk.inspect().live_arrivals(r.uid).unwrap().is_empty()
        })
        .count();
    assert_eq!(in_here as i64, status["checkin_count"].as_i64().unwrap());

    // Accent-, case- and typo-tolerant search over what came down.
    let accented = positions
        .iter()
        .filter_map(|p| p["attendee_name_parts"]["family_name"].as_str())
        .find(|n| !n.is_ascii() && n.len() > 4)
        .expect("an accented family name");
    let folded: String = accented
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' => 'E',
            'â' | 'à' => 'a',
            'ç' => 'c',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'û' | 'ü' => 'u',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    let found = ev.ok(&["search", &folded]);
    assert!(found.contains(accented), "{folded} → {found}");

    // Downloading again changes nothing.
    let again = ev.json(&["import", "--from", "pretix"]);
    assert_eq!(
        (&again["added"], &again["updated"], &again["cancelled"]),
        (&json!(0), &json!(0), &json!(0))
    );
}

#[test]
#[ignore = "needs a real pretix: .ci/run starts ../shared/pretix-peer"]
fn an_arrival_reaches_pretix_once_even_when_sent_again() {
    let (peer, _turn) = peer();
    let ev = peer.kiosk("accueil-push", true);
    ev.ok(&["import", "--from", "pretix"]);
    let code = peer.fresh(1).remove(0);
    let out = ev.json(&["checkin", &code]);
    assert_eq!(out["outcome"], "welcome");
    ev.ok(&["sync", "--once"]);

    let entries = peer.entries(&code);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(
        pretix_time(&entries[0]),
        arrival_time(&ev, &code),
        "pretix has the time of the scan, not of the upload"
    );

    // The answer is lost (a crash between pretix's 201 and our write):
    // the same arrival goes again, with the same nonce.
    rusqlite::Connection::open(ev.path("accueil.sqlite"))
        .unwrap()
        .execute("DELETE FROM pretix_push", [])
        .unwrap();
    let round = ev.json(&["sync", "--once"]);
    assert_eq!(round["accepted"], 1, "{round}");
    assert_eq!(round["pending"], 0);
    assert_eq!(peer.entries(&code).len(), 1, "no duplicate in pretix");
    // And still one arrival here: pretix's check-in is ours.
    assert_eq!(ev.json(&["checkin", &code])["outcome"], "already_in");
}

#[test]
#[ignore = "needs a real pretix: .ci/run starts ../shared/pretix-peer"]
fn a_checkin_made_in_pretix_shows_at_the_kiosk_after_refresh() {
    let (peer, _turn) = peer();
    // The token from the environment, not from kiosk.toml.
    let ev = peer.kiosk("accueil-pull", false);
    let with_env = |args: &[&str]| {
        let out = ev
            .command(args)
            .env("ACCUEIL_PRETIX_TOKEN", &peer.token)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    with_env(&["import", "--from", "pretix"]);
    let code = peer.fresh(1).remove(0);
    let (status, _) = peer.post(
        "/checkinrpc/redeem/",
        json!({"secret": code, "lists": [peer.list]}),
    );
    assert_eq!(status, 201);

    let out = with_env(&["sync", "--once"]);
    assert!(
        out.contains("1 entrée(s) faite(s) dans pretix reprise(s)"),
        "{out}"
    );
    let seen: Value = serde_json::from_str(with_env(&["--json", "checkin", &code]).trim()).unwrap();
    assert_eq!(seen["outcome"], "already_in", "{seen}");
    assert_eq!(seen["previous"]["kiosk"], "pretix");
    let entry = &peer.entries(&code)[0];
    let gap = pretix_time(entry).duration_since(arrival_time(&ev, &code));
    assert!(
        gap.abs() < jiff::SignedDuration::from_millis(1),
        "the time pretix has ({gap})"
    );

    // Refreshing again brings nothing twice, and pushes nothing back.
    let out = with_env(&["--json", "sync", "--once"]);
    let round: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (&round["arrivals_in"], &round["accepted"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(peer.entries(&code).len(), 1);

    // Without a token anywhere: one line saying where to put it.
    let out = ev.run(&["sync", "--once"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ACCUEIL_PRETIX_TOKEN"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
#[ignore = "needs a real pretix: .ci/run starts ../shared/pretix-peer"]
fn pending_and_cancelled_tickets_are_refused_and_pretix_refusals_are_told() {
    let (peer, _turn) = peer();
    let ev = peer.kiosk("accueil-refus", true);
    ev.ok(&["import", "--from", "pretix"]);

    let pending = ev.ok(&["checkin", &peer.sample("n")]);
    assert!(pending.contains("en attente"), "{pending}");
    let cancelled = ev.ok(&["checkin", &peer.sample("c")]);
    assert!(cancelled.contains("Billet annulé"), "{cancelled}");

    // Cancelled in pretix after the copy was downloaded: the door lets the
    // person in from its copy; pretix refuses, and staff are told.
    let code = peer.fresh(1).remove(0);
    peer.cancel(&code);
    assert_eq!(ev.json(&["checkin", &code])["outcome"], "welcome");
    let out = ev.run(&["sync", "--once"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "settled, if refused: {err}");
    assert!(err.contains("billet annulé dans pretix"), "{err}");
    assert!(peer.entries(&code).is_empty(), "pretix did not let it in");
    // The refresh of the same round brought the cancellation here.
    assert_eq!(ev.json(&["checkin", &code])["outcome"], "cancelled");
    assert_eq!(
        registrant(&ev, &code).status,
        accueil::domain::Status::Cancelled
    );
    let log = rusqlite::Connection::open(ev.path("accueil.sqlite")).unwrap();
    let (answer, reason): (String, String) = log
        .query_row("SELECT answer, reason FROM pretix_push", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((answer.as_str(), reason.as_str()), ("refused", "canceled"));
}

#[test]
#[ignore = "needs a real pretix: .ci/run starts ../shared/pretix-peer"]
fn an_undo_within_15_minutes_annuls_in_pretix() {
    let (peer, _turn) = peer();
    let ev = peer.kiosk("accueil-annul", true);
    ev.ok(&["import", "--from", "pretix"]);
    let [sent, unsent]: [String; 2] = peer.fresh(2).try_into().unwrap();

    ev.ok(&["checkin", &sent]);
    ev.ok(&["sync", "--once"]);
    assert_eq!(peer.entries(&sent).len(), 1);
    ev.ok(&["undo", &sent]);
    // Undone before pretix heard of it: pretix never hears of it.
    ev.ok(&["checkin", &unsent]);
    ev.ok(&["undo", &unsent]);
    let round = ev.json(&["sync", "--once"]);
    assert_eq!(
        (&round["annulled"], &round["accepted"]),
        (&json!(1), &json!(0)),
        "{round}"
    );
    assert!(peer.entries(&sent).is_empty(), "annulled in pretix");
    assert!(peer.entries(&unsent).is_empty());
    let log = peer.get(&peer.event_path("/checkins/?page_size=50&ordering=-datetime"));
    let pos = peer.position(&sent)["id"].clone();
    assert!(
        log["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["position"] == pos && c["error_reason"] == "annulled"),
        "pretix's log shows the annulment"
    );
    // Checked in again after the undo: a new arrival, a new nonce.
    ev.ok(&["checkin", &sent]);
    ev.ok(&["sync", "--once"]);
    assert_eq!(peer.entries(&sent).len(), 1);
}

#[test]
#[ignore = "needs a real pretix: .ci/run starts ../shared/pretix-peer"]
fn without_pretix_the_door_keeps_working_and_catches_up() {
    let (peer, _turn) = peer();
    let ev = peer.kiosk("accueil-horsligne", true);
    ev.ok(&["import", "--from", "pretix"]);
    let codes = peer.fresh(3);
    // pretix unreachable (a port nobody listens on): same copy, new address.
    let online = std::fs::read_to_string(ev.path("kiosk.toml")).unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap(); // dropped: nobody listens there any more
    ev.write(
        "kiosk.toml",
        online.replace(&peer.url, &format!("http://{closed}")),
    );
    for c in &codes {
        assert_eq!(ev.json(&["checkin", c])["outcome"], "welcome");
    }
    let out = ev.run(&["sync", "--once"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pretix injoignable"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    ev.write("kiosk.toml", &online);
    let round = ev.json(&["sync", "--once"]);
    assert_eq!(
        (&round["accepted"], &round["pending"]),
        (&json!(3), &json!(0)),
        "{round}"
    );
    let seen: HashSet<usize> = codes.iter().map(|c| peer.entries(c).len()).collect();
    assert_eq!(seen, HashSet::from([1]));

    // A wrong token is told in one line.
    ev.write(
        "kiosk.toml",
        online.replace(&peer.token, "mauvais-jeton-0123456789abcdef"),
    );
    let out = ev.run(&["sync", "--once"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("pretix refuse le jeton"),
        "{err}"
    );
}

#[test]
#[ignore = "needs a real pretix: .ci/run starts ../shared/pretix-peer"]
fn the_hub_talks_to_pretix_for_its_kiosks() {
    let (peer, _turn) = peer();
    const TOKEN: &str = "jeton-des-kiosques-0123456789";
    let hub_ev = Event::with_config(
        &std::fs::read_to_string(peer.kiosk("hub", true).path("kiosk.toml"))
            .unwrap()
            .replace(
                "[hub]\n",
                &format!("[hub]\ntoken = \"{TOKEN}\"\ndashboard_token = \"jeton-des-organisateurs-abcdef\"\n"),
            ),
    );
    hub_ev.ok(&["import", "--from", "pretix"]);
    let hub = crate::common::HubProcess::start(&hub_ev, "127.0.0.1:0");
    // The kiosk knows only its hub: no pretix token at the door.
    let kiosk = Event::with_config(
        &KIOSK_TOML
            .replace("id = \"accueil-1\"", "id = \"porte-b\"")
            .replace(
                "[hub]\n",
                &format!(
                    "[hub]\nurl = \"http://{}\"\ntoken = \"{TOKEN}\"\n",
                    hub.addr
                ),
            ),
    );
    kiosk.ok(&["sync", "--once"]);
    let [code, cancelled, in_pretix]: [String; 3] = peer.fresh(3).try_into().unwrap();
    peer.cancel(&cancelled);
    assert_eq!(kiosk.json(&["checkin", &code])["outcome"], "welcome");
    assert_eq!(kiosk.json(&["checkin", &cancelled])["outcome"], "welcome");
    kiosk.ok(&["sync", "--once"]);

    // The upload wakes the hub's pretix thread: pretix gets the arrival, and
    // its refusal comes back to the kiosk with a later sync.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let news = loop {
        kiosk.ok(&["sync", "--once"]);
        let news = kiosk.kiosk().pretix_news().unwrap();
        if news.pending == 0 && !news.notices.is_empty() {
            break news;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the hub did not settle with pretix: {news:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert_eq!(peer.entries(&code).len(), 1);
    assert_eq!(
        pretix_time(&peer.entries(&code)[0]),
        arrival_time(&kiosk, &code),
        "the time of the scan at the kiosk"
    );
    assert_eq!(news.notices[0].code, cancelled);
    assert_eq!(news.notices[0].reason.as_deref(), Some("canceled"));
    // The banner of the door that let her in (porte-b's) shows it.
    let banner = kiosk.kiosk().unseen_pretix_notices().unwrap();
    assert_eq!(banner.len(), 1);
    assert_eq!(banner[0].kiosk, "porte-b");
    // The organisers' page says it too.
    let stats: Value = peer
        .http
        .get(format!("http://{}/api/stats", hub.addr))
        .bearer_auth("jeton-des-organisateurs-abcdef")
        .send()
        .unwrap()
        .json()
        .unwrap();
    let px = &stats["pretix"];
    assert_eq!(
        (&px["online"], &px["pending"]),
        (&json!(true), &json!(0)),
        "{px}"
    );
    assert_eq!(px["notices"][0]["fr"], "billet annulé dans pretix");
    assert_eq!(px["notices"][0]["name"], news.notices[0].name);

    // A check-in made in pretix: the hub's refresh brings it in (here asked
    // for at once on the hub's copy), the kiosk gets it from the hub.
    peer.post(
        "/checkinrpc/redeem/",
        json!({"secret": in_pretix, "lists": [peer.list]}),
    );
    let round = hub_ev.json(&["sync", "--once"]);
    assert_eq!(round["arrivals_in"], 1, "{round}");
    kiosk.ok(&["sync", "--once"]);
    let seen = kiosk.json(&["checkin", &in_pretix]);
    assert_eq!(
        (&seen["outcome"], &seen["previous"]["kiosk"]),
        (&json!("already_in"), &json!("pretix"))
    );
    drop(hub);
}

fn twenty_minutes_ago() -> jiff::Timestamp {
    jiff::Timestamp::now() - jiff::SignedDuration::from_mins(20)
}

#[test]
#[ignore = "needs a real pretix: .ci/run starts ../shared/pretix-peer"]
fn scans_decided_offline_are_forced_and_a_late_undo_stays_local() {
    let (peer, _turn) = peer();
    let ev = peer.kiosk("accueil-force", true);
    ev.ok(&["import", "--from", "pretix"]);
    let [late, cancelled]: [String; 2] = peer.fresh(2).try_into().unwrap();
    peer.cancel(&cancelled);
    // Both let in twenty minutes ago by a kiosk that could not reach pretix
    // (its copy still thought the second ticket valid).
    {
        let mut offline = ev.kiosk().with_clock(twenty_minutes_ago);
        for code in [&late, &cancelled] {
            let done = offline.check_in(&Lookup::Code(code.clone()), None).unwrap();
            assert!(done.record.is_some(), "welcomed from the copy");
        }
    }
    // Back online: pretix stores both, at the time of the scans, the
    // cancelled one too — the person is inside, whatever pretix thinks now.
    let round = ev.json(&["sync", "--once"]);
    assert_eq!(
        (&round["accepted"], &round["pending"]),
        (&json!(2), &json!(0)),
        "{round}"
    );
    for code in [&late, &cancelled] {
        let entries = peer.entries(code);
        assert_eq!(entries.len(), 1, "{code}");
        assert_eq!(pretix_time(&entries[0]), arrival_time(&ev, code));
    }
    let log = rusqlite::Connection::open(ev.path("accueil.sqlite")).unwrap();
    let forced: i64 = log
        .query_row("SELECT SUM(forced) FROM pretix_push", [], |r| r.get(0))
        .unwrap();
    assert_eq!(forced, 2);

    // An undo now is too late for pretix (15 minutes): it stays local, and
    // staff are told.
    ev.ok(&["undo", &late]);
    let out = ev.run(&["sync", "--once"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("annulation refusée par pretix"), "{err}");
    assert_eq!(peer.entries(&late).len(), 1, "pretix keeps it");
    let uid = registrant(&ev, &late).uid;
    assert!(
        ev.kiosk().inspect().live_arrivals(uid).unwrap().is_empty(),
        "undone here"
    );
    let news = ev.kiosk().pretix_news().unwrap();
    assert_eq!(news.notices[0].reason.as_deref(), Some("too_late"));
}

/// A workshop whose registrations are a pretix check-in list (limited to
/// the speakers' product): `accueil programme` with a « Liste pretix »
/// column takes that list's paid and pending tickets as the registered
/// people, by its name or its id; a list pretix does not have is a bad
/// row naming the lists it has, and nothing is taken.
#[test]
#[ignore = "needs a real pretix: .ci/run starts ../shared/pretix-peer"]
fn a_session_s_registrations_come_from_its_pretix_check_in_list() {
    let (peer, _turn) = peer();
    let items = peer.get(&peer.event_path("/items/"));
    let speakers = items["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"]["fr"] == "Intervenant" || i["name"]["en"] == "Intervenant")
        .expect("the peer's Intervenant product")["id"]
        .clone();
    let name = format!(
        "Atelier intervenants {}",
        jiff::Timestamp::now().as_millisecond()
    );
    let (status, list) = peer.post(
        &peer.event_path("/checkinlists/"),
        json!({ "name": name, "all_products": false, "limit_products": [speakers],
                "include_pending": true }),
    );
    assert_eq!(status, 201, "{list}");
    let expected: std::collections::BTreeSet<String> = peer
        .positions()
        .iter()
        .filter(|p| p["item"] == speakers && p["addon_to"].is_null())
        .filter(|p| p["order__status"] == "p" || p["order__status"] == "n")
        .map(|p| p["secret"].as_str().unwrap().to_owned())
        .collect();
    assert!(!expected.is_empty(), "the peer seeds speakers");

    let ev = peer.kiosk("accueil-prog", true);
    ev.json(&["import", "--from", "pretix"]);
    ev.write(
        "programme.csv",
        format!(
            "Code;Titre;Salle;Date;Début;Fin;Liste pretix\n\
             AT1;Atelier des intervenants;Salle B;28/09/2022;10:00;11:00;{name}\n\
             AT2;Le même, par son numéro;Salle C;28/09/2022;10:00;11:00;{}\n\
             PL;Plénière;Amphi;28/09/2022;09:00;10:00;\n",
            list["id"]
        ),
    );
    let report = ev.json(&["programme", "programme.csv"]);
    assert_eq!(report["committed"], true, "{report}");
    let sessions = ev.json(&["sessions"]);
    let of = |id: &str| {
        sessions["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id}: {sessions}"))
    };
    for id in ["AT1", "AT2"] {
        assert_eq!(of(id)["registered"], expected.len(), "{id}");
        assert_eq!(of(id)["registration_only"], true, "{id}");
    }
    assert_eq!(of("PL")["registration_only"], false);
    // Exactly those people: each speaker is registered, a participant not.
    let programme = ev.kiosk().programme().unwrap();
    let registered = &programme.registered["AT1"];
    for secret in &expected {
        assert!(
            registered.contains(&accueil::domain::uid_for_code(secret)),
            "{secret}"
        );
    }

    // A list pretix does not have: the line says so, nothing changes.
    ev.write(
        "programme.csv",
        "Code;Titre;Salle;Date;Début;Fin;Liste pretix\n\
         AT9;Atelier fantôme;Salle D;28/09/2022;10:00;11:00;Liste qui n'existe pas\n",
    );
    let out = ev.run(&["programme", "programme.csv"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("ligne 2") && said.contains("inconnue") && said.contains(&name),
        "{said}"
    );
    assert_eq!(ev.kiosk().programme().unwrap().sessions.len(), 3);
}
