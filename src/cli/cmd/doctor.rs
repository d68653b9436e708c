//! `accueil doctor`: is the door ready? Exit 0 only if no check fails.

use std::io::BufRead;

use anyhow::Context;

use crate::app::{Kiosk, Level};
use crate::cli::output::Output;
use crate::cli::report;

/// With `scan`, first asks for a ticket to be scanned (the scanner's
/// keyboard layout is one of the checks).
pub(in crate::cli) fn run(kiosk: &mut Kiosk, out: &Output, scan: bool) -> anyhow::Result<()> {
    let scanned = if scan {
        eprintln!("Scannez un billet (ou tapez son code, puis Entrée) :");
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("lecture du scan sur l'entrée standard")?;
        Some(line.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        None
    };
    let report = kiosk.doctor(scanned.as_deref());
    out.show(&report::Diagnosis(&report))?;
    if !report.ready {
        let failed = report
            .checks
            .iter()
            .filter(|c| c.level == Level::Fail)
            .count();
        anyhow::bail!("pas prêt : {failed} vérification(s) en échec, voir ci-dessus");
    }
    Ok(())
}
