//! Kiosk start-up with 100,000 registrants: opening the database, building
//! the window, filling the status bar, first frame rendered (software
//! renderer, no display). See BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accueil::app::{ImportOptions, Kiosk};
use accueil::config::Config;
use accueil::ui::{HomeAdapter, KeyboardAdapter, KioskUi, screenshots};
use criterion::{Criterion, criterion_group, criterion_main};
use slint::ComponentHandle;

/// The kiosk window on a database, shown at 1280 × 800, with its printing
/// and counting threads as in production (the badges go to a folder).
fn open_window(config: &Config, db: &std::path::Path) -> KioskUi {
    let kiosk = Kiosk::open(config.clone(), Some(db)).expect("open");
    let ui = KioskUi::new(kiosk, true).expect("window");
    ui.window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    ui.window.show().expect("show");
    ui
}

fn bench(c: &mut Criterion) {
    screenshots::init_headless();
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("inscrits.csv");
    std::fs::write(&csv, accueil::demo::registrants_csv(100_000)).expect("write csv");
    let config = Config::parse(include_str!("../kiosk.toml"), dir.path()).expect("kiosk.toml");
    let db = dir.path().join("k.sqlite");
    Kiosk::open(config.clone(), Some(&db))
        .expect("open")
        .import_file(&csv, ImportOptions::default(), |_, _| {})
        .expect("import");

    let mut g = c.benchmark_group("kiosk_100k");
    g.sample_size(20);
    g.bench_function("cold start to an armed, rendered home screen", |b| {
        b.iter(|| {
            let ui = open_window(&config, &db);
            ui.window.window().take_snapshot().expect("first frame")
        })
    });
    let ui = open_window(&config, &db);
    let home = ui.window.global::<HomeAdapter>();
    g.bench_function("one keystroke: search + result rows", |b| {
        b.iter(|| home.invoke_query_edited("dup".into()))
    });
    // A tap on the on-screen keyboard: the letter added, the search, the
    // rows shown — « du » then « p », each time.
    let keyboard = ui.window.global::<KeyboardAdapter>();
    g.bench_function(
        "one tap on the screen keyboard: search + result rows",
        |b| {
            b.iter(|| {
                home.set_query("du".into());
                keyboard.invoke_key("p".into());
                assert_eq!(home.get_query(), "dup");
            })
        },
    );
    // Everything the UI thread does for one scan: the check-in decided and
    // recorded, the badge rendered and queued, the result screen; the
    // counting thread is woken for the status bar. A new ticket each time,
    // so each is a welcome.
    let mut next = 0u32;
    g.bench_function("one scan: check-in + badge queued + result screen", |b| {
        b.iter(|| {
            next += 1;
            home.invoke_submitted(format!("NEC-{next:06}").into());
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
