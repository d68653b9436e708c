//! Printing against a real CUPS server with the cups-pdf virtual printer
//! "PDF", as started by .ci/cups-start (run by .ci/run). Ignored in plain
//! `cargo test`; fails loudly when CUPS is not there.
//!
//! One test function on purpose: the scenario disables and re-enables the
//! one shared printer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use common::{Event, fixture_str};
use serde_json::Value;

fn cups_config(server: &str) -> String {
    common::KIOSK_TOML.replace(
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
