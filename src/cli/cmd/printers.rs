//! `accueil printers`: the CUPS queues this machine can print to.

use crate::cli::report;

pub(in crate::cli) fn run(server: &str) -> anyhow::Result<report::Printers> {
    Ok(report::Printers {
        printers: crate::app::printers(server)?,
    })
}
