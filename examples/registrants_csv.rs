//! Writes the benchmarks' list of N registrants (default 100,000) to
//! stdout, to time `accueil import` against benches/import_baseline.py:
//!
//!     cargo run --release --no-default-features --example registrants_csv > inscrits.csv
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    print!("{}", accueil::demo::registrants_csv(n));
}
