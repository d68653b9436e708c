//! The reception desk's decision, as a pure function.

use serde::Serialize;

use super::event::{Event, EventDay};
use super::record::Arrival;
use super::registrant::{Registrant, Status};

/// What the desk should do with the person in front of it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    /// First arrival today: let in, print the badge. The only outcome that
    /// records an arrival.
    Welcome,
    /// Already came in today (when and where are in the decision).
    AlreadyIn,
    /// No such ticket.
    Unknown,
    /// Ticket cancelled.
    Cancelled,
    /// Registration not confirmed (unpaid, awaiting validation).
    Pending,
    /// The person's category is not admitted on this day.
    NotToday,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether the person may go in.
    pub fn admits(self) -> bool {
        matches!(self, Outcome::Welcome | Outcome::AlreadyIn)
    }
}

/// Rules an event can tune (kiosk.toml `[checkin]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// Let pending registrations in (events that collect payment on site).
    pub accept_pending: bool,
}

/// Decides a check-in. `arrival_today` is the person's live arrival on `day`,
/// if any. Checks go from the most to the least serious: a cancelled ticket is
/// refused even if it was scanned earlier today.
pub fn decide(
    event: &Event,
    policy: Policy,
    registrant: Option<&Registrant>,
    day: EventDay,
    arrival_today: Option<&Arrival>,
) -> Outcome {
    let Some(r) = registrant else {
        return Outcome::Unknown;
    };
    match r.status {
        Status::Cancelled => return Outcome::Cancelled,
        Status::Pending if !policy.accept_pending => return Outcome::Pending,
        Status::Pending | Status::Valid => {}
    }
    if !event.category_valid_on(&r.category, day.date) {
        return Outcome::NotToday;
    }
    if arrival_today.is_some() {
        return Outcome::AlreadyIn;
    }
    Outcome::Welcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::tests::sample_event;
    use crate::domain::registrant::{Origin, uid_for_code};
    use jiff::Timestamp;

    fn person(category: &str, status: Status) -> Registrant {
        Registrant {
            id: 1,
            uid: uid_for_code("NEC-1"),
            code: "NEC-1".into(),
            first_name: "Hélène".into(),
            last_name: "Dupont".into(),
            organisation: "Mairie de Lyon".into(),
            email: "helene@example.fr".into(),
            category: category.into(),
            status,
            origin: Origin::Import,
            extra: Default::default(),
        }
    }

    fn arrival() -> Arrival {
        Arrival {
            record: uuid::Uuid::nil(),
            day: jiff::civil::date(2022, 9, 28),
            at: Timestamp::UNIX_EPOCH,
            kiosk: "k2".into(),
        }
    }

    #[test]
    fn every_outcome() {
        let e = sample_event();
        let p = Policy::default();
        let d1 = e.first_day();
        let d2 = e.day_number(2).unwrap();
        let valid = person("Participant", Status::Valid);
        assert_eq!(decide(&e, p, None, d1, None), Outcome::Unknown);
        assert_eq!(decide(&e, p, Some(&valid), d1, None), Outcome::Welcome);
        assert_eq!(
            decide(&e, p, Some(&valid), d1, Some(&arrival())),
            Outcome::AlreadyIn
        );
        let cancelled = person("Participant", Status::Cancelled);
        assert_eq!(
            decide(&e, p, Some(&cancelled), d1, Some(&arrival())),
            Outcome::Cancelled
        );
        let pending = person("Participant", Status::Pending);
        assert_eq!(decide(&e, p, Some(&pending), d1, None), Outcome::Pending);
        let lenient = Policy {
            accept_pending: true,
        };
        assert_eq!(
            decide(&e, lenient, Some(&pending), d1, None),
            Outcome::Welcome
        );
        let exhibitor = person("Exposant", Status::Valid);
        assert_eq!(decide(&e, p, Some(&exhibitor), d1, None), Outcome::NotToday);
        assert_eq!(decide(&e, p, Some(&exhibitor), d2, None), Outcome::Welcome);
    }

    #[test]
    fn only_welcome_and_already_in_admit() {
        assert!(Outcome::Welcome.admits());
        assert!(Outcome::AlreadyIn.admits());
        assert!(!Outcome::NotToday.admits());
        assert!(!Outcome::Unknown.admits());
    }
}
