//! Badges against real parts: PDFs made by the real binary, rasterised by
//! poppler's pdftoppm at 200 dpi, QR codes decoded from the pixels with
//! rqrr, text read back with pdftotext.
//!
//! Needs poppler-utils (installed by .ci/run): ignored in plain `cargo test`,
//! run with `cargo test -- --include-ignored`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::{Event, fixture_str};

const CODES: [&str; 6] = [
    "NEC-1001", "NEC-1002", "NEC-1003", "NEC-1004", "NEC-1005", "NEC-1006",
];

fn poppler(tool: &str, args: &[&str]) {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed for this test (apt-get install poppler-utils): {e}")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Badge cells of a page, in mm: the whole page, or the tiles of a sheet
/// (centred on A4), as a person cutting the sheet would hold them.
fn cells(format: &str) -> Vec<(f32, f32, f32, f32)> {
    let (w, h, cols, rows) = match format {
        "a4-2x2" => (105.0, 148.0, 2, 2),
        "a4-2x4" => (105.0, 74.0, 2, 4),
        _ => return vec![(0.0, 0.0, f32::MAX, f32::MAX)],
    };
    let (ox, oy) = (
        (210.0 - cols as f32 * w) / 2.0,
        (297.0 - rows as f32 * h) / 2.0,
    );
    (0..rows * cols)
        .map(|i| (ox + (i % cols) as f32 * w, oy + (i / cols) as f32 * h, w, h))
        .collect()
}

/// Every QR code on each page of a PDF, decoded from a 200 dpi render, one
/// badge at a time (as a scanner at a session door sees them).
fn qr_codes_in(pdf: &Path, format: &str) -> Vec<BTreeSet<String>> {
    let prefix = pdf.with_extension("");
    poppler(
        "pdftoppm",
        &[
            "-r",
            "200",
            "-png",
            &pdf.to_string_lossy(),
            &prefix.to_string_lossy(),
        ],
    );
    let dir = pdf.parent().unwrap();
    let stem = prefix.file_name().unwrap().to_string_lossy().into_owned();
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "png")
                && p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("{stem}-"))
        })
        .collect();
    pages.sort();
    let px = |mm: f32| (mm * 200.0 / 25.4).round() as u32;
    pages
        .iter()
        .map(|page| {
            let img = image::open(page).unwrap().to_luma8();
            let mut codes = BTreeSet::new();
            for (x, y, w, h) in cells(format) {
                let (x, y) = (px(x).min(img.width()), px(y).min(img.height()));
                let (w, h) = (
                    px(w.min(1000.0)).min(img.width() - x),
                    px(h.min(1000.0)).min(img.height() - y),
                );
                let cell = image::imageops::crop_imm(&img, x, y, w, h).to_image();
                let mut prepared = rqrr::PreparedImage::prepare(cell);
                for grid in prepared.detect_grids() {
                    let (_, content) = grid
                        .decode()
                        .unwrap_or_else(|e| panic!("{}: unreadable QR code: {e}", page.display()));
                    codes.insert(content);
                }
            }
            codes
        })
        .collect()
}

/// The PDF's text without white space or hyphens: a name wrapped after its
/// hyphen reads back joined (pdftotext removes the hyphen at a line end).
fn text_of(pdf: &Path) -> String {
    let txt = pdf.with_extension("txt");
    poppler(
        "pdftotext",
        &[&pdf.to_string_lossy(), &txt.to_string_lossy()],
    );
    squash(&std::fs::read_to_string(txt).unwrap())
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

#[test]
#[ignore = "needs poppler-utils (pdftoppm, pdftotext): run by .ci/run"]
fn every_format_scans_back_to_the_ticket_codes() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
    for format in [
        "a6",
        "4x3in",
        "62mm-roll",
        "cr80",
        "dymo-99014",
        "dymo-30857",
        "dk-11234",
        "dk-11202",
        "4x6in",
        "a4-2x2",
        "a4-2x4",
    ] {
        let pdf = ev.path(&format!("{format}.pdf"));
        let json = ev.json(&[
            "badges",
            "--out",
            &pdf.to_string_lossy(),
            "--layout",
            format,
        ]);
        assert_eq!(json["badges"], 6);
        let bytes = json["bytes"].as_u64().unwrap();
        let pages = qr_codes_in(&pdf, format);
        let per_page = match format {
            "a4-2x2" => 4,
            "a4-2x4" => 8,
            _ => 1,
        };
        assert_eq!(pages.len(), 6usize.div_ceil(per_page), "{format}: pages");
        let found: BTreeSet<String> = pages.iter().flatten().cloned().collect();
        let expected: BTreeSet<String> = CODES.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            found, expected,
            "{format}: every badge's QR code decodes to its ticket code"
        );
        assert!(pages.iter().all(|p| p.len() <= per_page));
        assert!(bytes < 6 * 60_000, "{format}: {bytes} bytes");

        let text = text_of(&pdf);
        for word in [
            "Marie-Hélène",
            "Çavuşoğlu-Wałęsa",
            "Œuvray-Lætitia",
            "Łucja",
            "Ørsted",
            "Jürgen-Ğökhan",
            "Straße",
            "Åkerø",
            "Zoé",
            "INTERVENANT",
        ] {
            assert!(
                text.contains(&squash(word)),
                "{format}: « {word} » missing from the PDF text:\n{text}"
            );
        }
    }
}

#[test]
#[ignore = "needs poppler-utils (pdftoppm): run by .ci/run"]
fn one_badge_holds_one_scannable_code_and_is_small() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
    let pdf = ev.path("one.pdf");
    let json = ev.json(&["badge", "NEC-1002", "--out", &pdf.to_string_lossy()]);
    assert!(json["bytes"].as_u64().unwrap() <= 60_000, "{json}");
    let pages = qr_codes_in(&pdf, "a6");
    assert_eq!(pages, vec![BTreeSet::from(["NEC-1002".to_owned()])]);
    let text = text_of(&pdf);
    assert!(
        text.contains(&squash(
            "Jean-François-Xavier-Emmanuel Çavuşoğlu-Wałęsa de Montmorency-Laval"
        )),
        "{text}"
    );
}

#[test]
fn badge_errors_are_one_actionable_line() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
    let out = ev.run(&["badge", "NOPE", "--out", "x.pdf"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("accueil search"));
    let out = ev.run(&["badges", "--out", "x.pdf", "--layout", "a5"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("a4-2x4"));
    let out = ev.run(&["badges", "--out", "x.pdf", "--category", "Bénévole"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("aucun badge"));
    assert!(!ev.path("x.pdf").exists(), "nothing written on error");
    let presse = ev.json(&["badges", "--out", "p.pdf", "--category", "presse"]);
    assert_eq!(presse["badges"], 1);
}

#[test]
fn a_badge_written_just_before_a_crash_is_not_printed_twice_and_files_say_nobody() {
    use accueil::app::{Lookup, NewJob, PrintState};
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
    let mut k = ev.kiosk();
    let who = k
        .registrant(&Lookup::Code("NEC-1006".into()))
        .unwrap()
        .unwrap();
    let (_, pdf) = k.badge_pdf(&Lookup::Uid(who.uid), None).unwrap();
    let now = jiff::Timestamp::now();
    let name = "badge-accueil-1-0f3a9c";
    let media = "custom_105x148mm_105x148mm";
    let id = k
        .staging()
        .job_left_submitting(
            &NewJob {
                registrant: who.uid,
                reason: "badge",
                printer: "dossier",
                title: "Badge",
                job_name: name,
                media,
                pdf: &pdf,
            },
            now,
        )
        .unwrap();
    // The process marked the job, wrote the file, and was killed before
    // noting it printed.
    k.config.printer.printer.submit(&pdf, name, media).unwrap();
    drop(k);
    let mut k = ev.kiosk();
    let jobs = k.print_status(10).unwrap();
    let job = jobs.iter().find(|j| j.id == id).unwrap();
    assert_eq!(job.state, PrintState::Done);
    let files: Vec<String> = std::fs::read_dir(ev.path("badges-imprimes"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "printed once: {files:?}");
    // A printed badge, then: its file names neither the ticket nor the person.
    k.print_badge(&Lookup::Code("NEC-1001".into()), None, false)
        .unwrap();
    for f in std::fs::read_dir(ev.path("badges-imprimes")).unwrap() {
        let f = f.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            f.starts_with("badge-accueil-1-") && f.ends_with(".pdf"),
            "{f}"
        );
        assert!(!f.contains("NEC") && f.len() < 60, "{f}");
    }
    let logged = k
        .inspect()
        .records_of(who.uid)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == accueil::domain::RecordKind::BadgePrinted)
        .count();
    assert_eq!(logged, 1);
}

#[test]
fn a_folder_printer_keeps_pdfs_and_self_service_reprints_are_capped() {
    use accueil::app::AppError;
    use accueil::app::{Lookup, PrintState};
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
    let mut k = ev.kiosk();
    let who = Lookup::Code("NEC-1006".into());
    // kiosk.toml: folder printer, one self-service reprint.
    let first = k.print_badge(&who, None, true).unwrap();
    assert_eq!(
        (
            first.job.state,
            first.printed_before,
            first.job.reason.as_str()
        ),
        (PrintState::Done, 0, "badge")
    );
    let second = k.print_badge(&who, None, true).unwrap();
    assert_eq!(
        (second.printed_before, second.job.reason.as_str()),
        (1, "réimpression")
    );
    let third = k.print_badge(&who, None, true);
    assert!(
        matches!(third, Err(AppError::ReprintLimit { printed: 2, .. })),
        "{third:?}"
    );
    assert!(
        third
            .unwrap_err()
            .to_string()
            .contains("adressez-vous à l'accueil")
    );
    // Staff are not capped, and say why.
    let staff = k.print_badge(&who, Some("badge taché"), false).unwrap();
    assert_eq!(staff.job.reason, "badge taché");
    let files: Vec<_> = std::fs::read_dir(ev.path("badges-imprimes"))
        .unwrap()
        .collect();
    assert_eq!(files.len(), 3, "one PDF per printed badge");
    let uid = first.registrant.uid;
    let printed = k
        .inspect()
        .records_of(uid)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == accueil::domain::RecordKind::BadgePrinted)
        .count();
    assert_eq!(printed, 3, "each accepted job is logged once");
}

#[test]
#[ignore = "needs poppler-utils (pdfimages, pdftoppm): run by .ci/run"]
fn an_event_logo_is_embedded_and_the_qr_still_scans() {
    // A 120 × 60 px two-colour logo, written as PNG.
    let logo = image::RgbImage::from_fn(120, 60, |x, _| {
        if x < 60 {
            image::Rgb([0x1F, 0x6F, 0xB2])
        } else {
            image::Rgb([0xF5, 0xD0, 0x00])
        }
    });
    let toml = format!(
        "{}\n",
        crate::common::KIOSK_TOML.replace("# logo = \"logo.png\"", "logo = \"logo.png\"")
    );
    let ev = Event::with_config(&toml);
    logo.save(ev.path("logo.png")).unwrap();
    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
    let pdf = ev.path("logo.pdf");
    ev.ok(&["badge", "NEC-1004", "--out", &pdf.to_string_lossy()]);
    let list = Command::new("pdfimages")
        .args(["-list", &pdf.to_string_lossy()])
        .output()
        .expect("pdfimages (poppler-utils)");
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.lines()
            .any(|l| l.contains(" 120 ") && l.contains(" 60 ")),
        "the 120×60 logo is in the PDF:\n{list}"
    );
    assert_eq!(
        qr_codes_in(&pdf, "a6"),
        vec![BTreeSet::from(["NEC-1004".to_owned()])]
    );

    std::fs::write(ev.path("logo.png"), b"not a picture").unwrap();
    let out = ev.run(&["badge", "NEC-1004", "--out", "x.pdf"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("logo illisible"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn checkin_print_prints_only_the_welcomed() {
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
    let w = ev.json(&["checkin", "NEC-1001", "--day", "1", "--print"]);
    assert_eq!(w["outcome"], "welcome");
    assert_eq!(w["print"]["state"], "done", "{w}");
    let again = ev.json(&["checkin", "NEC-1001", "--day", "1", "--print"]);
    assert_eq!(again["outcome"], "already_in");
    assert!(
        again["print"].is_null(),
        "no second badge for a second scan"
    );
    let exhibitor = ev.json(&["checkin", "NEC-1005", "--day", "1", "--print"]);
    assert_eq!(exhibitor["outcome"], "not_today");
    assert!(exhibitor["print"].is_null());
    assert_eq!(
        std::fs::read_dir(ev.path("badges-imprimes"))
            .unwrap()
            .count(),
        1
    );
    let human = ev.ok(&["checkin", "NEC-1006", "--day", "1", "--print"]);
    assert!(
        human.contains("Bienvenue, Zoé Li") && human.contains("imprimé"),
        "{human}"
    );
}

/// A badge as a webcam sees it: the page at `side` pixels high, pasted at
/// (`x`, `y`) on a 1280 × 720 grey desk.
fn in_camera_view(badge: &image::GrayImage, side: u32, x: i64, y: i64) -> image::GrayImage {
    let w = badge.width() * side / badge.height();
    let small = image::imageops::resize(badge, w, side, image::imageops::FilterType::Triangle);
    let mut frame = image::GrayImage::from_pixel(1280, 720, image::Luma([120]));
    image::imageops::overlay(&mut frame, &small, x, y);
    frame
}

/// Each output pixel taken from `(x, y)` mapped back through `inverse`
/// (rotation, shear): what a tilted badge or a camera at an angle gives.
fn warp(img: &image::GrayImage, inverse: impl Fn(f32, f32) -> (f32, f32)) -> image::GrayImage {
    let (w, h) = img.dimensions();
    image::GrayImage::from_fn(w, h, |x, y| {
        let (sx, sy) = inverse(x as f32, y as f32);
        if sx >= 0.0 && sy >= 0.0 && (sx as u32) < w && (sy as u32) < h {
            *img.get_pixel(sx as u32, sy as u32)
        } else {
            image::Luma([120])
        }
    })
}

/// Photograph-like frames of our own badges — rendered by pdftoppm, then
/// blurred, turned, seen at an angle, in low light with noise, under a
/// glare, smeared by motion, JPEG-compressed, far away, on a phone's
/// screen, inverted — go through the camera pipeline: every frame is read,
/// and a badge held in view counts once.
#[test]
#[ignore = "needs poppler-utils (pdftoppm): run by .ci/run"]
fn camera_frames_of_real_badges_decode_through_blur_tilt_low_light_glare_motion_and_inversion() {
    use accueil::camera::{self, Frame, Recorded};
    let ev = Event::new();
    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
    let codes = [
        "NEC-1001", "NEC-1002", "NEC-1003", "NEC-1004", "NEC-1005", "NEC-1006",
    ];
    let mut badges = Vec::new();
    for code in codes {
        let pdf = ev.path(&format!("{code}.pdf"));
        ev.ok(&["badge", code, "--out", &pdf.to_string_lossy()]);
        let png = ev.path(code);
        poppler(
            "pdftoppm",
            &[
                "-r",
                "100",
                "-png",
                "-singlefile",
                &pdf.to_string_lossy(),
                &png.to_string_lossy(),
            ],
        );
        badges.push(
            image::open(ev.path(&format!("{code}.png")))
                .unwrap()
                .to_luma8(),
        );
    }
    let (cx, cy) = (640.0f32, 360.0f32);
    type Degrade = Box<dyn Fn(image::GrayImage, usize) -> image::GrayImage>;
    let degradations: Vec<(&str, Degrade, f32)> = vec![
        ("sharp", Box::new(|f, _| f), 1.0),
        (
            "blurred",
            Box::new(|f, _| image::imageops::blur(&f, 1.2)),
            1.0,
        ),
        (
            "turned 12°",
            Box::new(move |f, i| {
                let a = if i % 2 == 0 { 0.21f32 } else { -0.21 };
                let (s, c) = a.sin_cos();
                warp(&f, move |x, y| {
                    let (dx, dy) = (x - cx, y - cy);
                    (cx + c * dx + s * dy, cy - s * dx + c * dy)
                })
            }),
            1.0,
        ),
        (
            "at an angle",
            Box::new(move |f, _| {
                // Keystone: the top of the badge farther than its bottom.
                warp(&f, move |x, y| {
                    let k = 1.0 + 0.25 * (360.0 - y) / 720.0;
                    (cx + (x - cx) * k, y)
                })
            }),
            1.0,
        ),
        (
            "low light",
            Box::new(|f, i| {
                let mut seed = (i as u32).wrapping_mul(2_654_435_761).wrapping_add(1);
                image::GrayImage::from_fn(f.width(), f.height(), |x, y| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    let noise = (seed % 17) as i32 - 8;
                    let v = i32::from(f.get_pixel(x, y)[0]) * 30 / 100 + 10 + noise;
                    image::Luma([v.clamp(0, 255) as u8])
                })
            }),
            1.0,
        ),
        (
            "glare",
            Box::new(move |f, _| {
                image::GrayImage::from_fn(f.width(), f.height(), |x, y| {
                    let d = ((x as f32 - 760.0).powi(2) + (y as f32 - 250.0).powi(2)).sqrt();
                    let glare = (110.0 * (1.0 - d / 260.0)).max(0.0);
                    image::Luma([(f32::from(f.get_pixel(x, y)[0]) + glare).min(255.0) as u8])
                })
            }),
            1.0,
        ),
        (
            "motion blur",
            // The badge moving sideways while the shutter is open: nine
            // pixels of smear.
            Box::new(|f, _| {
                image::GrayImage::from_fn(f.width(), f.height(), |x, y| {
                    let sum: u32 = (0..9)
                        .map(|d| {
                            u32::from(
                                f.get_pixel((x + d).saturating_sub(4).min(f.width() - 1), y)[0],
                            )
                        })
                        .sum();
                    image::Luma([(sum / 9) as u8])
                })
            }),
            1.0,
        ),
        (
            "jpeg q30",
            Box::new(|f, _| {
                let mut bytes = Vec::new();
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 30)
                    .encode_image(&f)
                    .unwrap();
                image::load_from_memory(&bytes).unwrap().to_luma8()
            }),
            1.0,
        ),
        (
            "far away",
            // The badge at a third of the distance's size: a small code.
            Box::new(|f, _| {
                let small =
                    image::imageops::resize(&f, 448, 252, image::imageops::FilterType::Triangle);
                let mut frame = image::GrayImage::from_pixel(1280, 720, image::Luma([120]));
                image::imageops::overlay(&mut frame, &small, 300, 200);
                frame
            }),
            1.0,
        ),
        (
            "phone screen",
            // A ticket shown on a phone: washed-out contrast and the
            // screen's moiré in the camera.
            Box::new(|f, _| {
                image::GrayImage::from_fn(f.width(), f.height(), |x, y| {
                    let v = f32::from(f.get_pixel(x, y)[0]);
                    let moire = 18.0 * (x as f32 * 0.9 + y as f32 * 0.35).sin();
                    image::Luma([(90.0 + v * 0.55 + moire).clamp(0.0, 255.0) as u8])
                })
            }),
            1.0,
        ),
        (
            "inverted",
            // Light on dark, as some phone themes and ticket designs show it.
            Box::new(|mut f, _| {
                image::imageops::invert(&mut f);
                f
            }),
            1.0,
        ),
    ];
    let mut report = Vec::new();
    for (name, degrade, floor) in &degradations {
        let mut read = 0;
        let mut tried = 0;
        for (i, (badge, code)) in badges.iter().zip(codes).enumerate() {
            for (side, x, y) in [(700, 420, 10), (600, 180, 60)] {
                let frame = degrade(in_camera_view(badge, side, x, y), i);
                tried += 1;
                let got = camera::decode(&Frame::from_image(frame.clone()));
                if got == [code] {
                    read += 1;
                } else {
                    eprintln!("{name} {code} {side}: {got:?}");
                }
                // Every frame with its code beside it, as zxing-cpp's
                // samples are laid out: to measure other decoders on them
                // (BENCHMARKS.md, « Camera decoders »).
                if let Some(dir) = std::env::var_os("ACCUEIL_FRAMES") {
                    let stem = format!("{name}-{code}-{side}").replace([' ', '°'], "");
                    let at = Path::new(&dir).join(stem);
                    frame.save(at.with_extension("png")).unwrap();
                    std::fs::write(at.with_extension("txt"), code).unwrap();
                }
            }
        }
        let rate = read as f32 / tried as f32;
        report.push(format!("{name}: {read}/{tried}"));
        assert!(
            rate >= *floor,
            "{name}: {read}/{tried} decoded — {report:?}"
        );
    }
    eprintln!("decode rates: {report:?}");

    // Held in view for ten frames, then the next person: two scans.
    let first = Frame::from_image(in_camera_view(&badges[0], 660, 420, 30));
    let second = Frame::from_image(in_camera_view(&badges[1], 660, 420, 30));
    let mut frames = vec![first; 10];
    frames.extend(vec![second; 5]);
    let mut scans = Vec::new();
    let mut seen = 0;
    camera::run(
        Box::new(Recorded(frames.into_iter())),
        |_| seen += 1,
        |code| {
            scans.push(code);
            true
        },
    );
    assert_eq!(scans, ["NEC-1001", "NEC-1002"]);
    assert_eq!(seen, 15, "the preview saw every frame");
}

/// A page rendered at 100 dpi: whether anything is drawn in the outer
/// `margin` millimetres of it.
fn ink_in_margins(png: &Path, margin: f32) -> bool {
    let img = image::open(png).unwrap().to_luma8();
    let m = (margin * 100.0 / 25.4) as u32;
    img.enumerate_pixels().any(|(x, y, p)| {
        let edge = x < m || y < m || x >= img.width() - m || y >= img.height() - m;
        edge && p.0[0] < 200
    })
}

#[test]
#[ignore = "needs poppler-utils (pdftoppm, pdftotext): run by .ci/run"]
fn attendance_sheets_and_certificates_read_back_with_every_name_and_nothing_outside_the_page() {
    let ev = crate::common::Event::with_config(
        &crate::common::KIOSK_TOML
            .replace("[attestation]\n", "[attestation]\norganiser = \"Direction interministérielle du numérique\"\nsignatory = \"Marie Curie, directrice\"\nplace = \"Lyon\"\n"),
    );
    ev.ok(&["import", &crate::common::fixture_str("noms-difficiles.csv")]);
    let codes: Vec<String> = std::fs::read_to_string(crate::common::fixture("noms-difficiles.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(';').next().map(str::to_owned))
        .collect();
    // A session on now, at today's date: the event runs around today.
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let now = jiff::Timestamp::now();
    let at = |h: i64| {
        tz.to_datetime(now + jiff::SignedDuration::from_hours(h))
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let today = tz.to_datetime(now).date();
    std::fs::write(
        ev.path("kiosk.toml"),
        std::fs::read_to_string(ev.path("kiosk.toml"))
            .unwrap()
            .replace(
                "days = [\"2022-09-28\", \"2022-09-29\"]",
                &format!(
                    "days = [\"{}\", \"{today}\", \"{}\"]",
                    today.yesterday().unwrap(),
                    today.tomorrow().unwrap()
                ),
            )
            .replace(
                "days = [\"2022-09-29\"]",
                &format!("days = [\"{}\"]", today.tomorrow().unwrap()),
            ),
    )
    .unwrap();
    ev.write(
        "programme.csv",
        format!("Code;Titre;Salle;Début;Fin\nAT;Atelier « Écrire pour être compris : le langage clair dans les courriers administratifs »;Salle Marianne;{};{}\n", at(-2), at(1)),
    );
    ev.ok(&["programme", "programme.csv"]);
    // Who the door lets in (not the cancelled, nor categories expected
    // another day).
    // Half an hour ago: the certificates count the time since.
    fn half_an_hour_ago() -> jiff::Timestamp {
        jiff::Timestamp::now() - jiff::SignedDuration::from_mins(30)
    }
    let mut door = ev.kiosk().with_clock(half_an_hour_ago);
    let admitted_codes: Vec<&String> = codes
        .iter()
        .filter(|code| {
            door.door_scan(
                &accueil::app::Lookup::Code((*code).clone()),
                Some("Salle Marianne"),
                accueil::domain::programme::Direction::In,
            )
            .unwrap()
            .outcome
                == accueil::domain::programme::DoorOutcome::Admitted
        })
        .collect();
    drop(door);
    let sheet = ev.path("emargement.pdf");
    ev.ok(&[
        "emargement",
        "--session",
        "AT",
        "--signatures",
        "--out",
        sheet.to_str().unwrap(),
    ]);
    let text = text_of(&sheet);
    let k = ev.kiosk();
    for code in &codes {
        let r = k
            .registrant(&accueil::app::Lookup::Code(code.clone()))
            .unwrap()
            .unwrap();
        let name = squash(&format!("{}{}", r.last_name, r.first_name));
        assert_eq!(
            text.contains(&name),
            admitted_codes.contains(&code),
            "{} on the sheet as admitted: {text}",
            r.last_name
        );
    }
    let admitted = admitted_codes.len();
    assert!(admitted >= 5);
    let prefix = ev.path("emargement");
    poppler(
        "pdftoppm",
        &[
            "-r",
            "100",
            "-png",
            &sheet.to_string_lossy(),
            &prefix.to_string_lossy(),
        ],
    );
    let pages: Vec<_> = std::fs::read_dir(ev.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.to_string_lossy().contains("emargement-") && p.extension().is_some_and(|e| e == "png")
        })
        .collect();
    assert!(!pages.is_empty());
    for page in &pages {
        assert!(
            !ink_in_margins(page, 12.0),
            "{} draws in its margins",
            page.display()
        );
    }

    // Everyone's certificate, one file each, named by a number only.
    let dir = ev.path("attestations");
    ev.ok(&["attestation", "--all", "--out", dir.to_str().unwrap()]);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), admitted);
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("attestation-")
                && name[12..].trim_end_matches(".pdf").parse::<i64>().is_ok(),
            "{name}"
        );
        let t = text_of(f);
        assert!(
            t.contains("Attestationdeprésence") && t.contains("MarieCurie"),
            "{t}"
        );
        assert!(
            t.contains("Total:30min") || t.contains("Total:29min"),
            "{t}"
        );
    }
    let one = ev.path("une.pdf");
    ev.ok(&[
        "attestation",
        &codes[0],
        "--lang",
        "en",
        "--out",
        one.to_str().unwrap(),
    ]);
    assert!(text_of(&one).contains("Certificateofattendance"));
    // Someone who came to no session: no certificate, and why.
    let nobody = codes
        .iter()
        .find(|c| !admitted_codes.contains(c))
        .expect("someone the door did not let in");
    let out = ev.run(&[
        "attestation",
        nobody,
        "--out",
        ev.path("rien.pdf").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("aucune minute"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!ev.path("rien.pdf").exists(), "no certificate written");
}
