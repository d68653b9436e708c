//! Issue #12's scale figures, with 1,000,000 registrants (see
//! BENCHMARKS.md): search, check-in and a kiosk's cold start under
//! criterion; the import and a new kiosk's full join from the hub, which
//! take tens of seconds each, timed once per run (the median of three for
//! the join) and printed. `ACCUEIL_SCALE` changes the size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use accueil::app::Lookup;
use accueil::app::{HubCopy, ImportOptions, Kiosk};
use accueil::config::Config;
use accueil::domain::DaySpec;
use criterion::{Criterion, criterion_group, criterion_main};

const TOKEN: &str = "jeton-des-kiosques-0123456789";
const DASHBOARD: &str = "jeton-des-organisateurs-abcdef";

fn size() -> usize {
    std::env::var("ACCUEIL_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn config(dir: &Path, id: &str, hub: &str) -> Config {
    let toml = include_str!("../kiosk.toml")
        .replace("id = \"accueil-1\"", &format!("id = \"{id}\""))
        .replace("[hub]\n", &format!("[hub]\n{hub}\n"));
    Config::parse(&toml, dir).expect("kiosk.toml")
}

fn bench(c: &mut Criterion) {
    let n = size();
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("inscrits.csv");
    std::fs::write(&csv, accueil::demo::registrants_csv(n)).expect("write csv");
    let db = dir.path().join("kiosk.sqlite");
    let kiosk_config = config(dir.path(), "porte-a", "");

    // The import, once: it is also what builds the copy measured below.
    let mut k = Kiosk::open(kiosk_config.clone(), Some(&db)).expect("open");
    let start = Instant::now();
    k.import_file(&csv, ImportOptions::default(), |_, _| {})
        .expect("import");
    eprintln!(
        "one-shot: import of {n} rows into an empty copy: {:.2?}",
        start.elapsed()
    );
    drop(k);
    let mb = std::fs::metadata(&db).map(|m| m.len() >> 20).unwrap_or(0);
    eprintln!("one-shot: database size: {mb} MiB");

    // The hub: a copy of that database, served on 127.0.0.1.
    let hub_db = dir.path().join("hub.sqlite");
    std::fs::copy(&db, &hub_db).expect("hub copy");
    let hub_config = config(
        dir.path(),
        "hub",
        &format!("token = \"{TOKEN}\"\ndashboard_token = \"{DASHBOARD}\""),
    );
    let hub = Kiosk::open(hub_config, Some(&hub_db)).expect("hub db");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        accueil::hub::run(hub, "127.0.0.1:0".parse().unwrap(), |a| {
            let _ = tx.send(a);
        })
        .expect("hub");
    });
    let hub: SocketAddr = rx.recv().expect("hub address");

    // New kiosks join: the hub's copy comes down and is restored. The
    // first asks as the hub starts, and waits for the copy being made;
    // the next three join a hub that has it ready.
    let mut joins: Vec<Duration> = (0..4)
        .map(|i| {
            let d = tempfile::tempdir().expect("tempdir");
            let id = format!("nouveau-{i}");
            let config = config(
                d.path(),
                &id,
                &format!("url = \"http://{hub}\"\ntoken = \"{TOKEN}\""),
            );
            let mut fresh = Kiosk::open(config, Some(&d.path().join("k.sqlite"))).expect("open");
            let start = Instant::now();
            let round = fresh.sync_once(Duration::from_secs(600)).expect("join");
            let took = start.elapsed();
            assert!(round.list_updated);
            assert_eq!(fresh.inspect().registrant_count().unwrap(), n as i64);
            took
        })
        .collect();
    let first = joins.remove(0);
    joins.sort();
    eprintln!(
        "one-shot: full join of a new kiosk from a running hub ({n} registrants): median {:.2?} (runs {joins:.2?}); the first, as the hub started: {first:.2?}",
        joins[1]
    );

    // What the hub spends making that copy (the hub's own rows left out,
    // the search index merged, written by VACUUM INTO: no freed page).
    let copy = dir.path().join("copie");
    let start = Instant::now();
    HubCopy::write_snapshot(&hub_db, &copy).expect("copy");
    eprintln!(
        "one-shot: the hub's copy for joining kiosks ({n} registrants): {:.2?}",
        start.elapsed()
    );
    // And the attendees' copy made from it (e-mails and free fields out,
    // search entries made again, index merged, rewritten).
    let start = Instant::now();
    HubCopy::write_minimal_snapshot(
        &copy,
        &dir.path().join("brouillon"),
        &dir.path().join("borne"),
    )
    .expect("minimal copy");
    eprintln!(
        "one-shot: minimising that copy for attendee kiosks ({n} registrants): {:.2?}",
        start.elapsed()
    );

    // A self-service kiosk's join: the copy minimised beside it (e-mails
    // and free fields out, search entries made again, index merged,
    // rewritten) before it becomes its database.
    let attended: Vec<Duration> = (0..3)
        .map(|i| {
            let d = tempfile::tempdir().expect("tempdir");
            let pin = accueil::domain::pin::hash("48291375").expect("pin");
            let config = config(
                d.path(),
                &format!("borne-{i}"),
                &format!("url = \"http://{hub}\"\ntoken = \"{TOKEN}\""),
            );
            let toml = config.text().replace(
                "mode = \"staff\"",
                &format!("mode = \"self-service\"\nstaff_pin = \"{pin}\""),
            );
            let config = Config::parse(&toml, d.path()).expect("self-service kiosk.toml");
            let mut fresh = Kiosk::open(config, Some(&d.path().join("k.sqlite"))).expect("open");
            let start = Instant::now();
            fresh.sync_once(Duration::from_secs(600)).expect("join");
            let took = start.elapsed();
            assert_eq!(fresh.inspect().registrant_count().unwrap(), n as i64);
            took
        })
        .collect();
    let mut attended = attended;
    attended.sort();
    eprintln!(
        "one-shot: full join of a self-service kiosk ({n} registrants, its copy minimised first): median {:.2?} (runs {attended:.2?})",
        attended[1]
    );

    let mut g = c.benchmark_group(format!("scale_{n}"));
    g.sample_size(10);
    // From nothing in memory to the first answer: open (with its checks),
    // one ticket looked up, one search.
    g.bench_function("cold start: open, look up a ticket, search", |b| {
        b.iter(|| {
            let k = Kiosk::open(kiosk_config.clone(), Some(&db)).expect("open");
            k.registrant(&Lookup::Code("NEC-000042".into()))
                .expect("lookup");
            k.search("dup", 20).expect("search")
        })
    });
    let mut k = Kiosk::open(kiosk_config.clone(), Some(&db)).expect("open");
    g.sample_size(100);
    for q in ["d", "dup", "hel", "hel mar", "dupnot", "NEC-054321"] {
        g.bench_function(format!("search {q}"), |b| {
            b.iter(|| k.search(q, 20).expect("search"))
        });
    }
    let mut next = 0usize;
    g.bench_function("check-in welcome (decision + durable record)", |b| {
        b.iter(|| {
            next = next % n + 1;
            let day = DaySpec::Number(1 + (next % 2));
            k.check_in(&Lookup::Code(format!("NEC-{next:06}")), Some(day))
                .expect("check in")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
