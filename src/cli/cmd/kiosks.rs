//! `accueil kiosks`: on the hub, the kiosks enrolled; `--revoke` a stolen
//! one, `--readmit` it.

use crate::app::{Kiosk, KiosksReport};

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    revoke: Option<&str>,
    readmit: Option<&str>,
) -> anyhow::Result<KiosksReport> {
    Ok(match (revoke, readmit) {
        (Some(id), _) => kiosk.revoke_kiosk(id)?,
        (None, Some(id)) => kiosk.readmit_kiosk(id)?,
        (None, None) => kiosk.enrolled_kiosks()?,
    })
}
