//! `accueil sessions`: who is in which room now (or `--at` a moment).

use anyhow::Context;

use crate::app::Kiosk;
use crate::cli::report;

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    at: Option<String>,
) -> anyhow::Result<report::Sessions<'_>> {
    let at = match at {
        Some(text) => Some(event_instant(&kiosk.config.event, &text)?),
        None => None,
    };
    let o = kiosk.occupancy(at)?;
    Ok(report::Sessions {
        event: &kiosk.config.event,
        o,
    })
}

/// `2026-06-11T09:30` (or with a space) in the event's timezone, or an
/// RFC 3339 instant.
fn event_instant(event: &crate::domain::Event, text: &str) -> anyhow::Result<jiff::Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts);
    }
    let dt: jiff::civil::DateTime = t.replace(' ', "T").parse().with_context(|| {
        format!("--at « {t} » illisible — AAAA-MM-JJTHH:MM, à l'heure de l'événement")
    })?;
    Ok(event.timezone.to_timestamp(dt)?)
}
