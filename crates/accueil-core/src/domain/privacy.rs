//! What a self-service kiosk may show, and how fast it may be asked: the
//! attendee sees their own first name, last name and organisation — nobody
//! else's, and nothing more — and a script typing queries cannot list the
//! event.

use std::time::{Duration, Instant};

use super::Outcome;
use super::text::fold;

/// A self-service search needs a word of at least this many letters (« e e
/// e » is three words of one letter: not a name).
pub const MIN_LETTERS: usize = 3;
/// At most this many people are listed; a query that matches more lists
/// nobody and asks for more of the name.
pub const MAX_RESULTS: usize = 3;

/// Whether a query names someone enough to search at a self-service
/// kiosk: one of its words has [`MIN_LETTERS`] letters.
pub fn specific_enough(query: &str) -> bool {
    fold(query)
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.chars().filter(|c| c.is_alphabetic()).count() >= MIN_LETTERS)
}

/// What a self-service result screen says of an outcome: « Bienvenue » for a
/// welcome; for anything else — already in, cancelled, pending, unknown,
/// not expected today — only « adressez-vous à l'accueil », so that typing
/// someone else's name tells nothing of their ticket or arrival.
pub fn self_service_outcome(outcome: Outcome) -> SelfServiceShows {
    match outcome {
        Outcome::Welcome => SelfServiceShows::Welcome,
        _ => SelfServiceShows::SeeDesk,
    }
}

/// What a self-service screen may say of a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfServiceShows {
    Welcome,
    /// « Adressez-vous à l'accueil », whatever the reason.
    SeeDesk,
}

/// Searches at a self-service kiosk, as a bucket: [`BURST`] at once, then
/// one every [`REFILL`] — more than anyone types, less than a script.
#[derive(Debug, Clone)]
pub struct SearchThrottle {
    tokens: f64,
    last: Option<Instant>,
}

/// Searches allowed at once.
pub const BURST: f64 = 60.0;
/// One more search allowed every…
pub const REFILL: Duration = Duration::from_secs(1);

impl Default for SearchThrottle {
    fn default() -> SearchThrottle {
        SearchThrottle {
            tokens: BURST,
            last: None,
        }
    }
}

impl SearchThrottle {
    /// Takes one search, or says how long until the next is allowed.
    pub fn take(&mut self, now: Instant) -> Result<(), Duration> {
        if let Some(last) = self.last {
            let earned = now.saturating_duration_since(last).as_secs_f64() / REFILL.as_secs_f64();
            self.tokens = (self.tokens + earned).min(BURST);
        }
        self.last = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(REFILL.mul_f64(1.0 - self.tokens))
        }
    }
}

/// How many different people a self-service kiosk may show within
/// [`REVEAL_WINDOW`]. An attendee looking for themselves sees one to three,
/// and sees them again as they type on for free; a rush of attendees stays
/// well under. Listing the event, three names at a time, takes hours.
pub const REVEAL_MAX: usize = 120;
pub const REVEAL_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The people a self-service kiosk showed lately.
#[derive(Debug, Clone, Default)]
pub struct RevealBudget {
    shown: std::collections::VecDeque<(Instant, i64)>,
}

impl RevealBudget {
    /// Whether these people may be shown now (those shown lately cost
    /// nothing); if so, they are counted.
    pub fn allow(&mut self, now: Instant, people: &[i64]) -> bool {
        while let Some(&(at, _)) = self.shown.front() {
            if now.saturating_duration_since(at) > REVEAL_WINDOW {
                self.shown.pop_front();
            } else {
                break;
            }
        }
        let new: Vec<i64> = people
            .iter()
            .copied()
            .filter(|p| !self.shown.iter().any(|(_, q)| q == p))
            .collect();
        if self.shown.len() + new.len() > REVEAL_MAX {
            return false;
        }
        self.shown.extend(new.into_iter().map(|p| (now, p)));
        true
    }
}

/// The fewest digits of a staff PIN: 10⁸ PINs to try from a stolen
/// kiosk's hash (see [`crate::domain::pin::MEMORY_KIB`]).
pub const PIN_DIGITS: usize = 8;

/// Whether a PIN is one staff can be trusted with: at least [`PIN_DIGITS`] digits, not
/// one digit repeated, not a run (12345678, 98765432), not a pair, triple
/// or quadruple repeated (12121212, 12341234). The reason otherwise.
pub fn pin_strength(pin: &str) -> Result<(), &'static str> {
    let digits: Vec<u32> = pin.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != pin.chars().count() {
        return Err("un code PIN ne contient que des chiffres");
    }
    if digits.len() < PIN_DIGITS {
        return Err("un code PIN compte au moins 8 chiffres");
    }
    let steps: Vec<i64> = digits
        .windows(2)
        .map(|w| i64::from(w[1]) - i64::from(w[0]))
        .collect();
    let run = steps.iter().all(|&s| s == steps[0]) && steps[0].abs() <= 1;
    let repeats =
        |n: usize| digits.len().is_multiple_of(n) && digits.chunks(n).all(|c| c == &digits[..n]);
    if run || repeats(2) || repeats(3) || repeats(4) {
        return Err(
            "ce code PIN se devine (chiffre répété, suite, motif) : choisissez-en un autre",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_needs_a_word_of_three_letters() {
        assert!(!specific_enough("e e e"));
        assert!(!specific_enough("du"));
        assert!(!specific_enough("12 34"));
        assert!(specific_enough("dup"));
        assert!(specific_enough("Zoé L"));
        assert!(
            specific_enough("É  lo ïse"),
            "« ïse » is a word of three letters"
        );
    }

    #[test]
    fn self_service_says_nothing_but_welcome() {
        assert_eq!(
            self_service_outcome(Outcome::Welcome),
            SelfServiceShows::Welcome
        );
        for o in [
            Outcome::AlreadyIn,
            Outcome::Cancelled,
            Outcome::Pending,
            Outcome::Unknown,
            Outcome::NotToday,
        ] {
            assert_eq!(self_service_outcome(o), SelfServiceShows::SeeDesk, "{o:?}");
        }
    }

    #[test]
    fn a_burst_then_one_search_a_second() {
        let start = Instant::now();
        let mut t = SearchThrottle::default();
        for _ in 0..60 {
            assert!(t.take(start).is_ok());
        }
        let wait = t.take(start).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= REFILL, "{wait:?}");
        assert!(t.take(start + REFILL).is_ok());
        assert!(t.take(start + REFILL).is_err());
    }

    #[test]
    fn attendees_see_themselves_and_a_script_cannot_list_the_event() {
        let start = Instant::now();
        // A rush: someone every 20 s for an hour, each seeing up to three
        // people (again and again as they type their name on).
        let mut b = RevealBudget::default();
        for n in 0..180i64 {
            let now = start + Duration::from_secs(20 * n as u64);
            for _ in 0..5 {
                assert!(b.allow(now, &[n * 3, n * 3 + 1, n * 3 + 2]), "attendee {n}");
            }
        }
        // A script, three new names per query, as fast as allowed: a
        // thousand people take more than an hour.
        let mut b = RevealBudget::default();
        let (mut now, mut listed) = (start, 0i64);
        while listed < 1_000 {
            if b.allow(now, &[listed, listed + 1, listed + 2]) {
                listed += 3;
            } else {
                now += Duration::from_secs(5);
            }
        }
        assert!(now - start > Duration::from_secs(3600), "{:?}", now - start);
    }

    #[test]
    fn pins_that_are_guessed_are_refused() {
        for weak in [
            "4821", "482913", "00000000", "12345678", "87654321", "12121212", "12341234",
            "1234567a",
        ] {
            assert!(pin_strength(weak).is_err(), "{weak}");
        }
        for ok in ["48291375", "90817265", "13579246"] {
            assert_eq!(pin_strength(ok), Ok(()), "{ok}");
        }
    }
}
