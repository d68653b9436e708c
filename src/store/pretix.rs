//! What the copy that talks to pretix keeps of it: which arrivals and undos
//! are still to push, how pretix answered, and which of pretix's check-ins
//! are already known here.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::log::{append, record_of, record_row};
use super::{Result, Store, parse_ts, ts_text};
use crate::domain::{NewRecord, Record, RecordKind};

/// An arrival or undo not yet settled with pretix.
#[derive(Debug, Clone, PartialEq)]
pub struct PretixPending {
    pub record: Record,
    /// The registrant's code (pretix's secret).
    pub code: String,
    /// Registered at the desk: unknown to pretix.
    pub walk_in: bool,
    /// Arrival: an undo reverts it.
    pub undone: bool,
    /// Undo: how the arrival it reverts was settled (`None`: not yet).
    pub reverted: Option<String>,
}

/// A check-in pretix holds, to know here as an arrival.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteArrival {
    /// pretix's id of the check-in.
    pub id: i64,
    pub code: String,
    pub at: Timestamp,
}

/// Something pretix said that the desk should hear: a refused arrival, an
/// undo pretix kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PretixNotice {
    pub record: Uuid,
    pub code: String,
    pub name: String,
    pub answer: String,
    pub reason: Option<String>,
    /// When pretix answered.
    pub at: Timestamp,
}

/// Records that are not about pretix: arrivals brought in from it.
const NOT_FROM_PRETIX: &str = "json_extract(r.payload, '$.via') IS NOT 'pretix'";

impl Store {
    /// Arrivals and undos pretix has not settled, oldest first (at most
    /// `limit`). An undo comes after the arrival it reverts.
    pub fn pretix_pending(&self, limit: usize) -> Result<Vec<PretixPending>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT r.id, r.kiosk, r.seq, r.at, r.kind, r.registrant, r.day, r.reverts, r.payload,
                    COALESCE(g.code, json_extract(r.payload, '$.code'), ''),
                    COALESCE(g.origin = 'walk_in', 0),
                    EXISTS (SELECT 1 FROM record u WHERE u.reverts = r.id),
                    (SELECT p.answer FROM pretix_push p WHERE p.record = r.reverts)
             FROM record r
             LEFT JOIN registrant g ON g.uid = r.registrant
             WHERE r.kind IN ('arrival', 'undo') AND {NOT_FROM_PRETIX}
               AND NOT EXISTS (SELECT 1 FROM pretix_push p WHERE p.record = r.id)
             ORDER BY r.at, r.id
             LIMIT ?1"
        ))?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                record_row(r)?,
                r.get::<_, String>(9)?,
                r.get::<_, bool>(10)?,
                r.get::<_, bool>(11)?,
                r.get::<_, Option<String>>(12)?,
            ))
        })?;
        rows.map(|row| {
            let (raw, code, walk_in, undone, reverted) = row?;
            Ok(PretixPending {
                record: record_of(raw)?,
                code,
                walk_in,
                undone,
                reverted,
            })
        })
        .collect()
    }

    /// How many arrivals and undos wait for pretix.
    pub fn pretix_pending_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            &format!(
                "SELECT COUNT(*) FROM record r
                 WHERE r.kind IN ('arrival', 'undo') AND {NOT_FROM_PRETIX}
                   AND NOT EXISTS (SELECT 1 FROM pretix_push p WHERE p.record = r.id)"
            ),
            [],
            |r| r.get(0),
        )?)
    }

    /// Settles a record: how pretix answered (or why it stayed local).
    pub fn settle_pretix(
        &self,
        record: Uuid,
        answer: &str,
        reason: Option<&str>,
        forced: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO pretix_push (record, answer, reason, forced, at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (record) DO NOTHING",
            )?
            .execute(params![
                record.to_string(),
                answer,
                reason,
                forced,
                ts_text(now)
            ])?;
        Ok(())
    }

    /// pretix's refusals and kept check-ins, newest first.
    pub fn pretix_notices(&self, limit: usize) -> Result<Vec<PretixNotice>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.record, COALESCE(g.code, ''), TRIM(COALESCE(g.first_name, '') || ' ' || COALESCE(g.last_name, '')),
                    p.answer, p.reason, p.at
             FROM pretix_push p
             JOIN record r ON r.id = p.record
             LEFT JOIN registrant g ON g.uid = r.registrant
             WHERE p.answer IN ('refused', 'annul_refused')
             ORDER BY p.at DESC, p.record DESC
             LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (record, code, name, answer, reason, at) = row?;
            Ok(PretixNotice {
                record: super::parse_uuid("pretix_push.record", &record)?,
                code,
                name,
                answer,
                reason,
                at: parse_ts(&at)?,
            })
        })
        .collect()
    }

    /// Brings pretix's check-ins in as arrivals, in one transaction, each at
    /// most once: one that is an arrival pushed from here (same person, same
    /// time), or that finds the person already in that day, is only noted;
    /// any other becomes an arrival in `kiosk`'s log, marked as from pretix.
    /// `day_of` is the event day of a moment. Returns the arrivals added.
    pub fn bring_in_pretix_checkins(
        &mut self,
        kiosk: &str,
        checkins: &[RemoteArrival],
        day_of: impl Fn(Timestamp) -> Date,
    ) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut added = 0;
        for c in checkins {
            let known = tx
                .prepare_cached("SELECT 1 FROM pretix_checkin WHERE id = ?1")?
                .query_row([c.id], |_| Ok(()))
                .optional()?
                .is_some();
            if known {
                continue;
            }
            let Some(registrant) = tx
                .prepare_cached("SELECT uid FROM registrant WHERE code = ?1")?
                .query_row([&c.code], |r| r.get::<_, String>(0))
                .optional()?
            else {
                continue; // not on the list here (yet): next time
            };
            let day = day_of(c.at);
            let ours: Option<String> = tx
                .prepare_cached(
                    "SELECT id FROM record WHERE registrant = ?1 AND kind = 'arrival' AND at = ?2",
                )?
                .query_row(params![registrant, ts_text(c.at)], |r| r.get(0))
                .optional()?;
            let same_day = || -> Result<Option<String>> {
                Ok(tx
                    .prepare_cached(
                        "SELECT id FROM live_arrival WHERE registrant = ?1 AND day = ?2 LIMIT 1",
                    )?
                    .query_row(params![registrant, day.to_string()], |r| r.get(0))
                    .optional()?)
            };
            let record = match ours.map_or_else(same_day, |id| Ok(Some(id)))? {
                Some(id) => id,
                None => {
                    let uid = super::parse_uuid("registrant.uid", &registrant)?;
                    let new = append(
                        &tx,
                        kiosk,
                        c.at,
                        NewRecord {
                            kind: RecordKind::Arrival,
                            registrant: uid,
                            day: Some(day),
                            reverts: None,
                            payload: serde_json::json!({
                                "code": c.code, "via": "pretix", "pretix_checkin": c.id
                            }),
                        },
                    )?;
                    added += 1;
                    new.id.to_string()
                }
            };
            tx.prepare_cached("INSERT INTO pretix_checkin (id, record) VALUES (?1, ?2)")?
                .execute(params![c.id, record])?;
        }
        tx.commit()?;
        Ok(added)
    }
}
