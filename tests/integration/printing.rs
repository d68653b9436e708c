//! Printing against a real CUPS server with the cups-pdf virtual printer
//! "PDF", as started by .ci/cups-start (run by .ci/run). Ignored in plain
//! `cargo test`; fails loudly when CUPS is not there.
//!
//! One test function on purpose: the scenario disables and re-enables the
//! one shared printer.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use crate::common::{Event, fixture_str};
use serde_json::Value;

fn cups_config(server: &str) -> String {
    crate::common::KIOSK_TOML.replace(
        "kind = \"folder\"",
        &format!("kind = \"cups\"\nname = \"PDF\"\nserver = \"{server}\""),
    )
}

/// Where cups-pdf writes jobs of users without an account (.ci/cups-start).
fn cups_pdf_dir() -> PathBuf {
    std::env::var_os("ACCUEIL_CUPS_PDF_DIR").map_or_else(
        || PathBuf::from("/var/spool/cups-pdf/ANONYMOUS"),
        PathBuf::from,
    )
}

/// cups-pdf's file for a CUPS job of this test. CUPS numbers jobs afresh
/// when its state is reset while the folder keeps earlier runs' files
/// (`job_41.pdf` of this afternoon): only files written since `since`
/// count.
fn output_of(job: &str, since: SystemTime) -> Option<PathBuf> {
    let since = since - Duration::from_secs(2);
    std::fs::read_dir(cups_pdf_dir())
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since)
        })
        .find(|p| p.to_string_lossy().ends_with(&format!("job_{job}.pdf")))
}

fn cups(args: &[&str]) {
    let (cmd, rest) = args.split_first().unwrap();
    let ok = Command::new(cmd)
        .args(rest)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "{args:?} failed: is CUPS running? (.ci/cups-start)");
}

/// CUPS prints asynchronously and has no event to wait on here: ask the
/// kiosk's own status command until the job is done, within a deadline.
fn wait_until_printed(ev: &Event, job_id: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = ev.json(&["print", "--status"]);
        let job = status["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["id"] == job_id)
            .cloned()
            .unwrap();
        if job["state"] == "done" || job["state"] == "failed" || Instant::now() > deadline {
            return job;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
#[ignore = "needs a running CUPS with the cups-pdf printer PDF: run by .ci/run"]
fn badges_print_on_a_real_cups_queue_and_survive_a_stopped_printer() {
    let status = Command::new("lpstat").args(["-p", "PDF"]).output();
    assert!(
        status.as_ref().is_ok_and(|o| o.status.success()),
        "CUPS printer PDF not found: start it with .ci/cups-start ({status:?})"
    );
    let since = SystemTime::now();
    let ev = Event::with_config(&cups_config("http://localhost:631"));
    ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);

    // 1. Print: CUPS accepts, the badge is logged as printed, cups-pdf writes it.
    let p = ev.json(&["print", "NEC-1001"]);
    assert_eq!(p["printed_before"], 0);
    assert!(
        matches!(p["job"]["state"].as_str(), Some("sent" | "done")),
        "{p}"
    );
    let job = wait_until_printed(&ev, p["job"]["id"].as_i64().unwrap());
    assert_eq!(job["state"], "done", "{job}");
    let out =
        output_of(job["printer_job"].as_str().unwrap(), since).expect("cups-pdf wrote the badge");
    // What came out of the printer still scans: rasterise and decode.
    let png = out.with_extension("");
    let tmp = ev.path("printed");
    let ok = Command::new("pdftoppm")
        .args([
            "-r",
            "200",
            "-png",
            "-singlefile",
            &out.to_string_lossy(),
            &tmp.to_string_lossy(),
        ])
        .status()
        .unwrap();
    assert!(ok.success(), "{}", png.display());
    let img = image::open(ev.path("printed.png")).unwrap().to_luma8();
    let codes: Vec<String> = rqrr::PreparedImage::prepare(img)
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok())
        .map(|d| d.1)
        .collect();
    assert_eq!(codes, ["NEC-1001"]);

    // 2. The printer is stopped (out of paper, lid open): the job waits at
    //    CUPS, nothing comes out, nothing is lost.
    cups(&["cupsdisable", "PDF"]);
    let p = ev.json(&["print", "NEC-1002", "--reason", "badge perdu"]);
    let id = p["job"]["id"].as_i64().unwrap();
    assert_eq!(p["job"]["state"], "sent", "accepted by CUPS, waiting: {p}");
    let printer_job = p["job"]["printer_job"].as_str().unwrap().to_owned();
    // A new process (the kiosk restarted) still knows the job and where it is.
    let status = ev.json(&["print", "--status"]);
    let listed = status["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["id"] == id)
        .cloned()
        .unwrap();
    assert_eq!(listed["state"], "sent");
    assert_eq!(
        listed["error"], "imprimante arrêtée : mise en pause",
        "staff see why: {listed}"
    );
    assert!(
        output_of(&printer_job, since).is_none(),
        "nothing printed while the printer is stopped"
    );
    cups(&["cupsenable", "PDF"]);
    let job = wait_until_printed(&ev, id);
    assert_eq!(job["state"], "done", "{job}");
    assert!(output_of(&printer_job, since).is_some());

    // 3. The print server itself is unreachable: the job stays queued in the
    //    kiosk's database, with the reason, and leaves when the server is back.
    let away = Event::with_config(&cups_config("http://127.0.0.1:9"));
    std::fs::copy(ev.path("accueil.sqlite"), away.path("accueil.sqlite")).unwrap();
    let p = away.json(&["print", "NEC-1003"]);
    assert_eq!(p["job"]["state"], "queued", "{p}");
    assert!(
        p["job"]["error"].as_str().unwrap().contains("injoignable"),
        "{p}"
    );
    let id = p["job"]["id"].as_i64().unwrap();
    std::fs::write(away.path("kiosk.toml"), cups_config("http://localhost:631")).unwrap();
    let job = wait_until_printed(&away, id);
    assert_eq!(job["state"], "done", "{job}");
    assert!(job["attempts"].as_i64().unwrap() >= 2, "retried: {job}");

    // Printed badges are logged (accepted jobs only) and counted as reprints.
    let again = away.json(&["print", "NEC-1002"]);
    assert_eq!(again["printed_before"], 1);
    assert_eq!(again["job"]["reason"], "réimpression");

    // 4. Killed just after CUPS took a job, before noting it: the next pass
    //    finds the job at CUPS by its name and follows it — printed once.
    let mut k = away.kiosk();
    let who = k
        .registrant(&accueil::app::Lookup::Code("NEC-1004".into()))
        .unwrap()
        .unwrap();
    let (_, pdf) = k
        .badge_pdf(&accueil::app::Lookup::Uid(who.uid), None)
        .unwrap();
    let now = jiff::Timestamp::now();
    let name = format!(
        "badge-accueil-1-{}",
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    let media = "custom_105x148mm_105x148mm";
    let id = k
        .staging()
        .job_left_submitting(
            &accueil::app::NewJob {
                registrant: who.uid,
                reason: "badge",
                printer: "PDF",
                title: "Badge",
                job_name: &name,
                media,
                pdf: &pdf,
            },
            now,
        )
        .unwrap();
    let accepted = k.config.printer.printer.submit(&pdf, &name, media).unwrap();
    drop(k);
    let job = wait_until_printed(&away, id);
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(
        job["printer_job"], accepted.job,
        "the job CUPS held, not a second one: {job}"
    );
    assert_eq!(job["attempts"], 1, "{job}");
}

/// Where .ci/cups-start's label queues write the printer's own data.
fn label_output(queue: &str) -> PathBuf {
    PathBuf::from("/var/spool/accueil-labels").join(format!("{}.bin", queue.to_lowercase()))
}

fn label_config(queue: &str, size: &str) -> String {
    cups_config("http://localhost:631")
        .replace("name = \"PDF\"", &format!("name = \"{queue}\""))
        .replace("size = \"a6\"", &format!("size = \"{size}\""))
}

/// A Brother QL raster stream (the ptouch driver's output) back into
/// pixels: `g 0x00 n` + n bytes per dot line, `Z` a blank line, the
/// print command (0x1A or 0x0C) ends the page. Brother lays a line out
/// from the far edge, so the image is mirrored back.
fn brother_raster(data: &[u8]) -> image::GrayImage {
    let start = data
        .windows(4)
        .position(|w| w == b"\x1bia\x01")
        .expect("ESC i a 01: raster mode");
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut i = start + 4;
    while i < data.len() {
        match data[i] {
            b'g' => {
                let n = data[i + 2] as usize;
                lines.push(data[i + 3..i + 3 + n].to_vec());
                i += 3 + n;
            }
            b'Z' => {
                lines.push(vec![0; lines.last().map_or(90, Vec::len)]);
                i += 1;
            }
            0x1a | 0x0c => break,
            // ESC i … commands: their lengths are fixed per command.
            0x1b => {
                i += match data.get(i + 2) {
                    Some(b'z') => 13,
                    Some(b'd') => 5,
                    Some(b'K' | b'A' | b'M' | b'a' | b'!') => 4,
                    _ => 2,
                };
            }
            b'M' => i += 2,
            _ => i += 1,
        }
    }
    assert!(!lines.is_empty(), "no raster lines");
    let width = lines[0].len() * 8;
    let margin = 8;
    let mut img = image::GrayImage::from_pixel(
        (width + 2 * margin) as u32,
        (lines.len() + 2 * margin) as u32,
        image::Luma([255]),
    );
    for (y, line) in lines.iter().enumerate() {
        for x in 0..width {
            if line[x / 8] & (0x80 >> (x % 8)) != 0 {
                img.put_pixel(
                    (margin + width - 1 - x) as u32,
                    (margin + y) as u32,
                    image::Luma([0]),
                );
            }
        }
    }
    img
}

/// A DYMO LabelWriter stream (printer-driver-dymo's output) back into
/// pixels: `ESC D n` bytes a line, `ESC B n` bytes skipped at its start,
/// `SYN` + n bytes a line as is, `ETB` + runs a compressed line (a byte a
/// run: its high bit black or white, the rest the run's dots less one),
/// `ESC f 1 n` n blank lines, `ESC E` the end of the label.
fn dymo_raster(data: &[u8]) -> image::GrayImage {
    let mut i = data
        .windows(2)
        .position(|w| w == b"\x1bQ")
        .expect("ESC Q: the start of a label");
    let (mut per_line, mut skip) = (0usize, 0usize);
    let mut rows: Vec<Vec<bool>> = Vec::new();
    while i < data.len() {
        match data[i] {
            0x1b => match data[i + 1] {
                b'B' => (skip, i) = (data[i + 2] as usize, i + 3),
                b'D' => (per_line, i) = (data[i + 2] as usize, i + 3),
                b'f' => {
                    rows.extend(std::iter::repeat_n(Vec::new(), data[i + 3] as usize));
                    i += 4;
                }
                b'L' | b'Q' => i += 4,
                b'E' => break,
                _ => i += 2,
            },
            0x16 => {
                let mut row = vec![false; skip * 8];
                for b in &data[i + 1..i + 1 + per_line] {
                    row.extend((0..8).map(|k| b & (0x80 >> k) != 0));
                }
                rows.push(row);
                i += 1 + per_line;
            }
            0x17 => {
                let (mut row, mut j) = (vec![false; skip * 8], i + 1);
                while row.len() < (skip + per_line) * 8 {
                    let run = data[j];
                    row.extend(std::iter::repeat_n(
                        run & 0x80 != 0,
                        usize::from(run & 0x7f) + 1,
                    ));
                    j += 1;
                }
                assert_eq!(row.len(), (skip + per_line) * 8, "a compressed line's runs");
                rows.push(row);
                i = j;
            }
            other => panic!("byte {other:#04x} at {i} in the DYMO stream"),
        }
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0) as u32;
    let mut img =
        image::GrayImage::from_pixel(width + 40, rows.len() as u32 + 40, image::Luma([255]));
    for (y, row) in rows.iter().enumerate() {
        for (x, black) in row.iter().enumerate() {
            if *black {
                img.put_pixel(x as u32 + 20, y as u32 + 20, image::Luma([0]));
            }
        }
    }
    img
}

/// The graphic a Zebra ZPL stream downloads (`~DGR:name,total,row,`,
/// CUPS's rastertolabel output) back into pixels. Its data is hex, two
/// digits a byte, compressed: `G`–`Y` repeat the next digit 1–19 times,
/// `g`–`z` 20–400 times (the two add up), `,` ends a row with white, `!`
/// with black, `:` repeats the row before.
fn zpl_graphic(data: &[u8]) -> image::GrayImage {
    let start = data
        .windows(5)
        .position(|w| w == b"~DGR:")
        .expect("~DG: a downloaded graphic");
    let header_end = start
        + data[start..]
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b',')
            .nth(2)
            .expect("~DGR:name,total,row,")
            .0;
    let header = std::str::from_utf8(&data[start..header_end]).unwrap();
    let fields: Vec<&str> = header.split(',').collect();
    let (total, row): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let digits = row * 2;
    let mut rows: Vec<Vec<u8>> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let mut count = 0usize;
    for &c in &data[header_end + 1..] {
        match c {
            b'G'..=b'Y' => count += usize::from(c - b'G') + 1,
            b'g'..=b'z' => count += (usize::from(c - b'g') + 1) * 20,
            b'0'..=b'9' | b'A'..=b'F' => {
                let v = (c as char).to_digit(16).unwrap() as u8;
                line.extend(std::iter::repeat_n(v, count.max(1)));
                count = 0;
            }
            b',' | b'!' => {
                let fill = if c == b',' { 0 } else { 15 };
                line.resize(digits, fill);
            }
            b':' => line = rows.last().cloned().unwrap_or_else(|| vec![0; digits]),
            b'^' | b'~' => break,
            _ => {}
        }
        if line.len() >= digits {
            assert_eq!(line.len(), digits, "a row of {digits} digits");
            rows.push(std::mem::take(&mut line));
        }
    }
    assert_eq!(rows.len() * row, total, "every row of the graphic");
    // White margins around the label: the QR needs its quiet zone.
    let (w, h) = (row as u32 * 8, rows.len() as u32);
    let mut img = image::GrayImage::from_pixel(w + 40, h + 40, image::Luma([255]));
    for (y, r) in rows.iter().enumerate() {
        for (i, nibble) in r.iter().enumerate() {
            for bit in 0..4 {
                if nibble & (8 >> bit) != 0 {
                    let x = i as u32 * 4 + bit;
                    img.put_pixel(x + 20, y as u32 + 20, image::Luma([0]));
                }
            }
        }
    }
    img
}

fn qr_codes(img: image::GrayImage) -> Vec<String> {
    rqrr::PreparedImage::prepare(img)
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok())
        .map(|d| d.1)
        .collect()
}

/// A label printer cannot print an A6 badge: before, the Brother queue cut
/// it to its 62 mm roll and CUPS called the job completed. The queue is
/// asked what it prints; a badge it would crop or shrink is refused before
/// anything is sent, with the formats that fit; those print, and the
/// printer's own raster still scans.
#[test]
#[ignore = "needs CUPS with the Brother QL and DYMO LabelWriter drivers (.ci/cups-start): run by .ci/run"]
fn label_printers_print_the_badges_that_fit_and_refuse_the_others_before_sending() {
    for queue in ["QL820", "LW450"] {
        let status = Command::new("lpstat").args(["-p", queue]).output();
        assert!(
            status.as_ref().is_ok_and(|o| o.status.success()),
            "CUPS queue {queue} not found: start it with .ci/cups-start ({status:?})"
        );
    }
    let modified = |queue: &str| {
        std::fs::metadata(label_output(queue))
            .and_then(|m| m.modified())
            .ok()
    };
    for (queue, fits, wide) in [
        ("QL820", "62mm-roll", "62,1 mm de large"),
        // The driver's custom range stops at 56.9 mm, whatever its labels.
        ("LW450", "dymo-99014", "56,9 mm de large"),
    ] {
        // An A6 badge: refused, nothing reaches CUPS, staff are told why
        // and what to set.
        let ev = Event::with_config(&label_config(queue, "a6"));
        ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
        let before = modified(queue);
        let out = ev.run(&["--json", "print", "NEC-1001"]);
        assert!(!out.status.success(), "{queue}: the badge is not printed");
        // The report, then the error: one JSON document a line.
        let stdout = String::from_utf8(out.stdout).unwrap();
        let p: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
        assert_eq!(p["job"]["state"], "failed", "{p}");
        let why = p["job"]["error"].as_str().unwrap();
        for says in [
            "105 × 148 mm",
            "rien n'a été envoyé",
            "[badge] size",
            fits,
            wide,
        ] {
            assert!(why.contains(says), "{queue}: « {says} » in « {why} »");
        }
        assert!(
            !why.contains("a4-2x2"),
            "no sheet format on a label printer: {why}"
        );
        let held = Command::new("lpstat").args(["-o", queue]).output().unwrap();
        assert!(held.stdout.is_empty(), "{queue} holds a job: {held:?}");
        assert_eq!(modified(queue), before, "{queue}: nothing printed");
        // A second badge goes the same way: one refusal does not stall the
        // queue, and the printer is not asked again for each badge.
        let out = ev.run(&["--json", "print", "NEC-1002"]);
        assert!(!out.status.success());

        // The format that fits prints.
        std::fs::write(ev.path("kiosk.toml"), label_config(queue, fits)).unwrap();
        let p = ev.json(&["print", "NEC-1003"]);
        let job = wait_until_printed(&ev, p["job"]["id"].as_i64().unwrap());
        assert_eq!(job["state"], "done", "{queue}: {job}");
        assert_ne!(modified(queue), before, "{queue} wrote the label");
        let data = std::fs::read(label_output(queue)).unwrap();
        assert!(data.len() > 1000, "{queue}: {} bytes", data.len());
        if queue == "QL820" {
            // 62 mm at 300 dpi: 720 dots a line, about 100 mm of lines.
            let img = brother_raster(&data);
            assert!(
                (1050..=1250).contains(&img.height()),
                "{} lines",
                img.height()
            );
            assert_eq!(qr_codes(img), ["NEC-1003"], "the printed label scans");
        }
        if queue == "LW450" {
            // The driver prints the label's imageable area only (5.5 mm
            // short of its top): the badge drew nothing there, so the
            // first printed lines are blank — the event's name was cut in
            // half before.
            let img = dymo_raster(&data);
            let first_lines_blank =
                (20..26).all(|y| (0..img.width()).all(|x| img.get_pixel(x, y).0[0] == 255));
            assert!(
                first_lines_blank,
                "nothing of the badge lost above the printed area"
            );
            assert!(
                (1000..=1200).contains(&(img.height() - 40)),
                "{} lines",
                img.height() - 40
            );
            assert_eq!(qr_codes(img), ["NEC-1003"], "the printed label scans");
        }
    }
}

/// A Zebra label printer (CUPS's own ZPL driver): the 4 × 3 in and
/// 4 × 6 in badges go out as graphics of the label's exact size at
/// 203 dpi, black and white, and the printed label still scans.
#[test]
#[ignore = "needs CUPS with its Zebra ZPL queue (.ci/cups-start): run by .ci/run"]
fn a_zebra_printer_prints_4_by_3_and_4_by_6_inch_badges_that_scan() {
    let status = Command::new("lpstat").args(["-p", "ZPL"]).output();
    assert!(
        status.as_ref().is_ok_and(|o| o.status.success()),
        "CUPS queue ZPL not found: start it with .ci/cups-start ({status:?})"
    );
    for (size, code, lines) in [("4x3in", "NEC-1001", 609), ("4x6in", "NEC-1002", 1218)] {
        let ev = Event::with_config(&label_config("ZPL", size));
        ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
        let p = ev.json(&["print", code]);
        let job = wait_until_printed(&ev, p["job"]["id"].as_i64().unwrap());
        assert_eq!(job["state"], "done", "{size}: {job}");
        let data = std::fs::read(label_output("ZPL")).unwrap();
        let text = String::from_utf8_lossy(&data);
        assert!(
            text.contains("^PW812"),
            "4 in at 203 dpi: {}",
            &text[text.len().saturating_sub(200)..]
        );
        let img = zpl_graphic(&data);
        assert_eq!(
            img.height() - 40,
            lines,
            "{size}: the label's length at 203 dpi"
        );
        assert_eq!(qr_codes(img), [code], "{size}: the printed label scans");
    }
}

/// `accueil doctor` asks the real queue what it prints: an A6 badge on the
/// Brother's 62 mm roll keeps the door shut, with the formats that fit;
/// the 62 mm badge on it opens it.
#[test]
#[ignore = "needs CUPS with the Brother QL driver (.ci/cups-start): run by .ci/run"]
fn the_doctor_asks_the_label_printer_whether_the_badge_fits() {
    for (size, ready) in [("a6", false), ("62mm-roll", true)] {
        let ev = Event::with_config(&label_config("QL820", size));
        ev.ok(&["import", &fixture_str("noms-difficiles.csv")]);
        let out = ev.run(&["--json", "doctor"]);
        let report: Value =
            serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap())
                .unwrap();
        assert_eq!(out.status.success(), ready, "{size}: {report}");
        let printer = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "printer")
            .unwrap();
        if ready {
            assert_eq!(printer["level"], "ok", "{printer}");
            assert!(
                printer["detail"].as_str().unwrap().contains("62mm-roll"),
                "{printer}"
            );
        } else {
            assert_eq!(printer["level"], "fail", "{printer}");
            let why = printer["detail"].as_str().unwrap();
            assert!(
                why.contains("105 × 148 mm") && why.contains("62mm-roll"),
                "{why}"
            );
        }
    }
}
