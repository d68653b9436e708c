//! What sync needs from a copy: its high-water marks, the records after a
//! mark, records from elsewhere applied idempotently (walk-ins and name
//! fixes replayed), the list as the hub hands it out, and double entries.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use uuid::Uuid;

use super::column::{Day, Stamp, Typed, Uid};
use super::desk::{create_remote_walk_in, write_details};
use super::log::{RECORD_COLUMNS, record_row};
use super::{Lookup, Result, Store, StoreError, find_registrant};
use crate::domain::{Details, Payload, Record, RecordKind, SourceEntry, Status};
use crate::protocol::{ListEntry, Marks};

/// The fields of a registrant a desk may fix, as `registrant_edited`
/// records name them.
pub const EDITABLE: [&str; 5] = [
    "first_name",
    "last_name",
    "organisation",
    "email",
    "category",
];

/// A record refused by the hub, as organisers and the desk see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedView {
    pub id: Uuid,
    pub kiosk: String,
    pub log: String,
    pub seq: i64,
    /// `arrival`, `walk_in`… as the record said (empty when unreadable).
    pub kind: String,
    /// Whom it was about, when this copy knows them.
    pub name: Option<String>,
    pub reason: String,
    pub refused_at: Timestamp,
}

/// What applying records from elsewhere did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Records this copy did not have.
    pub new: usize,
    /// Of which arrivals and undos (the counts change).
    pub arrivals: usize,
    /// Of which room doors' entries and exits (occupancy changes).
    pub movements: usize,
}

/// Someone with live arrivals on the same day from several records: both
/// kept, counted once, shown to organisers (a shared ticket?).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoubleEntry {
    pub registrant: Uuid,
    pub name: String,
    pub day: Date,
    /// The kiosks and times, oldest first.
    pub arrivals: Vec<(String, Timestamp)>,
}

impl ListEntry {
    /// As an import entry: matched by its code, never by e-mail.
    pub fn into_source(self, line: usize) -> SourceEntry {
        SourceEntry {
            line,
            code: self.code,
            code_generated: false,
            first_name: self.first_name,
            last_name: self.last_name,
            organisation: self.organisation,
            email: self.email,
            category: self.category,
            status: self.status,
            extra: self.extra,
        }
    }
}

/// What a copy remembers of its exchanges with the hub and with pretix,
/// one row of `sync_state` each. [`SyncKey::name`] is the row's key in
/// copies already in the field: a name never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncKey<'a> {
    /// The revision of the list this copy holds: a new random one at each
    /// import that changed something (a hub hands it out with the list).
    ListRev,
    /// The hub's list revision this kiosk last took.
    HubListRev,
    /// When this kiosk's last sync round with the hub ended well.
    LastSync,
    /// The hub's pretix news (`sync::PretixNews`, as JSON).
    HubPretix,
    /// The hub's event configuration this kiosk took
    /// (`config::SharedConfig`, as JSON).
    HubConfig,
    /// The revision of the hub's event configuration last received, taken
    /// or refused.
    HubConfigRev,
    /// The hub's clock minus this kiosk's, in seconds, at the last round.
    ClockOffset,
    /// How far the hub holds log `log` of this kiosk `kiosk`.
    Acked { kiosk: &'a str, log: &'a str },
    /// When this copy last reached pretix.
    PretixContact,
    /// When this copy last took pretix's list.
    PretixPulled,
    /// Whether the last attempt to reach pretix failed ("1") or not ("0").
    PretixOffline,
    /// The newest pretix notice the desk has shown.
    PretixSeen,
}

impl SyncKey<'_> {
    /// The row's key.
    pub fn name(&self) -> std::borrow::Cow<'static, str> {
        match self {
            SyncKey::ListRev => "list_rev".into(),
            SyncKey::HubListRev => "hub_list_rev".into(),
            SyncKey::LastSync => "last_sync".into(),
            SyncKey::HubPretix => "hub_pretix".into(),
            SyncKey::HubConfig => "hub_config".into(),
            SyncKey::HubConfigRev => "hub_config_rev".into(),
            SyncKey::ClockOffset => "clock_offset".into(),
            // The log named after the kiosk, from before logs had
            // incarnations, is `acked` alone.
            SyncKey::Acked { kiosk, log } if kiosk == log => "acked".into(),
            SyncKey::Acked { log, .. } => format!("acked:{log}").into(),
            SyncKey::PretixContact => "pretix_contact".into(),
            SyncKey::PretixPulled => "pretix_pulled".into(),
            SyncKey::PretixOffline => "pretix_offline".into(),
            SyncKey::PretixSeen => "pretix_seen".into(),
        }
    }
}

impl Store {
    pub fn sync_value(&self, key: SyncKey<'_>) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")?
            .query_row([key.name()], |r| r.get(0))
            .optional()?)
    }

    /// A value read as `T`; one that does not read (written by an older
    /// version, or by hand) is as if absent.
    pub fn sync_parsed<T: std::str::FromStr>(&self, key: SyncKey<'_>) -> Result<Option<T>> {
        Ok(self.sync_value(key)?.and_then(|v| v.parse().ok()))
    }

    pub fn set_sync_value(&self, key: SyncKey<'_>, value: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key.name().as_ref(), value])?;
        Ok(())
    }

    /// Per log, how far this copy can hand the log out: its records up to
    /// the first one kept waiting (a copy that took the records after it
    /// would never be sent it once it comes).
    pub fn held_marks(&self) -> Result<Marks> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT m.log, MIN(m.held, COALESCE(
                 (SELECT MIN(w.seq) - 1 FROM record_refused w
                  WHERE w.log = m.log AND w.kind = 'waiting'), m.held))
             FROM log_mark m WHERE m.held > 0",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The highest sequence number held, per log (refused records count:
    /// the log's numbers go on past them).
    pub fn marks(&self) -> Result<Marks> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT log, top FROM log_mark WHERE top > 0")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A log's records after `after` up to `upto`, in sequence order, at
    /// most `limit`.
    pub fn records_between(
        &self,
        log: &str,
        after: i64,
        upto: i64,
        limit: usize,
    ) -> Result<Vec<Record>> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM record WHERE log = ?1 AND seq > ?2 AND seq <= ?3
             ORDER BY seq LIMIT ?4"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![log, after, upto, i64::try_from(limit).unwrap_or(i64::MAX)],
            record_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A log's records after `after`, in sequence order, at most `limit`.
    pub fn records_after(&self, log: &str, after: i64, limit: usize) -> Result<Vec<Record>> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM record WHERE log = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![log, after, i64::try_from(limit).unwrap_or(i64::MAX)],
            record_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The record ids this copy holds at the numbers `from..=to` of a log,
    /// refused ones included: what an upload's records must match.
    pub fn ids_between(&self, log: &str, from: i64, to: i64) -> Result<BTreeMap<i64, Uuid>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, id FROM record WHERE log = ?1 AND seq BETWEEN ?2 AND ?3
             UNION ALL
             SELECT seq, id FROM record_refused WHERE log = ?1 AND seq BETWEEN ?2 AND ?3",
        )?;
        let rows = stmt.query_map(params![log, from, to], |r| {
            Ok((r.get::<_, i64>(0)?, r.at::<Uid>(1, "record.id")?.0))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps records refused (by this hub, or by the hub for this kiosk's
    /// own records) with why: never applied, never sent again, told. With
    /// `waiting`, records the hub keeps until what they need comes.
    pub fn refuse_records(
        &self,
        refused: &[(&Record, String)],
        waiting: bool,
        now: Timestamp,
    ) -> Result<()> {
        for (r, reason) in refused {
            self.conn
                .prepare_cached(
                    "INSERT INTO record_refused (log, seq, id, kiosk, kind, record, reason, refused_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT DO NOTHING",
                )?
                .execute(params![
                    if r.log.is_empty() { &r.kiosk } else { &r.log },
                    r.seq,
                    r.id.to_string(),
                    r.kiosk,
                    if waiting { "waiting" } else { "refused" },
                    serde_json::to_string(r).unwrap_or_default(),
                    reason,
                    super::ts_text(now),
                ])?;
        }
        Ok(())
    }

    /// Refused records, newest first, with the name of whom they were
    /// about when known here.
    pub fn refused_records(&self, limit: usize) -> Result<Vec<RefusedView>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id, f.kiosk, f.log, f.seq, f.reason, f.refused_at,
                    json_extract(f.record, '$.kind'),
                    g.first_name || ' ' || g.last_name
             FROM record_refused f
             LEFT JOIN registrant g ON g.uid = json_extract(f.record, '$.registrant')
             WHERE f.kind = 'refused'
             ORDER BY f.refused_at DESC, f.id LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(RefusedView {
                id: r.at::<Uid>(0, "record_refused.id")?.0,
                kiosk: r.get(1)?,
                log: r.get(2)?,
                seq: r.get(3)?,
                reason: r.get(4)?,
                refused_at: r.at::<Stamp>(5, "record_refused.refused_at")?.0,
                kind: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                name: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many records were refused.
    pub fn refused_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM record_refused WHERE kind = 'refused'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Whether this copy knows a registrant (a record about someone else
    /// is refused at the hub).
    pub fn knows_registrant(&self, uid: Uuid) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM registrant WHERE uid = ?1)")?
            .query_row([uid.to_string()], |r| r.get(0))?)
    }

    /// Who holds ticket code `code` here, exactly as the table compares
    /// codes (case aside).
    pub fn code_holder(&self, code: &str) -> Result<Option<Uuid>> {
        Ok(self
            .conn
            .prepare_cached("SELECT uid FROM registrant WHERE code = ?1")?
            .query_row([code.trim()], |r| r.at::<Uid>(0, "registrant.uid"))
            .optional()?
            .map(|u| u.0))
    }

    /// The registrant of an arrival record held here, if it is one.
    pub fn arrival_registrant(&self, arrival: Uuid) -> Result<Option<Uuid>> {
        Ok(self
            .conn
            .prepare_cached("SELECT registrant FROM record WHERE id = ?1 AND kind = 'arrival'")?
            .query_row([arrival.to_string()], |r| {
                r.at::<Uid>(0, "record.registrant")
            })
            .optional()?
            .map(|u| u.0))
    }

    /// Records written elsewhere, in one transaction: each is kept once
    /// (by id, so a retried upload changes nothing). Walk-ins and name
    /// fixes are replayed so that every copy ends the same whatever the
    /// order they came in: a field takes the value of the latest fix by
    /// (time, kiosk, record id), and fixes that came before their walk-in
    /// are applied when it comes.
    pub fn apply_records(&mut self, records: &[Record], now: Timestamp) -> Result<Applied> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let applied = apply_in(&tx, records, now)?;
        tx.commit()?;
        Ok(applied)
    }

    /// Records the hub keeps waiting (an arrival of someone it does not know
    /// yet: a walk-in whose record has not come back after a hub restore),
    /// applied once what they need is here. Returns how many.
    pub fn promote_waiting(&mut self, now: Timestamp) -> Result<Applied> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut total = Applied::default();
        // An undo may wait for an arrival that waits for its walk-in.
        loop {
            let ready: Vec<(String, i64, String)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT f.log, f.seq, f.record FROM record_refused f
                     WHERE f.kind = 'waiting' AND CASE
                       WHEN json_extract(f.record, '$.kind') = 'undo' THEN EXISTS (
                         SELECT 1 FROM record a
                         WHERE a.id = json_extract(f.record, '$.reverts') AND a.kind = 'arrival'
                           AND a.registrant = json_extract(f.record, '$.registrant'))
                       ELSE EXISTS (
                         SELECT 1 FROM registrant g WHERE g.uid = json_extract(f.record, '$.registrant'))
                     END
                     ORDER BY f.log, f.seq",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            if ready.is_empty() {
                break;
            }
            let mut records = Vec::new();
            for (log, seq, json) in ready {
                tx.prepare_cached("DELETE FROM record_refused WHERE log = ?1 AND seq = ?2")?
                    .execute(params![log, seq])?;
                match serde_json::from_str::<Record>(&json) {
                    Ok(r) => records.push(r),
                    Err(_) => {
                        return Err(StoreError::Corrupt {
                            column: "record_refused.record",
                            value: json,
                        });
                    }
                }
            }
            let applied = apply_in(&tx, &records, now)?;
            total.new += applied.new;
            total.arrivals += applied.arrivals;
        }
        tx.commit()?;
        Ok(total)
    }

    /// How many records the hub keeps waiting.
    pub fn waiting_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM record_refused WHERE kind = 'waiting'",
            [],
            |r| r.get(0),
        )?)
    }

    /// The list as a hub hands it out: imported people with the source's
    /// values, by code.
    pub fn list_entries(&self) -> Result<Vec<ListEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, first_name, last_name, organisation, email, category, status, extra, source
             FROM registrant WHERE origin = 'import' ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                [
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ],
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        rows.map(|row| {
            let (code, mut f, extra, source) = row?;
            // The source's values when a desk fix set them aside.
            if let Some(src) =
                source.and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            {
                for (i, key) in [
                    "first_name",
                    "last_name",
                    "organisation",
                    "email",
                    "category",
                    "status",
                ]
                .iter()
                .enumerate()
                {
                    if let Some(v) = src[key].as_str() {
                        f[i] = v.to_owned();
                    }
                }
            }
            let [first_name, last_name, organisation, email, category, status] = f;
            Ok(ListEntry {
                code,
                first_name,
                last_name,
                organisation,
                email,
                category,
                status: Status::parse_stored(&status).ok_or(StoreError::Corrupt {
                    column: "registrant.status",
                    value: status.clone(),
                })?,
                extra: serde_json::from_str(&extra).unwrap_or_default(),
            })
        })
        .collect()
    }

    /// People with more than one live arrival on a day.
    pub fn double_entries(&self) -> Result<Vec<DoubleEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.registrant, a.day, a.kiosk, a.at,
                    COALESCE(r.first_name || ' ' || r.last_name, a.registrant)
             FROM live_arrival a
             JOIN (SELECT registrant, day FROM live_arrival
                   GROUP BY registrant, day HAVING COUNT(*) > 1) d
               ON d.registrant = a.registrant AND d.day = a.day
             LEFT JOIN registrant r ON r.uid = a.registrant
             ORDER BY a.day, a.registrant, a.at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.at::<Uid>(0, "record.registrant")?.0,
                r.at::<Day>(1, "record.day")?.0,
                r.get::<_, String>(2)?,
                r.at::<Stamp>(3, "record.at")?.0,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out: Vec<DoubleEntry> = Vec::new();
        for row in rows {
            let (registrant, day, kiosk, at, name) = row?;
            match out.last_mut() {
                Some(d) if d.registrant == registrant && d.day == day => {
                    d.arrivals.push((kiosk, at))
                }
                _ => out.push(DoubleEntry {
                    registrant,
                    name,
                    day,
                    arrivals: vec![(kiosk, at)],
                }),
            }
        }
        Ok(out)
    }

    /// Live arrivals of a day, oldest first: (time, kiosk, registrant name,
    /// category).
    pub fn arrivals_on(&self, day: Date) -> Result<Vec<(Timestamp, String, String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.at, a.kiosk, COALESCE(r.first_name || ' ' || r.last_name, ''), COALESCE(r.category, '')
             FROM live_arrival a LEFT JOIN registrant r ON r.uid = a.registrant
             WHERE a.day = ?1 ORDER BY a.at",
        )?;
        let rows = stmt.query_map([Day(day)], |r| {
            Ok((
                r.at::<Stamp>(0, "record.at")?.0,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Applies records from elsewhere inside a transaction (see
/// [`Store::apply_records`]).
fn apply_in(tx: &rusqlite::Connection, records: &[Record], now: Timestamp) -> Result<Applied> {
    let mut applied = Applied::default();
    for r in records {
        let log = if r.log.is_empty() { &r.kiosk } else { &r.log };
        let inserted = tx
                .prepare_cached(
                    "INSERT INTO record (id, kiosk, log, seq, at, kind, registrant, day, reverts, payload)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                     ON CONFLICT (id) DO NOTHING",
                )?
                .execute(params![
                    r.id.to_string(),
                    r.kiosk,
                    log,
                    r.seq,
                    super::ts_text(r.at),
                    r.kind.as_str(),
                    r.registrant.to_string(),
                    r.day.map(|d| d.to_string()),
                    r.reverts.map(|u| u.to_string()),
                    r.payload.to_string(),
                ])
                .map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(f, _)
                        if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        StoreError::SeqClash {
                            kiosk: r.kiosk.clone(),
                            log: log.clone(),
                            seq: r.seq,
                        }
                    }
                    other => other.into(),
                })?;
        if inserted == 0 {
            // Held already: a retry (same number), or the same record
            // under another number — that number is held too.
            let at: Option<(String, i64)> = tx
                .prepare_cached("SELECT log, seq FROM record WHERE id = ?1")?
                .query_row([r.id.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            if at.is_some_and(|(l, s)| (l.as_str(), s) != (log.as_str(), r.seq)) {
                tx.prepare_cached(
                        "INSERT INTO record_refused (log, seq, id, kiosk, kind, record, reason, refused_at)
                         VALUES (?1, ?2, ?3, ?4, 'duplicate', ?5, 'déjà reçue sous un autre numéro', ?6)
                         ON CONFLICT DO NOTHING",
                    )?
                    .execute(params![
                        log,
                        r.seq,
                        r.id.to_string(),
                        r.kiosk,
                        serde_json::to_string(r).unwrap_or_default(),
                        super::ts_text(now),
                    ])?;
            }
            continue;
        }
        applied.new += 1;
        match r.kind {
            RecordKind::Arrival | RecordKind::Undo => applied.arrivals += 1,
            RecordKind::WalkIn => {
                match r.payload_of() {
                    Ok(Payload::WalkIn(w)) if !w.code.is_empty() => {
                        create_remote_walk_in(tx, r.registrant, &w.code, &w.details, now)?;
                        // Fixes that came before the walk-in they fix.
                        replay_edits(tx, r.registrant, now)?;
                    }
                    _ => {
                        return Err(StoreError::Corrupt {
                            column: "record.payload (walk_in)",
                            value: r.payload.to_string(),
                        });
                    }
                }
            }
            RecordKind::RegistrantEdited => apply_edit(tx, r, now)?,
            RecordKind::BadgePrinted => {}
            RecordKind::RoomEntry | RecordKind::RoomExit => applied.movements += 1,
        }
    }
    Ok(applied)
}

/// A name fix from elsewhere: each field it changes takes its value unless
/// a later fix (by time, kiosk, record id) of that field is already here.
fn apply_edit(tx: &rusqlite::Connection, r: &Record, now: Timestamp) -> Result<()> {
    let Some(before) = find_registrant(tx, &Lookup::Uid(r.registrant))? else {
        // Its walk-in has not come yet: replayed when it does.
        return Ok(());
    };
    let Ok(Payload::RegistrantEdited(edit)) = r.payload_of() else {
        return Ok(());
    };
    let changes = edit.changes;
    let mut d = before.details();
    let mut any = false;
    for (field, change) in changes {
        if !EDITABLE.contains(&field.as_str()) {
            continue;
        }
        let later: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM record
                 WHERE registrant = ?1 AND kind = 'registrant_edited'
                   AND json_type(payload, '$.changes.' || ?2) IS NOT NULL
                   AND (at, kiosk, id) > (?3, ?4, ?5))",
            )?
            .query_row(
                params![
                    r.registrant.to_string(),
                    field,
                    super::ts_text(r.at),
                    r.kiosk,
                    r.id.to_string()
                ],
                |row| row.get(0),
            )?;
        if later {
            continue;
        }
        set_field(&mut d, &field, &change.to);
        any = true;
    }
    if any {
        write_details(tx, &before, &d, now)?;
    }
    Ok(())
}

/// Applies every fix of a registrant held here, oldest first: the latest
/// of each field stays.
fn replay_edits(tx: &rusqlite::Connection, uid: Uuid, now: Timestamp) -> Result<()> {
    let Some(before) = find_registrant(tx, &Lookup::Uid(uid))? else {
        return Ok(());
    };
    let payloads: Vec<String> = {
        let mut stmt = tx.prepare_cached(
            "SELECT payload FROM record WHERE registrant = ?1 AND kind = 'registrant_edited'
             ORDER BY at, kiosk, id",
        )?;
        let rows = stmt.query_map([uid.to_string()], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if payloads.is_empty() {
        return Ok(());
    }
    let mut d = before.details();
    for payload in payloads {
        let value: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
        if let Ok(Payload::RegistrantEdited(edit)) =
            Payload::read(RecordKind::RegistrantEdited, &value)
        {
            for (field, change) in edit.changes {
                set_field(&mut d, &field, &change.to);
            }
        }
    }
    write_details(tx, &before, &d, now)
}

fn set_field(d: &mut Details, field: &str, to: &str) {
    let to = to.to_owned();
    match field {
        "first_name" => d.first_name = to,
        "last_name" => d.last_name = to,
        "organisation" => d.organisation = to,
        "email" => d.email = to,
        "category" => d.category = to,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::SyncKey;

    /// Copies in the field hold these rows: renaming a key would forget
    /// what it holds (the snapshot's SQL names `list_rev` too).
    #[test]
    fn sync_keys_keep_the_names_copies_already_hold() {
        let named = [
            (SyncKey::ListRev, "list_rev"),
            (SyncKey::HubListRev, "hub_list_rev"),
            (SyncKey::LastSync, "last_sync"),
            (SyncKey::HubPretix, "hub_pretix"),
            (SyncKey::ClockOffset, "clock_offset"),
            (
                SyncKey::Acked {
                    kiosk: "porte-a",
                    log: "porte-a",
                },
                "acked",
            ),
            (
                SyncKey::Acked {
                    kiosk: "porte-a",
                    log: "porte-a~0193",
                },
                "acked:porte-a~0193",
            ),
            (SyncKey::PretixContact, "pretix_contact"),
            (SyncKey::PretixPulled, "pretix_pulled"),
            (SyncKey::PretixOffline, "pretix_offline"),
            (SyncKey::PretixSeen, "pretix_seen"),
        ];
        for (key, name) in named {
            assert_eq!(key.name(), name, "{key:?}");
        }
        assert!(super::super::snapshot::LEAVE_OUT.contains("key <> 'list_rev'"));
    }
}
