//! The programme and the room doors: importing sessions (all or nothing),
//! a door's scan (its decision and record in one transaction), and the
//! occupancy and attendance derived from the log.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;

use super::{AppError, Kiosk, Result};
use crate::domain::payload::{Payload, RoomPayload};
use crate::domain::programme::{
    self, Direction, DoorOutcome, DoorView, Programme, Session, SessionCount,
};
use crate::domain::{NewRecord, Record, RecordKind, Registrant, uid_for_code};
use crate::import::RowProblem;
use crate::store::{Lookup, ProgrammeChange};

use super::checkin::ScanNote;

/// A registration as a programme's line gives it: `(line, session id,
/// ticket code or e-mail)`.
type Registration = (usize, String, String);

/// What `accueil programme FILE` read and did.
#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeImport {
    pub format: String,
    pub sessions: usize,
    pub rooms: usize,
    pub warnings: Vec<RowProblem>,
    pub change: ProgrammeChange,
    pub dry_run: bool,
}

/// A room door's answer, for the door's screen and for scripts.
#[derive(Debug, Clone, PartialEq)]
pub struct DoorScan {
    pub outcome: DoorOutcome,
    pub direction: Direction,
    /// The room, as the programme spells it.
    pub room: String,
    pub registrant: Option<Registrant>,
    /// The session open in the room now, or (too early) the next one.
    pub session: Option<Session>,
    /// People in the open session, this one included once admitted.
    pub present: u32,
    pub record: Option<Record>,
    pub scan: ScanNote,
}

/// What a room door shows between scans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoorStatus {
    pub room: String,
    /// The session its door admits to now.
    pub open: Option<Session>,
    /// When none is open: the room's next session.
    pub next: Option<Session>,
    pub present: u32,
}

/// How one session stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionView {
    #[serde(flatten)]
    pub session: Session,
    #[serde(flatten)]
    pub counts: SessionCount,
    /// Its door admits now.
    pub open: bool,
    /// From [`programme::NEARLY_FULL_PERCENT`] of its capacity.
    pub nearly_full: bool,
    /// More present than its capacity ([`programme::over_capacity`]).
    pub over_capacity: bool,
}

/// The programme with its counts at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Occupancy {
    pub at: Timestamp,
    pub sessions: Vec<SessionView>,
    /// Per room: the session open now, and how full.
    pub rooms: Vec<RoomView>,
}

/// A room now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoomView {
    pub room: String,
    /// The session its door admits to now.
    pub session: Option<String>,
    pub present: u32,
    pub capacity: Option<u32>,
    pub nearly_full: bool,
    /// More present than the open session's capacity.
    pub over_capacity: bool,
}

impl Kiosk {
    /// The room a door works for: the one asked, else kiosk.toml's.
    fn door_room(&self, room: Option<&str>) -> Result<String> {
        match room.or(self.config.kiosk.room.as_deref()) {
            Some(r) if !r.trim().is_empty() => Ok(r.trim().to_owned()),
            _ => Err(AppError::NoRoom),
        }
    }

    /// The programme this copy holds.
    pub fn programme(&self) -> Result<Programme> {
        Ok(self.store.programme()?)
    }

    /// The tickets of the sessions whose registrations are a pretix
    /// check-in list (`Liste pretix`, its id or name): `(line, session,
    /// ticket)`, and what to warn of. A list pretix does not have, or no
    /// pretix to ask, is a bad row: nothing is imported.
    fn pretix_session_tickets(
        &self,
        path: &Path,
        lists: &[(usize, String, String)],
    ) -> Result<(Vec<Registration>, Vec<RowProblem>)> {
        let bad_rows = |problems: Vec<RowProblem>| -> AppError {
            crate::import::ImportError::BadRows {
                path: path.to_owned(),
                problems,
            }
            .into()
        };
        if !matches!(self.config.source, crate::config::Source::Pretix(_)) {
            return Err(bad_rows(
                lists
                    .iter()
                    .map(|(line, _, list)| RowProblem {
                        line: *line,
                        message: format!(
                            "liste pretix « {list} » : [source] de kiosk.toml ne désigne pas pretix — importez le programme sur le poste relié à pretix (le hub), ou donnez les inscrits dans la colonne « Inscrits »"
                        ),
                    })
                    .collect(),
            ));
        }
        let client = self.pretix_client(std::time::Duration::from_secs(60))?;
        let known = client.checkin_lists()?;
        let fold = |s: &str| crate::domain::text::sort_key(s.trim());
        let mut problems = Vec::new();
        let mut wanted: Vec<(usize, String, u64)> = Vec::new();
        for (line, session, list) in lists {
            let found = known.iter().find(|l| {
                list.trim().parse::<u64>().is_ok_and(|id| id == l.id) || fold(&l.name) == fold(list)
            });
            match found {
                Some(l) => wanted.push((*line, session.clone(), l.id)),
                None => problems.push(RowProblem {
                    line: *line,
                    message: format!(
                        "liste pretix « {list} » inconnue de l'événement — listes : {}",
                        known
                            .iter()
                            .map(|l| format!("{} ({})", l.name, l.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }),
            }
        }
        if !problems.is_empty() {
            return Err(bad_rows(problems));
        }
        let mut by_list: BTreeMap<u64, Vec<crate::pretix::Position>> = BTreeMap::new();
        for (_, _, id) in &wanted {
            if !by_list.contains_key(id) {
                by_list.insert(*id, client.positions_of(*id, |_, _| {})?);
            }
        }
        let mut out = Vec::new();
        let mut warnings = Vec::new();
        let mut main: std::collections::HashMap<i64, String> = Default::default();
        for (line, session, id) in &wanted {
            let positions = by_list.get(id).map_or(&[][..], |v| &v[..]);
            let (mut tickets, mut missing) = crate::pretix::session_tickets(positions, &main);
            // Workshops booked as add-ons: their main tickets are on the
            // event's own list (downloaded once).
            if !missing.is_empty() && main.is_empty() {
                main = client
                    .positions(|_, _| {})?
                    .into_iter()
                    .map(|p| (p.id, p.secret))
                    .collect();
                (tickets, missing) = crate::pretix::session_tickets(positions, &main);
            }
            if !missing.is_empty() {
                warnings.push(RowProblem {
                    line: *line,
                    message: format!(
                        "{} réservation(s) de la liste pretix sans billet principal trouvé : non inscrites",
                        missing.len()
                    ),
                });
            }
            if tickets.is_empty() {
                warnings.push(RowProblem {
                    line: *line,
                    message: "la liste pretix n'a aucun billet payé ou en attente : la porte n'admettra personne".into(),
                });
            }
            out.extend(tickets.into_iter().map(|t| (*line, session.clone(), t)));
        }
        Ok((out, warnings))
    }

    /// Imports a programme file, whole: every row checked, nothing taken
    /// when one is wrong. Registrations name people by ticket code or
    /// e-mail. Removing a session doors already let people into is
    /// refused unless `force`.
    pub fn import_programme(
        &mut self,
        path: &Path,
        dry_run: bool,
        force: bool,
    ) -> Result<ProgrammeImport> {
        self.refuse_if_purged()?;
        let mut parsed =
            crate::import::programme::read_file(path, &self.config.import, &self.config.event)?;
        let mut warnings = std::mem::take(&mut parsed.warnings);
        if !parsed.pretix_lists.is_empty() {
            let (from_pretix, said) = self.pretix_session_tickets(path, &parsed.pretix_lists)?;
            parsed.registrations.extend(from_pretix);
            warnings.extend(said);
        }
        let mut problems = Vec::new();
        let mut registered: BTreeMap<String, BTreeSet<uuid::Uuid>> = BTreeMap::new();
        for (line, session, who) in &parsed.registrations {
            let uid = match self.store.registrant_named(who)? {
                Some(uid) => uid,
                None if who.contains('@') => {
                    problems.push(RowProblem {
                        line: *line,
                        message: format!(
                            "inscrit·e « {who} » : aucune personne de la liste (ou plusieurs) n'a cette adresse — donnez son code de billet"
                        ),
                    });
                    continue;
                }
                None => {
                    warnings.push(RowProblem {
                        line: *line,
                        message: format!(
                            "billet « {who} » absent de la liste : reconnu à la porte une fois importé"
                        ),
                    });
                    uid_for_code(who.trim())
                }
            };
            registered.entry(session.clone()).or_default().insert(uid);
        }
        if !problems.is_empty() {
            return Err(crate::import::ImportError::BadRows {
                path: path.to_owned(),
                problems,
            }
            .into());
        }
        let new = Programme {
            sessions: parsed.sessions.into_iter().map(|(_, s)| s).collect(),
            registered,
        };
        let mut refused = None;
        let change = self.store.replace_programme(&new, |c| {
            if !force && let Some((id, n)) = c.removed_with_entries.first() {
                refused = Some((id.clone(), *n));
                return false;
            }
            !dry_run
        })?;
        if let Some((session, entries)) = refused {
            return Err(AppError::SessionRemoved { session, entries });
        }
        Ok(ProgrammeImport {
            format: parsed.format,
            sessions: new.sessions.len(),
            rooms: new.rooms().len(),
            warnings,
            change,
            dry_run,
        })
    }

    /// A scan (or a name chosen) at the door of `room` (kiosk.toml's
    /// `[kiosk] room` when `None`): the decision and, when it lets the
    /// person in or out, its record, in one transaction.
    pub fn door_scan(
        &mut self,
        lookup: &Lookup,
        room: Option<&str>,
        direction: Direction,
    ) -> Result<DoorScan> {
        self.refuse_if_purged()?;
        let room = self.door_room(room)?;
        let event = &self.config.event;
        let policy = self.config.policy;
        let now = (self.clock)();
        let today = event.timezone.to_datetime(now).date();
        let (outcome, seen, record) = self.store.door_decide_and_record(
            lookup,
            &self.config.kiosk.id,
            &room,
            now,
            self.config.door_opens_before,
            |seen| {
                let view = DoorView {
                    open: seen.open.as_ref(),
                    next: seen.next.as_ref(),
                    registered: seen.registered,
                    inside: seen.inside,
                    present: seen.present,
                };
                let registrant = seen.registrant.as_ref();
                let outcome =
                    programme::decide_door(event, policy, registrant, today, direction, view);
                let record = match (outcome, registrant) {
                    (DoorOutcome::Admitted, Some(r)) => seen.open.as_ref().map(|s| {
                        NewRecord::about(
                            RecordKind::RoomEntry,
                            r.uid,
                            Payload::RoomEntry(RoomPayload {
                                room: seen.room.clone(),
                                session: Some(s.id.clone()),
                            })
                            .to_value(),
                        )
                    }),
                    (DoorOutcome::Left, Some(r)) => Some(NewRecord::about(
                        RecordKind::RoomExit,
                        r.uid,
                        Payload::RoomExit(RoomPayload {
                            room: seen.room.clone(),
                            session: None,
                        })
                        .to_value(),
                    )),
                    _ => None,
                };
                (outcome, record)
            },
        )?;
        let present = match outcome {
            DoorOutcome::Admitted => seen.present + 1,
            DoorOutcome::Left if seen.inside => seen.present.saturating_sub(1),
            _ => seen.present,
        };
        Ok(DoorScan {
            outcome,
            direction,
            room: seen.room,
            scan: ScanNote::from(&seen.scan),
            registrant: seen.registrant,
            session: seen.open.or(seen.next),
            present,
            record,
        })
    }

    /// What the door of `room` (kiosk.toml's when `None`) admits to now,
    /// and how full the session is.
    pub fn door_status(&self, room: Option<&str>) -> Result<DoorStatus> {
        let room = self.door_room(room)?;
        let (open, next, room, present) =
            self.store
                .door_now(&room, self.now(), self.config.door_opens_before)?;
        Ok(DoorStatus {
            room,
            open,
            next,
            present,
        })
    }

    /// Every session's and room's counts at `at` (now when `None`),
    /// derived from the door records: one person counts once per session,
    /// however many doors saw them.
    pub fn occupancy(&self, at: Option<Timestamp>) -> Result<Occupancy> {
        let at = at.unwrap_or_else(|| self.now());
        let programme = self.store.programme()?;
        let counts = self.store.session_counts(at)?;
        Ok(views(&programme, counts, at, self.config.door_opens_before))
    }

    /// [`Kiosk::occupancy`] replayed from the door records themselves
    /// rather than from what the copy derived as they came: the two agree
    /// (tests check it).
    pub fn occupancy_replayed(&self, at: Option<Timestamp>) -> Result<Occupancy> {
        let at = at.unwrap_or_else(|| self.now());
        let programme = self.store.programme()?;
        let mut moves = self.store.movements()?;
        Ok(occupancy_of(
            &programme,
            &mut moves,
            at,
            self.config.door_opens_before,
        ))
    }
}

/// [`Kiosk::occupancy`] on a programme and its door records.
pub fn occupancy_of(
    programme: &Programme,
    moves: &mut [programme::Movement],
    at: Timestamp,
    opens_before: jiff::SignedDuration,
) -> Occupancy {
    let stays = programme::stays(moves, programme);
    let counts = programme::counts(programme, &stays, at);
    views(programme, counts, at, opens_before)
}

/// The sessions' and rooms' views from their counts.
fn views(
    programme: &Programme,
    counts: Vec<SessionCount>,
    at: Timestamp,
    opens_before: jiff::SignedDuration,
) -> Occupancy {
    let sessions: Vec<SessionView> = programme
        .sessions
        .iter()
        .zip(counts)
        .map(|(s, c)| SessionView {
            open: programme::opens_at(s, opens_before) <= at && at < s.end,
            nearly_full: programme::nearly_full(c.present, s.capacity),
            over_capacity: programme::over_capacity(c.present, s.capacity),
            session: s.clone(),
            counts: c,
        })
        .collect();
    let rooms = programme
        .rooms()
        .into_iter()
        .map(|room| {
            let open = programme.open_in(room, at, opens_before);
            // Everyone in the room, whichever of its sessions they came for.
            let present = sessions
                .iter()
                .filter(|v| programme::same_room(&v.session.room, room))
                .map(|v| v.counts.present)
                .sum();
            let capacity = open.and_then(|s| s.capacity);
            RoomView {
                room: room.to_owned(),
                session: open.map(|s| s.id.clone()),
                present,
                capacity,
                nearly_full: programme::nearly_full(present, capacity),
                over_capacity: programme::over_capacity(present, capacity),
            }
        })
        .collect();
    Occupancy {
        at,
        sessions,
        rooms,
    }
}

/// « 1 h 30 », « 45 min ».
fn duration_text(d: jiff::SignedDuration) -> String {
    let minutes = d.as_secs().max(0) / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

impl Kiosk {
    /// The session's attendance sheet (« feuille d'émargement »): who came
    /// (first entry), and who registered without coming, by name.
    pub fn attendance_sheet(
        &self,
        session: &str,
        signatures: bool,
        words: crate::badge::sheet::Words,
    ) -> Result<Vec<u8>> {
        self.refuse_if_purged()?;
        let programme = self.store.programme()?;
        let Some(s) = programme.session(session.trim()) else {
            return Err(AppError::NoSuchSession {
                session: session.trim().to_owned(),
                known: programme
                    .sessions
                    .iter()
                    .map(|s| s.id.clone())
                    .take(20)
                    .collect(),
            });
        };
        let mut moves = self.store.movements()?;
        let stays = programme::stays(&mut moves, &programme);
        let mut first: BTreeMap<uuid::Uuid, Timestamp> = BTreeMap::new();
        for st in stays.iter().filter(|st| st.session == s.id) {
            first
                .entry(st.person)
                .and_modify(|t| *t = (*t).min(st.from))
                .or_insert(st.from);
        }
        let event = &self.config.event;
        let mut people: Vec<(Registrant, String)> = Vec::new();
        let mut seen = BTreeSet::new();
        let registered = programme.registered.get(&s.id).cloned().unwrap_or_default();
        for uid in first.keys().chain(registered.iter()) {
            if !seen.insert(*uid) {
                continue;
            }
            if let Some(r) = self.store.registrant(&Lookup::Uid(*uid))? {
                let at = first.get(uid).map(|t| event.hh_mm(*t)).unwrap_or_default();
                people.push((r, at));
            }
        }
        people.sort_by(|a, b| {
            (
                crate::domain::text::sort_key(&a.0.last_name),
                crate::domain::text::sort_key(&a.0.first_name),
            )
                .cmp(&(
                    crate::domain::text::sort_key(&b.0.last_name),
                    crate::domain::text::sort_key(&b.0.first_name),
                ))
        });
        let tz = &event.timezone;
        let sheet = crate::badge::sheet::Sheet {
            event: event.name.clone(),
            session: s.title.clone(),
            when: format!(
                "{} · {} · {}–{}",
                s.room,
                tz.to_datetime(s.start).strftime(crate::domain::when::DATE),
                event.hh_mm(s.start),
                event.hh_mm(s.end)
            ),
            rows: people
                .into_iter()
                .map(|(r, arrived)| crate::badge::sheet::SheetRow {
                    last_name: r.last_name,
                    first_name: r.first_name,
                    organisation: r.organisation,
                    arrived,
                })
                .collect(),
            signatures,
            words,
            generated: tz
                .to_datetime(self.now())
                .strftime(crate::domain::when::DATE_TIME)
                .to_string(),
        };
        Ok(crate::badge::sheet::attendance_sheet(&sheet)?)
    }

    /// Attendance certificates: `who`'s, or everyone's who attended a
    /// session, each with the sessions and the time spent in each (from
    /// the door records, within the sessions' times). One PDF per person;
    /// someone who spent no minute in a session gets none (asked for by
    /// name: an error that says so).
    pub fn certificates(
        &self,
        who: Option<&Lookup>,
        words: crate::badge::sheet::Words,
    ) -> Result<Vec<(Registrant, Vec<u8>)>> {
        use crate::badge::sheet::{Attended, Certificate, Signatory};
        self.refuse_if_purged()?;
        let a = &self.config.attestation;
        let Some(signatory) = a.signatory.as_deref() else {
            return Err(AppError::NoSignatory);
        };
        let signature = match &a.signature {
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|source| AppError::SignatureFile {
                    path: path.clone(),
                    source,
                })?;
                Some(crate::badge::Logo::decode(&bytes)?)
            }
            None => None,
        };
        let programme = self.store.programme()?;
        let mut moves = self.store.movements()?;
        let only = match who {
            Some(l) => Some(
                self.store
                    .registrant(l)?
                    .ok_or_else(|| AppError::NotFound(l.to_string()))?
                    .uid,
            ),
            None => None,
        };
        if let Some(uid) = only {
            moves.retain(|m| m.person == uid);
        }
        let stays = programme::stays(&mut moves, &programme);
        let now = self.now();
        let event = &self.config.event;
        let tz = &event.timezone;
        // Per person, per session: the time spent.
        let mut time: BTreeMap<uuid::Uuid, BTreeMap<String, jiff::SignedDuration>> =
            BTreeMap::new();
        for st in &stays {
            if let Some(s) = programme.session(&st.session) {
                let d = st.within(s, now);
                let e = time
                    .entry(st.person)
                    .or_default()
                    .entry(s.id.clone())
                    .or_default();
                *e = e.checked_add(d).unwrap_or(*e);
            }
        }
        if let Some(uid) = only {
            time.entry(uid).or_default();
        }
        let date = tz
            .to_datetime(now)
            .strftime(crate::domain::when::DATE)
            .to_string();
        let by = Signatory {
            event: &event.name,
            organiser: a.organiser.as_deref().unwrap_or(&event.name),
            name: signatory,
            place: a.place.as_deref().unwrap_or(""),
            date: &date,
            signature: signature.as_ref(),
            words,
        };
        let mut out = Vec::new();
        for (uid, sessions) in time {
            let Some(r) = self.store.registrant(&Lookup::Uid(uid))? else {
                continue;
            };
            let mut total = jiff::SignedDuration::ZERO;
            let attended: Vec<Attended> = programme
                .sessions
                .iter()
                .filter_map(|s| sessions.get(&s.id).map(|d| (s, *d)))
                .filter(|(_, d)| d.as_secs() >= 60)
                .map(|(s, d)| {
                    total = total.checked_add(d).unwrap_or(total);
                    Attended {
                        date: tz
                            .to_datetime(s.start)
                            .strftime(crate::domain::when::DATE)
                            .to_string(),
                        times: format!("{}–{}", event.hh_mm(s.start), event.hh_mm(s.end)),
                        title: s.title.clone(),
                        room: s.room.clone(),
                        duration: duration_text(d),
                    }
                })
                .collect();
            // Everyone's: those who came to something. One person's, for
            // nothing, is no certificate: a signed « 0 min » is no proof.
            if attended.is_empty() {
                if only.is_some() {
                    return Err(AppError::NothingAttended(r.display_name()));
                }
                continue;
            }
            let cert = Certificate {
                name: r.display_name(),
                organisation: r.organisation.clone(),
                sessions: attended,
                total: duration_text(total),
            };
            let pdf = crate::badge::sheet::certificates(std::slice::from_ref(&cert), &by)?;
            out.push((r, pdf));
        }
        Ok(out)
    }
}
