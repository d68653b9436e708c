//! `accueil person`: everything the copy keeps of someone (GDPR right of
//! access).

use crate::app::Kiosk;
use crate::cli::args::Target;
use crate::cli::report;

pub(in crate::cli) fn run(kiosk: &mut Kiosk, who: Target) -> anyhow::Result<report::Person> {
    Ok(report::Person(kiosk.person(&who.lookup()?)?))
}
