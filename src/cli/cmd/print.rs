//! `accueil print`: a badge sent to the printer (`--status`: the queue).

use crate::app::{Kiosk, PrintState};
use crate::cli::args::Target;
use crate::cli::output::Output;
use crate::cli::report;

/// The queue's last jobs and the printer they go to.
pub(in crate::cli) fn status(kiosk: &mut Kiosk) -> anyhow::Result<report::PrintQueue<'_>> {
    Ok(report::PrintQueue {
        jobs: kiosk.print_status(20)?,
        printer: kiosk.config.printer.printer.describe(),
        event: &kiosk.config.event,
    })
}

/// Prints someone's badge; says what the printer did, and fails (after
/// saying it) when the job failed.
pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    out: &Output,
    who: Target,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    let p = kiosk.print_badge(&who.lookup()?, reason, false)?;
    let failed = (p.job.state == PrintState::Failed).then(|| p.job.error.clone());
    out.show(&report::Printed {
        registrant: p.registrant,
        job: p.job,
        printed_before: p.printed_before,
        event: &kiosk.config.event,
    })?;
    if let Some(error) = failed {
        anyhow::bail!(
            "l'impression a échoué : {} — une fois corrigé, relancez « accueil print »",
            error.as_deref().unwrap_or("raison inconnue")
        );
    }
    Ok(())
}
