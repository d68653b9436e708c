//! Print figures (see BENCHMARKS.md): a scan until CUPS has accepted the
//! badge — check-in, badge PDF, the print queue, the queue's capabilities
//! (asked once a minute) and IPP Print-Job — on the cups-pdf queue "PDF"
//! that .ci/cups-start sets up. Without a CUPS server it says so and
//! measures nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use accueil::app::{ImportOptions, Kiosk, Lookup, PrintState};
use accueil::config::Config;

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("inscrits.csv");
    std::fs::write(&csv, accueil::demo::registrants_csv(200)).expect("write csv");
    let toml = include_str!("../kiosk.toml").replace(
        "kind = \"folder\"",
        "kind = \"cups\"\nname = \"PDF\"\nserver = \"http://localhost:631\"",
    );
    let config = Config::parse(&toml, dir.path()).expect("kiosk.toml");
    let mut k = Kiosk::open(config, Some(&dir.path().join("p.sqlite"))).expect("open");
    k.import_file(&csv, ImportOptions::default(), |_, _| {})
        .expect("import");
    let day = Some(accueil::domain::DaySpec::Number(1));
    let mut times = Vec::new();
    for n in 1..=60 {
        let code = Lookup::Code(format!("NEC-{n:06}"));
        let started = Instant::now();
        let (c, printed) = k.check_in_and_print(&code, day).expect("check-in");
        let elapsed = started.elapsed();
        match printed {
            Some(Ok(p)) if p.job.state != PrintState::Queued => times.push(elapsed),
            Some(Ok(p)) => {
                eprintln!(
                    "CUPS did not take the badge ({}): is CUPS running with the queue PDF? (.ci/cups-start)",
                    p.job.error.unwrap_or_default()
                );
                return;
            }
            Some(Err(e)) => panic!("{e}"),
            None => {} // not a welcome (cancelled, another day): no badge
        }
        let _ = c;
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "scan → badge accepted by CUPS (PDF queue), {} badges: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(*times.last().unwrap())
    );
}
