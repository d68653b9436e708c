//! `accueil stats`: the figures, day by day and category by category.

use crate::app::Kiosk;
use crate::cli::report;

pub(in crate::cli) fn run(kiosk: &mut Kiosk) -> anyhow::Result<report::Figures<'_>> {
    // Past the retention date, the statistics say so until purged.
    if let Some(notice) = kiosk.retention_notice()? {
        eprintln!("accueil : {notice}");
    }
    Ok(report::Figures {
        stats: kiosk.stats()?,
        event: &kiosk.config.event,
    })
}
