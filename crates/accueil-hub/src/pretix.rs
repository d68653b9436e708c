//! With `[source] kind = "pretix"`: the hub's thread that pushes every
//! kiosk's arrivals to pretix and brings its list and refusals back.

use std::sync::Arc;
use std::time::Duration;

use accueil_core::app::{Cadence, HubCopy, Next, Worker};

use crate::{Hub, HubError};

/// How often the hub pushes to pretix without being woken by an upload,
/// and how long it waits for pretix.
const PRETIX_EVERY: Duration = Duration::from_secs(2);
const PRETIX_TIMEOUT: Duration = Duration::from_secs(20);

/// The hub's pretix thread, on its own connection to the hub's copy: pushes
/// arrivals and undos as kiosks upload them (woken by each upload, else
/// every [`PRETIX_EVERY`]), downloads the list every `refresh_seconds`;
/// tells open pages and kiosks. Says on stderr when pretix goes away and
/// comes back.
pub(crate) fn start_pretix(hub: &Arc<Hub>, own: HubCopy) -> Result<(), HubError> {
    let weak = Arc::downgrade(hub);
    let mut last_error: Option<String> = None;
    // Kept between rounds: its connections to pretix stay open.
    let mut client = None;
    let worker = Worker::spawn("pretix", own, Cadence::every(PRETIX_EVERY), move |own| {
        let Some(hub) = weak.upgrade() else {
            return Next::Stop;
        };
        let round = own.pretix_round_kept(&mut client, PRETIX_TIMEOUT);
        let error = round.as_ref().err().map(ToString::to_string);
        if error != last_error {
            match &error {
                Some(e) => tracing::warn!("hub : {e}"),
                None => tracing::info!("hub : pretix répond de nouveau"),
            }
            last_error = error;
        }
        if let Ok(r) = &round {
            if r.arrivals_in > 0 || r.list_changed {
                hub.changed();
            }
            if r.list_changed {
                // New kiosks are handed the new list: its copy is made now.
                hub.copies.wake();
            }
            // Who was refused is on the organisers' page; the log
            // keeps no name and no ticket code.
            for n in &r.notices {
                tracing::warn!(
                    "hub : pretix a refusé une entrée du kiosque « {} » : {} — le nom est sur la page des organisateurs",
                    n.kiosk,
                    accueil_core::pretix::reason_text(n.reason.as_deref().unwrap_or_default())
                );
            }
        }
        let news = own.pretix_news().ok();
        let mut held = hub.pretix.lock().unwrap_or_else(|p| p.into_inner());
        if *held != news {
            // Waiting entries went, a refusal came: the pages show it.
            hub.changed();
            *held = news;
        }
        Next::Again
    })
    .map_err(HubError::Serve)?;
    let _ = hub.wake_pretix.set(worker);
    Ok(())
}
