//! Expected against arrived, per day, per category and per kiosk: the
//! event's rules (which categories come which day, whether a pending
//! registration is expected) over the counts the store reads.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::{Event, Status};

/// Registrants of one category in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub category: String,
    pub status: Status,
    pub people: i64,
}

/// Distinct people of one category with a live arrival on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrived {
    pub day: Date,
    pub category: String,
    pub people: i64,
}

/// Live arrival records one kiosk made on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByKiosk {
    pub day: Date,
    pub kiosk: String,
    pub arrivals: i64,
}

/// What the store counts for the statistics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub registrants: Vec<Registered>,
    pub arrived: Vec<Arrived>,
    pub by_kiosk: Vec<ByKiosk>,
}

/// Expected and arrived people, for one day or one category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub expected: i64,
    pub arrived: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryStats {
    pub name: String,
    pub colour: Option<String>,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayStats {
    pub number: usize,
    pub date: Date,
    #[serde(flatten)]
    pub tally: Tally,
    pub categories: Vec<CategoryStats>,
    /// Arrivals recorded by each kiosk (someone let in at two kiosks counts at both).
    pub kiosks: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub registrants: i64,
    pub cancelled: i64,
    pub days: Vec<DayStats>,
}

/// The statistics of `event` from `counts`. A category expects nobody on a
/// day it may not enter; pending registrations are expected only where
/// they are let in (`accept_pending`); categories come in kiosk.toml's
/// order, then any others the list holds; an arrival whose category is
/// unknown still counts in its day's total.
pub fn stats(event: &Event, accept_pending: bool, counts: &Counts) -> Stats {
    let expected_status = |status: Status| match status {
        Status::Valid => true,
        Status::Pending => accept_pending,
        Status::Cancelled => false,
    };
    let mut names: Vec<&str> = event.categories.iter().map(|c| c.name.as_str()).collect();
    for r in &counts.registrants {
        if !names.contains(&r.category.as_str()) {
            names.push(&r.category);
        }
    }
    let days = event
        .event_days()
        .map(|day| {
            let categories: Vec<CategoryStats> = names
                .iter()
                .map(|&name| {
                    let expected = if event.category_valid_on(name, day.date) {
                        counts
                            .registrants
                            .iter()
                            .filter(|r| r.category == name && expected_status(r.status))
                            .map(|r| r.people)
                            .sum()
                    } else {
                        0
                    };
                    let arrived = counts
                        .arrived
                        .iter()
                        .filter(|a| a.day == day.date && a.category == name)
                        .map(|a| a.people)
                        .sum();
                    CategoryStats {
                        name: name.to_owned(),
                        colour: event.category(name).map(|c| c.colour.clone()),
                        tally: Tally { expected, arrived },
                    }
                })
                .collect();
            let arrived_elsewhere: i64 = counts
                .arrived
                .iter()
                .filter(|a| a.day == day.date && !names.contains(&a.category.as_str()))
                .map(|a| a.people)
                .sum();
            let tally = Tally {
                expected: categories.iter().map(|c| c.tally.expected).sum(),
                arrived: categories.iter().map(|c| c.tally.arrived).sum::<i64>()
                    + arrived_elsewhere,
            };
            DayStats {
                number: day.number,
                date: day.date,
                tally,
                categories,
                kiosks: counts
                    .by_kiosk
                    .iter()
                    .filter(|k| k.day == day.date)
                    .map(|k| (k.kiosk.clone(), k.arrivals))
                    .collect(),
            }
        })
        .collect();
    Stats {
        registrants: counts.registrants.iter().map(|r| r.people).sum(),
        cancelled: counts
            .registrants
            .iter()
            .filter(|r| r.status == Status::Cancelled)
            .map(|r| r.people)
            .sum(),
        days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::tests::sample_event;
    use jiff::civil::date;

    fn registered(category: &str, status: Status, people: i64) -> Registered {
        Registered {
            category: category.into(),
            status,
            people,
        }
    }

    /// Participants every day, exhibitors on day 2 only (the sample event).
    fn counts() -> Counts {
        let (d1, d2) = (date(2022, 9, 28), date(2022, 9, 29));
        Counts {
            registrants: vec![
                registered("Participant", Status::Valid, 10),
                registered("Participant", Status::Pending, 2),
                registered("Participant", Status::Cancelled, 3),
                registered("Exposant", Status::Valid, 4),
                registered("Ancienne", Status::Valid, 1),
            ],
            arrived: vec![
                Arrived {
                    day: d1,
                    category: "Participant".into(),
                    people: 6,
                },
                // A walk-in's category removed from kiosk.toml and the list.
                Arrived {
                    day: d1,
                    category: "Disparue".into(),
                    people: 1,
                },
                Arrived {
                    day: d2,
                    category: "Exposant".into(),
                    people: 3,
                },
            ],
            by_kiosk: vec![
                ByKiosk {
                    day: d1,
                    kiosk: "porte-a".into(),
                    arrivals: 5,
                },
                ByKiosk {
                    day: d1,
                    kiosk: "porte-b".into(),
                    arrivals: 2,
                },
                ByKiosk {
                    day: d2,
                    kiosk: "porte-a".into(),
                    arrivals: 3,
                },
            ],
        }
    }

    #[test]
    fn a_category_expects_nobody_on_a_day_it_may_not_enter() {
        let s = stats(&sample_event(), false, &counts());
        let (d1, d2) = (&s.days[0], &s.days[1]);
        let exhibitors = |d: &DayStats| d.categories[1].tally.clone();
        assert_eq!(d1.categories[1].name, "Exposant");
        assert_eq!(exhibitors(d1).expected, 0);
        assert_eq!(exhibitors(d2).expected, 4);
        assert_eq!(exhibitors(d2).arrived, 3);
    }

    #[test]
    fn pending_people_are_expected_only_where_they_are_let_in() {
        let without = stats(&sample_event(), false, &counts());
        let with = stats(&sample_event(), true, &counts());
        assert_eq!(without.days[0].categories[0].tally.expected, 10);
        assert_eq!(with.days[0].categories[0].tally.expected, 12);
        // Cancelled people are never expected, but they are registrants.
        assert_eq!((with.registrants, with.cancelled), (20, 3));
    }

    #[test]
    fn other_categories_follow_the_configured_ones_and_every_arrival_counts() {
        let s = stats(&sample_event(), false, &counts());
        let names: Vec<&str> = s.days[0]
            .categories
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["Participant", "Exposant", "Ancienne"]);
        // An unlisted category is treated like the default one (every day).
        assert_eq!(s.days[0].categories[2].tally.expected, 1);
        assert_eq!(s.days[0].categories[2].colour, None);
        // 6 participants and the walk-in of a vanished category.
        assert_eq!(
            s.days[0].tally,
            Tally {
                expected: 11,
                arrived: 7
            }
        );
        assert_eq!(
            s.days[0].kiosks,
            BTreeMap::from([("porte-a".into(), 5), ("porte-b".into(), 2)])
        );
        assert_eq!(s.days[1].kiosks.len(), 1);
    }
}
