//! The entrance queue's counts (schema 12), kept where they are made.

use jiff::Timestamp;
use rusqlite::params;

use super::{Result, Store, parse_ts, ts_text};
use crate::domain::queue::{Count, Counted};

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

    /// The counts made from `from` on, oldest first.
    pub fn queue_counts_since(&self, from: Timestamp) -> Result<Vec<Counted>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT at, joined FROM queue_count WHERE at >= ?1 ORDER BY at, id")?;
        let rows = stmt.query_map([ts_text(from)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
        })?;
        rows.map(|row| {
            let (at, joined) = row?;
            Ok(Counted {
                at: parse_ts(&at)?,
                count: joined.map_or(Count::Empty, Count::Joined),
            })
        })
        .collect()
    }
}
