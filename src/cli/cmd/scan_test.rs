//! `accueil scan-test`: « Tester le lecteur » without a screen — what the
//! scanner typed, and what that says of its keyboard layout.

use std::io::BufRead;

use anyhow::Context;

use crate::app::Kiosk;
use crate::cli::output::{Output, flush_stdout};
use crate::cli::report;

/// One report per code given, or per line of stdin when none is.
pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    out: &Output,
    codes: Vec<String>,
) -> anyhow::Result<()> {
    let mut one = |read: &str| -> anyhow::Result<()> {
        out.show(&report::ScanTested(kiosk.test_scan(read)?))
    };
    if codes.is_empty() {
        let stdin = std::io::stdin();
        for line in stdin.lock().split(b'\n') {
            let line = line.context("lecture de l'entrée standard")?;
            let line = String::from_utf8_lossy(&line);
            let read = line.strip_suffix('\r').unwrap_or(&line);
            if read.is_empty() {
                continue;
            }
            one(read)?;
            flush_stdout();
        }
    } else {
        for code in &codes {
            one(code)?;
        }
    }
    Ok(())
}
