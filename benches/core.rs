//! The core's figures with 100,000 registrants (see BENCHMARKS.md):
//! as-you-type search, check-in decision + durable record, CSV import.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::Duration;

use accueil::app::Lookup;
use accueil::app::{ImportOptions, Kiosk};
use accueil::config::Config;
use accueil::domain::DaySpec;
use accueil::domain::keyboard::{Layout, Mix, ScannerLayout};
use accueil::import::{self, ImportSettings};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

const N: usize = 100_000;

fn kiosk(dir: &Path, db: &str) -> Kiosk {
    let config = Config::parse(include_str!("../kiosk.toml"), dir).expect("kiosk.toml");
    Kiosk::open(config, Some(&dir.join(db))).expect("open")
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("inscrits.csv");
    std::fs::write(&csv, accueil::demo::registrants_csv(N)).expect("write csv");

    let mut k = kiosk(dir.path(), "bench.sqlite");
    k.import_file(&csv, ImportOptions::default(), |_, _| {})
        .expect("import");

    let mut g = c.benchmark_group("search_100k");
    for q in [
        "d",
        "du",
        "dup",
        "hel",
        "m",
        "hel mar",
        "mairie lyon",
        "dupnot",
        "NEC-054321",
    ] {
        g.bench_function(q, |b| b.iter(|| k.search(q, 20).expect("search")));
    }
    g.finish();

    let mut g = c.benchmark_group("checkin_100k");
    let mut next = 0usize;
    g.bench_function("welcome (decision + durable record)", |b| {
        b.iter(|| {
            next = next % N + 1;
            // Day 1, then day 2 when every code has been used once.
            let day = DaySpec::Number(1 + (next % 2));
            k.check_in(&Lookup::Code(format!("NEC-{next:06}")), Some(day))
                .expect("check in")
        })
    });
    g.bench_function("already_in (decision only)", |b| {
        b.iter(|| {
            k.check_in(&Lookup::Code("NEC-000002".into()), Some(DaySpec::Number(1)))
                .expect("check in")
        })
    });
    g.finish();

    // A scanner in the wrong keyboard mode: what the fallback costs an
    // unknown scan, and a garbled scan found.
    let mut g = c.benchmark_group("scan_100k");
    let garbled = Mix::new(Layout::Us, Layout::Fr)
        .garble("NEC-054321")
        .expect("typeable");
    g.bench_function("unknown code, taken as read", |b| {
        k.set_scanner_layout(ScannerLayout::AsRead);
        b.iter(|| k.resolve_scan("ZZ-NOPE-12").expect("resolve"))
    });
    g.bench_function("unknown code, tried against every mix-up", |b| {
        k.set_scanner_layout(ScannerLayout::Auto);
        b.iter(|| k.resolve_scan("ZZ-NOPE-12").expect("resolve"))
    });
    g.bench_function("known code as read, no other reading a ticket", |b| {
        k.set_scanner_layout(ScannerLayout::Auto);
        b.iter(|| k.resolve_scan("NEC-054321").expect("resolve"))
    });
    g.bench_function(
        "US scanner on AZERTY: found after undoing the mix-up",
        |b| {
            k.set_scanner_layout(ScannerLayout::Auto);
            b.iter(|| k.resolve_scan(&garbled).expect("resolve"))
        },
    );
    g.finish();

    // Recognising the platform: reading the same file with the profile
    // detected from its headers, and with `[import] profile` forced.
    let mut g = c.benchmark_group("parse_100k");
    g.sample_size(10);
    let bytes = std::fs::read(&csv).expect("csv");
    let event = k.config.event.clone();
    let auto = ImportSettings::default();
    let forced = ImportSettings {
        profile: Some("generic".into()),
        ..ImportSettings::default()
    };
    g.bench_function("profile recognised from the headers", |b| {
        b.iter(|| import::read_bytes(&csv, &bytes, &auto, &event).expect("parse"))
    });
    g.bench_function("profile forced in kiosk.toml", |b| {
        b.iter(|| import::read_bytes(&csv, &bytes, &forced, &event).expect("parse"))
    });
    g.finish();

    let mut g = c.benchmark_group("import");
    g.sample_size(10).measurement_time(Duration::from_secs(40));
    let mut round = 0;
    g.bench_function("100k-row CSV into an empty copy", |b| {
        b.iter_batched(
            || {
                round += 1;
                kiosk(dir.path(), &format!("import-{round}.sqlite"))
            },
            |mut fresh| {
                fresh
                    .import_file(&csv, ImportOptions::default(), |_, _| {})
                    .expect("import")
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// The staff PIN: what checking one costs at the kiosk, and so what
/// trying every PIN costs whoever took a kiosk's hash (10⁸ of them with 8
/// digits, one core).
fn pin(c: &mut Criterion) {
    let mut g = c.benchmark_group("pin");
    g.sample_size(20);
    let current = accueil::domain::pin::hash("48291375").expect("hash");
    g.bench_function(
        "check a PIN against its hash (argon2id, 64 MiB, 3 passes)",
        |b| b.iter(|| accueil::domain::pin::verify("48291376", &current)),
    );
    // A hash as accueil made them before (argon2's defaults: 19 MiB, 2
    // passes), with 6 digits allowed.
    let older = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$VMYxKn3G/ZWkj5tuJQvuL9fCnw38JuPBd6IERfm0Eqw";
    g.bench_function(
        "check a PIN against an older hash (19 MiB, 2 passes)",
        |b| b.iter(|| accueil::domain::pin::verify("482913", older)),
    );
    g.finish();
}

criterion_group!(benches, bench, pin);
criterion_main!(benches);
