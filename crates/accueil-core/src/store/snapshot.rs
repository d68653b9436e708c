//! A new kiosk's first copy, as a database rather than as a list: the hub
//! copies its pages (SQLite's backup API, from a connection of its own, so
//! the hub goes on meanwhile), leaves out what is its own — kiosks'
//! credentials, its settings and bookkeeping, the records it refused or
//! keeps waiting — and an empty kiosk takes the copy whole. A million
//! people come down in the time of copying the file, instead of an import.

use std::path::Path;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{MIGRATIONS, Result, Store, StoreError, create_private, migrate};

/// What the copy leaves out, and the marks it gives: the numbers a kiosk
/// holds are those of the records the hub hands out (up to the first one
/// it keeps waiting, as in [`Store::held_marks`]), not the hub's refused
/// ones.
pub(super) const LEAVE_OUT: &str = "
    UPDATE log_mark SET held = MIN(held, COALESCE(
        (SELECT MIN(w.seq) - 1 FROM record_refused w
         WHERE w.log = log_mark.log AND w.kind = 'waiting'), held));
    UPDATE log_mark SET top = held;
    DELETE FROM log_mark WHERE held <= 0;
    DELETE FROM record_refused;
    DELETE FROM kiosk_credential;
    DELETE FROM kiosk_barred;
    DELETE FROM log_credential;
    DELETE FROM kiosk_setting;
    DELETE FROM print_job;
    DELETE FROM pretix_push;
    DELETE FROM pretix_checkin;
    DELETE FROM sync_state WHERE key <> 'list_rev';
";

/// Merges the search index into one segment: words of rows deleted or
/// changed (FTS5 keeps them in older segments until a merge) are gone.
const MERGE_INDEX: &str = "INSERT INTO registrant_fts (registrant_fts) VALUES ('optimize');";

/// Whatever is wrong with a copy is the copy's fault, not this kiosk's.
fn as_snapshot(e: StoreError) -> StoreError {
    match e {
        StoreError::Snapshot(why) => StoreError::Snapshot(why),
        other => StoreError::Snapshot(other.to_string()),
    }
}

/// `path` with `.suffix` added to its name.
fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    name.into()
}

/// The list revision a copy holds.
fn list_rev_of(conn: &Connection) -> Result<String> {
    Ok(conn
        .query_row(
            "SELECT value FROM sync_state WHERE key = 'list_rev'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .unwrap_or_default())
}

/// Writes the live rows of `conn`'s database to `to` (a new file, its
/// owner's only), free pages left behind.
fn vacuum_into(conn: &Connection, to: &Path) -> Result<()> {
    let _ = std::fs::remove_file(to);
    create_private(to);
    let target = to.to_str().ok_or_else(|| {
        StoreError::Snapshot(format!("{} : nom de fichier illisible", to.display()))
    })?;
    conn.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}

fn step_all(backup: &Backup<'_, '_>) -> Result<()> {
    // Pages by thousands: a hub's writes between steps are taken into the
    // copy by SQLite, which starts over only when another process writes.
    let mut busy = 0;
    loop {
        match backup.step(1024)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked if busy < 250 => {
                busy += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            StepResult::Busy | StepResult::Locked => {
                return Err(StoreError::Snapshot("base occupée".into()));
            }
            _ => return Err(StoreError::Snapshot("copie interrompue".into())),
        }
    }
}

/// Every table, index, trigger and view, as SQLite keeps them.
fn schema(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, COALESCE(sql, '') FROM sqlite_schema
         WHERE NOT (type = 'table' AND name IN ('sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4'))
         ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks a copy from the hub before anything of it is taken; returns the
/// list revision it holds.
fn inspect(from: &Path) -> Result<String> {
    let src = super::open::connect_plain(from, Some(OpenFlags::SQLITE_OPEN_READ_ONLY))?;
    let version: i64 = src.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version != MIGRATIONS.len() as i64 {
        return Err(StoreError::Snapshot(format!(
            "schéma {version}, ce kiosque connaît le {}",
            MIGRATIONS.len()
        )));
    }
    let check: String = src.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(StoreError::Snapshot(check));
    }
    // The very schema this version makes, and nothing more: a trigger
    // slipped into the copy would run at every check-in.
    let mut own = Connection::open_in_memory()?;
    migrate(&mut own, Path::new(":memory:"))?;
    if schema(&src)? != schema(&own)? {
        return Err(StoreError::Snapshot(
            "ses tables ne sont pas celles de cette version d'accueil".into(),
        ));
    }
    Ok(src
        .query_row(
            "SELECT value FROM sync_state WHERE key = 'list_rev'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .unwrap_or_default())
}

impl Store {
    /// Writes, at `to` (a new file, readable by its owner only), the copy
    /// a new kiosk starts from. Returns the list revision it holds.
    ///
    /// The hub's pages are copied beside `to`, what is the hub's own is
    /// deleted there, the search index is merged (a changed e-mail's old
    /// words stay in its older segments otherwise), and only then is `to`
    /// written by `VACUUM INTO`: live rows only. A page the hub freed, or
    /// the copy freed, never leaves the hub — a refused walk-in, the
    /// kiosks' credential hashes, an e-mail a re-import replaced.
    pub fn write_snapshot(database: &Path, to: &Path) -> Result<String> {
        let whole = with_suffix(to, "entiere");
        let made = (|| {
            let src = super::open::connect_plain(
                database,
                Some(OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX),
            )?;
            let _ = std::fs::remove_file(&whole);
            create_private(&whole);
            let mut dst = super::open::connect_plain(&whole, None)?;
            // A file made to be sent: no need to wait for the disk.
            dst.pragma_update(None, "synchronous", "OFF")?;
            step_all(&Backup::new(&src, &mut dst)?)?;
            drop(src);
            dst.pragma_update(None, "journal_mode", "DELETE")?;
            dst.execute_batch(&format!("BEGIN; {LEAVE_OUT} COMMIT; {MERGE_INDEX}"))?;
            let list_rev = list_rev_of(&dst)?;
            vacuum_into(&dst, to)?;
            Ok(list_rev)
        })();
        let _ = std::fs::remove_file(&whole);
        made
    }

    /// Makes of a hub's copy at `from` (checked as [`Store::restore_snapshot`]
    /// checks it) the copy an attendee kiosk may hold, at `to`: e-mails and
    /// free fields out, as [`Store::minimise`] takes them out, then written
    /// by `VACUUM INTO` — no page of `to` ever held them. `from` is changed.
    pub fn minimise_snapshot(from: &Path, to: &Path, me: &str) -> Result<()> {
        inspect(from).map_err(as_snapshot)?;
        let conn = super::open::connect_plain(from, None)?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        let mut copy = Store {
            conn,
            path: from.to_owned(),
            scanner: Default::default(),
        };
        // Rewritten once, below, into `to`: not in place first.
        copy.mark_minimised()?;
        copy.minimise(true, me)?;
        copy.conn.execute_batch(MERGE_INDEX)?;
        vacuum_into(&copy.conn, to)
    }

    /// Whether the copy at `from` (checked as [`Store::restore_snapshot`]
    /// checks it) is one an attendee kiosk may take as it is: no free page
    /// (what was deleted is not in it), no e-mail nor free field in any
    /// row, nor in any walk-in's or fix's record.
    pub fn is_minimal_copy(from: &Path) -> Result<bool> {
        inspect(from).map_err(as_snapshot)?;
        let src = super::open::connect_plain(from, Some(OpenFlags::SQLITE_OPEN_READ_ONLY))?;
        Ok(src.query_row(
            "SELECT (SELECT freelist_count FROM pragma_freelist_count) = 0
                AND NOT EXISTS (SELECT 1 FROM registrant
                    WHERE email <> '' OR extra <> '{}' OR json_extract(source, '$.email') <> '')
                AND NOT EXISTS (SELECT 1 FROM record
                    WHERE kind IN ('walk_in', 'registrant_edited')
                      AND (json_extract(payload, '$.details.email') <> ''
                           OR json_type(payload, '$.changes.email') IS NOT NULL))",
            [],
            |r| r.get(0),
        )?)
    }

    /// This copy holds nobody and no record: what a kiosk is before its
    /// first sync.
    pub fn is_blank(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM registrant) AND NOT EXISTS (SELECT 1 FROM record)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Takes the hub's copy at `from` whole, keeping this kiosk's own
    /// settings (its credential, its log). Only into a blank copy; a copy
    /// of another schema, or damaged, is refused and nothing changes.
    /// Returns the hub's list revision it holds.
    pub fn restore_snapshot(&mut self, from: &Path) -> Result<String> {
        // Whatever is wrong with the file — not a database, cut short,
        // damaged, another schema, or tables and triggers this kiosk does
        // not have (a hostile hub's) — it is the copy's fault, not this
        // kiosk's: refused as such, and the kiosk takes the list instead.
        let list_rev = inspect(from).map_err(as_snapshot)?;
        if !self.is_blank()? {
            return Err(StoreError::Snapshot(
                "ce kiosque a déjà des inscrits ou des entrées".into(),
            ));
        }
        let keep = |table: &str| -> Result<Vec<(String, String)>> {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT key, value FROM {table}"))?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        let settings = keep("kiosk_setting")?;
        let sync = keep("sync_state")?;
        // Through a rollback journal (of a blank copy: a few pages) rather
        // than the WAL: the copy's pages are written once, not to the WAL
        // and again at the checkpoint.
        self.conn.pragma_update(None, "journal_mode", "DELETE")?;
        let restored = super::open::connect_plain(from, Some(OpenFlags::SQLITE_OPEN_READ_ONLY))
            .map_err(StoreError::from)
            .and_then(|src| step_all(&Backup::new(&src, &mut self.conn)?));
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        restored.map_err(|e| StoreError::Snapshot(e.to_string()))?;
        let tx = self.conn.transaction()?;
        for (table, rows) in [("kiosk_setting", &settings), ("sync_state", &sync)] {
            let mut stmt = tx.prepare(&format!(
                "INSERT INTO {table} (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ))?;
            for (k, v) in rows {
                stmt.execute([k, v])?;
            }
        }
        tx.commit()?;
        Ok(list_rev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Record, RecordKind};
    use jiff::Timestamp;
    use uuid::Uuid;

    fn printed(log: &str, seq: i64) -> Record {
        Record {
            id: Uuid::now_v7(),
            kiosk: "porte-a".into(),
            log: log.into(),
            seq,
            at: Timestamp::UNIX_EPOCH,
            kind: RecordKind::BadgePrinted,
            registrant: Uuid::nil(),
            day: None,
            reverts: None,
            payload: serde_json::json!({}),
        }
    }

    #[test]
    fn a_blank_kiosk_takes_the_copy_with_its_own_settings_and_the_marks_the_hub_hands_out() {
        let dir = tempfile::tempdir().unwrap();
        let mut hub = Store::open(&dir.path().join("hub.sqlite")).unwrap();
        let kept: Vec<Record> = [1, 2, 3, 5]
            .iter()
            .map(|&s| printed("porte-a", s))
            .collect();
        hub.apply_records(&kept, Timestamp::UNIX_EPOCH).unwrap();
        let waits = printed("porte-a", 4);
        hub.refuse_records(
            &[(&waits, "en attente".into())],
            true,
            Timestamp::UNIX_EPOCH,
        )
        .unwrap();
        hub.add_credential("c1", "porte-a", "hash", Timestamp::UNIX_EPOCH)
            .unwrap();
        hub.set_kiosk_setting("hub_only", "1").unwrap();
        let copy = dir.path().join("copy.sqlite");
        Store::write_snapshot(hub.path(), &copy).unwrap();

        let mut kiosk = Store::open(&dir.path().join("k.sqlite")).unwrap();
        kiosk.set_kiosk_setting("hub_credential", "mine").unwrap();
        assert!(kiosk.is_blank().unwrap());
        kiosk.restore_snapshot(&copy).unwrap();
        assert_eq!(kiosk.record_count().unwrap(), 4);
        // Up to the record the hub keeps waiting: it comes down once the
        // hub applies it, with what follows.
        assert_eq!(kiosk.marks().unwrap().get("porte-a"), Some(&3));
        assert_eq!(
            kiosk.kiosk_setting("hub_credential").unwrap().as_deref(),
            Some("mine")
        );
        assert_eq!(kiosk.kiosk_setting("hub_only").unwrap(), None);
        assert!(kiosk.credential("c1").unwrap().is_none());
        assert!(kiosk.refused_records(10).unwrap().is_empty());
        // Only into a blank copy.
        let err = kiosk.restore_snapshot(&copy).unwrap_err().to_string();
        assert!(err.contains("déjà"), "{err}");
        // A copy of another schema is refused, nothing changed.
        let mut other = Store::open(&dir.path().join("o.sqlite")).unwrap();
        let odd = Connection::open(&copy).unwrap();
        odd.pragma_update(None, "user_version", 99).unwrap();
        drop(odd);
        let err = other.restore_snapshot(&copy).unwrap_err().to_string();
        assert!(err.contains("schéma 99"), "{err}");
        assert!(other.is_blank().unwrap());
    }

    /// What a download cut short, a proxy's error page, a bad disk or a
    /// hostile hub hands over: refused as the copy's fault (so the kiosk
    /// takes the list instead), and the kiosk stays blank and sound.
    #[test]
    fn a_damaged_or_doctored_copy_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut hub = Store::open(&dir.path().join("hub.sqlite")).unwrap();
        let records: Vec<Record> = (1..=400).map(|s| printed("porte-a", s)).collect();
        hub.apply_records(&records, Timestamp::UNIX_EPOCH).unwrap();
        let good = dir.path().join("good.sqlite");
        Store::write_snapshot(hub.path(), &good).unwrap();
        let bytes = std::fs::read(&good).unwrap();
        assert!(bytes.len() > 40_000, "{} bytes", bytes.len());

        let doctored = dir.path().join("doctored.sqlite");
        std::fs::copy(&good, &doctored).unwrap();
        let c = Connection::open(&doctored).unwrap();
        c.execute_batch(
            "CREATE TRIGGER wipe AFTER INSERT ON record BEGIN DELETE FROM registrant; END;",
        )
        .unwrap();
        drop(c);
        let mut paged = bytes.clone();
        let page = 4096;
        for p in [2, paged.len() / page - 2] {
            paged[p * page + 8..(p + 1) * page].fill(0x5A);
        }
        let cases: Vec<(&str, Vec<u8>)> = vec![
            (
                "a proxy's page",
                b"<html><body>502 Bad Gateway</body></html>".to_vec(),
            ),
            ("cut short", bytes[..bytes.len() / 2].to_vec()),
            ("damaged pages", paged),
            ("a trigger added", std::fs::read(&doctored).unwrap()),
            ("empty", Vec::new()),
        ];
        for (case, body) in cases {
            let file = dir.path().join("from-hub.sqlite");
            std::fs::write(&file, &body).unwrap();
            let mut kiosk = Store::open(&dir.path().join(format!("{case}.sqlite"))).unwrap();
            let err = kiosk.restore_snapshot(&file);
            assert!(
                matches!(err, Err(StoreError::Snapshot(_))),
                "{case}: {err:?}"
            );
            assert!(kiosk.is_blank().unwrap(), "{case}");
            assert_eq!(kiosk.integrity_check().unwrap(), "ok", "{case}");
        }
        // The sound copy is taken.
        let mut kiosk = Store::open(&dir.path().join("k.sqlite")).unwrap();
        kiosk.restore_snapshot(&good).unwrap();
        assert_eq!(kiosk.record_count().unwrap(), 400);
    }
}
