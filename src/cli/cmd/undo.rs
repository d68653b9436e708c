//! `accueil undo`: an arrival recorded by mistake, reverted (by a record
//! that names it: the log only grows).

use crate::app::Kiosk;
use crate::cli::args::Target;
use crate::cli::report;
use crate::domain::DaySpec;

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    who: Target,
    day: Option<DaySpec>,
) -> anyhow::Result<report::Undone<'_>> {
    let lookup = who.lookup()?;
    let u = kiosk.undo(&lookup, day)?;
    Ok(report::Undone {
        event: &kiosk.config.event,
        lookup,
        u,
    })
}
