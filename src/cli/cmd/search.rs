//! `accueil search`: names, organisations and e-mails, accent-, case- and
//! typo-tolerant.

use crate::app::Kiosk;
use crate::cli::report;

pub(in crate::cli) fn run(
    kiosk: &mut Kiosk,
    words: Vec<String>,
    limit: usize,
) -> anyhow::Result<report::Found> {
    let query = words.join(" ");
    let result = kiosk.search(&query, limit)?;
    Ok(report::Found {
        approximate: result.approximate,
        hits: result.hits,
        query,
    })
}
