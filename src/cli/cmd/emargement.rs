//! `accueil emargement`: a session's sign-in sheet, as PDF.

use std::path::PathBuf;

use crate::app::Kiosk;
use crate::cli::args::Lang;
use crate::cli::output::write_pdf;
use crate::cli::report;

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    session: &str,
    path: PathBuf,
    signatures: bool,
    lang: Lang,
) -> anyhow::Result<report::Written> {
    let pdf = kiosk.attendance_sheet(session, signatures, lang.into())?;
    write_pdf(&path, &pdf)?;
    Ok(report::Written {
        what: "feuille d'émargement",
        paths: vec![path],
        bytes: pdf.len(),
    })
}
