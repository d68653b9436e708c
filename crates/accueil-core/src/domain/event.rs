//! The event as configured: its days, its categories and which day is which.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::fmt;

use super::text::fold;

/// A category of registrant (Participant, Intervenant, Presse…).
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub name: String,
    /// `#RRGGBB`, validated.
    pub colour: String,
    /// Days this category may enter; empty means every day of the event.
    pub days: Vec<Date>,
}

/// The event a kiosk serves.
#[derive(Debug, Clone)]
pub struct Event {
    pub name: String,
    pub timezone: TimeZone,
    /// IANA name of the timezone, as configured ("Europe/Paris").
    pub timezone_name: String,
    /// Sorted, distinct, at least one.
    pub days: Vec<Date>,
    pub categories: Vec<Category>,
    /// Name of the category given to people whose category is unknown.
    pub default_category: String,
    /// The event's own colour, `#RRGGBB`, dark enough for white text: the
    /// kiosk's buttons and bands.
    pub colour: String,
    /// Days after the last day that personal data is kept (`[event]
    /// retention_days`); then `accueil purge` is due.
    pub retention_days: u16,
    /// The wait at the entrance past which the organisers' page alerts
    /// (`[event] max_wait_minutes`).
    pub max_wait_minutes: u16,
}

/// `[event] max_wait_minutes` when kiosk.toml does not say.
pub const MAX_WAIT_MINUTES: u16 = 10;

/// `[event] retention_days` when kiosk.toml does not say: a month to
/// settle attendance certificates and invoices, then names go.
pub const RETENTION_DAYS: u16 = 30;

/// The last column of accueil's attendance export: came at all (oui/non).
pub const ATTENDED_HEADER: &str = "Venu·e";

/// The attendance export's column of a day: the time of arrival.
pub fn attendance_header(day: EventDay) -> String {
    format!("Jour {} ({})", day.number, day.date)
}

/// Whether a header is one of the attendance export's own columns: an
/// export imported again takes its people, not these as free fields.
pub fn is_attendance_header(header: &str) -> bool {
    let h = header.trim();
    if h == ATTENDED_HEADER {
        return true;
    }
    let Some(rest) = h.strip_prefix("Jour ") else {
        return false;
    };
    let Some((number, date)) = rest.split_once(" (") else {
        return false;
    };
    number.parse::<usize>().is_ok()
        && date
            .strip_suffix(')')
            .is_some_and(|d| d.parse::<Date>().is_ok())
}

/// One day of the event: its 1-based number and its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDay {
    pub number: usize,
    pub date: Date,
}

impl fmt::Display for EventDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "jour {} ({})", self.number, self.date)
    }
}

/// How a command names the day it acts for: `--day 2` or `--day 2022-09-29`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaySpec {
    Number(usize),
    Date(Date),
}

impl std::str::FromStr for DaySpec {
    type Err = DayError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(n) = s.parse::<usize>() {
            return Ok(DaySpec::Number(n));
        }
        s.parse::<Date>()
            .map(DaySpec::Date)
            .map_err(|_| DayError::Unreadable(s.to_owned()))
    }
}

/// Why this day was chosen: said in the output, so that a rehearsal the week
/// before the event does not surprise anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayReason {
    /// Asked for with `--day`.
    Asked,
    /// Today is an event day.
    Today,
    /// Today is not an event day: the first day is used (rehearsal, demo).
    FirstDayOutsideEvent,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DayError {
    #[error("jour « {0} » illisible — donnez un numéro (1, 2…) ou une date AAAA-MM-JJ")]
    Unreadable(String),
    #[error("l'événement n'a pas de jour {asked} — il dure {days} jour(s)")]
    NoSuchNumber { asked: usize, days: usize },
    #[error("le {0} n'est pas un jour de l'événement — voir [event] days dans kiosk.toml")]
    NotAnEventDay(Date),
}

impl Event {
    /// The first day personal data is no longer to be kept: the day after
    /// the last day plus `retention_days`.
    pub fn purge_due(&self) -> Date {
        let last = self.days.last().copied().unwrap_or(Date::MIN);
        last.checked_add(jiff::Span::new().days(i64::from(self.retention_days) + 1))
            .unwrap_or(Date::MAX)
    }

    /// A moment as the event's clocks show it: « 08:42 ».
    pub fn hh_mm(&self, t: jiff::Timestamp) -> String {
        self.timezone
            .to_datetime(t)
            .strftime(crate::domain::when::TIME)
            .to_string()
    }

    /// The event day for a spec, or today's, or the first day.
    pub fn resolve_day(
        &self,
        spec: Option<DaySpec>,
        today: Date,
    ) -> Result<(EventDay, DayReason), DayError> {
        match spec {
            Some(DaySpec::Number(n)) => {
                self.day_number(n)
                    .map(|d| (d, DayReason::Asked))
                    .ok_or(DayError::NoSuchNumber {
                        asked: n,
                        days: self.days.len(),
                    })
            }
            Some(DaySpec::Date(date)) => self
                .day_of(date)
                .map(|d| (d, DayReason::Asked))
                .ok_or(DayError::NotAnEventDay(date)),
            None => Ok(match self.day_of(today) {
                Some(d) => (d, DayReason::Today),
                None => (self.first_day(), DayReason::FirstDayOutsideEvent),
            }),
        }
    }

    pub fn first_day(&self) -> EventDay {
        EventDay {
            number: 1,
            date: self.days[0],
        }
    }

    pub fn day_number(&self, number: usize) -> Option<EventDay> {
        let date = *self.days.get(number.checked_sub(1)?)?;
        Some(EventDay { number, date })
    }

    pub fn day_of(&self, date: Date) -> Option<EventDay> {
        let i = self.days.iter().position(|d| *d == date)?;
        Some(EventDay {
            number: i + 1,
            date,
        })
    }

    pub fn event_days(&self) -> impl Iterator<Item = EventDay> + '_ {
        self.days.iter().enumerate().map(|(i, &date)| EventDay {
            number: i + 1,
            date,
        })
    }

    /// The configured category a source value designates, compared without
    /// case or accents ("intervenant", "INTERVENANT" → "Intervenant").
    pub fn category(&self, value: &str) -> Option<&Category> {
        let wanted = fold(value);
        let wanted = wanted.trim();
        self.categories
            .iter()
            .find(|c| fold(&c.name).trim() == wanted)
    }

    /// Whether people of this category may enter on this date. An unknown
    /// category (removed from kiosk.toml since import) is treated like the
    /// default one.
    pub fn category_valid_on(&self, category: &str, date: Date) -> bool {
        let cat = self
            .category(category)
            .or_else(|| self.category(&self.default_category));
        match cat {
            Some(c) => c.days.is_empty() || c.days.contains(&date),
            None => true,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use jiff::civil::date;

    pub(crate) fn sample_event() -> Event {
        Event {
            name: "Journées nationales".into(),
            timezone: TimeZone::UTC,
            timezone_name: "UTC".into(),
            days: vec![date(2022, 9, 28), date(2022, 9, 29)],
            categories: vec![
                Category {
                    name: "Participant".into(),
                    colour: "#1F6FB2".into(),
                    days: vec![],
                },
                Category {
                    name: "Exposant".into(),
                    colour: "#8A5A00".into(),
                    days: vec![date(2022, 9, 29)],
                },
            ],
            default_category: "Participant".into(),
            colour: "#1F4E8C".into(),
            retention_days: RETENTION_DAYS,
            max_wait_minutes: MAX_WAIT_MINUTES,
        }
    }

    #[test]
    fn today_when_event_day_else_first_day() {
        let e = sample_event();
        assert_eq!(
            e.resolve_day(None, date(2022, 9, 29)),
            Ok((
                EventDay {
                    number: 2,
                    date: date(2022, 9, 29)
                },
                DayReason::Today
            ))
        );
        assert_eq!(
            e.resolve_day(None, date(2026, 11, 28))
                .map(|(d, r)| (d.number, r)),
            Ok((1, DayReason::FirstDayOutsideEvent))
        );
    }

    #[test]
    fn day_by_number_or_date() {
        let e = sample_event();
        let d2 = "2".parse().unwrap();
        assert_eq!(
            e.resolve_day(Some(d2), date(2000, 1, 1)).unwrap().0.date,
            date(2022, 9, 29)
        );
        let d1 = "2022-09-28".parse().unwrap();
        assert_eq!(
            e.resolve_day(Some(d1), date(2000, 1, 1)).unwrap().0.number,
            1
        );
        assert!(matches!(
            e.resolve_day(Some(DaySpec::Number(3)), date(2000, 1, 1)),
            Err(DayError::NoSuchNumber { asked: 3, days: 2 })
        ));
        assert!(matches!(
            e.resolve_day(Some(DaySpec::Number(0)), date(2000, 1, 1)),
            Err(DayError::NoSuchNumber { .. })
        ));
        assert!("demain".parse::<DaySpec>().is_err());
    }

    #[test]
    fn categories_match_loosely_and_restrict_days() {
        let e = sample_event();
        assert_eq!(
            e.category("EXPOSANT").map(|c| c.name.as_str()),
            Some("Exposant")
        );
        assert!(e.category("Presse").is_none());
        assert!(!e.category_valid_on("Exposant", date(2022, 9, 28)));
        assert!(e.category_valid_on("Exposant", date(2022, 9, 29)));
        assert!(e.category_valid_on("Participant", date(2022, 9, 28)));
        assert!(e.category_valid_on("Supprimée", date(2022, 9, 28)));
    }
}
