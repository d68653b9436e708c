//! `accueil entree`: the entrance queue — people counted in (`--add N`),
//! the queue emptied (`--empty`), and the forecast.

use crate::app::Kiosk;
use crate::cli::report;
use crate::domain::queue::Count;

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    add: Option<i64>,
    empty: bool,
) -> anyhow::Result<report::Entrance<'_>> {
    match (add, empty) {
        (Some(n), _) => kiosk.count_queue(Count::Joined(n))?,
        (None, true) => kiosk.count_queue(Count::Empty)?,
        (None, false) => {}
    }
    let f = kiosk.entrance_forecast()?;
    Ok(report::Entrance {
        event: &kiosk.config.event,
        f,
    })
}
