//! `accueil purge`: after the event, names and codes erased, anonymous
//! counts kept; without `--yes`, only what would be erased.

use crate::app::Kiosk;
use crate::cli::report;

pub(in crate::cli) fn run(kiosk: &mut Kiosk, yes: bool) -> anyhow::Result<report::Purged> {
    Ok(report::Purged(kiosk.purge(yes)?))
}
