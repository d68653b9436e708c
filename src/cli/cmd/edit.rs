//! `accueil edit`: a registrant's name, organisation, e-mail or category
//! fixed at the desk (a record, replayed on every copy).

use crate::app::Kiosk;
use crate::cli::args::{DetailsArgs, Target};
use crate::cli::report;

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    who: Target,
    details: DetailsArgs,
) -> anyhow::Result<report::Edited> {
    let e = kiosk.edit(&who.lookup()?, details.patch())?;
    Ok(report::Edited {
        record: e.record.as_ref().map(|r| r.id),
        registrant: e.registrant,
        changed: e.changed,
    })
}
