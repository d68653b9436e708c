//! What sync needs from a copy: its high-water marks, the records after a
//! mark, records from elsewhere applied idempotently (walk-ins and name
//! fixes replayed), the list as the hub hands it out, and double entries.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::desk::{create_remote_walk_in, write_details};
use super::log::{RECORD_COLUMNS, record_of, record_row};
use super::{Lookup, Result, Store, StoreError, find_registrant, parse_uuid};
use crate::domain::{Details, Record, RecordKind, SourceEntry, Status};

/// Per kiosk, the highest sequence number this copy holds.
pub type Marks = BTreeMap<String, i64>;

/// What applying records from elsewhere did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Records this copy did not have.
    pub new: usize,
    /// Of which arrivals and undos (the counts change).
    pub arrivals: usize,
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

/// One entry of the list a hub hands out: the source's values (desk fixes
/// travel as records), with the code that identifies the person everywhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListEntry {
    pub code: String,
    pub first_name: String,
    pub last_name: String,
    pub organisation: String,
    pub email: String,
    pub category: String,
    pub status: Status,
    pub extra: BTreeMap<String, String>,
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

impl Store {
    pub fn sync_value(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_sync_value(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, value])?;
        Ok(())
    }

    /// The highest sequence number held, per kiosk.
    pub fn marks(&self) -> Result<Marks> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT kiosk, MAX(seq) FROM record GROUP BY kiosk")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A kiosk's records after `after`, in sequence order, at most `limit`.
    pub fn records_after(&self, kiosk: &str, after: i64, limit: usize) -> Result<Vec<Record>> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM record WHERE kiosk = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(
            params![kiosk, after, i64::try_from(limit).unwrap_or(i64::MAX)],
            record_row,
        )?;
        rows.map(|row| record_of(row?)).collect()
    }

    /// Records written elsewhere, in one transaction: each is kept once
    /// (by id, so a retried upload changes nothing), and a walk-in or a
    /// name fix is replayed on this copy's list.
    pub fn apply_records(&mut self, records: &[Record], now: Timestamp) -> Result<Applied> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut applied = Applied::default();
        for r in records {
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO record (id, kiosk, seq, at, kind, registrant, day, reverts, payload)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (id) DO NOTHING",
                )?
                .execute(params![
                    r.id.to_string(),
                    r.kiosk,
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
                            seq: r.seq,
                        }
                    }
                    other => other.into(),
                })?;
            if inserted == 0 {
                continue;
            }
            applied.new += 1;
            match r.kind {
                RecordKind::Arrival | RecordKind::Undo => applied.arrivals += 1,
                RecordKind::WalkIn => {
                    let code = r.payload["code"].as_str().unwrap_or_default();
                    let details: Option<Details> =
                        serde_json::from_value(r.payload["details"].clone()).ok();
                    match details {
                        Some(d) if !code.is_empty() => {
                            create_remote_walk_in(&tx, r.registrant, code, &d, now)?
                        }
                        _ => {
                            return Err(StoreError::Corrupt {
                                column: "record.payload (walk_in)",
                                value: r.payload.to_string(),
                            });
                        }
                    }
                }
                RecordKind::RegistrantEdited => {
                    if let Some(before) = find_registrant(&tx, &Lookup::Uid(r.registrant))? {
                        let mut d = before.details();
                        if let Some(changes) = r.payload["changes"].as_object() {
                            for (field, change) in changes {
                                let to = change["to"].as_str().unwrap_or_default().to_owned();
                                match field.as_str() {
                                    "first_name" => d.first_name = to,
                                    "last_name" => d.last_name = to,
                                    "organisation" => d.organisation = to,
                                    "email" => d.email = to,
                                    "category" => d.category = to,
                                    _ => {}
                                }
                            }
                        }
                        write_details(&tx, &before, &d, now)?;
                    }
                }
                RecordKind::BadgePrinted => {}
            }
        }
        tx.commit()?;
        Ok(applied)
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
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out: Vec<DoubleEntry> = Vec::new();
        for row in rows {
            let (reg, day, kiosk, at, name) = row?;
            let registrant = parse_uuid("record.registrant", &reg)?;
            let day: Date = day.parse().map_err(|_| StoreError::Corrupt {
                column: "record.day",
                value: day.clone(),
            })?;
            let at = super::parse_ts(&at)?;
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
        let rows = stmt.query_map([day.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        rows.map(|row| {
            let (at, kiosk, name, category) = row?;
            Ok((super::parse_ts(&at)?, kiosk, name, category))
        })
        .collect()
    }
}
