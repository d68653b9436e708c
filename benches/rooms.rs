//! Rooms and doors (issue #16, see BENCHMARKS.md): a room door's scan,
//! decided and recorded durably, and every room's and session's counts
//! derived again from the log — 50 rooms, 10,000 people who have each
//! gone through five doors already.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write;
use std::path::Path;

use accueil::app::{Kiosk, Lookup};
use accueil::config::Config;
use accueil::domain::programme::{Direction, DoorOutcome};
use criterion::{Criterion, criterion_group, criterion_main};

const PEOPLE: usize = 10_000;
const ROOMS: usize = 50;

/// 10:00 in Paris on the event's first day: every room's morning session
/// is on.
fn ten() -> jiff::Timestamp {
    "2022-09-28T08:00:00Z".parse().unwrap()
}

/// The entrance bench's clock: milliseconds after 07:00 (Paris) on day 1.
static MORNING_MS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

fn morning() -> jiff::Timestamp {
    let seven: jiff::Timestamp = "2022-09-28T05:00:00Z".parse().unwrap();
    seven + jiff::SignedDuration::from_millis(MORNING_MS.load(std::sync::atomic::Ordering::SeqCst))
}

fn set_morning(ms: i64) {
    MORNING_MS.store(ms, std::sync::atomic::Ordering::SeqCst);
}

fn kiosk(dir: &Path) -> Kiosk {
    let config = Config::parse(include_str!("../kiosk.toml"), dir).expect("kiosk.toml");
    Kiosk::open(config, Some(&dir.join("rooms.sqlite")))
        .expect("open")
        .with_clock(ten)
}

/// Four sessions a day in each room, both days: 400 sessions.
fn programme() -> String {
    let mut csv = String::from("Code;Titre;Salle;Date;Début;Fin;Capacité\n");
    for room in 0..ROOMS {
        for (day, date) in ["28/09/2022", "29/09/2022"].iter().enumerate() {
            for (slot, (start, end)) in [
                ("08:00", "10:30"),
                ("10:30", "12:30"),
                ("14:00", "16:00"),
                ("16:00", "18:00"),
            ]
            .iter()
            .enumerate()
            {
                writeln!(
                    csv,
                    "R{room}-J{day}-{slot};Séance {slot} de la salle {room};Salle {room};{date};{start};{end};"
                )
                .unwrap();
            }
        }
    }
    csv
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("inscrits.csv");
    std::fs::write(&csv, accueil::demo::registrants_csv(PEOPLE)).expect("csv");
    let prog = dir.path().join("programme.csv");
    std::fs::write(&prog, programme()).expect("programme");
    let mut k = kiosk(dir.path());
    k.import_file(&csv, Default::default(), |_, _| {})
        .expect("import");
    k.import_programme(&prog, false, false).expect("programme");
    // Five doors each: 50,000 door records, people spread over the rooms.
    for round in 0..5 {
        for p in 1..=PEOPLE {
            let room = format!("Salle {}", (p * 7 + round * 13) % ROOMS);
            k.door_scan(
                &Lookup::Code(format!("NEC-{p:06}")),
                Some(&room),
                Direction::In,
            )
            .expect("door");
        }
    }

    let mut g = c.benchmark_group("rooms_10k");
    // Each scan a person going into the other of two rooms: always an
    // entry, decided against a room of about 200 people and recorded.
    let mut next = 0usize;
    g.bench_function("door scan (decision + durable record)", |b| {
        b.iter(|| {
            next = next % PEOPLE + 1;
            let room = if next.is_multiple_of(2) {
                "Salle 1"
            } else {
                "Salle 2"
            };
            let s = k
                .door_scan(
                    &Lookup::Code(format!("NEC-{next:06}")),
                    Some(room),
                    Direction::In,
                )
                .expect("door");
            assert!(s.outcome != DoorOutcome::Unknown);
            s
        })
    });
    g.bench_function("occupancy of 50 rooms and 400 sessions, derived", |b| {
        b.iter(|| k.occupancy(None).expect("occupancy"))
    });
    g.finish();

    // The entrance's forecast: 10,000 people checked in this morning, one
    // every 1.2 s from 07:00, and 10,000 counted into the queue.
    let dir3 = tempfile::tempdir().expect("tempdir");
    let csv3 = dir3.path().join("inscrits.csv");
    std::fs::write(&csv3, accueil::demo::registrants_csv(PEOPLE)).expect("csv");
    let config = Config::parse(include_str!("../kiosk.toml"), dir3.path()).expect("kiosk.toml");
    let mut e = Kiosk::open(config, Some(&dir3.path().join("entree.sqlite")))
        .expect("open")
        .with_clock(morning);
    e.import_file(&csv3, Default::default(), |_, _| {})
        .expect("import");
    for p in 1..=PEOPLE {
        set_morning(p as i64 * 1200);
        e.count_queue(accueil::domain::queue::Count::Joined(1))
            .expect("count");
        e.check_in(&Lookup::Code(format!("NEC-{p:06}")), None)
            .expect("check-in");
    }
    let mut g = c.benchmark_group("entrance_10k");
    g.bench_function("entrance forecast (10,000 check-ins, 10,000 counts)", |b| {
        b.iter(|| e.entrance_forecast().expect("forecast"))
    });
    g.finish();

    // Attendance documents for 1,000 people: the sheet of a session they
    // all came to, and everyone's certificate.
    let dir2 = tempfile::tempdir().expect("tempdir");
    let csv2 = dir2.path().join("inscrits.csv");
    std::fs::write(&csv2, accueil::demo::registrants_csv(1000)).expect("csv");
    let prog2 = dir2.path().join("programme.csv");
    std::fs::write(
        &prog2,
        "Code;Titre;Salle;Date;Début;Fin\nPL;Plénière;Amphi;28/09/2022;08:00;12:00\n",
    )
    .expect("programme");
    let toml = include_str!("../kiosk.toml").replace(
        "[attestation]\n",
        "[attestation]\nsignatory = \"Marie Curie, directrice\"\nplace = \"Lyon\"\n",
    );
    let config = Config::parse(&toml, dir2.path()).expect("kiosk.toml");
    // In at 08:30, the documents made at 10:00: an hour and a half each.
    fn half_past_eight() -> jiff::Timestamp {
        "2022-09-28T06:30:00Z".parse().unwrap()
    }
    let mut door = Kiosk::open(config.clone(), Some(&dir2.path().join("k.sqlite")))
        .expect("open")
        .with_clock(half_past_eight);
    door.import_file(&csv2, Default::default(), |_, _| {})
        .expect("import");
    door.import_programme(&prog2, false, false)
        .expect("programme");
    let mut admitted = 0;
    for p in 1..=1000 {
        let s = door
            .door_scan(
                &Lookup::Code(format!("NEC-{p:06}")),
                Some("Amphi"),
                Direction::In,
            )
            .expect("door");
        admitted += usize::from(s.outcome == DoorOutcome::Admitted);
    }
    drop(door);
    let small = Kiosk::open(config, Some(&dir2.path().join("k.sqlite")))
        .expect("open")
        .with_clock(ten);
    assert_eq!(
        small
            .certificates(None, accueil::badge::sheet::Words::French)
            .expect("certificates")
            .len(),
        admitted
    );
    assert!(admitted > 900);
    let mut g = c.benchmark_group("attendance_1k");
    g.sample_size(10);
    let words = accueil::badge::sheet::Words::French;
    g.bench_function("émargement, one session of 1,000 people", |b| {
        b.iter(|| small.attendance_sheet("PL", true, words).expect("sheet"))
    });
    g.bench_function("attestations, 1,000 people", |b| {
        b.iter(|| small.certificates(None, words).expect("certificates"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
