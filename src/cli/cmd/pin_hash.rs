//! `accueil pin-hash`: the staff PIN read on stdin, as the line kiosk.toml
//! keeps (its hash, never the PIN).

use anyhow::Context;

use crate::cli::report;

pub(in crate::cli) fn run() -> anyhow::Result<report::PinHash> {
    let mut pin = String::new();
    std::io::stdin()
        .read_line(&mut pin)
        .context("lecture du code PIN sur l'entrée standard")?;
    let pin = pin.trim();
    if let Err(why) = crate::domain::privacy::pin_strength(pin) {
        anyhow::bail!(
            "{why} — par exemple : echo 48291375 | accueil pin-hash (8 chiffres au moins, ni suite ni motif)"
        );
    }
    let staff_pin =
        crate::domain::pin::hash(pin).map_err(|e| anyhow::anyhow!("empreinte impossible : {e}"))?;
    Ok(report::PinHash { staff_pin })
}
