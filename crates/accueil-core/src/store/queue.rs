//! The entrance queue's counts (schema 12), kept where they are made.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::column::{Stamp, Typed};
use super::{Result, Store, ts_text};
use crate::domain::queue::{Count, RATE_WINDOW, Tally};

impl Store {
    /// Appends what someone counting the queue said.
    pub fn add_queue_count(&self, at: Timestamp, count: Count) -> Result<()> {
        let joined = match count {
            Count::Joined(n) => Some(n),
            Count::Empty => None,
        };
        self.conn
            .prepare_cached("INSERT INTO queue_count (at, joined) VALUES (?1, ?2)")?
            .execute(params![ts_text(at), joined])?;
        Ok(())
    }

    /// People counted in or out of the queue since `from` (whatever the
    /// sign).
    pub fn queue_counted_since(&self, from: Timestamp) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT COALESCE(SUM(ABS(joined)), 0) FROM queue_count WHERE at >= ?1")?
            .query_row([ts_text(from)], |r| r.get(0))?)
    }

    /// The arrival records of `day` written after `after` (a rowid), in
    /// no order: (rowid, when, which kiosk, whether its staff decided it —
    /// not pretix's own check-ins). Undone arrivals are in: they took the
    /// kiosk's time as much. Read as they come in by the entrance's
    /// forecast ([`Store::arrival_count_on`] tells it when to read again).
    pub fn arrivals_after(
        &self,
        day: jiff::civil::Date,
        after: i64,
    ) -> Result<Vec<(i64, Timestamp, String, bool)>> {
        let mut stmt = self.conn.prepare_cached(
            // Pretix's check-ins told by their payload's text: compact
            // JSON, where a value cannot hold an unescaped quote
            // (json_extract took as long as the reading).
            "SELECT rowid, at, kiosk, instr(payload, '\"via\":\"pretix\"') = 0 FROM record
             WHERE rowid > ?2 AND kind = 'arrival' AND day = ?1",
        )?;
        let rows = stmt.query_map(params![day.to_string(), after], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.at::<Stamp>(1, "record.at")?.0,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many arrival records `day` has (from its index).
    pub fn arrival_count_on(&self, day: jiff::civil::Date) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM record WHERE kind = 'arrival' AND day = ?1")?
            .query_row([day.to_string()], |r| r.get(0))?)
    }

    /// The tally at `now` of the counts made from `from` on, summed here
    /// rather than read row by row ([`crate::domain::queue::tally`] is the
    /// same from a list).
    pub fn queue_tally(&self, from: Timestamp, now: Timestamp) -> Result<Option<Tally>> {
        let (from, now_text) = (ts_text(from), ts_text(now));
        let recent_from = ts_text(now - RATE_WINDOW);
        let row = self
            .conn
            .prepare_cached(
                "SELECT s.since,
                        (SELECT COALESCE(SUM(joined), 0) FROM queue_count WHERE at >= s.since AND at <= ?2),
                        (SELECT COALESCE(SUM(joined), 0) FROM queue_count WHERE at > ?3 AND at <= ?2),
                        (SELECT MAX(at) FROM queue_count WHERE at >= ?1 AND at <= ?2)
                 FROM (SELECT COALESCE(
                          (SELECT MAX(at) FROM queue_count WHERE joined IS NULL AND at >= ?1 AND at <= ?2),
                          (SELECT MIN(at) FROM queue_count WHERE at >= ?1 AND at <= ?2)) AS since) s
                 WHERE s.since IS NOT NULL",
            )?
            .query_row(params![from, now_text, recent_from], |r| {
                Ok(Tally {
                    since: r.at::<Stamp>(0, "queue_count.at")?.0,
                    joined: r.get(1)?,
                    recent: r.get(2)?,
                    last: r.at::<Stamp>(3, "queue_count.at")?.0,
                })
            })
            .optional()?;
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::domain::queue::Counted;

    /// The SQL tally is the list's, whatever the mix of counts, empties
    /// and corrections, at any moment.
    #[test]
    fn the_sql_tally_is_the_lists() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("q.sqlite")).unwrap();
        let t0: Timestamp = "2022-09-28T06:30:00Z".parse().unwrap();
        let at = |s: i64| t0 + jiff::SignedDuration::from_secs(s);
        let mut counts = Vec::new();
        for i in 0..200i64 {
            let count = match i % 37 {
                0 if i > 0 => Count::Empty,
                5 => Count::Joined(-1),
                _ => Count::Joined(1 + i % 3),
            };
            store.add_queue_count(at(i * 13), count).unwrap();
            counts.push(Counted {
                at: at(i * 13),
                count,
            });
        }
        for now in [-5, 0, 100, 481, 1000, 1800, 2600, 4000] {
            let now = at(now);
            assert_eq!(
                store.queue_tally(at(-3600), now).unwrap(),
                crate::domain::queue::tally(&counts, now),
                "at {now}"
            );
        }
    }
}
