//! After the event (GDPR): personal data out, anonymous counts kept.
//!
//! What stays is what the statistics read — each person's category and
//! status, and for each arrival its day, its kiosk and its quarter hour —
//! under identifiers made afresh, so that nothing links a row back to a
//! ticket, a name or the moment someone walked in. What goes: names,
//! e-mails, organisations, ticket codes, free fields, the rows as the
//! export had them, the badges waiting or printed, the search index, the
//! refused records' copies, the hub's pretix notices (they name people).
//! Then the file is rewritten (`VACUUM`): SQLite keeps deleted text in
//! free pages otherwise.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::{Result, Store, StoreError, parse_ts, ts_text};

/// The `kiosk_setting` that says when this copy was purged.
const PURGED_AT: &str = "purged_at";
/// The `kiosk_setting` that says when this copy was first minimised and
/// rewritten (self-service).
const MINIMISED: &str = "minimised_at";
/// The `kiosk_setting` present while a minimised copy still waits for its
/// rewrite (its free pages may hold what was taken out).
const REWRITE_PENDING: &str = "minimised_rewrite_pending";

/// What a purge removed (or would remove), in counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeCounts {
    /// People whose names, e-mail, organisation, code and free fields go.
    pub people: u64,
    /// Log entries kept, with their day, kiosk and quarter hour only.
    pub records: u64,
    /// Badges (PDF with the name) removed from the print queue's history.
    pub badges: u64,
    /// Copies of refused records emptied.
    pub refused: u64,
}

/// A log entry as the purge reads it: id, registrant, time, the entry it
/// reverts, and `payload.via`.
struct Entry {
    id: String,
    registrant: String,
    at: String,
    reverts: Option<String>,
    /// The payload's keys a purge keeps (JSON).
    via: String,
}

/// The triggers that keep the log append-only: name and SQL.
fn log_triggers(tx: &rusqlite::Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = tx.prepare(
        "SELECT name, sql FROM sqlite_master
         WHERE type = 'trigger' AND name IN ('record_no_update', 'record_no_delete')",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// Runs `f` with the log open to changes: the append-only triggers go for
/// it and come back, identical, in the same transaction (the caller's).
pub(super) fn with_log_open(
    tx: &rusqlite::Connection,
    f: impl FnOnce(&rusqlite::Connection) -> Result<()>,
) -> Result<()> {
    let triggers = log_triggers(tx)?;
    for (name, _) in &triggers {
        tx.execute_batch(&format!("DROP TRIGGER {name};"))?;
    }
    f(tx)?;
    for (_, sql) in &triggers {
        tx.execute_batch(&format!("{sql};"))?;
    }
    Ok(())
}

/// Keys and name words of a registrant, for its search entries.
fn minimised_keys(code: &str, first: String, last: String, organisation: String) -> super::Keys {
    super::Keys::of(
        code,
        &super::Fields {
            first_name: first,
            last_name: last,
            organisation,
            email: String::new(),
            category: String::new(),
            status: crate::domain::Status::Valid,
        },
    )
}

/// Quarter hours, in seconds.
const QUARTER: i64 = 15 * 60;

impl Store {
    /// When this copy was purged, if it was.
    pub fn purged_at(&self) -> Result<Option<Timestamp>> {
        self.kiosk_setting(PURGED_AT)?
            .map(|t| parse_ts("kiosk_setting.purged_at", &t))
            .transpose()
    }

    /// The row the import took someone from, as it was (right of access).
    pub fn registrant_source(&self, uid: uuid::Uuid) -> Result<Option<serde_json::Value>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT source FROM registrant WHERE uid = ?1",
                [uid.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// What is deleted or replaced from now on is overwritten with zeros
    /// in the file (`PRAGMA secure_delete`), on this connection.
    pub fn set_secure_delete(&self) -> Result<()> {
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        Ok(())
    }

    /// Says this copy was rewritten once minimised ([`Store::minimise`]
    /// then only zeroes what it frees).
    pub(super) fn mark_minimised(&self) -> Result<()> {
        self.set_kiosk_setting(MINIMISED, &ts_text(Timestamp::now()))
    }

    /// Whether this copy is as an attendee kiosk must hold it: rewritten
    /// once minimised, and no e-mail in it (through the e-mail index).
    pub fn is_minimised(&self) -> Result<bool> {
        Ok(self.kiosk_setting(MINIMISED)?.is_some()
            && self.kiosk_setting(REWRITE_PENDING)?.is_none()
            && !self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM registrant WHERE email <> '')",
                [],
                |r| r.get::<_, bool>(0),
            )?)
    }

    /// A self-service kiosk's copy keeps what the screen needs, no more:
    /// e-mails and free fields go (from the row, the import's copy of it and
    /// the search index). `all`: free fields too (after a list change);
    /// otherwise e-mails only (after others' walk-ins and fixes), through
    /// the e-mail index. Returns the people minimised.
    pub fn minimise(&mut self, all: bool, me: &str) -> Result<usize> {
        // What is removed is overwritten, not left in free space.
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let which = if all {
            "email <> '' OR extra <> '{}' OR json_extract(source, '$.email') <> ''"
        } else {
            "email <> ''"
        };
        let rows: Vec<(i64, String, String, String, String)> = {
            let mut stmt = tx.prepare(&format!(
                "SELECT id, code, first_name, last_name, organisation FROM registrant WHERE {which}"
            ))?;
            stmt.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<std::result::Result<_, _>>()?
        };
        const EMPTIED: &str = "UPDATE registrant SET email = '', extra = '{}',
            source = CASE WHEN source IS NULL THEN NULL ELSE json_set(source, '$.email', '') END";
        let total: i64 = tx.query_row("SELECT COUNT(*) FROM registrant", [], |r| r.get(0))?;
        if all && rows.len() as i64 * 2 > total {
            // Most of the list (a copy from the hub, a new list): in one
            // statement, and the search index made again whole — a million
            // entries replaced one by one took 40 s.
            tx.execute(&format!("{EMPTIED} WHERE {which}"), [])?;
            tx.execute_batch("INSERT INTO registrant_fts (registrant_fts) VALUES ('delete-all');")?;
            let mut stmt =
                tx.prepare("SELECT id, code, first_name, last_name, organisation FROM registrant")?;
            let mut everyone = stmt.query([])?;
            while let Some(r) = everyone.next()? {
                let keys = minimised_keys(&r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
                super::search_entry(&tx, r.get(0)?, &keys)?;
            }
        } else {
            let mut known = super::KnownTerms::new();
            for (id, code, first, last, organisation) in &rows {
                tx.prepare_cached(&format!("{EMPTIED} WHERE id = ?1"))?
                    .execute([id])?;
                let keys = minimised_keys(code, first.clone(), last.clone(), organisation.clone());
                super::index_registrant(&tx, *id, &keys, false, &mut known)?;
            }
        }
        // Other kiosks' walk-ins and fixes carry the address typed there.
        // They are never sent on from here (a kiosk sends its own log), and
        // a record is known again by its id: its copy here can lose it.
        // This kiosk's own wait for the hub whole.
        let entries = {
            let mut n = 0;
            with_log_open(&tx, |tx| {
                n = tx.execute(
                    "UPDATE record SET payload = json_remove(
                         CASE WHEN json_type(payload, '$.details.email') IS NOT NULL
                              THEN json_set(payload, '$.details.email', '') ELSE payload END,
                         '$.changes.email')
                     WHERE kind IN ('walk_in', 'registrant_edited') AND kiosk <> ?1
                       AND (json_extract(payload, '$.details.email') <> ''
                            OR json_type(payload, '$.changes.email') IS NOT NULL)",
                    [me],
                )?;
                Ok(())
            })?;
            n
        };
        // A list brought e-mails in: the pages that held them (the
        // import's, the row versions a page split left behind) are not all
        // zeroed by `secure_delete` — the file is rewritten below. Said in
        // the same transaction, so that a kill before the rewrite is mended
        // at the next open.
        if all && !rows.is_empty() {
            tx.prepare_cached(
                "INSERT INTO kiosk_setting (key, value) VALUES (?1, '1')
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([REWRITE_PENDING])?;
        }
        tx.commit()?;
        let first = all && self.kiosk_setting(MINIMISED)?.is_none();
        let rewrite = first || self.kiosk_setting(REWRITE_PENDING)?.is_some();
        if rewrite {
            // The search index's older segments keep the words of the
            // e-mails until a merge.
            self.conn.execute_batch(
                "INSERT INTO registrant_fts (registrant_fts) VALUES ('optimize'); VACUUM;",
            )?;
            self.conn
                .prepare_cached("DELETE FROM kiosk_setting WHERE key = ?1")?
                .execute([REWRITE_PENDING])?;
            self.mark_minimised()?;
        }
        if rewrite || !rows.is_empty() || entries > 0 {
            // The WAL keeps older page images: it is emptied.
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(rows.len())
    }

    /// What [`Store::purge`] would remove.
    pub fn purge_counts(&self) -> Result<PurgeCounts> {
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
        };
        Ok(PurgeCounts {
            people: count("SELECT COUNT(*) FROM registrant")?,
            records: count("SELECT COUNT(*) FROM record")?,
            badges: count("SELECT COUNT(*) FROM print_job")?,
            refused: count("SELECT COUNT(*) FROM record_refused")?,
        })
    }

    /// Removes every personal datum from this copy in one transaction (a
    /// crash leaves it whole, or purged), then rewrites the file. Done
    /// once: a purged copy is purged again at no cost.
    pub fn purge(&mut self, now: Timestamp) -> Result<PurgeCounts> {
        let counts = self.purge_counts()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let triggers = log_triggers(&tx)?;
        for (name, _) in &triggers {
            tx.execute_batch(&format!("DROP TRIGGER {name};"))?;
        }

        // New identifiers: people, then log entries.
        let people: Vec<(i64, String)> = {
            let mut stmt = tx.prepare("SELECT id, uid FROM registrant")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<std::result::Result<_, _>>()?
        };
        let mut new_uid: HashMap<String, String> = HashMap::with_capacity(people.len());
        {
            let mut set = tx.prepare(
                "UPDATE registrant SET uid = ?2, code = ?3, first_name = '', last_name = '',
                     organisation = '', email = '', extra = '{}', source = NULL,
                     last_key = '', first_key = '', updated_at = ?4
                 WHERE id = ?1",
            )?;
            for (id, uid) in &people {
                let fresh = uuid::Uuid::now_v7().to_string();
                set.execute(params![id, fresh, format!("anonyme-{id}"), ts_text(now)])?;
                new_uid.insert(uid.clone(), fresh);
            }
        }
        let records: Vec<Entry> = {
            let mut stmt = tx.prepare(
                "SELECT id, registrant, at, reverts,
                        json_object('via', json_extract(payload, '$.via'),
                                    'room', json_extract(payload, '$.room'),
                                    'session', json_extract(payload, '$.session'))
                 FROM record ORDER BY id",
            )?;
            stmt.query_map([], |r| {
                Ok(Entry {
                    id: r.get(0)?,
                    registrant: r.get(1)?,
                    at: r.get(2)?,
                    reverts: r.get(3)?,
                    via: r.get(4)?,
                })
            })?
            .collect::<std::result::Result<_, _>>()?
        };
        let new_id: HashMap<&str, String> = records
            .iter()
            .map(|e| (e.id.as_str(), uuid::Uuid::now_v7().to_string()))
            .collect();
        {
            let mut set = tx.prepare(
                "UPDATE record SET id = ?2, registrant = ?3, at = ?4, reverts = ?5, payload = ?6
                 WHERE id = ?1",
            )?;
            for Entry {
                id,
                registrant,
                at,
                reverts,
                via,
            } in &records
            {
                // A registrant the log names but the list lost: a fresh
                // identifier all the same, shared by that person's entries.
                let who = match new_uid.get(registrant) {
                    Some(u) => u.clone(),
                    None => {
                        let u = uuid::Uuid::now_v7().to_string();
                        new_uid.insert(registrant.clone(), u.clone());
                        u
                    }
                };
                let reverts = reverts
                    .as_deref()
                    .map(|r| new_id.get(r).cloned().unwrap_or_default());
                // `via` says pretix's scanners made the arrival: its kiosk
                // in the counts; a room door's room and session keep the
                // rooms' counts. Nothing else of a payload is kept.
                let payload = kept_payload(via);
                set.execute(params![
                    id,
                    new_id.get(id.as_str()),
                    who,
                    ts_text(quarter_hour(parse_ts("record.at", at)?)),
                    reverts,
                    payload
                ])?;
            }
        }
        // Who registered for which session, under their new identifiers.
        {
            let rows: Vec<(String, String)> = {
                let mut stmt = tx.prepare("SELECT session, registrant FROM session_registrant")?;
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<std::result::Result<_, _>>()?
            };
            tx.execute("DELETE FROM session_registrant", [])?;
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO session_registrant (session, registrant) VALUES (?1, ?2)",
            )?;
            for (session, who) in rows {
                let fresh = new_uid
                    .entry(who)
                    .or_insert_with(|| uuid::Uuid::now_v7().to_string());
                insert.execute(params![session, &*fresh])?;
            }
        }
        // Where people are and what they came to, under their new names.
        super::programme::rebuild_rooms(&tx)?;
        for table in ["pretix_push", "pretix_checkin"] {
            let rows: Vec<String> = {
                let mut stmt = tx.prepare(&format!("SELECT DISTINCT record FROM {table}"))?;
                stmt.query_map([], |r| r.get(0))?
                    .collect::<std::result::Result<_, _>>()?
            };
            let mut set =
                tx.prepare(&format!("UPDATE {table} SET record = ?2 WHERE record = ?1"))?;
            for old in rows {
                match new_id.get(old.as_str()) {
                    Some(new) => set.execute(params![old, new])?,
                    None => {
                        tx.execute(&format!("DELETE FROM {table} WHERE record = ?1"), [&old])?
                    }
                };
            }
        }
        let refused: Vec<String> = {
            let mut stmt = tx.prepare("SELECT DISTINCT id FROM record_refused")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?
        };
        for old in refused {
            // A refused arrival stays out of the counts: its row stays, on
            // the entry's new identifier, without the entry's copy.
            let new = new_id
                .get(old.as_str())
                .cloned()
                .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
            tx.execute(
                "UPDATE record_refused SET id = ?2, record = '{}', reason = '' WHERE id = ?1",
                params![old, new],
            )?;
        }
        tx.execute_batch(
            "DELETE FROM print_job;
             INSERT INTO registrant_fts (registrant_fts) VALUES ('delete-all');
             DELETE FROM name_term;
             DELETE FROM sync_state WHERE key = 'hub_pretix';",
        )?;
        for (_, sql) in &triggers {
            tx.execute_batch(&format!("{sql};"))?;
        }
        tx.execute(
            "INSERT INTO kiosk_setting (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![PURGED_AT, ts_text(now)],
        )?;
        tx.commit()?;
        self.rewrite_file()?;
        Ok(counts)
    }

    /// Rewrites the file without its free pages, and empties the WAL: what
    /// was deleted is no longer anywhere on disk but in backups.
    fn rewrite_file(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")?;
        // A checkpoint refused by a reader keeps pages in the WAL: say so
        // rather than claim a clean file.
        let busy: Option<i64> = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .optional()?;
        if busy.unwrap_or(0) != 0 {
            return Err(StoreError::PurgeHeld {
                path: self.path.clone(),
            });
        }
        Ok(())
    }
}

/// The quarter hour a moment falls in (08:44:13 → 08:30:00).
fn quarter_hour(t: Timestamp) -> Timestamp {
    let s = t.as_second();
    Timestamp::from_second(s - s.rem_euclid(QUARTER)).unwrap_or(t)
}

/// What a purged record keeps of its payload (`{"via": …, "room": …,
/// "session": …}` as SQLite gave it, with nulls): only those keys that are
/// set, as strings.
fn kept_payload(kept: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(kept) else {
        return "{}".to_owned();
    };
    let map: serde_json::Map<String, serde_json::Value> =
        map.into_iter().filter(|(_, v)| v.is_string()).collect();
    serde_json::Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_go_to_their_quarter_hour() {
        let t: Timestamp = "2022-09-28T08:44:13.120Z".parse().unwrap();
        assert_eq!(quarter_hour(t).to_string(), "2022-09-28T08:30:00Z");
        let t: Timestamp = "2022-09-28T08:45:00Z".parse().unwrap();
        assert_eq!(quarter_hour(t), t);
    }
}
