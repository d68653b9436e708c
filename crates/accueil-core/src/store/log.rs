//! The append-only log and what is derived from it.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::column::{Day, Json, Named, Stamp, Typed, Uid};
use super::{
    CodeMatch, Lookup, RawRegistrant, Result, Store, find_registrant, resolve_code, ts_text,
};
use crate::domain::stats::{Arrived, ByKiosk, Counts, Registered};
use crate::domain::{Arrival, NewRecord, Record, RecordKind, Registrant};

/// What a check-in transaction saw: the registrant and their live arrivals
/// (arrivals not undone), oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckinTx {
    pub registrant: Option<Registrant>,
    pub arrivals: Vec<Arrival>,
    /// How a code lookup matched (keyboard mix-up, ambiguity).
    pub scan: CodeMatch,
}

impl CheckinTx {
    /// The first live arrival on a day.
    pub fn arrival_on(&self, day: Date) -> Option<&Arrival> {
        self.arrivals.iter().find(|a| a.day == day)
    }
}

/// A registrant with their first live arrival on each day.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendanceRow {
    pub registrant: Registrant,
    pub arrivals: BTreeMap<Date, Arrival>,
}

fn live_arrivals(conn: &Connection, registrant: Uuid) -> Result<Vec<Arrival>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, day, at, kiosk FROM live_arrival WHERE registrant = ?1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map([registrant.to_string()], |r| {
        Ok(Arrival {
            record: r.at::<Uid>(0, "record.id")?.0,
            day: r.at::<Day>(1, "record.day")?.0,
            at: r.at::<Stamp>(2, "record.at")?.0,
            kiosk: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The columns of a record, as `SELECT {RECORD_COLUMNS} FROM record` reads them.
pub(crate) const RECORD_COLUMNS: &str =
    "id, kiosk, log, seq, at, kind, registrant, day, reverts, payload";

/// A record, read from a row of `SELECT {RECORD_COLUMNS}` (from its
/// first column on).
pub(crate) fn record_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    Ok(Record {
        id: r.at::<Uid>(0, "record.id")?.0,
        kiosk: r.get(1)?,
        log: r.get(2)?,
        seq: r.get(3)?,
        at: r.at::<Stamp>(4, "record.at")?.0,
        kind: r.at::<Named<RecordKind>>(5, "record.kind")?.0,
        registrant: r.at::<Uid>(6, "record.registrant")?.0,
        day: r.at::<Option<Day>>(7, "record.day")?.map(|d| d.0),
        reverts: r.at::<Option<Uid>>(8, "record.reverts")?.map(|u| u.0),
        payload: r.at::<Json<_>>(9, "record.payload")?.0,
    })
}

/// kiosk_setting key of a kiosk's current log.
fn log_key(kiosk: &str) -> String {
    format!("log:{kiosk}")
}

/// A new incarnation of a kiosk's log: `accueil-1~K7M2Q9XW` (8 Crockford
/// base32 digits of a UUIDv7's random bits).
pub(crate) fn new_log_name(kiosk: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = Uuid::now_v7().as_u128();
    let suffix: String = (0..8)
        .map(|i| char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]))
        .collect();
    format!("{kiosk}~{suffix}")
}

/// The log `kiosk` writes into on this copy: the one it chose earlier; for
/// a copy made before logs had incarnations and holding its records, its
/// own id; otherwise (a new database) a new incarnation — a new disk must
/// never reuse the numbers of the log the hub already holds.
pub(crate) fn current_log(conn: &Connection, kiosk: &str) -> Result<String> {
    let key = log_key(kiosk);
    let chosen: Option<String> = conn
        .prepare_cached("SELECT value FROM kiosk_setting WHERE key = ?1")?
        .query_row([&key], |r| r.get(0))
        .optional()?;
    if let Some(log) = chosen {
        return Ok(log);
    }
    let legacy: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM record WHERE log = ?1)")?
        .query_row([kiosk], |r| r.get(0))?;
    let log = if legacy {
        kiosk.to_owned()
    } else {
        new_log_name(kiosk)
    };
    set_log(conn, kiosk, &log)?;
    Ok(log)
}

/// Makes `log` the one `kiosk` writes into on this copy, and remembers
/// this copy wrote it (`own_log:{log}`): a twin's logs, which come in by
/// sync under the same kiosk id, are not this copy's to send.
fn set_log(conn: &Connection, kiosk: &str, log: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO kiosk_setting (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    stmt.execute(params![log_key(kiosk), log])?;
    stmt.execute(params![format!("own_log:{log}"), kiosk])?;
    Ok(())
}

/// `log`'s mark after records moved in or out of it: held as far as its
/// records go, its top past its refused ones too.
fn mark_as_held(conn: &Connection, log: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO log_mark (log, held, top)
         SELECT ?1, COALESCE((SELECT MAX(seq) FROM record WHERE log = ?1), 0),
                MAX(COALESCE((SELECT MAX(seq) FROM record WHERE log = ?1), 0),
                    COALESCE((SELECT MAX(seq) FROM record_refused WHERE log = ?1), 0))
         ON CONFLICT (log) DO UPDATE SET held = excluded.held, top = excluded.top",
    )?
    .execute([log])?;
    Ok(())
}

/// Appends a record to this kiosk's current log, with the next sequence
/// number of that log.
pub(crate) fn append(
    conn: &Connection,
    kiosk: &str,
    at: Timestamp,
    new: NewRecord,
) -> Result<Record> {
    let log = current_log(conn, kiosk)?;
    let seq: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM record WHERE log = ?1")?
        .query_row([&log], |r| r.get(0))?;
    let id = Uuid::now_v7();
    conn.prepare_cached(
        "INSERT INTO record (id, kiosk, log, seq, at, kind, registrant, day, reverts, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id.to_string(),
        kiosk,
        log,
        seq,
        ts_text(at),
        new.kind.as_str(),
        new.registrant.to_string(),
        new.day.map(|d| d.to_string()),
        new.reverts.map(|u| u.to_string()),
        new.payload.to_string(),
    ])?;
    Ok(Record {
        id,
        kiosk: kiosk.to_owned(),
        log,
        seq,
        at,
        kind: new.kind,
        registrant: new.registrant,
        day: new.day,
        reverts: new.reverts,
        payload: new.payload,
    })
}

/// Whom a lookup designates, inside a decision's transaction: a code as
/// scanned (keyboard mix-ups undone), or a local id or uid.
pub(super) fn look_up(
    conn: &Connection,
    lookup: &Lookup,
    scanner: crate::domain::keyboard::ScannerLayout,
) -> Result<CodeMatch> {
    Ok(match lookup {
        Lookup::Code(code) => resolve_code(conn, code, scanner)?,
        other => CodeMatch {
            registrant: find_registrant(conn, other)?,
            ..CodeMatch::default()
        },
    })
}

/// A decision's record, if it asked for one, appended and committed with
/// what was read for it; no record: the transaction is let go, unchanged.
pub(super) fn append_and_commit(
    tx: rusqlite::Transaction<'_>,
    kiosk: &str,
    now: Timestamp,
    new: Option<NewRecord>,
) -> Result<Option<Record>> {
    match new {
        Some(new) => {
            let record = append(&tx, kiosk, now, new)?;
            tx.commit()?;
            Ok(Some(record))
        }
        None => Ok(None),
    }
}

impl Store {
    /// Looks a registrant up, shows `decide` what is known of them, and
    /// appends the record it asks for — all in one immediate transaction, so
    /// two processes sharing the file cannot both welcome the same person, and
    /// a crash leaves either the whole check-in or nothing.
    pub fn decide_and_record<T>(
        &mut self,
        lookup: &Lookup,
        kiosk: &str,
        now: Timestamp,
        decide: impl FnOnce(&CheckinTx) -> (T, Option<NewRecord>),
    ) -> Result<(T, CheckinTx, Option<Record>)> {
        let scanner = self.scanner;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let scan = look_up(&tx, lookup, scanner)?;
        let registrant = scan.registrant.clone();
        let arrivals = match &registrant {
            Some(r) => live_arrivals(&tx, r.uid)?,
            None => Vec::new(),
        };
        let seen = CheckinTx {
            registrant,
            arrivals,
            scan,
        };
        let (answer, new) = decide(&seen);
        let record = append_and_commit(tx, kiosk, now, new)?;
        Ok((answer, seen, record))
    }

    /// A registrant's live arrivals (not undone), oldest first.
    pub fn live_arrivals(&self, registrant: Uuid) -> Result<Vec<Arrival>> {
        live_arrivals(&self.conn, registrant)
    }

    /// One record, by id.
    pub fn record(&self, id: Uuid) -> Result<Option<Record>> {
        let sql = format!("SELECT {RECORD_COLUMNS} FROM record WHERE id = ?1");
        let row = self
            .conn
            .prepare_cached(&sql)?
            .query_row([id.to_string()], record_row)
            .optional()?;
        Ok(row)
    }

    /// The records about a registrant, in log order.
    pub fn records_of(&self, registrant: Uuid) -> Result<Vec<Record>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kiosk, log, seq, at, kind, registrant, day, reverts, payload FROM record
             WHERE registrant = ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map([registrant.to_string()], record_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Number of records in the log (all kiosks).
    pub fn record_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM record", [], |r| r.get(0))?)
    }

    /// The last sequence number of a log held here, refused records
    /// included (0 when none).
    pub fn last_seq(&self, log: &str) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT COALESCE(MAX(top), 0) FROM log_mark WHERE log = ?1")?
            .query_row([log], |r| r.get(0))?)
    }

    /// The logs of kiosk id `kiosk` this copy holds records of, whoever
    /// wrote them (a hub: what it acknowledges to that kiosk).
    pub fn logs_of(&self, kiosk: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT log FROM log_mark
             WHERE log = ?1 OR substr(log, 1, length(?1) + 1) = ?1 || '~'
             ORDER BY log",
        )?;
        let rows = stmt.query_map([kiosk], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The logs this copy wrote as `kiosk` (what it sends), oldest first.
    pub fn own_logs(&self, kiosk: &str) -> Result<Vec<String>> {
        // The log a copy from before incarnations wrote, named after it.
        current_log(&self.conn, kiosk)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT substr(key, 9) FROM kiosk_setting
             WHERE substr(key, 1, 8) = 'own_log:' AND value = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([kiosk], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The log `kiosk` writes into now.
    pub fn current_log(&self, kiosk: &str) -> Result<String> {
        current_log(&self.conn, kiosk)
    }

    /// This copy's own records written under another kiosk id (its
    /// `[kiosk] id` changed, or the database came from another kiosk) that
    /// the hub never acknowledged: moved, unchanged but for their kiosk,
    /// log and number, to a new log of `me`, so that they go up under the
    /// identity the hub knows this machine by. Those the hub holds stay
    /// the old id's. Returns how many moved.
    pub fn adopt_own_logs(&mut self, me: &str) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let others: Vec<(String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT substr(key, 9), value FROM kiosk_setting
                 WHERE substr(key, 1, 8) = 'own_log:' AND value <> ?1 ORDER BY rowid",
            )?;
            let rows = stmt.query_map([me], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut moved = 0;
        let mut fresh: Option<String> = None;
        for (log, kiosk) in &others {
            let key = super::SyncKey::Acked { kiosk, log }.name();
            let acked: i64 = tx
                .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")?
                .query_row([key], |r| r.get::<_, String>(0))
                .optional()?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let ids: Vec<String> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT id FROM record WHERE log = ?1 AND kiosk = ?2 AND seq > ?3 ORDER BY seq",
                )?;
                let rows = stmt.query_map(params![log, kiosk, acked], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            if ids.is_empty() {
                continue;
            }
            let to = fresh.get_or_insert_with(|| new_log_name(me)).clone();
            super::purge::with_log_open(&tx, |tx| {
                let mut next: i64 = tx
                    .prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM record WHERE log = ?1")?
                    .query_row([&to], |r| r.get(0))?;
                for id in &ids {
                    next += 1;
                    tx.prepare_cached(
                        "UPDATE record SET kiosk = ?1, log = ?2, seq = ?3 WHERE id = ?4",
                    )?
                    .execute(params![me, to, next, id])?;
                }
                Ok(())
            })?;
            tx.prepare_cached("DELETE FROM record_refused WHERE log = ?1 AND seq > ?2")?
                .execute(params![log, acked])?;
            moved += ids.len();
            for l in [log.as_str(), to.as_str()] {
                mark_as_held(&tx, l)?;
            }
        }
        if let Some(to) = &fresh {
            set_log(&tx, me, to)?;
        }
        tx.commit()?;
        Ok(moved)
    }

    /// The hub holds other records at the numbers `from..` of `log` (this
    /// copy was restored, or copied and both copies went on): this kiosk's
    /// own records from there move, unchanged but for their log and number,
    /// to a new incarnation it writes into from now on, so that they reach
    /// the hub and the hub's records of `log` can come in. Returns the new
    /// log and how many moved.
    pub fn move_log_tail(&mut self, kiosk: &str, log: &str, from: i64) -> Result<(String, usize)> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let fresh = new_log_name(kiosk);
        let ids: Vec<String> = {
            let mut stmt = tx.prepare_cached(
                "SELECT id FROM record WHERE log = ?1 AND kiosk = ?2 AND seq >= ?3 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![log, kiosk, from], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (n, id) in ids.iter().enumerate() {
            tx.prepare_cached("UPDATE record SET log = ?1, seq = ?2 WHERE id = ?3")?
                .execute(params![fresh, n as i64 + 1, id])?;
        }
        // The records were moved, never acknowledged: nothing to keep of
        // the hub's refusal of them under their old number.
        tx.prepare_cached("DELETE FROM record_refused WHERE log = ?1 AND seq >= ?2")?
            .execute(params![log, from])?;
        for l in [log, fresh.as_str()] {
            mark_as_held(&tx, l)?;
        }
        set_log(&tx, kiosk, &fresh)?;
        tx.commit()?;
        Ok((fresh, ids.len()))
    }

    /// Counts for statistics.
    /// What the statistics count ([`crate::domain::stats`] applies the
    /// event's rules to it).
    pub fn counts(&self) -> Result<Counts> {
        let mut counts = Counts::default();
        let mut stmt = self
            .conn
            .prepare("SELECT category, status, COUNT(*) FROM registrant GROUP BY 1, 2")?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.at::<Named<_>>(1, "registrant.status")?.0,
                r.get(2)?,
            ))
        })? {
            let (category, status, n) = row?;
            counts.registrants.push(Registered {
                category,
                status,
                people: n,
            });
        }
        let mut stmt = self.conn.prepare(
            "SELECT a.day, COALESCE(r.category, ''), COUNT(DISTINCT a.registrant)
             FROM live_arrival a LEFT JOIN registrant r ON r.uid = a.registrant
             GROUP BY 1, 2",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((r.at::<Day>(0, "record.day")?.0, r.get(1)?, r.get(2)?))
        })? {
            let (day, category, n) = row?;
            counts.arrived.push(Arrived {
                day,
                category,
                people: n,
            });
        }
        let mut stmt = self
            .conn
            .prepare("SELECT day, kiosk, COUNT(*) FROM live_arrival GROUP BY 1, 2")?;
        for row in stmt.query_map([], |r| {
            Ok((r.at::<Day>(0, "record.day")?.0, r.get(1)?, r.get(2)?))
        })? {
            let (day, kiosk, n) = row?;
            counts.by_kiosk.push(ByKiosk {
                day,
                kiosk,
                arrivals: n,
            });
        }
        Ok(counts)
    }

    /// Every registrant (by last name) with their first live arrival per day.
    pub fn attendance(&self) -> Result<Vec<AttendanceRow>> {
        let mut firsts: HashMap<String, BTreeMap<Date, Arrival>> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT registrant, day, MIN(at), kiosk, id FROM live_arrival GROUP BY registrant, day",
        )?;
        let rows = stmt.query_map([], |r| {
            let day = r.at::<Day>(1, "record.day")?.0;
            let arrival = Arrival {
                record: r.at::<Uid>(4, "record.id")?.0,
                day,
                at: r.at::<Stamp>(2, "record.at")?.0,
                kiosk: r.get(3)?,
            };
            Ok((r.get::<_, String>(0)?, arrival))
        })?;
        for row in rows {
            let (reg, arrival) = row?;
            firsts.entry(reg).or_default().insert(arrival.day, arrival);
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM registrant ORDER BY last_key, first_key, id",
            super::REGISTRANT_COLUMNS
        ))?;
        let rows = stmt.query_map([], RawRegistrant::from_row)?;
        rows.map(|raw| {
            let registrant = raw?.into_registrant()?;
            let arrivals = firsts
                .remove(&registrant.uid.to_string())
                .unwrap_or_default();
            Ok(AttendanceRow {
                registrant,
                arrivals,
            })
        })
        .collect()
    }

    /// Registrants who get a badge (not cancelled), optionally of one
    /// category, sorted by last name then first name.
    pub fn badge_holders(&self, category: Option<&str>) -> Result<Vec<Registrant>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM registrant WHERE status <> 'cancelled' AND (?1 IS NULL OR category = ?1)
             ORDER BY last_key, first_key, id",
            super::REGISTRANT_COLUMNS
        ))?;
        let rows = stmt.query_map([category], RawRegistrant::from_row)?;
        rows.map(|raw| raw?.into_registrant()).collect()
    }
}
