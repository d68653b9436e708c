//! `accueil badge` (one person's badge) and `accueil badges` (everyone's,
//! or a category's, in one PDF), written to a file.

use std::path::PathBuf;

use crate::app::Kiosk;
use crate::badge::Format;
use crate::cli::args::Target;
use crate::cli::output::{with_progress, write_pdf};
use crate::cli::report;

pub(in crate::cli) fn one(
    kiosk: &mut Kiosk,
    who: Target,
    path: PathBuf,
    layout: Option<Format>,
) -> anyhow::Result<report::Badge> {
    let (registrant, pdf) = kiosk.badge_pdf(&who.lookup()?, layout)?;
    write_pdf(&path, &pdf)?;
    Ok(report::Badge {
        bytes: pdf.len(),
        path,
        registrant,
    })
}

pub(in crate::cli) fn all(
    kiosk: &mut Kiosk,
    path: PathBuf,
    category: Option<&str>,
    layout: Option<Format>,
    json: bool,
) -> anyhow::Result<report::Badges> {
    let (badges, pdf) = with_progress(json, "Badges", |progress| {
        kiosk.badges_pdf(category, layout, progress)
    })?;
    write_pdf(&path, &pdf)?;
    Ok(report::Badges {
        bytes: pdf.len(),
        path,
        badges,
    })
}
