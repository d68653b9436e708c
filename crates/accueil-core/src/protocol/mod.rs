//! Which sync protocol a kiosk and a hub speak. They are upgraded
//! separately, one Debian package at a time: every request and every answer
//! names its version in the `accueil-protocol` header, and each side says
//! at once — in words naming both versions and what to upgrade — when it
//! cannot understand the other, rather than losing records to a body it
//! half reads.
//!
//! Version 1 is the wire of the releases before the version was named: no
//! header. Version 2 is the same bodies, named. A change to a body that an
//! older peer would misread (a record kind it does not know, a field it
//! must not ignore) takes a new version, and raises [`OLDEST`] only when
//! this build can no longer read the older one.

pub mod wire;

pub use wire::{
    DOWNLOAD_BATCH, EnrolRequest, EnrolResponse, JoinRequest, JoinResponse, ListEntry,
    ListResponse, Marks, PretixNews, PretixNotice, PrinterHealth, RefusedRecord, SharedConfig,
    SyncRequest, SyncResponse, UPLOAD_BATCH,
};

/// The version this build speaks.
pub const VERSION: u32 = 2;

/// The oldest version this build still understands: a hub serves kiosks
/// down to it, a kiosk talks to hubs down to it.
pub const OLDEST: u32 = 1;

/// The HTTP header that carries a version, both ways.
pub const HEADER: &str = "accueil-protocol";

/// The version a peer announced: no header is version 1 (a release from
/// before the header); a header that is not a number is nobody's version.
pub fn peer_version(header: Option<&str>) -> Option<u32> {
    match header {
        None => Some(1),
        Some(v) => v.trim().parse().ok().filter(|&v| v >= 1),
    }
}

/// Why a kiosk and a hub cannot talk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Mismatch {
    #[error(
        "ce kiosque parle la version {kiosk} du protocole de synchronisation, le hub la version {hub} : mettez d'abord à jour accueil sur le hub (il sert aussi les kiosques plus anciens), puis sur les kiosques — en attendant, le kiosque travaille sur sa copie et garde tout"
    )]
    HubTooOld { kiosk: u32, hub: u32 },
    #[error(
        "ce kiosque parle la version {kiosk} du protocole de synchronisation ; le hub parle la version {hub} et ne comprend plus avant la version {oldest} : mettez à jour accueil sur ce kiosque — en attendant, il travaille sur sa copie et garde tout"
    )]
    KioskTooOld { kiosk: u32, hub: u32, oldest: u32 },
    #[error(
        "version du protocole de synchronisation illisible (« {0} ») : ce n'est pas un kiosque ni un hub accueil"
    )]
    Unreadable(String),
}

/// The hub's word on a kiosk that announced `kiosk` (the raw header).
pub fn hub_accepts(kiosk: Option<&str>) -> Result<u32, Mismatch> {
    let version = peer_version(kiosk).ok_or_else(|| {
        Mismatch::Unreadable(kiosk.unwrap_or_default().chars().take(20).collect())
    })?;
    if version > VERSION {
        return Err(Mismatch::HubTooOld {
            kiosk: version,
            hub: VERSION,
        });
    }
    if version < OLDEST {
        return Err(Mismatch::KioskTooOld {
            kiosk: version,
            hub: VERSION,
            oldest: OLDEST,
        });
    }
    Ok(version)
}

/// A kiosk's word on a hub that answered with `hub` (the raw header): a
/// newer hub serves it; one older than what this kiosk still reads does
/// not.
pub fn kiosk_accepts(hub: Option<&str>) -> Result<u32, Mismatch> {
    let version = peer_version(hub)
        .ok_or_else(|| Mismatch::Unreadable(hub.unwrap_or_default().chars().take(20).collect()))?;
    if version < OLDEST {
        return Err(Mismatch::HubTooOld {
            kiosk: VERSION,
            hub: version,
        });
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_header_is_the_first_version() {
        assert_eq!(peer_version(None), Some(1));
        assert_eq!(peer_version(Some(" 2 ")), Some(2));
        assert_eq!(peer_version(Some("0")), None);
        assert_eq!(peer_version(Some("deux")), None);
    }

    #[test]
    fn a_hub_serves_older_kiosks_and_names_what_to_upgrade() {
        assert_eq!(hub_accepts(None), Ok(1));
        assert_eq!(hub_accepts(Some("2")), Ok(2));
        let newer = hub_accepts(Some("3")).unwrap_err();
        assert_eq!(newer, Mismatch::HubTooOld { kiosk: 3, hub: 2 });
        let text = newer.to_string();
        assert!(
            text.contains("version 3") && text.contains("version 2") && text.contains("sur le hub"),
            "{text}"
        );
        assert!(matches!(
            hub_accepts(Some("x")),
            Err(Mismatch::Unreadable(_))
        ));
    }

    #[test]
    fn a_kiosk_takes_a_newer_hub() {
        assert_eq!(kiosk_accepts(Some("7")), Ok(7));
        assert_eq!(kiosk_accepts(None), Ok(1));
    }
}
