//! The programme as this copy holds it, and room doors' records: a door's
//! decision and its record in one transaction, as at the entrance.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use uuid::Uuid;

use super::column::{Stamp, Typed, Uid};
use super::log::{append_and_commit, look_up};
use super::{CodeMatch, Lookup, Result, Store, StoreError, find_registrant, ts_text};
use crate::domain::programme::{Movement, Programme, Session, SessionCount};
use crate::domain::{NewRecord, Record, Registrant};

/// What replacing the programme changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProgrammeChange {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Sessions of the programme held here that the new one lacks.
    pub removed: Vec<String>,
    /// Of those, the ones doors have let people into: their entries stay
    /// in the log, but no count shows them any more.
    pub removed_with_entries: Vec<(String, i64)>,
    /// Registrations (person, session) in the new programme.
    pub registrations: usize,
    /// Whether it was written (not for a dry run, nor when refused).
    pub committed: bool,
}

/// What a room door sees of a person, in its transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct DoorTx {
    pub registrant: Option<Registrant>,
    pub scan: CodeMatch,
    /// The session open now in the door's room, and the next one.
    pub open: Option<Session>,
    pub next: Option<Session>,
    /// The programme's own spelling of the door's room.
    pub room: String,
    pub registered: bool,
    /// The person's presence now is in the open session.
    pub inside: bool,
    /// People in the open session now, as this copy knows.
    pub present: u32,
}

const SESSION_COLUMNS: &str = "id, title, room, starts_at, ends_at, capacity, registration_only";

/// A session, from a row of `SELECT {SESSION_COLUMNS}`.
fn session_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: r.get(0)?,
        title: r.get(1)?,
        room: r.get(2)?,
        start: r.at::<Stamp>(3, "session.starts_at")?.0,
        end: r.at::<Stamp>(4, "session.ends_at")?.0,
        capacity: r
            .get::<_, Option<i64>>(5)?
            .and_then(|c| u32::try_from(c).ok()),
        registration_only: r.get(6)?,
    })
}

fn sessions(conn: &Connection) -> Result<Vec<Session>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SESSION_COLUMNS} FROM session ORDER BY starts_at, room, id"
    ))?;
    let rows = stmt.query_map([], session_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn registered(conn: &Connection) -> Result<BTreeMap<String, BTreeSet<Uuid>>> {
    let mut stmt = conn.prepare_cached("SELECT session, registrant FROM session_registrant")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out: BTreeMap<String, BTreeSet<Uuid>> = BTreeMap::new();
    for row in rows {
        let (session, who) = row?;
        let uid = Uuid::parse_str(&who).map_err(|_| StoreError::Corrupt {
            column: "session_registrant.registrant",
            value: who.clone(),
        })?;
        out.entry(session).or_default().insert(uid);
    }
    Ok(out)
}

fn programme(conn: &Connection) -> Result<Programme> {
    Ok(Programme {
        sessions: sessions(conn)?,
        registered: registered(conn)?,
    })
}

/// Door records that count: not refused by the hub.
const COUNTED: &str =
    "NOT EXISTS (SELECT 1 FROM record_refused f WHERE f.id = r.id AND f.kind = 'refused')";

impl Store {
    /// The programme held here.
    pub fn programme(&self) -> Result<Programme> {
        programme(&self.conn)
    }

    /// Replaces the programme, whole, in one transaction; `accept` sees
    /// what would change and says whether to write it. A hub hands the new
    /// programme to kiosks with its list: the list's revision changes.
    pub fn replace_programme(
        &mut self,
        new: &Programme,
        accept: impl FnOnce(&ProgrammeChange) -> bool,
    ) -> Result<ProgrammeChange> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old = programme(&tx)?;
        let mut change = ProgrammeChange::default();
        // By reference: a programme of any size compared in one pass.
        let old_by_id: HashMap<&str, &Session> =
            old.sessions.iter().map(|s| (s.id.as_str(), s)).collect();
        let new_ids: std::collections::HashSet<&str> =
            new.sessions.iter().map(|s| s.id.as_str()).collect();
        for s in &new.sessions {
            match old_by_id.get(s.id.as_str()).copied() {
                None => change.added += 1,
                Some(o) if o == s && old.registered.get(&s.id) == new.registered.get(&s.id) => {
                    change.unchanged += 1
                }
                Some(_) => change.updated += 1,
            }
        }
        for s in &old.sessions {
            if !new_ids.contains(s.id.as_str()) {
                change.removed.push(s.id.clone());
                let entries: i64 = tx
                    .prepare_cached(
                        "SELECT COUNT(*) FROM record
                         WHERE kind = 'room_entry' AND json_extract(payload, '$.session') = ?1",
                    )?
                    .query_row([&s.id], |r| r.get(0))?;
                if entries > 0 {
                    change.removed_with_entries.push((s.id.clone(), entries));
                }
            }
        }
        change.registrations = new.registered.values().map(BTreeSet::len).sum();
        if !accept(&change) {
            return Ok(change);
        }
        tx.execute_batch("DELETE FROM session_registrant; DELETE FROM session;")?;
        {
            let mut insert = tx.prepare_cached(&format!(
                "INSERT INTO session ({SESSION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ))?;
            for s in &new.sessions {
                insert.execute(params![
                    s.id,
                    s.title,
                    s.room,
                    ts_text(s.start),
                    ts_text(s.end),
                    s.capacity,
                    s.registration_only
                ])?;
            }
            let mut register = tx.prepare_cached(
                "INSERT OR IGNORE INTO session_registrant (session, registrant) VALUES (?1, ?2)",
            )?;
            for (session, people) in &new.registered {
                for who in people {
                    register.execute(params![session, who.to_string()])?;
                }
            }
        }
        if change.added + change.updated + change.removed.len() > 0 {
            tx.prepare_cached(
                "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([
                super::SyncKey::ListRev.name().into_owned(),
                Uuid::now_v7().to_string(),
            ])?;
        }
        tx.commit()?;
        change.committed = true;
        Ok(change)
    }

    /// Every door record that counts, in no particular order.
    pub fn movements(&self) -> Result<Vec<Movement>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT r.id, r.at, r.registrant, json_extract(r.payload, '$.room'),
                    CASE WHEN r.kind = 'room_entry' THEN json_extract(r.payload, '$.session') END
             FROM record r WHERE r.kind IN ('room_entry', 'room_exit') AND {COUNTED}"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(Movement {
                id: r.at::<Uid>(0, "record.id")?.0,
                at: r.at::<Stamp>(1, "record.at")?.0,
                person: r.at::<Uid>(2, "record.registrant")?.0,
                room: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                session: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Looks the person up, shows `decide` what the door of `room` knows
    /// at `now`, and appends the record it asks for — in one immediate
    /// transaction, so two doors sharing a file never both take the last
    /// seat, and a crash leaves the scan whole or not at all.
    pub fn door_decide_and_record<T>(
        &mut self,
        lookup: &Lookup,
        kiosk: &str,
        room: &str,
        now: Timestamp,
        opens_before: SignedDuration,
        decide: impl FnOnce(&DoorTx) -> (T, Option<NewRecord>),
    ) -> Result<(T, DoorTx, Option<Record>)> {
        let scanner = self.scanner;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let scan = look_up(&tx, lookup, scanner)?;
        let (open, next, room, present) = door_view(&tx, room, now, opens_before)?;
        let registrant = scan.registrant.clone();
        let (mut registered, mut inside) = (false, false);
        if let (Some(s), Some(r)) = (&open, &registrant) {
            registered = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM session_registrant
                     WHERE session = ?1 AND registrant = ?2)",
                )?
                .query_row(params![s.id, r.uid.to_string()], |row| row.get(0))?;
            inside = presence(&tx, r.uid)?.is_some_and(|(session, _)| session == s.id);
        }
        let seen = DoorTx {
            registrant,
            scan,
            open,
            next,
            room,
            registered,
            inside,
            present,
        };
        let (answer, new) = decide(&seen);
        let record = append_and_commit(tx, kiosk, now, new)?;
        Ok((answer, seen, record))
    }
}

/// What the door of `room` admits to at `now`: the session open, or the
/// next one; the programme's spelling of the room; the people in the open
/// session.
type DoorNow = (Option<Session>, Option<Session>, String, u32);

fn door_view(
    conn: &Connection,
    room: &str,
    now: Timestamp,
    opens_before: SignedDuration,
) -> Result<DoorNow> {
    let programme = Programme {
        sessions: sessions(conn)?,
        registered: BTreeMap::new(),
    };
    let open = programme.open_in(room, now, opens_before).cloned();
    let next = match open {
        Some(_) => None,
        None => programme.next_in(room, now, opens_before).cloned(),
    };
    let room = programme
        .sessions
        .iter()
        .find(|s| crate::domain::programme::same_room(&s.room, room))
        .map_or_else(|| room.trim().to_owned(), |s| s.room.clone());
    let present = match &open {
        Some(s) => present_in(conn, s)?,
        None => 0,
    };
    Ok((open, next, room, present))
}

impl Store {
    /// What the door of `room` shows between scans.
    pub fn door_now(
        &self,
        room: &str,
        now: Timestamp,
        opens_before: SignedDuration,
    ) -> Result<(Option<Session>, Option<Session>, String, u32)> {
        door_view(&self.conn, room, now, opens_before)
    }
}

/// Where a person is now: `(session, room)`, as the derived
/// `room_presence` holds it (schema 10).
fn presence(conn: &Connection, who: Uuid) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT session, room FROM room_presence WHERE registrant = ?1")?
        .query_row([who.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// People in a session now.
fn present_in(conn: &Connection, s: &Session) -> Result<u32> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM room_presence WHERE session = ?1")?
        .query_row([&s.id], |r| r.get(0))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Rebuilds the presence and attendance derived from the door records
/// (after a purge renamed everyone).
pub(super) fn rebuild_rooms(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM room_presence;
         DELETE FROM session_attendance;
         INSERT INTO room_presence (registrant, session, room, entered)
             SELECT registrant, session, room, entered FROM room_presence_of;
         INSERT OR IGNORE INTO session_attendance (session, registrant)
             SELECT json_extract(r.payload, '$.session'), r.registrant FROM record r
             WHERE r.kind = 'room_entry'
               AND NOT EXISTS (SELECT 1 FROM record_refused f WHERE f.id = r.id AND f.kind = 'refused');",
    )?;
    Ok(())
}

impl Store {
    /// Every session's counts at `now`, from the derived presence and
    /// attendance: in the room now (sessions not over), came at least once,
    /// registered.
    pub fn session_counts(&self, now: Timestamp) -> Result<Vec<SessionCount>> {
        let per = |sql: &str, now: Option<&str>| -> Result<HashMap<String, u32>> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let rows = match now {
                Some(t) => stmt
                    .query_map([t], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?,
                None => stmt
                    .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?,
            };
            Ok(rows
                .into_iter()
                .map(|(k, n)| (k, u32::try_from(n).unwrap_or(u32::MAX)))
                .collect())
        };
        let t = ts_text(now);
        let present = per(
            "SELECT p.session, COUNT(*) FROM room_presence p JOIN session s ON s.id = p.session
             WHERE s.ends_at > ?1 AND p.entered <= ?1 GROUP BY p.session",
            Some(&t),
        )?;
        let attended = per(
            "SELECT session, COUNT(*) FROM session_attendance GROUP BY session",
            None,
        )?;
        let registered = per(
            "SELECT session, COUNT(*) FROM session_registrant GROUP BY session",
            None,
        )?;
        Ok(sessions(&self.conn)?
            .into_iter()
            .map(|s| SessionCount {
                present: present.get(&s.id).copied().unwrap_or(0),
                attended: attended.get(&s.id).copied().unwrap_or(0),
                registered: registered.get(&s.id).copied().unwrap_or(0),
                session: s.id,
            })
            .collect())
    }
}

impl Store {
    /// The registrant a programme's registration names: a ticket code (as
    /// scanned, any case) or an e-mail address (only when one person has it).
    pub fn registrant_named(&self, token: &str) -> Result<Option<Uuid>> {
        let token = token.trim();
        if token.contains('@') {
            let mut stmt = self.conn.prepare_cached(
                "SELECT uid FROM registrant WHERE email = ?1 COLLATE NOCASE LIMIT 2",
            )?;
            let uids: Vec<String> = stmt
                .query_map([token], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            return Ok(match uids.as_slice() {
                [one] => Uuid::parse_str(one).ok(),
                _ => None,
            });
        }
        Ok(find_registrant(&self.conn, &Lookup::Code(token.to_owned()))?.map(|r| r.uid))
    }
}
