//! The hub's figures on loopback (see BENCHMARKS.md): a new kiosk joining
//! an event of 10,000 registrants, 50 kiosks uploading at once, and a
//! check-in travelling from one kiosk to another and to the organisers'
//! live page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use accueil::app::Lookup;
use accueil::app::{ImportOptions, Kiosk};
use accueil::config::Config;
use accueil::domain::{Record, RecordKind};
use accueil::protocol::SyncRequest;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

const TOKEN: &str = "jeton-des-kiosques-0123456789";
const DASHBOARD: &str = "jeton-des-organisateurs-abcdef";
const ORGANISER: &str = "jeton-des-responsables-0123456";

fn config(dir: &Path, id: &str, hub: &str) -> Config {
    let toml = include_str!("../kiosk.toml")
        .replace("id = \"accueil-1\"", &format!("id = \"{id}\""))
        .replace("[hub]\n", &format!("[hub]\n{hub}\n"));
    Config::parse(&toml, dir).expect("kiosk.toml")
}

/// A hub in this process on 127.0.0.1 with `n` registrants.
fn start_hub(dir: &Path, n: usize) -> SocketAddr {
    let csv = dir.join("inscrits.csv");
    std::fs::write(&csv, accueil::demo::registrants_csv(n)).expect("csv");
    let config = config(
        dir,
        "hub",
        &format!(
            "token = \"{TOKEN}\"\ndashboard_token = \"{DASHBOARD}\"\norganiser_token = \"{ORGANISER}\""
        ),
    );
    let mut hub = Kiosk::open(config, Some(&dir.join("hub.sqlite"))).expect("hub db");
    hub.import_file(&csv, ImportOptions::default(), |_, _| {})
        .expect("import");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        accueil::hub::run(hub, "127.0.0.1:0".parse().unwrap(), |a| {
            let _ = tx.send(a);
        })
        .expect("hub");
    });
    rx.recv().expect("hub address")
}

fn kiosk(dir: &Path, id: &str, hub: SocketAddr) -> Kiosk {
    let config = config(
        dir,
        id,
        &format!("url = \"http://{hub}\"\ntoken = \"{TOKEN}\""),
    );
    Kiosk::open(config, Some(&dir.join(format!("{id}.sqlite")))).expect("kiosk db")
}

/// `n` arrivals of `kiosk`, numbered from `first` in its log, of people of
/// the hub's list (the hub refuses records about people it does not know).
fn arrivals_from(kiosk: &str, first: i64, n: i64) -> Vec<Record> {
    (first..first + n)
        .map(|seq| Record {
            id: uuid::Uuid::now_v7(),
            kiosk: kiosk.to_owned(),
            log: kiosk.to_owned(),
            seq,
            at: jiff::Timestamp::now(),
            kind: RecordKind::Arrival,
            registrant: accueil::domain::uid_for_code(&format!("NEC-{:06}", 1 + seq % 10_000)),
            day: Some(jiff::civil::date(2022, 9, 28)),
            reverts: None,
            payload: serde_json::json!({}),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub = start_hub(dir.path(), 10_000);
    let http = accueil::http_client().build().expect("http client");
    // The 50 kiosks of the upload below, enrolled first: the hub takes 60
    // enrolments a minute with its shared token, and the joins below use
    // some.
    let uploaders: Vec<(String, String)> = (0..50)
        .map(|k| {
            let id = format!("k{k}");
            let credential = enrol(&http, hub, &id);
            (id, credential)
        })
        .collect();
    let mut g = c.benchmark_group("hub_loopback");
    g.sample_size(10);

    // A new kiosk points at the hub: the whole list (and log) comes down.
    g.bench_function("full join: 10,000 registrants into an empty kiosk", |b| {
        b.iter_batched(
            || {
                let d = tempfile::tempdir().expect("tempdir");
                let k = kiosk(d.path(), "nouveau", hub);
                (d, k)
            },
            |(d, mut k)| {
                let round = k.sync_once(Duration::from_secs(60)).expect("join");
                assert!(round.list_updated);
                assert_eq!(k.inspect().registrant_count().unwrap(), 10_000);
                (d, k)
            },
            BatchSize::PerIteration,
        )
    });

    // Enrolment by the page's code (issue #15): the scanned invitation to a
    // ready kiosk — its kiosk.toml written, its credential, the hub's event
    // and the 10,000 people of the list. The code is asked of the hub
    // (« Ajouter un kiosque ») outside the measured time.
    g.bench_function(
        "enrolment by code: scan → ready kiosk, 10,000 registrants",
        |b| {
            b.iter_batched(
                || {
                    let view: serde_json::Value = http
                        .post(format!("http://{hub}/api/kiosks/invite?token={ORGANISER}"))
                        .send()
                        .expect("invite")
                        .json()
                        .expect("invitation");
                    let payload = view["payload"].as_str().expect("payload").to_owned();
                    (tempfile::tempdir().expect("tempdir"), payload)
                },
                |(d, payload)| {
                    let invitation =
                        accueil::domain::enrolment::Invitation::read(&payload).expect("scanned");
                    let setup = accueil::app::Setup {
                        mode: accueil::config::Mode::Staff,
                        printer: accueil::app::PrinterChoice::Folder,
                        language: accueil::config::Language::French,
                    };
                    let (kiosk, joined) = accueil::app::join(
                        &d.path().join("kiosk.toml"),
                        Some(&d.path().join("accueil.sqlite")),
                        &invitation,
                        &setup,
                        Duration::from_secs(60),
                    )
                    .expect("join");
                    assert_eq!(kiosk.inspect().registrant_count().unwrap(), 10_000);
                    (d, kiosk, joined)
                },
                BatchSize::PerIteration,
            )
        },
    );

    // 50 kiosks upload 200 arrivals each at the same moment: 10,000 records
    // (each round the next 200 of each kiosk's log).
    let mut round = 0;
    g.throughput(criterion::Throughput::Elements(50 * 200));
    g.bench_function("50 kiosks upload 200 records each at once", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let batches: Vec<(String, SyncRequest)> = uploaders
                    .iter()
                    .map(|(id, credential)| {
                        let credential = credential.clone();
                        let req = SyncRequest {
                            records: arrivals_from(id, 1 + (round - 1) * 200, 200),
                            kiosk: id.clone(),
                            marks: Default::default(),
                            sent_at: None,
                            printer: None,
                            config_rev: None,
                        };
                        (credential, req)
                    })
                    .collect();
                let start = Instant::now();
                std::thread::scope(|s| {
                    for (credential, req) in &batches {
                        let http = http.clone();
                        s.spawn(move || {
                            let res = http
                                .post(format!("http://{hub}/api/sync"))
                                .bearer_auth(credential)
                                .json(req)
                                .send()
                                .expect("upload");
                            assert!(res.status().is_success());
                        });
                    }
                });
                total += start.elapsed();
            }
            total
        })
    });
    g.finish();
    let mut g = c.benchmark_group("hub_loopback_live");
    g.sample_size(20);

    // One check-in at kiosk A: uploaded, then downloaded by kiosk B (whose
    // background thread asks every 0.7 s), and pushed to an open page. On a
    // hub of its own: the one above now holds the upload test's records.
    let hd = tempfile::tempdir().expect("tempdir");
    let hub = start_hub(hd.path(), 10_000);
    let da = tempfile::tempdir().expect("tempdir");
    let mut a = kiosk(da.path(), "porte-a", hub);
    let mut b_kiosk = kiosk(da.path(), "porte-b", hub);
    a.sync_once(Duration::from_secs(60)).expect("join a");
    b_kiosk.sync_once(Duration::from_secs(60)).expect("join b");
    let page = accueil::http_client()
        .timeout(None)
        .build()
        .expect("client")
        .get(format!("http://{hub}/api/events?token={DASHBOARD}"))
        .send()
        .expect("live feed");
    let mut feed = BufReader::new(page);
    let mut next_event = move || {
        let mut line = String::new();
        loop {
            line.clear();
            feed.read_line(&mut line).expect("feed");
            if line.starts_with("data:") {
                return;
            }
        }
    };
    next_event(); // the figures as the page opens
    let mut n = 0usize;
    g.bench_function("check-in at A → on B and on the open page", |b| {
        b.iter(|| {
            // The next ticket that is welcomed (some are cancelled or
            // pending, and record nothing).
            loop {
                n += 1;
                let code = format!("NEC-{:06}", n % 10_000 + 1);
                let c = a.check_in(&Lookup::Code(code), None).expect("check-in");
                if c.outcome == accueil::domain::Outcome::Welcome {
                    break;
                }
            }
            a.sync_once(Duration::from_secs(10)).expect("upload");
            next_event();
            let got = b_kiosk
                .sync_once(Duration::from_secs(10))
                .expect("download");
            assert!(got.received >= 1);
        })
    });
    g.finish();
}

/// Kiosk `id`'s own credential, from the hub's enrolment.
fn enrol(http: &reqwest::blocking::Client, hub: SocketAddr, id: &str) -> String {
    let res: accueil::protocol::EnrolResponse = http
        .post(format!("http://{hub}/api/enrol"))
        .bearer_auth(TOKEN)
        .json(&accueil::protocol::EnrolRequest {
            kiosk: id.to_owned(),
        })
        .send()
        .expect("enrol")
        .json()
        .expect("credential");
    res.credential
}

/// A kiosk as the hub sees it: its log, and what it holds of the others'.
struct SimKiosk {
    id: String,
    credential: String,
    next: i64,
    marks: accueil::app::Marks,
}

impl SimKiosk {
    /// One sync round: `records` up, everything new down (asking again
    /// while the hub says there is more), as a real kiosk does.
    fn round(&mut self, http: &reqwest::blocking::Client, hub: SocketAddr, records: Vec<Record>) {
        let mut records = records;
        loop {
            for r in &records {
                self.marks.insert(r.log.clone(), r.seq);
            }
            let req = SyncRequest {
                records: std::mem::take(&mut records),
                kiosk: self.id.clone(),
                marks: self.marks.clone(),
                sent_at: Some(jiff::Timestamp::now()),
                printer: None,
                config_rev: None,
            };
            let res: accueil::protocol::SyncResponse = http
                .post(format!("http://{hub}/api/sync"))
                .bearer_auth(&self.credential)
                .json(&req)
                .send()
                .expect("sync")
                .json()
                .expect("answer");
            for r in &res.records {
                let m = self.marks.entry(r.log.clone()).or_default();
                *m = (*m).max(r.seq);
            }
            if !res.more {
                return;
            }
        }
    }

    /// `n` arrivals of people `first..first + n` of the hub's list.
    fn arrivals(&mut self, first: usize, n: usize) -> Vec<Record> {
        (first..first + n)
            .map(|p| {
                self.next += 1;
                Record {
                    id: uuid::Uuid::now_v7(),
                    kiosk: self.id.clone(),
                    log: self.id.clone(),
                    seq: self.next,
                    at: jiff::Timestamp::now(),
                    kind: RecordKind::Arrival,
                    registrant: accueil::domain::uid_for_code(&format!(
                        "NEC-{:06}",
                        p % 10_000 + 1
                    )),
                    day: Some(jiff::civil::date(2022, 9, 28)),
                    reverts: None,
                    payload: serde_json::json!({}),
                }
            })
            .collect()
    }
}

/// A fresh hub with 10,000 people, 30 kiosks up to date with it, and
/// `pages` organiser pages open on the live feed, reading every event.
/// Then each kiosk syncs 10 rounds of 20 arrivals (6,000 arrivals, every
/// one a different person), all at once: the wall time, and every round's
/// latency.
fn kiosks_with_pages(pages: usize, paced: bool) -> (Duration, Vec<Duration>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let hub = start_hub(dir.path(), 10_000);
    let http = accueil::http_client().build().expect("http client");
    let mut kiosks: Vec<SimKiosk> = (0..30)
        .map(|k| SimKiosk {
            id: format!("porte-{k}"),
            credential: enrol(&http, hub, &format!("porte-{k}")),
            next: 0,
            marks: Default::default(),
        })
        .collect();
    for k in &mut kiosks {
        k.round(&http, hub, Vec::new());
    }
    for _ in 0..pages {
        let page = accueil::http_client()
            .timeout(None)
            .build()
            .expect("client")
            .get(format!("http://{hub}/api/events?token={DASHBOARD}"))
            .send()
            .expect("live feed");
        // Detached: the feed ends with the hub.
        std::thread::spawn(move || {
            let mut feed = BufReader::new(page);
            let mut line = String::new();
            while feed.read_line(&mut line).unwrap_or(0) > 0 {
                line.clear();
            }
        });
    }
    let start = Instant::now();
    let latencies: Vec<Duration> = std::thread::scope(|s| {
        let handles: Vec<_> = kiosks
            .iter_mut()
            .enumerate()
            .map(|(k, kiosk)| {
                let http = http.clone();
                s.spawn(move || {
                    let mut times = Vec::new();
                    // Paced: as the kiosk's sync thread, a round every
                    // 0.7 s (the check-ins of a busy door: two each); else
                    // back to back, twenty each, as fast as the hub answers.
                    let (rounds, each) = if paced { (15, 2) } else { (10, 20) };
                    let tick = Instant::now();
                    for r in 0..rounds {
                        if paced {
                            let due = tick + Duration::from_millis(700 * r as u64);
                            std::thread::sleep(due.saturating_duration_since(Instant::now()));
                        }
                        let records = kiosk.arrivals(k * 200 + r * each, each);
                        let t = Instant::now();
                        kiosk.round(&http, hub, records);
                        times.push(t.elapsed());
                    }
                    times
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("kiosk"))
            .collect()
    });
    (start.elapsed(), latencies)
}

fn p95(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 95 / 100).min(v.len().saturating_sub(1))]
}

fn bench_pages(c: &mut Criterion) {
    let mut g = c.benchmark_group("hub_pages");
    g.sample_size(10);
    for (paced, label) in [
        (false, "back to back, 10 rounds of 20 arrivals"),
        (true, "a round every 0.7 s, 2 arrivals each"),
    ] {
        g.throughput(criterion::Throughput::Elements(if paced {
            30 * 30
        } else {
            30 * 200
        }));
        for pages in [0usize, 20] {
            let mut all = Vec::new();
            g.bench_function(format!("30 kiosks {label}, {pages} pages open"), |b| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let (t, lat) = kiosks_with_pages(pages, paced);
                        total += t;
                        all.extend(lat);
                    }
                    total
                })
            });
            if !all.is_empty() {
                eprintln!(
                    "p95 of a sync round, 30 kiosks {label}, {pages} pages open: {:?} ({} rounds)",
                    p95(all.clone()),
                    all.len()
                );
            }
        }
    }
    g.finish();
}

criterion_group!(benches, bench, bench_pages);
criterion_main!(benches);
