//! `accueil attestation`: certificates of attendance, one person's or
//! everyone's who came (`--all`, one PDF each in a folder).

use std::path::PathBuf;

use anyhow::Context;

use crate::app::Kiosk;
use crate::cli::args::{Lang, OptionalTarget, Target};
use crate::cli::output::write_pdf;
use crate::cli::report;

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    who: OptionalTarget,
    all: bool,
    path: PathBuf,
    lang: Lang,
) -> anyhow::Result<report::Written> {
    let lookup = match all {
        true => None,
        false => Some(
            Target {
                code: who.code,
                id: who.id,
            }
            .lookup()?,
        ),
    };
    let made = kiosk.certificates(lookup.as_ref(), lang.into())?;
    let mut paths = Vec::new();
    let mut bytes = 0;
    if all {
        std::fs::create_dir_all(&path).with_context(|| {
            format!(
                "dossier {} impossible à créer — vérifiez ses droits",
                path.display()
            )
        })?;
        for (r, pdf) in &made {
            // The local number, never a name or a ticket code.
            let file = path.join(format!("attestation-{}.pdf", r.id));
            write_pdf(&file, pdf)?;
            bytes += pdf.len();
            paths.push(file);
        }
    } else if let Some((_, pdf)) = made.first() {
        write_pdf(&path, pdf)?;
        bytes = pdf.len();
        paths.push(path);
    }
    Ok(report::Written {
        what: "attestation(s)",
        paths,
        bytes,
    })
}
