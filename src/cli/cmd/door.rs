//! `accueil door`: someone entering (or, `--exit`, leaving) a room.

use crate::app::Kiosk;
use crate::cli::args::Target;
use crate::cli::report;
use crate::domain::programme::Direction;

pub(in crate::cli) fn run<'k>(
    kiosk: &'k mut Kiosk,
    who: Target,
    room: Option<&str>,
    exit: bool,
) -> anyhow::Result<report::DoorPassage<'k>> {
    let lookup = who.lookup()?;
    let direction = if exit { Direction::Out } else { Direction::In };
    let d = kiosk.door_scan(&lookup, room, direction)?;
    Ok(report::DoorPassage {
        event: &kiosk.config.event,
        lookup,
        d,
    })
}
