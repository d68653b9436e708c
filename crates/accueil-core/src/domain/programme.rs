//! The programme (sessions in rooms, at times, with capacities) and what
//! room doors decide and derive: who is admitted, who is in which room
//! now, who attended which session and for how long. Pure: the records
//! come in, counts come out, the same on every copy.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::checkin::Policy;
use super::event::Event;
use super::registrant::{Registrant, Status};

/// One session of the programme: a talk, a workshop, a plenary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The programme's own reference (`A1`), or one made of the room and
    /// the start when the file has none: records name sessions by it.
    pub id: String,
    pub title: String,
    pub room: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Seats: the door says « salle complète » once that many are in.
    pub capacity: Option<u32>,
    /// Only people registered for it are admitted.
    pub registration_only: bool,
}

/// The sessions, and who registered for which.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    /// By start, then room, then id.
    pub sessions: Vec<Session>,
    /// Session id → registrants' uids.
    #[serde(default)]
    pub registered: BTreeMap<String, BTreeSet<Uuid>>,
}

impl Programme {
    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// Rooms, in the order their first session comes.
    pub fn rooms(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.sessions
            .iter()
            .filter(|s| seen.insert(s.room.as_str()))
            .map(|s| s.room.as_str())
            .collect()
    }

    /// The session a room's door admits to at `now`: the latest-starting
    /// one whose door is open (from `opens_before` before its start to its
    /// end). Between two sessions of one room, the next one as soon as
    /// its door opens.
    pub fn open_in(
        &self,
        room: &str,
        now: Timestamp,
        opens_before: SignedDuration,
    ) -> Option<&Session> {
        self.sessions
            .iter()
            .filter(|s| same_room(&s.room, room) && door_open(s, now, opens_before))
            .max_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)))
    }

    /// The room's next session whose door is not open yet, if any.
    pub fn next_in(
        &self,
        room: &str,
        now: Timestamp,
        opens_before: SignedDuration,
    ) -> Option<&Session> {
        self.sessions
            .iter()
            .filter(|s| same_room(&s.room, room) && opens_at(s, opens_before) > now)
            .min_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)))
    }
}

/// Rooms are named by people: « Salle A » and « salle a » are one room.
pub fn same_room(a: &str, b: &str) -> bool {
    super::text::sort_key(a) == super::text::sort_key(b)
}

/// When a session's door opens.
pub fn opens_at(s: &Session, opens_before: SignedDuration) -> Timestamp {
    s.start.checked_sub(opens_before).unwrap_or(s.start)
}

fn door_open(s: &Session, now: Timestamp, opens_before: SignedDuration) -> bool {
    opens_at(s, opens_before) <= now && now < s.end
}

/// Which way a room door's scan goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    In,
    Out,
}

/// What a room door says to the person in front of it.
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
pub enum DoorOutcome {
    /// In: an entry is recorded.
    Admitted,
    /// Already in this session (scanned twice): nothing more is recorded.
    AlreadyInside,
    /// Out: an exit is recorded.
    Left,
    /// The session's capacity is reached.
    Full,
    /// The session is on registration only, and this person did not register.
    NotRegistered,
    /// The room's next session has not opened its door yet.
    TooEarly,
    /// Nothing is on in this room now, nor later.
    NoSession,
    Unknown,
    Cancelled,
    Pending,
    /// The person's category is not admitted today.
    NotToday,
}

impl DoorOutcome {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether the person may go through.
    pub fn lets_through(self) -> bool {
        matches!(
            self,
            DoorOutcome::Admitted | DoorOutcome::AlreadyInside | DoorOutcome::Left
        )
    }

    /// Whether it writes a record.
    pub fn records(self) -> bool {
        matches!(self, DoorOutcome::Admitted | DoorOutcome::Left)
    }
}

/// What a door knows when it decides.
#[derive(Debug, Clone, Copy)]
pub struct DoorView<'a> {
    /// The session open now in the door's room.
    pub open: Option<&'a Session>,
    /// The room's next session, when none is open.
    pub next: Option<&'a Session>,
    /// Whether the person is registered for the open session.
    pub registered: bool,
    /// Whether the person's presence now is in the open session.
    pub inside: bool,
    /// People in the open session now.
    pub present: u32,
}

/// A room door's decision. Refusals go from the most to the least
/// serious, as at the entrance; an exit is recorded for anyone on the
/// list, inside by this copy's count or not (another door's entry may
/// not have come yet: the replay closes it wherever it lands).
pub fn decide_door(
    event: &Event,
    policy: Policy,
    registrant: Option<&Registrant>,
    today: jiff::civil::Date,
    direction: Direction,
    view: DoorView<'_>,
) -> DoorOutcome {
    let Some(r) = registrant else {
        return DoorOutcome::Unknown;
    };
    match r.status {
        Status::Cancelled => return DoorOutcome::Cancelled,
        Status::Pending if !policy.accept_pending => return DoorOutcome::Pending,
        Status::Pending | Status::Valid => {}
    }
    if direction == Direction::Out {
        return DoorOutcome::Left;
    }
    if !event.category_valid_on(&r.category, today) {
        return DoorOutcome::NotToday;
    }
    let Some(session) = view.open else {
        return match view.next {
            Some(_) => DoorOutcome::TooEarly,
            None => DoorOutcome::NoSession,
        };
    };
    if view.inside {
        return DoorOutcome::AlreadyInside;
    }
    if session.registration_only && !view.registered {
        return DoorOutcome::NotRegistered;
    }
    if session.capacity.is_some_and(|c| view.present >= c) {
        return DoorOutcome::Full;
    }
    DoorOutcome::Admitted
}

/// A door's record, as the replay reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub id: Uuid,
    pub at: Timestamp,
    pub person: Uuid,
    pub room: String,
    /// The session entered; `None` for an exit.
    pub session: Option<String>,
}

/// A person's time in one session: from an entry to the exit, the next
/// entry anywhere, or the session's end, whichever comes first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stay {
    pub person: Uuid,
    pub session: String,
    pub from: Timestamp,
    /// `None`: still there (as far as the log knows).
    pub to: Option<Timestamp>,
}

impl Stay {
    /// Minutes in the session, within its times (an early entry counts
    /// from the start), up to `now` for a stay still open.
    pub fn within(&self, s: &Session, now: Timestamp) -> SignedDuration {
        let from = self.from.max(s.start);
        let to = self.to.unwrap_or(now).min(s.end).min(now);
        if to > from {
            to.duration_since(from)
        } else {
            SignedDuration::ZERO
        }
    }
}

/// Every stay, from the door records in any order: sorted by time (then
/// id) first, so every copy derives the same stays from the same records.
/// An entry into a session unknown to the programme still closes the
/// stay before it.
pub fn stays(movements: &mut [Movement], programme: &Programme) -> Vec<Stay> {
    movements.sort_by_key(|m| (m.person, m.at, m.id));
    let ends: HashMap<&str, Timestamp> = programme
        .sessions
        .iter()
        .map(|s| (s.id.as_str(), s.end))
        .collect();
    let mut out: Vec<Stay> = Vec::new();
    // The person's open stay (index in `out`) and its room.
    let mut open: Option<(Uuid, usize, &str)> = None;
    for m in movements.iter() {
        if open.is_some_and(|(p, _, _)| p != m.person) {
            open = None;
        }
        if let Some((_, i, room)) = open {
            // Doors write the programme's spelling of their room.
            let closes = m.session.is_some() || room == m.room;
            if closes {
                out[i].to = Some(m.at);
                open = None;
            }
        }
        if let Some(session) = &m.session {
            out.push(Stay {
                person: m.person,
                session: session.clone(),
                from: m.at,
                to: None,
            });
            open = Some((m.person, out.len() - 1, m.room.as_str()));
        }
    }
    // Nobody stays past a session's end.
    for stay in &mut out {
        if let Some(&end) = ends.get(stay.session.as_str()) {
            let to = stay.to.map_or(end, |t| t.min(end));
            stay.to = Some(to.max(stay.from));
        }
    }
    out
}

/// Occupancy and attendance per session, at `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SessionCount {
    pub session: String,
    /// In the room now for this session.
    pub present: u32,
    /// Came in at least once, however many doors saw them.
    pub attended: u32,
    /// Registered for it (on-registration sessions; 0 otherwise unless a
    /// list was given).
    pub registered: u32,
}

/// The counts of every session of the programme.
pub fn counts(programme: &Programme, stays: &[Stay], now: Timestamp) -> Vec<SessionCount> {
    let mut present: HashMap<&str, BTreeSet<Uuid>> = HashMap::new();
    let mut attended: HashMap<&str, BTreeSet<Uuid>> = HashMap::new();
    for stay in stays {
        if stay.from > now {
            continue;
        }
        attended
            .entry(stay.session.as_str())
            .or_default()
            .insert(stay.person);
        if stay.to.is_none_or(|t| t > now) {
            present
                .entry(stay.session.as_str())
                .or_default()
                .insert(stay.person);
        }
    }
    let len = |m: &HashMap<&str, BTreeSet<Uuid>>, id: &str| {
        m.get(id)
            .map_or(0, |s| u32::try_from(s.len()).unwrap_or(u32::MAX))
    };
    programme
        .sessions
        .iter()
        .map(|s| SessionCount {
            session: s.id.clone(),
            present: len(&present, &s.id),
            attended: len(&attended, &s.id),
            registered: programme
                .registered
                .get(&s.id)
                .map_or(0, |r| u32::try_from(r.len()).unwrap_or(u32::MAX)),
        })
        .collect()
}

/// Share of seats taken from which a room is flagged on the page.
pub const NEARLY_FULL_PERCENT: u32 = 90;

/// Whether more are in than the room seats: doors that each admitted
/// within the capacity while they could not hear from each other (offline,
/// or at the same instant) — a safety matter, told apart from « presque
/// complète ».
pub fn over_capacity(present: u32, capacity: Option<u32>) -> bool {
    capacity.is_some_and(|c| present > c)
}

/// Whether `present` of `capacity` calls for a warning.
pub fn nearly_full(present: u32, capacity: Option<u32>) -> bool {
    capacity.is_some_and(|c| {
        c > 0 && u64::from(present) * 100 >= u64::from(c) * u64::from(NEARLY_FULL_PERCENT)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hm: &str) -> Timestamp {
        format!("2026-06-11T{hm}:00Z").parse().unwrap()
    }

    fn session(id: &str, room: &str, start: &str, end: &str) -> Session {
        Session {
            id: id.into(),
            title: format!("Séance {id}"),
            room: room.into(),
            start: at(start),
            end: at(end),
            capacity: None,
            registration_only: false,
        }
    }

    fn programme() -> Programme {
        Programme {
            sessions: vec![
                session("A1", "Salle A", "09:00", "10:30"),
                session("A2", "Salle A", "10:45", "12:00"),
                session("B1", "Salle B", "09:00", "12:00"),
            ],
            registered: BTreeMap::new(),
        }
    }

    fn person(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn entry(id: u128, hm: &str, who: u128, room: &str, session: &str) -> Movement {
        Movement {
            id: Uuid::from_u128(1000 + id),
            at: at(hm),
            person: person(who),
            room: room.into(),
            session: Some(session.into()),
        }
    }

    fn exit(id: u128, hm: &str, who: u128, room: &str) -> Movement {
        Movement {
            id: Uuid::from_u128(1000 + id),
            at: at(hm),
            person: person(who),
            room: room.into(),
            session: None,
        }
    }

    #[test]
    fn the_door_opens_before_the_start_and_hands_over_to_the_next_session() {
        let p = programme();
        let quarter = SignedDuration::from_mins(15);
        assert_eq!(p.open_in("Salle A", at("08:40"), quarter), None);
        assert_eq!(p.next_in("Salle A", at("08:40"), quarter).unwrap().id, "A1");
        assert_eq!(p.open_in("salle a", at("08:45"), quarter).unwrap().id, "A1");
        assert_eq!(p.open_in("Salle A", at("10:29"), quarter).unwrap().id, "A1");
        assert_eq!(p.open_in("Salle A", at("10:30"), quarter).unwrap().id, "A2");
        assert_eq!(p.open_in("Salle A", at("12:00"), quarter), None);
        assert_eq!(p.next_in("Salle A", at("12:00"), quarter), None);
    }

    #[test]
    fn an_entry_elsewhere_or_an_exit_closes_a_stay_and_the_end_closes_the_rest() {
        let p = programme();
        let mut moves = vec![
            entry(3, "09:40", 1, "Salle B", "B1"),
            entry(1, "09:00", 1, "Salle A", "A1"),
            exit(2, "09:30", 1, "Salle B"), // not where they are: ignored
            entry(4, "09:05", 2, "Salle A", "A1"),
            exit(5, "09:50", 2, "Salle A"),
        ];
        let s = stays(&mut moves, &p);
        assert_eq!(
            s.iter()
                .map(|s| (s.person, s.session.as_str(), s.to))
                .collect::<Vec<_>>(),
            vec![
                (person(1), "A1", Some(at("09:40"))),
                (person(1), "B1", Some(at("12:00"))),
                (person(2), "A1", Some(at("09:50"))),
            ]
        );
        let c = counts(&p, &s, at("10:00"));
        assert_eq!((c[0].present, c[0].attended), (0, 2));
        assert_eq!((c[2].present, c[2].attended), (1, 1));
        assert_eq!(
            s[0].within(&p.sessions[0], at("10:00")),
            SignedDuration::from_mins(40)
        );
    }

    #[test]
    fn one_person_seen_by_two_doors_of_a_room_counts_once() {
        let p = programme();
        let mut moves = vec![
            entry(1, "09:00", 1, "Salle A", "A1"),
            entry(2, "09:01", 1, "Salle A", "A1"),
        ];
        let s = stays(&mut moves, &p);
        let c = counts(&p, &s, at("09:30"));
        assert_eq!((c[0].present, c[0].attended), (1, 1));
    }

    #[test]
    fn the_door_refuses_in_order_of_seriousness() {
        let event = crate::domain::event::tests::sample_event();
        let r = |status| Registrant {
            id: 1,
            uid: person(1),
            code: "NEC-1".into(),
            first_name: "Hélène".into(),
            last_name: "Dupont".into(),
            organisation: String::new(),
            email: String::new(),
            category: "Participant".into(),
            status,
            origin: crate::domain::Origin::Import,
            extra: Default::default(),
        };
        let mut full = session("A1", "Salle A", "09:00", "10:30");
        full.capacity = Some(1);
        full.registration_only = true;
        let view = DoorView {
            open: Some(&full),
            next: None,
            registered: false,
            inside: false,
            present: 1,
        };
        let day = event.first_day().date;
        let d = |reg: Option<&Registrant>, dir, view| {
            decide_door(&event, Policy::default(), reg, day, dir, view)
        };
        assert_eq!(d(None, Direction::In, view), DoorOutcome::Unknown);
        assert_eq!(
            d(Some(&r(Status::Cancelled)), Direction::In, view),
            DoorOutcome::Cancelled
        );
        assert_eq!(
            d(Some(&r(Status::Valid)), Direction::Out, view),
            DoorOutcome::Left
        );
        assert_eq!(
            d(Some(&r(Status::Valid)), Direction::In, view),
            DoorOutcome::NotRegistered
        );
        let registered = DoorView {
            registered: true,
            ..view
        };
        assert_eq!(
            d(Some(&r(Status::Valid)), Direction::In, registered),
            DoorOutcome::Full
        );
        let inside = DoorView {
            inside: true,
            ..registered
        };
        assert_eq!(
            d(Some(&r(Status::Valid)), Direction::In, inside),
            DoorOutcome::AlreadyInside
        );
        let seat = DoorView {
            present: 0,
            ..registered
        };
        assert_eq!(
            d(Some(&r(Status::Valid)), Direction::In, seat),
            DoorOutcome::Admitted
        );
        let closed = DoorView {
            open: None,
            next: Some(&full),
            ..view
        };
        assert_eq!(
            d(Some(&r(Status::Valid)), Direction::In, closed),
            DoorOutcome::TooEarly
        );
        let over = DoorView {
            open: None,
            next: None,
            ..view
        };
        assert_eq!(
            d(Some(&r(Status::Valid)), Direction::In, over),
            DoorOutcome::NoSession
        );
    }

    #[test]
    fn more_than_the_seats_is_over_capacity() {
        assert!(!over_capacity(2, Some(2)));
        assert!(over_capacity(4, Some(2)));
        assert!(!over_capacity(4, None));
        assert!(over_capacity(1, Some(0)));
    }

    #[test]
    fn ninety_percent_is_nearly_full() {
        assert!(!nearly_full(89, Some(100)));
        assert!(nearly_full(90, Some(100)));
        assert!(nearly_full(1, Some(1)));
        assert!(!nearly_full(500, None));
        assert!(!nearly_full(0, Some(0)));
    }
}
