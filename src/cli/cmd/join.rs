//! `accueil join`: this machine enrols with a hub by its invitation code.

use std::path::Path;

use crate::cli::args::{JoinMode, Lang};

pub(in crate::cli) struct Join<'a> {
    pub config: &'a Path,
    pub db: Option<&'a Path>,
    pub code: &'a str,
    pub hub: Option<&'a str>,
    pub mode: JoinMode,
    pub printer: Option<String>,
    pub language: Lang,
}

pub(in crate::cli) fn run(j: Join<'_>) -> anyhow::Result<crate::app::Joined> {
    use crate::domain::enrolment::Invitation;
    let invitation = match j.hub {
        Some(hub) => Invitation::typed(hub, j.code)?,
        None => Invitation::read(j.code)?,
    };
    let setup = crate::app::Setup {
        mode: j.mode.into(),
        printer: match j.printer {
            Some(queue) => crate::app::PrinterChoice::Cups(queue),
            None => crate::app::PrinterChoice::Folder,
        },
        language: j.language.into(),
    };
    let (_, joined) = crate::app::join(
        j.config,
        j.db,
        &invitation,
        &setup,
        std::time::Duration::from_secs(60),
    )?;
    Ok(joined)
}
