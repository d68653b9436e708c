//! `accueil kiosks`: on the hub's copy, the kiosks enrolled; `--revoke` a stolen
//! one, `--readmit` it.

use crate::app::{HubCopy, KiosksReport};

pub(in crate::cli) fn run(
    hub: &mut HubCopy,
    revoke: Option<&str>,
    readmit: Option<&str>,
) -> anyhow::Result<KiosksReport> {
    Ok(match (revoke, readmit) {
        (Some(id), _) => hub.revoke_kiosk(id)?,
        (None, Some(id)) => hub.readmit_kiosk(id)?,
        (None, None) => hub.enrolled_kiosks()?,
    })
}
