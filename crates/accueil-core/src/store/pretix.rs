//! What the copy that talks to pretix keeps of it: which arrivals and undos
//! are still to push, how pretix answered, and which of pretix's check-ins
//! are already known here.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use super::column::{Stamp, Typed, Uid};
use super::log::{append, record_row};
use super::{Result, Store, ts_text};
use crate::domain::payload::{ArrivalPayload, Payload};
use crate::domain::{NewRecord, Record, RecordKind};
use crate::protocol::PretixNotice;

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

/// Records that are not about pretix: arrivals brought in from it.
const NOT_FROM_PRETIX: &str = "json_extract(r.payload, '$.via') IS NOT 'pretix'";

impl Store {
    /// Arrivals and undos pretix has not settled, oldest first (at most
    /// `limit`). An undo comes after the arrival it reverts.
    pub fn pretix_pending(&self, limit: usize) -> Result<Vec<PretixPending>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT r.id, r.kiosk, r.log, r.seq, r.at, r.kind, r.registrant, r.day, r.reverts, r.payload,
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
                r.get::<_, String>(10)?,
                r.get::<_, bool>(11)?,
                r.get::<_, bool>(12)?,
                r.get::<_, Option<String>>(13)?,
            ))
        })?;
        rows.map(|row| {
            let (record, code, walk_in, undone, reverted) = row?;
            Ok(PretixPending {
                record,
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
                    p.answer, p.reason, p.at, r.kiosk
             FROM pretix_push p
             JOIN record r ON r.id = p.record
             LEFT JOIN registrant g ON g.uid = r.registrant
             WHERE p.answer IN ('refused', 'annul_refused')
             ORDER BY p.at DESC, p.record DESC
             LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(PretixNotice {
                record: r.at::<Uid>(0, "pretix_push.record")?.0,
                code: r.get(1)?,
                name: r.get(2)?,
                answer: r.get(3)?,
                reason: r.get(4)?,
                at: r.at::<Stamp>(5, "pretix_push.at")?.0,
                kiosk: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
                            payload: Payload::Arrival(ArrivalPayload {
                                code: c.code.clone(),
                                via: Some("pretix".to_owned()),
                                pretix_checkin: Some(c.id),
                            })
                            .to_value(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{SourceEntry, Status};

    fn store_with(codes: &[&str]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("k.sqlite")).unwrap();
        let entries: Vec<SourceEntry> = codes
            .iter()
            .enumerate()
            .map(|(i, code)| SourceEntry {
                line: i + 1,
                code: (*code).into(),
                code_generated: false,
                first_name: "Hélène".into(),
                last_name: format!("Dupont {i}"),
                organisation: String::new(),
                email: String::new(),
                category: "Participant".into(),
                status: Status::Valid,
                extra: Default::default(),
            })
            .collect();
        store
            .apply_import(&entries, Timestamp::UNIX_EPOCH, |_| {}, |_| true)
            .unwrap();
        (dir, store)
    }

    fn uid(store: &Store, code: &str) -> Uuid {
        store
            .registrant(&super::super::Lookup::Code(code.into()))
            .unwrap()
            .unwrap()
            .uid
    }

    fn arrive(store: &Store, code: &str, at: &str) -> Record {
        append(
            &store.conn,
            "k1",
            at.parse().unwrap(),
            NewRecord {
                kind: RecordKind::Arrival,
                registrant: uid(store, code),
                day: Some(DAY.parse().unwrap()),
                reverts: None,
                payload: serde_json::json!({ "code": code }),
            },
        )
        .unwrap()
    }

    const DAY: &str = "2022-09-28";

    #[test]
    fn pending_records_carry_what_plan_needs() {
        let (_dir, store) = store_with(&["A", "B"]);
        let a = arrive(&store, "A", "2026-11-29T09:00:00Z");
        let b = arrive(&store, "B", "2026-11-29T09:01:00Z");
        append(
            &store.conn,
            "k1",
            "2026-11-29T09:02:00Z".parse().unwrap(),
            NewRecord {
                kind: RecordKind::Undo,
                registrant: b.registrant,
                day: b.day,
                reverts: Some(b.id),
                payload: serde_json::json!({}),
            },
        )
        .unwrap();
        let pending = store.pretix_pending(10).unwrap();
        assert_eq!(pending.len(), 3, "two arrivals and an undo");
        assert_eq!((pending[0].code.as_str(), pending[0].undone), ("A", false));
        assert_eq!((pending[1].code.as_str(), pending[1].undone), ("B", true));
        assert_eq!(pending[2].reverted, None, "B's arrival not settled yet");
        store
            .settle_pretix(a.id, "accepted", None, false, Timestamp::UNIX_EPOCH)
            .unwrap();
        store
            .settle_pretix(
                b.id,
                "refused",
                Some("canceled"),
                false,
                Timestamp::UNIX_EPOCH,
            )
            .unwrap();
        let pending = store.pretix_pending(10).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].reverted.as_deref(), Some("refused"));
        assert_eq!(store.pretix_pending_count().unwrap(), 1);
        let notices = store.pretix_notices(5).unwrap();
        assert_eq!(notices.len(), 1);
        assert_eq!(
            (notices[0].name.as_str(), notices[0].reason.as_deref()),
            ("Hélène Dupont 1", Some("canceled"))
        );
    }

    #[test]
    fn pretix_checkins_come_in_once_and_ours_are_recognised() {
        let (_dir, mut store) = store_with(&["A", "B", "C"]);
        let ours = arrive(&store, "A", "2026-11-29T09:00:00.123Z");
        arrive(&store, "B", "2026-11-29T08:00:00Z");
        let remote = |id, code: &str, at: &str| RemoteArrival {
            id,
            code: code.into(),
            at: at.parse().unwrap(),
        };
        let checkins = [
            // Our own arrival, as pretix stored it (same person, same time).
            remote(1, "A", "2026-11-29T10:00:00.123+01:00"),
            // B is in already that day (another door of pretix's).
            remote(2, "B", "2026-11-29T09:30:00Z"),
            // C came in through pretix only.
            remote(3, "C", "2026-11-29T09:45:00Z"),
            // Not on this copy's list: left for a later refresh.
            remote(4, "Z", "2026-11-29T09:45:00Z"),
        ];
        let day = |_: Timestamp| DAY.parse().unwrap();
        assert_eq!(
            store
                .bring_in_pretix_checkins("k1", &checkins, day)
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .bring_in_pretix_checkins("k1", &checkins, day)
                .unwrap(),
            0,
            "once"
        );
        let c = store.live_arrivals(uid(&store, "C")).unwrap();
        assert_eq!((c.len(), c[0].kiosk.as_str()), (1, "pretix"));
        assert_eq!(
            c[0].at,
            "2026-11-29T09:45:00Z".parse().unwrap(),
            "pretix's time"
        );
        assert_eq!(store.live_arrivals(ours.registrant).unwrap().len(), 1);
        assert_eq!(store.live_arrivals(uid(&store, "B")).unwrap().len(), 1);
        assert_eq!(
            store.pretix_pending_count().unwrap(),
            2,
            "only A's and B's own arrivals go to pretix, not C's"
        );
    }
}
