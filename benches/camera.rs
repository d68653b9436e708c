//! Camera figures (see BENCHMARKS.md): 1280 × 720 grey frames through the
//! decoder on one core — a frame with a ticket's QR code, and an empty one
//! (most frames: nobody in front of the camera); and a ticket coming into
//! view until its arrival is recorded (the frame decoded, the code handed
//! over, the check-in decided and made durable).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use accueil::app::{ImportOptions, Kiosk, Lookup};
use accueil::camera::{Frame, Recorded, decode, run};
use accueil::config::Config;
use criterion::{Criterion, criterion_group, criterion_main};

/// A QR code of `text`, 6 pixels a module, on a grey 1280 × 720 frame.
fn frame_with(text: &str) -> Frame {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let modules = code.width();
    let colors = code.to_colors();
    let (w, h, scale, quiet) = (1280usize, 720usize, 6usize, 4usize);
    let mut pixels = vec![120u8; w * h];
    let side = (modules + 2 * quiet) * scale;
    let (ox, oy) = (500, 200);
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = (
                (x / scale).wrapping_sub(quiet),
                (y / scale).wrapping_sub(quiet),
            );
            let dark =
                mx < modules && my < modules && colors[my * modules + mx] == qrcode::Color::Dark;
            pixels[(oy + y) * w + ox + x] = if dark { 20 } else { 235 };
        }
    }
    Frame {
        width: w as u32,
        height: h as u32,
        pixels,
    }
}

fn bench(c: &mut Criterion) {
    let with = frame_with("NEC-000042");
    assert_eq!(decode(&with), ["NEC-000042"]);
    let empty = Frame {
        width: 1280,
        height: 720,
        pixels: (0..1280 * 720).map(|i| (i % 251) as u8 / 4 + 100).collect(),
    };
    assert!(decode(&empty).is_empty());
    let mut g = c.benchmark_group("camera");
    g.bench_function("decode a 1280x720 frame with a ticket's QR code", |b| {
        b.iter(|| decode(&with))
    });
    g.bench_function("decode an empty 1280x720 frame", |b| {
        b.iter(|| decode(&empty))
    });
    // The reference, in the same run: rqrr, the decoder before zxing-cpp,
    // on the same frames (one pass; the kiosk made three when it found
    // nothing).
    let rqrr = |f: &Frame| {
        let (w, h) = (f.width as usize, f.height as usize);
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| f.pixels[y * w + x]);
        img.detect_grids()
            .iter()
            .filter_map(|g| g.decode().ok())
            .map(|(_, c)| c)
            .collect::<Vec<_>>()
    };
    assert_eq!(rqrr(&with), ["NEC-000042"]);
    g.bench_function("rqrr (reference): a frame with a ticket's QR code", |b| {
        b.iter(|| rqrr(&with))
    });
    g.bench_function("rqrr (reference): an empty frame", |b| {
        b.iter(|| rqrr(&empty))
    });

    // A ticket in view until its arrival is durable, as the camera thread
    // does it (a preview thumbnail of each frame included); a new ticket
    // each time (2 % of the demo's are cancelled, 1 % pending: those are
    // refused, as at the door).
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("inscrits.csv");
    std::fs::write(&csv, accueil::demo::registrants_csv(10_000)).expect("write csv");
    let config = Config::parse(include_str!("../kiosk.toml"), dir.path()).expect("kiosk.toml");
    let mut k = Kiosk::open(config, Some(&dir.path().join("k.sqlite"))).expect("open");
    k.import_file(&csv, ImportOptions::default(), |_, _| {})
        .expect("import");
    let day = Some(accueil::domain::DaySpec::Number(1));
    let mut next = 0u32;
    g.sample_size(20);
    g.bench_function("a ticket in view until its arrival is recorded", |b| {
        b.iter_batched(
            || {
                next += 1;
                frame_with(&format!("NEC-{next:06}"))
            },
            |frame| {
                let mut decided = false;
                run(
                    Box::new(Recorded(vec![frame].into_iter())),
                    |f| {
                        std::hint::black_box(accueil::camera::thumbnail(f, 4));
                    },
                    |code| {
                        let c = k.check_in(&Lookup::Code(code), day).expect("check-in");
                        decided = c.registrant.is_some();
                        false
                    },
                );
                assert!(decided, "the code was read and its holder found");
            },
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
