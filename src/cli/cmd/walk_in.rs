//! `accueil walk-in`: someone registered at the door, and let in.

use crate::app::Kiosk;
use crate::cli::args::DetailsArgs;
use crate::cli::report;
use crate::domain::{DaySpec, Details};

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    details: DetailsArgs,
    day: Option<DaySpec>,
) -> anyhow::Result<report::WalkedIn<'_>> {
    let w = kiosk.walk_in(details.patch().apply(&Details::default()), day)?;
    Ok(report::WalkedIn {
        event: &kiosk.config.event,
        w,
    })
}
