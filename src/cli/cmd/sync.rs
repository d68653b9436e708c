//! `accueil sync --once`: one round with the hub — or with pretix, on the
//! copy that talks to it. Exit 0 only when everything was acknowledged.

use crate::app::Kiosk;
use crate::cli::output::Output;
use crate::cli::report;

/// `accueil sync --once`: one round with the hub (or with pretix, on the
/// copy that talks to it); exit 0 only when everything was acknowledged.
pub(in crate::cli) fn run(kiosk: &mut Kiosk, out: &Output) -> anyhow::Result<()> {
    if kiosk.talks_to_pretix() {
        return with_pretix(kiosk, out);
    }
    let round = kiosk.sync_once(std::time::Duration::from_secs(30))?;
    out.show(&report::Synced(&round))?;
    if !round.refused.is_empty() {
        let views = kiosk.refused_records(10_000)?;
        for r in &round.refused {
            let who = views
                .iter()
                .find(|v| v.id == r.id)
                .and_then(|v| v.name.clone())
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            eprintln!(
                "refusée par le hub : entrée n° {} du journal « {} »{who} — {} ; elle reste sur ce kiosque, hors des comptes, et ne sera pas renvoyée",
                r.seq, r.log, r.reason
            );
        }
    }
    for r in &round.waiting {
        eprintln!(
            "en attente au hub : entrée n° {} du journal « {} » — {} ; comptée dès que le hub reçoit ce qu'il lui faut (l'inscription sur place d'un autre kiosque, la liste), sans renvoi",
            r.seq, r.log, r.reason
        );
    }
    if round.moved > 0 {
        eprintln!(
            "le hub tenait d'autres entrées aux numéros de ce kiosque (base restaurée ou copiée ?) : {} entrée(s) passée(s) dans un nouveau journal et envoyée(s) — rien n'est perdu",
            round.moved
        );
    }
    if let Some(warning) = round.clock_offset.and_then(crate::sync::clock_warning) {
        eprintln!("{warning}");
    }
    if round.pending > 0 {
        anyhow::bail!(
            "{} entrée(s) pas encore accusée(s) par le hub — relancez « accueil sync --once »",
            round.pending
        );
    }
    Ok(())
}

/// `accueil sync --once` on the copy that talks to pretix: push, pull,
/// exit 0 only when pretix settled every arrival and undo.
fn with_pretix(kiosk: &mut Kiosk, out: &Output) -> anyhow::Result<()> {
    let round = kiosk.pretix_once(std::time::Duration::from_secs(30), true)?;
    out.show(&report::PretixSynced(&round))?;
    for n in &round.notices {
        eprintln!("pretix : {}", crate::pretix::notice_line(n));
    }
    if let Some(why) = &round.retry {
        anyhow::bail!(
            "pretix demande de réessayer ({why}) : {} entrée(s) en attente — relancez « accueil sync --once »",
            round.pending
        );
    }
    if round.pending > 0 {
        anyhow::bail!(
            "{} entrée(s) pas encore acceptée(s) par pretix — relancez « accueil sync --once »",
            round.pending
        );
    }
    Ok(())
}
