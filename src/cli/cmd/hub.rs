//! `accueil hub`: the server kiosks sync with and the organisers' page,
//! until stopped.

use crate::app::Kiosk;
use crate::cli::output::{Output, flush_stdout};
use crate::cli::report;

pub(in crate::cli) fn run(
    kiosk: Kiosk,
    listen: Option<std::net::SocketAddr>,
    out: &Output,
) -> anyhow::Result<()> {
    let addr = listen.or(kiosk.config.hub.listen).ok_or_else(|| {
        anyhow::anyhow!(
            "adresse d'écoute absente — ajoutez [hub] listen = \"0.0.0.0:8080\" à kiosk.toml ou passez --listen"
        )
    })?;
    crate::hub::run(kiosk, addr, |bound| {
        let listening = report::Listening {
            listening: bound.to_string(),
        };
        if let Err(e) = out.show(&listening) {
            eprintln!("accueil : {e}");
        }
        flush_stdout();
    })?;
    Ok(())
}
