//! `accueil checkin`: one arrival (and its badge with `--print`), or one
//! per line of stdin with `-` (a scanner's log replayed).

use std::io::BufRead;

use anyhow::Context;
use serde_json::json;

use crate::app::{Kiosk, Lookup};
use crate::cli::output::{Output, flush_stdout};
use crate::cli::report;
use crate::domain::DaySpec;

/// One check-in, and its badge with `--print`: one line (one JSON object),
/// the print result beside the check-in.
pub(in crate::cli) fn one(
    kiosk: &mut Kiosk,
    lookup: Lookup,
    day: Option<DaySpec>,
    print: bool,
) -> anyhow::Result<report::Checked<'_>> {
    let (c, printed) = if print {
        let (c, printed) = kiosk.check_in_and_print(&lookup, day)?;
        (c, Some(printed))
    } else {
        (kiosk.check_in(&lookup, day)?, None)
    };
    Ok(report::Checked {
        event: &kiosk.config.event,
        lookup,
        c,
        print: printed.map(|p| p.map(|p| p.map(|p| p.job).map_err(|e| e.to_string()))),
    })
}

/// Replays codes from standard input, one per line (a scanner log): one
/// result line per code, flushed as soon as the arrival is durable.
pub(in crate::cli) fn stream(
    kiosk: &mut Kiosk,
    out: &Output,
    day: Option<DaySpec>,
    print: bool,
) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let (mut number, mut failed) = (0usize, 0usize);
    // Bytes, not lines of UTF-8: a Latin-1 scanner log must not stop the replay.
    for line in stdin.lock().split(b'\n') {
        let line = line.context("lecture de l'entrée standard")?;
        let line = String::from_utf8_lossy(&line);
        let code = line.trim();
        if code.is_empty() {
            continue;
        }
        number += 1;
        // One line that cannot be recorded (a full disk, a database busy
        // beyond its wait) is said, and the next scans still go in.
        let shown = one(kiosk, Lookup::Code(code.to_owned()), day, print)
            .and_then(|checked| out.show(&checked));
        if let Err(e) = shown {
            failed += 1;
            let message = crate::cli::one_line(&e);
            if out.json {
                out.line(&json!({ "line": number, "code": code, "error": message }));
            }
            eprintln!("accueil : ligne {number} « {code} » non enregistrée : {message}");
        }
        flush_stdout();
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} code(s) sur {number} non enregistré(s) (voir chaque ligne ci-dessus) — relancez-les une fois le problème réglé : un code déjà enregistré répond « déjà là »"
        );
    }
    Ok(())
}
