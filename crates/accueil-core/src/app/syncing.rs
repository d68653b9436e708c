//! A kiosk's sync in the background: with its hub, or — a kiosk without a
//! hub whose list comes from pretix — with pretix itself. One round here
//! is what the window's sync thread does each time it wakes: the policy
//! (whom to talk to, how often, what counts as news) lives in the app, and
//! the window only shows the [`SyncReport`].

use std::time::Duration;

use super::{Kiosk, PretixNotice};
use crate::pretix::Client;

/// How often a kiosk with a hub syncs without being asked (others'
/// arrivals show here within this), and how long it waits for the hub.
pub const SYNC_EVERY: Duration = Duration::from_millis(700);
pub const SYNC_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a kiosk without hub pushes to pretix without being asked (it
/// is woken after each check-in), and how long it waits for pretix.
const PRETIX_EVERY: Duration = Duration::from_secs(2);
const PRETIX_TIMEOUT: Duration = Duration::from_secs(10);

/// Whom a kiosk syncs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    Hub,
    /// No hub, and the list comes from pretix: pretix is the hub.
    Pretix,
}

impl Peer {
    /// As the status bar names it.
    pub fn name(self) -> &'static str {
        match self {
            Peer::Hub => "hub",
            Peer::Pretix => "pretix",
        }
    }
}

/// What one round did, for the screen.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// The peer answered.
    pub online: bool,
    /// Others' arrivals, a new list or a new event came in: the counts on
    /// screen are stale.
    pub recount: bool,
    /// The hub's event configuration was taken: the screen shows it.
    pub config_changed: bool,
    /// Entries not acknowledged yet, and when the peer last answered
    /// (« 09:14 », the event's time).
    pub waiting: i64,
    pub last: Option<String>,
    /// pretix's refusals this desk has not shown yet.
    pub unseen: Vec<PretixNotice>,
    /// How far this kiosk's clock is from the hub's, in seconds.
    pub clock: Option<i64>,
}

/// A kiosk's sync, round after round (it keeps its pretix connection).
pub struct KioskSync {
    peer: Peer,
    pretix: Option<Client>,
}

impl KioskSync {
    /// Nothing to sync with: no hub, and the list comes from files.
    pub fn for_kiosk(kiosk: &Kiosk) -> Option<KioskSync> {
        // With a hub, the hub talks to pretix and hands its refusals over;
        // without, this kiosk talks to pretix.
        let peer = if kiosk.talks_to_pretix() {
            Peer::Pretix
        } else if kiosk.config.hub.url.is_some() {
            Peer::Hub
        } else {
            return None;
        };
        Some(KioskSync { peer, pretix: None })
    }

    pub fn peer(&self) -> Peer {
        self.peer
    }

    /// How often a round runs without being woken.
    pub fn every(&self) -> Duration {
        match self.peer {
            Peer::Hub => SYNC_EVERY,
            Peer::Pretix => PRETIX_EVERY,
        }
    }

    /// One round, and what it means for the screen. A failed round is an
    /// answer too: offline, with what waits.
    pub fn round(&mut self, k: &mut Kiosk) -> SyncReport {
        let mut report = match self.peer {
            Peer::Pretix => {
                let round = k.pretix_round_kept(&mut self.pretix, PRETIX_TIMEOUT);
                SyncReport {
                    recount: matches!(&round, Ok(r) if r.arrivals_in > 0 || r.list_changed),
                    online: round.is_ok() && k.pretix_online(),
                    ..SyncReport::default()
                }
            }
            Peer::Hub => {
                let round = k.sync_once(SYNC_TIMEOUT);
                let config_changed = matches!(&round, Ok(r) if r.config_updated);
                SyncReport {
                    recount: matches!(&round, Ok(r) if r.arrivals > 0 || r.list_updated)
                        || config_changed,
                    online: round.is_ok(),
                    config_changed,
                    ..SyncReport::default()
                }
            }
        };
        // pretix's news: this kiosk's own, or the hub's.
        let news = k.pretix_news().unwrap_or_default();
        let (waiting, last) = match self.peer {
            Peer::Pretix => (news.pending, news.last_contact),
            Peer::Hub => k.sync_status().unwrap_or((0, None)),
        };
        report.waiting = waiting;
        report.last = last.map(|t| k.config.event.hh_mm(t));
        report.unseen = k.unseen_among(news.notices).unwrap_or_default();
        report.clock = k.clock_offset().ok().flatten();
        report
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::config::Config;

    fn kiosk(dir: &std::path::Path, toml: &str) -> Kiosk {
        let config = Config::parse(toml, dir).expect("kiosk.toml");
        Kiosk::open(config, Some(&dir.join("k.sqlite"))).expect("open")
    }

    const EXAMPLE: &str = include_str!("../../../../kiosk.toml");

    #[test]
    fn a_kiosk_with_its_list_from_files_and_no_hub_syncs_with_nobody() {
        let dir = tempfile::tempdir().unwrap();
        assert!(KioskSync::for_kiosk(&kiosk(dir.path(), EXAMPLE)).is_none());
    }

    #[test]
    fn a_kiosk_its_hub_does_not_answer_is_shown_offline_with_nothing_new() {
        let dir = tempfile::tempdir().unwrap();
        // Port 9 (discard): nothing listens on the loopback there.
        let toml = EXAMPLE.replacen("[hub]\n", "[hub]\nurl = \"http://127.0.0.1:9\"\n", 1);
        assert_ne!(toml, EXAMPLE, "kiosk.toml has a [hub] section");
        let mut k = kiosk(dir.path(), &toml);
        let mut sync = KioskSync::for_kiosk(&k).unwrap();
        assert_eq!(sync.peer(), Peer::Hub);
        assert_eq!(sync.every(), SYNC_EVERY);
        let report = sync.round(&mut k);
        assert!(!report.online, "{report:?}");
        assert!(!report.recount && !report.config_changed, "{report:?}");
        assert_eq!((report.waiting, report.last), (0, None));
    }
}
