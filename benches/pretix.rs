//! accueil and a real pretix, side by side (see BENCHMARKS.md): the first
//! download of a 2,000-attendee event against pretix's own paging of it,
//! and the door's local decision against pretix's redeem round trip.
//!
//! Needs a peer seeded with 2,000 attendees, its peer.env exported:
//!   PEER_DIR=~/.cache/pretix-peer-2000 PEER_BATCH=5 \
//!     ../shared/pretix-peer/pretix-peer.sh start 8346 2000
//!   set -a; source ~/.cache/pretix-peer-2000/peer.env; set +a
//!   cargo bench --no-default-features --bench pretix
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::{Duration, Instant};

use accueil::app::Lookup;
use accueil::app::{ImportOptions, Kiosk};
use accueil::config::Config;
use accueil::pretix::Redeem;
use criterion::{Criterion, criterion_group, criterion_main};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} absent: start a pretix peer with 2,000 attendees and export its peer.env")
    })
}

fn kiosk(dir: &Path, db: &str) -> Kiosk {
    let source = format!(
        "[source]\nkind = \"pretix\"\nurl = \"{}\"\norganizer = \"{}\"\nevent = \"{}\"\ncheckin_list = {}\ntoken = \"{}\"\n",
        env("PRETIX_BASE_URL"),
        env("PRETIX_ORGANIZER"),
        env("PRETIX_EVENT"),
        env("PRETIX_CHECKINLIST_ID"),
        env("PRETIX_API_TOKEN"),
    );
    let toml = include_str!("../kiosk.toml").replacen("[source]\n", &source, 1);
    let config = Config::parse(&toml, dir).expect("kiosk.toml");
    Kiosk::open(config, Some(&dir.join(db))).expect("db")
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut g = c.benchmark_group("pretix");
    g.sample_size(10).measurement_time(Duration::from_secs(60));

    // pretix alone: every page of the check-in list, nothing stored.
    let probe = kiosk(dir.path(), "probe.sqlite");
    let client = probe
        .pretix_client(Duration::from_secs(60))
        .expect("client");
    let n = client.positions(|_, _| {}).expect("positions").len();
    assert!(
        n >= 2_000,
        "the peer holds {n} positions: seed it with 2,000"
    );
    g.bench_function("pretix_paging_2000", |b| {
        b.iter(|| client.positions(|_, _| {}).expect("positions"))
    });
    // accueil's first download: the same pages, then registrants and
    // arrivals into a fresh SQLite copy.
    let mut copies = 0;
    g.bench_function("accueil_first_download_2000", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                copies += 1;
                let mut k = kiosk(dir.path(), &format!("copy-{copies}.sqlite"));
                let start = Instant::now();
                k.import_pretix(ImportOptions::default(), |_, _| {})
                    .expect("import");
                total += start.elapsed();
            }
            total
        })
    });

    // At the door: accueil decides from its copy (lookup, rules, the
    // arrival written durably)…
    let mut door = kiosk(dir.path(), "door.sqlite");
    door.import_pretix(ImportOptions::default(), |_, _| {})
        .expect("import");
    let codes: Vec<String> = client
        .positions(|_, _| {})
        .expect("positions")
        .into_iter()
        .filter(|p| p.order_status == "p" && p.checkins.is_empty())
        .map(|p| p.secret)
        .collect();
    g.finish();
    let mut g = c.benchmark_group("pretix");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    // Each scan a different person, as at the door (each is welcomed, then
    // undone out of the timing so that the next round welcomes them again).
    let mut next = 0;
    g.bench_function("local_scan_decision", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let code = Lookup::Code(codes[next % codes.len()].clone());
                next += 1;
                let start = Instant::now();
                let done = door.check_in(&code, None).expect("check-in");
                total += start.elapsed();
                assert!(done.record.is_some(), "a welcome, written");
                // Untimed: the same person can be welcomed again.
                door.undo(&code, None).expect("undo");
            }
            total
        })
    });
    // …where an online scanner waits for pretix's redeem (each a new
    // ticket, so that pretix does the whole check-in).
    let mut fresh = codes.iter().rev();
    g.bench_function("pretix_redeem_round_trip", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let secret = fresh.next().expect("tickets left on the peer").clone();
                let body = Redeem {
                    secret,
                    lists: vec![client.list()],
                    datetime: jiff::Timestamp::now(),
                    nonce: uuid::Uuid::now_v7().to_string(),
                    force: false,
                    kind: "entry",
                };
                let start = Instant::now();
                let (status, _) = client.redeem(&body).expect("redeem");
                total += start.elapsed();
                assert_eq!(status, 201);
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
