//! Enrolment by QR code: the organisers' page shows a one-time code and
//! the hub's address as one QR code (« Ajouter un kiosque »); a new kiosk
//! reads it with its scanner or its camera, or staff type the code.
//!
//! What the QR code holds: `accueil:http://192.168.1.10:8080/K7QF-M2XP-9TZA`,
//! characters every layout types with one key (and Shift): no `#`, no `?`.
//! A scanner in the wrong keyboard mode garbles it like any ticket
//! (`qccueil>http>//…`): [`Invitation::read`] undoes the mix-ups of
//! [`keyboard`](super::keyboard), and only a reading that makes a whole
//! invitation is taken. Codes use Crockford's base 32 (no I, L, O, U):
//! typed by hand, `o` is read as 0, `i` and `l` as 1, case and dashes are
//! ignored.

use jiff::Timestamp;

use super::keyboard::ScannerLayout;

/// What the QR code starts with.
pub const PREFIX: &str = "accueil:";

/// Characters of a code, 5 bits each.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a code: 60 bits, guessed by nobody in its 10 minutes.
pub const CODE_LEN: usize = 12;

/// A hub's invitation to one kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The hub's address, `http://host:port` (no trailing slash).
    pub hub: String,
    /// The code, normalised: [`CODE_LEN`] characters of the alphabet.
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    #[error(
        "ce n'est pas un code d'inscription accueil — sur la page des organisateurs du hub, touchez « Ajouter un kiosque » et scannez le code qui s'affiche"
    )]
    NotAnInvitation,
    #[error(
        "adresse du hub « {0} » illisible — écrivez-la comme sur la page des organisateurs, par exemple http://192.168.1.10:8080"
    )]
    BadHub(String),
    #[error(
        "code « {0} » illisible — {CODE_LEN} lettres et chiffres, comme K7QF-M2XP-9TZA sur la page des organisateurs"
    )]
    BadCode(String),
}

impl Invitation {
    /// A new code from `random` (the hub's random source).
    pub fn new_code(random: [u8; 8]) -> String {
        let bits = u64::from_le_bytes(random);
        (0..CODE_LEN)
            .map(|i| char::from(ALPHABET[((bits >> (5 * i)) & 31) as usize]))
            .collect()
    }

    /// The text of the QR code.
    pub fn payload(&self) -> String {
        format!("{PREFIX}{}/{}", self.hub, grouped(&self.code))
    }

    /// A scan: the QR code as read, possibly through a scanner typing in
    /// another keyboard layout than the computer's.
    pub fn read(scanned: &str) -> Result<Invitation, InvitationError> {
        let scanned = scanned.trim();
        if let Some(invitation) = Self::strict(scanned) {
            return Ok(invitation);
        }
        ScannerLayout::Auto
            .candidates(scanned, None)
            .into_iter()
            .find_map(|(_, recovered)| Self::strict(&recovered))
            .ok_or(InvitationError::NotAnInvitation)
    }

    /// The hub's address and the code, typed by hand.
    pub fn typed(hub: &str, code: &str) -> Result<Invitation, InvitationError> {
        let hub = hub_address(hub).ok_or_else(|| InvitationError::BadHub(clip(hub)))?;
        let code = normalise_code(code).ok_or_else(|| InvitationError::BadCode(clip(code)))?;
        Ok(Invitation { hub, code })
    }

    fn strict(text: &str) -> Option<Invitation> {
        let head = text.get(..PREFIX.len())?;
        if !head.eq_ignore_ascii_case(PREFIX) {
            return None;
        }
        let rest = text.get(PREFIX.len()..)?;
        let (hub, code) = rest.rsplit_once('/')?;
        Some(Invitation {
            hub: hub_address(hub)?,
            code: normalise_code(code)?,
        })
    }
}

/// `K7QF-M2XP-9TZA`: the code as shown, in groups of four.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed or read, in its one spelling; `None` when it is not one.
pub fn normalise_code(text: &str) -> Option<String> {
    let mut code = String::with_capacity(CODE_LEN);
    for c in text.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' | '\u{a0}' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        code.push(c);
    }
    (code.len() == CODE_LEN).then_some(code)
}

/// `http://host:port` as typed: a bare `192.168.1.10:8080` gets its
/// `http://`; a path, a query or anything but a host and port is refused.
pub fn hub_address(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('/');
    let lower = text.to_ascii_lowercase();
    let (scheme, rest) = if let Some(r) = lower.strip_prefix("http://") {
        ("http://", r)
    } else if let Some(r) = lower.strip_prefix("https://") {
        ("https://", r)
    } else {
        ("http://", lower.as_str())
    };
    let (host, port) = match rest.rsplit_once(':') {
        // An IPv6 address without a port: its colons are inside brackets.
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && (host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            || (host.starts_with('[')
                && host.ends_with(']')
                && host[1..host.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')));
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.parse::<u16>().is_ok_and(|n| n > 0));
    (host_ok && port_ok).then(|| format!("{scheme}{rest}"))
}

/// How long an invitation stays valid.
pub const INVITATION_MINUTES: i64 = 10;

/// Invitations a hub keeps waiting at once: the oldest goes when more are
/// asked for (an organiser tapping « Ajouter un kiosque » again and again).
pub const MAX_PENDING: usize = 16;

/// Enrolments with the shared token a hub takes in a minute: a venue's
/// kiosks all restarting at once pass; a script holding the token (or a
/// kiosk gone wrong) does not fill the hub with credentials.
pub const ENROLMENTS_PER_MINUTE: usize = 60;

/// The times of the latest events of a kind, to take at most `most` of
/// them in any minute.
#[derive(Debug)]
pub struct PerMinute {
    most: usize,
    recent: std::collections::VecDeque<Timestamp>,
}

impl PerMinute {
    pub fn new(most: usize) -> PerMinute {
        PerMinute {
            most,
            recent: std::collections::VecDeque::new(),
        }
    }

    /// Counts one more at `now` if fewer than `most` came in the minute
    /// before; otherwise how long until one may.
    pub fn take(&mut self, now: Timestamp) -> Result<(), jiff::SignedDuration> {
        let minute = jiff::SignedDuration::from_mins(1);
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= minute)
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= self.most {
            let oldest = self.recent.front().copied().unwrap_or(now);
            return Err(minute - now.duration_since(oldest));
        }
        self.recent.push_back(now);
        Ok(())
    }
}

/// The codes a hub has shown and not seen used, each with its end.
#[derive(Debug, Default)]
pub struct Invitations {
    pending: Vec<(String, Timestamp)>,
}

impl Invitations {
    /// Keeps `code` for [`INVITATION_MINUTES`]; returns when it ends.
    pub fn issue(&mut self, code: String, now: Timestamp) -> Timestamp {
        self.forget_expired(now);
        if self.pending.len() >= MAX_PENDING {
            self.pending.remove(0);
        }
        let ends = now + jiff::SignedDuration::from_mins(INVITATION_MINUTES);
        self.pending.push((code, ends));
        ends
    }

    /// Whether `code` (normalised) is a pending invitation: if so, it is
    /// used up. Compared in time that does not depend on where codes differ.
    pub fn redeem(&mut self, code: &str, now: Timestamp) -> bool {
        self.forget_expired(now);
        let same = |a: &str| {
            a.len() == code.len()
                && a.bytes()
                    .zip(code.bytes())
                    .fold(0u8, |d, (x, y)| d | (x ^ y))
                    == 0
        };
        match self.pending.iter().position(|(c, _)| same(c)) {
            Some(i) => {
                self.pending.remove(i);
                true
            }
            None => false,
        }
    }

    /// Invitations still valid.
    pub fn pending(&self, now: Timestamp) -> usize {
        self.pending.iter().filter(|(_, ends)| *ends > now).count()
    }

    fn forget_expired(&mut self, now: Timestamp) {
        self.pending.retain(|(_, ends)| *ends > now);
    }
}

fn clip(text: &str) -> String {
    text.trim().chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::keyboard::{Layout, Mix};
    use proptest::prelude::*;

    fn invitation() -> Invitation {
        Invitation {
            hub: "http://192.168.1.10:8080".into(),
            code: Invitation::new_code([7, 1, 2, 3, 4, 5, 6, 250]),
        }
    }

    #[test]
    fn the_payload_reads_back_as_the_same_invitation() {
        let i = invitation();
        assert_eq!(i.code.len(), CODE_LEN);
        assert!(i.payload().starts_with("accueil:http://192.168.1.10:8080/"));
        assert_eq!(Invitation::read(&i.payload()), Ok(i));
    }

    #[test]
    fn a_scanner_in_the_wrong_layout_still_enrols() {
        let i = invitation();
        for mix in Mix::ALL {
            // Every layout types an invitation with single keys (a UK
            // computer reads it unchanged).
            let garbled = mix.garble(&i.payload()).unwrap_or_default();
            assert_eq!(
                Invitation::read(&garbled),
                Ok(i.clone()),
                "{mix}: {garbled}"
            );
        }
        // The commonest: a US scanner on a French laptop.
        let garbled = Mix::new(Layout::Us, Layout::Fr)
            .garble(&i.payload())
            .unwrap_or_default();
        assert!(garbled.starts_with("qccueil"), "{garbled}");
    }

    #[test]
    fn a_ticket_or_a_url_is_no_invitation() {
        for read in [
            "NEC-000004",
            "https://pretix.eu/nec/2022/ticket/ABC",
            "accueil:http://192.168.1.10:8080",
            "accueil:http://192.168.1.10:8080/K7QF",
            "accueil:ftp://x/K7QF-M2XP-9TZA",
            "accueil:http://a b/K7QF-M2XP-9TZA",
            "accueil:http://hub/api/K7QF-M2XP-9TZA",
            "",
        ] {
            assert_eq!(
                Invitation::read(read),
                Err(InvitationError::NotAnInvitation),
                "{read}"
            );
        }
    }

    #[test]
    fn a_typed_code_forgives_case_dashes_and_look_alike_letters() {
        let typed = Invitation::typed("192.168.1.10:8080/", "k7qf m2xp 9tza").unwrap();
        assert_eq!(typed.hub, "http://192.168.1.10:8080");
        assert_eq!(typed.code, "K7QFM2XP9TZA");
        assert_eq!(
            normalise_code("OIL0-0000-0000").as_deref(),
            Some("011000000000")
        );
        assert!(matches!(
            Invitation::typed("http://hub:8080", "K7QF-M2XP"),
            Err(InvitationError::BadCode(_))
        ));
        assert!(matches!(
            Invitation::typed("http://hub:99999", "K7QF-M2XP-9TZA"),
            Err(InvitationError::BadHub(_))
        ));
        assert!(matches!(
            Invitation::typed("http://hub/api?x=1", "K7QF-M2XP-9TZA"),
            Err(InvitationError::BadHub(_))
        ));
        assert_eq!(
            hub_address("https://[fe80::1]:8443").as_deref(),
            Some("https://[fe80::1]:8443")
        );
    }

    #[test]
    fn an_invitation_enrols_once_and_not_after_ten_minutes() {
        let t0: Timestamp = "2026-09-28T07:30:00Z".parse().unwrap();
        let mut pending = Invitations::default();
        let ends = pending.issue("AAAAAAAAAAAA".into(), t0);
        assert_eq!(ends, t0 + jiff::SignedDuration::from_mins(10));
        pending.issue("BBBBBBBBBBBB".into(), t0);
        assert!(!pending.redeem("CCCCCCCCCCCC", t0));
        assert!(pending.redeem("AAAAAAAAAAAA", t0));
        assert!(!pending.redeem("AAAAAAAAAAAA", t0), "used up");
        let later = t0 + jiff::SignedDuration::from_secs(601);
        assert_eq!(pending.pending(later), 0);
        assert!(!pending.redeem("BBBBBBBBBBBB", later), "expired");
        for i in 0..=MAX_PENDING {
            pending.issue(format!("{i:012}"), t0);
        }
        assert_eq!(pending.pending(t0), MAX_PENDING);
        assert!(
            !pending.redeem(&format!("{:012}", 0), t0),
            "the oldest went"
        );
    }

    proptest! {
        #[test]
        fn every_code_is_one_of_its_own_spellings(bytes in any::<[u8; 8]>()) {
            let code = Invitation::new_code(bytes);
            prop_assert_eq!(normalise_code(&grouped(&code)), Some(code.clone()));
            prop_assert_eq!(normalise_code(&code.to_ascii_lowercase()), Some(code));
        }
    }

    #[test]
    fn at_most_so_many_a_minute() {
        let t0: Timestamp = "2022-09-28T08:00:00Z".parse().unwrap();
        let mut limit = PerMinute::new(3);
        for s in 0..3 {
            assert!(limit.take(t0 + jiff::SignedDuration::from_secs(s)).is_ok());
        }
        let wait = limit
            .take(t0 + jiff::SignedDuration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, jiff::SignedDuration::from_secs(50));
        assert!(limit.take(t0 + jiff::SignedDuration::from_secs(60)).is_ok());
    }
}
