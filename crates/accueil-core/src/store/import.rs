//! Merging a source list into the local copy.

use std::collections::HashSet;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{
    Fields, Keys, KnownTerms, NewRegistrant, Result, Store, index_registrant,
    insert_registrant_keyed, ts_text,
};
use crate::domain::registrant::uid_for_code;
use crate::domain::{Origin, SourceEntry, Status};

/// The registrant table's secondary indexes, as schema 1 creates them. A
/// first import drops them and builds them once at the end: sorting
/// 100,000 entries beats 100,000 inserts at random places (a test checks
/// that these are the schema's own).
const SECONDARY_INDEXES: [(&str, &str); 3] = [
    (
        "registrant_email",
        "CREATE INDEX registrant_email ON registrant (email COLLATE NOCASE) WHERE email <> ''",
    ),
    (
        "registrant_last_key",
        "CREATE INDEX registrant_last_key ON registrant (last_key, first_key)",
    ),
    (
        "registrant_first_key",
        "CREATE INDEX registrant_first_key ON registrant (first_key, last_key)",
    ),
];

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// No longer in the source: marked cancelled, never deleted.
    pub cancelled: usize,
    /// Registrants from earlier imports that were not cancelled before.
    pub active_before: usize,
    /// Whether the changes were written (false for a dry run or a refusal).
    pub committed: bool,
    /// The first changes, for `--dry-run` (at most 50).
    pub changes: Vec<ImportChange>,
}

/// One change an import makes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportChange {
    /// "added", "updated" or "cancelled".
    pub change: &'static str,
    pub code: String,
    pub name: String,
    /// Fields that change (`updated` only).
    pub fields: Vec<&'static str>,
}

const MAX_LISTED_CHANGES: usize = 50;

/// The page cache of a first import (negative: KiB, allocated only as
/// used): a million people fit, so nothing is written before the commit.
const FIRST_IMPORT_CACHE_KIB: i64 = -786_432;

struct Existing {
    id: i64,
    code: String,
    current: Fields,
    /// The source's values at the last import (see the `source` column).
    source: Fields,
}

fn find_existing(conn: &Connection, entry: &SourceEntry) -> Result<Option<Existing>> {
    type Row = (i64, String, [String; 6], Option<String>);
    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
        Ok((
            r.get(0)?,
            r.get(1)?,
            [
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ],
            r.get(8)?,
        ))
    }
    const COLUMNS: &str =
        "id, code, first_name, last_name, organisation, email, category, status, source";
    let row = if entry.code_generated && !entry.email.is_empty() {
        // Files without codes are keyed by e-mail; the generated code tells
        // apart people who share an e-mail. Known limit: when the people
        // sharing an e-mail change between two imports (a colleague added),
        // their generated codes change too and the e-mail match may pick the
        // wrong sibling; files with ticket codes do not have this problem.
        conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM registrant
             WHERE origin = 'import' AND (code = ?1 OR email = ?2 COLLATE NOCASE)
             ORDER BY code = ?1 DESC LIMIT 1"
        ))?
        .query_row(params![entry.code, entry.email], read)
    } else {
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM registrant WHERE code = ?1"))?
            .query_row(params![entry.code], read)
    }
    .optional()?;
    let Some((id, code, [first_name, last_name, organisation, email, category, status], source)) =
        row
    else {
        return Ok(None);
    };
    let status = Status::parse_stored(&status).ok_or(super::StoreError::Corrupt {
        column: "registrant.status",
        value: status.clone(),
    })?;
    let current = Fields {
        first_name,
        last_name,
        organisation,
        email,
        category,
        status,
    };
    Ok(Some(Existing {
        id,
        code,
        // NULL: the current values are the source's. An unreadable snapshot
        // (edited by hand) is treated the same way.
        source: source
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_else(|| current.clone()),
        current,
    }))
}

/// Rows are handed from the folding thread to the writer this many at a time.
const PREPARED_BATCH: usize = 2048;

/// What a source row becomes before it is written: its fields, its extra
/// columns as JSON, its uid and its folded text (for a new row).
struct Prepared {
    source: Fields,
    extra: String,
    uid: uuid::Uuid,
    keys: Keys,
}

impl Prepared {
    fn of(entry: &SourceEntry) -> Prepared {
        let source = fields_of(entry);
        Prepared {
            extra: serde_json::to_string(&entry.extra).unwrap_or_else(|_| "{}".into()),
            uid: uid_for_code(&entry.code),
            keys: Keys::of(&entry.code, &source),
            source,
        }
    }
}

fn fields_of(e: &SourceEntry) -> Fields {
    Fields {
        first_name: e.first_name.clone(),
        last_name: e.last_name.clone(),
        organisation: e.organisation.clone(),
        email: e.email.clone(),
        category: e.category.clone(),
        status: e.status,
    }
}

/// Field by field: take the source's value where the source changed it since
/// the last import; keep the current value (maybe a desk fix) otherwise.
fn merge(
    current: &Fields,
    old_source: &Fields,
    new_source: &Fields,
) -> (Fields, Vec<&'static str>) {
    let mut merged = current.clone();
    let mut changed = Vec::new();
    macro_rules! field {
        ($name:ident) => {
            let source_changed = old_source.$name != new_source.$name;
            if source_changed && current.$name != new_source.$name {
                merged.$name = new_source.$name.clone();
                changed.push(stringify!($name));
            }
        };
    }
    field!(first_name);
    field!(last_name);
    field!(organisation);
    field!(email);
    field!(category);
    field!(status);
    (merged, changed)
}

/// The `source` column: NULL while the current values are the source's, so
/// that 100,000 people do not carry a second copy of their names.
fn snapshot(current: &Fields, source: &Fields) -> Option<String> {
    (current != source).then(|| serde_json::to_string(source).unwrap_or_default())
}

fn write_fields(
    conn: &Connection,
    id: i64,
    f: &Fields,
    keys: &Keys,
    source: &Fields,
    now: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE registrant SET first_name = ?2, last_name = ?3, organisation = ?4, email = ?5,
            category = ?6, status = ?7, source = ?8, last_key = ?9, first_key = ?10, updated_at = ?11
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        f.first_name,
        f.last_name,
        f.organisation,
        f.email,
        f.category,
        f.status.as_str(),
        snapshot(f, source),
        keys.last,
        keys.first,
        now
    ])?;
    Ok(())
}

impl Store {
    /// Merges a source list into the local copy, in one transaction: people
    /// are matched by ticket code (by e-mail when the source has no codes),
    /// updated in place, added, or — when the source no longer lists them —
    /// marked cancelled. The log is never touched, so arrivals are never lost.
    /// `accept` sees the report before commit; returning false rolls back
    /// (dry run, or a refusal the caller explains).
    pub fn apply_import(
        &mut self,
        entries: &[SourceEntry],
        now: Timestamp,
        progress: impl FnMut(usize),
        accept: impl FnOnce(&ImportReport) -> bool,
    ) -> Result<ImportReport> {
        let blank =
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM registrant)", [], |r| {
                    r.get::<_, bool>(0)
                })?;
        if !blank {
            return self.merge_import(entries, now, progress, accept);
        }
        // A first import into an empty copy (a million people: 600 MB) is
        // held in memory and written through a rollback journal — of an
        // empty table, a few pages — rather than the WAL: each page is
        // written once, not to the WAL and again at the checkpoint. A crash
        // meanwhile rolls back to the empty copy at the next open. Another
        // process holding the file open keeps the WAL: the switch fails and
        // the import runs the usual way.
        self.conn
            .pragma_update(None, "cache_size", FIRST_IMPORT_CACHE_KIB)?;
        let _ = self.conn.pragma_update(None, "journal_mode", "DELETE");
        let result = self.merge_import(entries, now, progress, accept);
        // Back as `open` left it (and as the next `open` sets it anyway);
        // neither holds data, so the import's own outcome is what is told.
        let _ = self.conn.pragma_update(None, "journal_mode", "WAL");
        let _ = self
            .conn
            .pragma_update(None, "cache_size", super::CACHE_KIB);
        result
    }

    fn merge_import(
        &mut self,
        entries: &[SourceEntry],
        now: Timestamp,
        mut progress: impl FnMut(usize),
        accept: impl FnOnce(&ImportReport) -> bool,
    ) -> Result<ImportReport> {
        let now = ts_text(now);
        // Immediate: an import that read, then found another process had
        // written, would fail at its first write instead of waiting.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut report = ImportReport {
            active_before: tx.query_row(
                "SELECT COUNT(*) FROM registrant WHERE origin = 'import' AND status <> 'cancelled'",
                [],
                |r| r.get::<_, i64>(0),
            )? as usize,
            ..ImportReport::default()
        };
        // A first import finds nobody to update: no lookup per row. (Asked
        // again inside the transaction: `apply_import` asked before it, to
        // choose the journal, and another process may have written since.)
        let empty = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM registrant)", [], |r| {
            r.get::<_, bool>(0)
        })?;
        if empty {
            for (name, _) in SECONDARY_INDEXES {
                tx.execute_batch(&format!("DROP INDEX {name}"))?;
            }
        }
        let mut seen: HashSet<i64> = HashSet::with_capacity(if empty { 0 } else { entries.len() });
        let mut known_terms = KnownTerms::new();
        let note = |report: &mut ImportReport, change: ImportChange| {
            if report.changes.len() < MAX_LISTED_CHANGES {
                report.changes.push(change);
            }
        };
        // The folding and JSON of each row are done on a second thread while
        // this one writes: a million-row import keeps both cores busy. A
        // panic there would end the scope with a panic here, before commit.
        std::thread::scope(|scope| -> Result<()> {
            let (send, batches) = std::sync::mpsc::sync_channel::<Vec<Prepared>>(4);
            scope.spawn(move || {
                for chunk in entries.chunks(PREPARED_BATCH) {
                    if send.send(chunk.iter().map(Prepared::of).collect()).is_err() {
                        break; // the writer stopped on an error
                    }
                }
            });
            let mut i = 0;
            for batch in batches {
                for Prepared {
                    source,
                    extra,
                    uid,
                    keys,
                } in batch
                {
                    let entry = &entries[i];
                    let existing = if empty {
                        None
                    } else {
                        find_existing(&tx, entry)?
                    };
                    match existing {
                        None => {
                            let id = insert_registrant_keyed(
                                &tx,
                                NewRegistrant {
                                    uid,
                                    code: &entry.code,
                                    fields: &source,
                                    origin: Origin::Import,
                                    extra: &extra,
                                    now: &now,
                                },
                                &keys,
                                &mut known_terms,
                            )?;
                            if !empty {
                                seen.insert(id);
                            }
                            report.added += 1;
                            note(
                                &mut report,
                                ImportChange {
                                    change: "added",
                                    code: entry.code.clone(),
                                    name: format!("{} {}", source.first_name, source.last_name),
                                    fields: Vec::new(),
                                },
                            );
                        }
                        Some(existing) => {
                            seen.insert(existing.id);
                            let (merged, changed) =
                                merge(&existing.current, &existing.source, &source);
                            tx.prepare_cached(
                                "UPDATE registrant SET extra = ?2 WHERE id = ?1 AND extra <> ?2",
                            )?
                            .execute(params![existing.id, extra])?;
                            if changed.is_empty() {
                                if existing.source != source {
                                    let keys = Keys::of(&existing.code, &merged);
                                    write_fields(&tx, existing.id, &merged, &keys, &source, &now)?;
                                }
                                report.unchanged += 1;
                            } else {
                                let keys = Keys::of(&existing.code, &merged);
                                write_fields(&tx, existing.id, &merged, &keys, &source, &now)?;
                                index_registrant(&tx, existing.id, &keys, false, &mut known_terms)?;
                                report.updated += 1;
                                note(
                                    &mut report,
                                    ImportChange {
                                        change: "updated",
                                        code: existing.code.clone(),
                                        name: format!("{} {}", merged.first_name, merged.last_name),
                                        fields: changed,
                                    },
                                );
                            }
                        }
                    }
                    if i % 1000 == 999 {
                        progress(i + 1);
                    }
                    i += 1;
                }
            }
            Ok(())
        })?;
        progress(entries.len());
        if empty {
            for (_, sql) in SECONDARY_INDEXES {
                tx.execute_batch(sql)?;
            }
        }

        // People the source no longer lists: cancelled, never deleted. An
        // empty copy had nobody to cancel.
        let gone: Vec<(i64, String, String, String)> = if empty {
            Vec::new()
        } else {
            let mut stmt = tx.prepare(
                "SELECT id, code, first_name, last_name FROM registrant
                 WHERE origin = 'import' AND status <> 'cancelled'",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            rows.filter(|row| row.as_ref().map_or(true, |(id, ..)| !seen.contains(id)))
                .collect::<rusqlite::Result<_>>()?
        };
        for (id, code, first, last) in gone {
            tx.prepare_cached(
                "UPDATE registrant SET status = 'cancelled', updated_at = ?2,
                    source = CASE WHEN source IS NULL THEN NULL
                                  ELSE json_set(source, '$.status', 'cancelled') END
                 WHERE id = ?1",
            )?
            .execute(params![id, now])?;
            report.cancelled += 1;
            note(
                &mut report,
                ImportChange {
                    change: "cancelled",
                    code,
                    name: format!("{first} {last}"),
                    fields: Vec::new(),
                },
            );
        }

        report.committed = accept(&report);
        if report.committed {
            // A hub hands the list out by revision: kiosks fetch it again
            // when it differs from theirs. A new random one each time, so
            // that a hub restored from a backup never hands out an old
            // revision's name with other content.
            if report.added + report.updated + report.cancelled > 0 {
                tx.prepare_cached(
                    "INSERT INTO sync_state (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )?
                .execute([
                    super::SyncKey::ListRev.name().into_owned(),
                    uuid::Uuid::now_v7().to_string(),
                ])?;
            }
            tx.commit()?;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(first: &str, status: Status) -> Fields {
        Fields {
            first_name: first.into(),
            last_name: "Dupont".into(),
            organisation: "Mairie".into(),
            email: "h@x.fr".into(),
            category: "Participant".into(),
            status,
        }
    }

    #[test]
    fn the_indexes_a_first_import_rebuilds_are_the_schemas() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.sqlite")).unwrap();
        for (name, sql) in SECONDARY_INDEXES {
            let schema: String = store
                .conn
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(schema, sql);
        }
    }

    fn entries(n: usize) -> Vec<SourceEntry> {
        (0..n)
            .map(|i| SourceEntry {
                line: i + 2,
                code: format!("T-{i:05}"),
                code_generated: false,
                first_name: format!("Prénom{i}"),
                last_name: "Dupont".into(),
                organisation: "Mairie".into(),
                email: format!("p{i}@x.fr"),
                category: "Participant".into(),
                status: Status::Valid,
                extra: Default::default(),
            })
            .collect()
    }

    fn modes(store: &Store) -> (String, i64) {
        (
            store
                .conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap(),
            store
                .conn
                .query_row("PRAGMA cache_size", [], |r| r.get(0))
                .unwrap(),
        )
    }

    #[test]
    fn a_first_import_leaves_the_wal_and_the_cache_as_open_set_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.sqlite");
        let mut store = Store::open(&path).unwrap();
        let before = modes(&store);
        assert_eq!(before, ("wal".to_owned(), super::super::CACHE_KIB));
        // First import, then a re-import (the usual path), a refused one.
        for accept in [true, true, false] {
            let report = store
                .apply_import(&entries(5000), Timestamp::UNIX_EPOCH, |_| {}, |_| accept)
                .unwrap();
            assert_eq!(report.committed, accept);
            assert_eq!(modes(&store), before);
        }
        let count: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM registrant", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 5000);
    }

    #[test]
    fn a_first_import_with_another_connection_open_keeps_the_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.sqlite");
        let mut store = Store::open(&path).unwrap();
        let other = Store::open(&path).unwrap();
        let report = store
            .apply_import(&entries(3000), Timestamp::UNIX_EPOCH, |_| {}, |_| true)
            .unwrap();
        assert_eq!(report.added, 3000);
        // The reader sees the list, through the WAL both still use.
        let seen: i64 = other
            .conn
            .query_row("SELECT COUNT(*) FROM registrant", [], |r| r.get(0))
            .unwrap();
        assert_eq!(seen, 3000);
        assert_eq!(modes(&store).0, "wal");
        assert_eq!(modes(&other).0, "wal");
    }

    #[test]
    fn desk_fixes_survive_unless_the_source_changes_the_field() {
        let source = f("Helene", Status::Valid);
        let fixed = f("Hélène", Status::Valid);
        // Source unchanged: the fix stays.
        let (m, changed) = merge(&fixed, &source, &source);
        assert_eq!(m.first_name, "Hélène");
        assert!(changed.is_empty());
        // Source now cancels: status changes, fix stays.
        let (m, changed) = merge(&fixed, &source, &f("Helene", Status::Cancelled));
        assert_eq!(
            (m.first_name.as_str(), m.status),
            ("Hélène", Status::Cancelled)
        );
        assert_eq!(changed, ["status"]);
        // Source fixes the name itself: taken.
        let (m, _) = merge(&fixed, &source, &f("Hélène-Marie", Status::Valid));
        assert_eq!(m.first_name, "Hélène-Marie");
    }
}
