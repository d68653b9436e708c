//! Badge figures (see BENCHMARKS.md): one badge as PDF, and a 1,000-badge
//! A4 batch for pre-printing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accueil::app::Lookup;
use accueil::app::{ImportOptions, Kiosk};
use accueil::badge::Format;
use accueil::config::Config;
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("inscrits.csv");
    std::fs::write(&csv, accueil::demo::registrants_csv(1000)).expect("write csv");
    let config = Config::parse(include_str!("../kiosk.toml"), dir.path()).expect("kiosk.toml");
    let mut k = Kiosk::open(config, Some(&dir.path().join("b.sqlite"))).expect("open");
    k.import_file(&csv, ImportOptions::default(), |_, _| {})
        .expect("import");

    let one = Lookup::Code("NEC-000042".into());
    let (_, pdf) = k.badge_pdf(&one, None).expect("badge");
    eprintln!("one A6 badge: {} bytes", pdf.len());
    let (n, batch) = k
        .badges_pdf(None, Some(Format::A4By2x4), &mut |_, _| {})
        .expect("batch");
    eprintln!("{n} badges on A4 2x4: {} bytes", batch.len());

    let mut g = c.benchmark_group("badge");
    g.bench_function("one A6 badge (lookup + layout + PDF)", |b| {
        b.iter(|| k.badge_pdf(&one, None).expect("badge"))
    });
    g.sample_size(10);
    g.bench_function("1000 badges, A4 2x4 sheets", |b| {
        b.iter(|| {
            k.badges_pdf(None, Some(Format::A4By2x4), &mut |_, _| {})
                .expect("batch")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
