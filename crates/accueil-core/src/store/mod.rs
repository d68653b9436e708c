//! The local SQLite copy: the only user of rusqlite.
//!
//! WAL mode with `synchronous=FULL` (a check-in reported done survives a power
//! cut), foreign keys on, migrations as numbered SQL files tracked with
//! `PRAGMA user_version`.

mod column;
mod credential;
mod desk;
mod import;
mod log;
mod open;
mod pretix;
mod print;
mod programme;
mod purge;
mod queue;
mod search;
mod snapshot;
mod sync;

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use std::collections::BTreeMap;

use crate::domain::keyboard::{Mix, ScannerLayout};
use crate::domain::text::sort_key;
use crate::domain::{Origin, Registrant, Status};

pub use crate::protocol::{Marks, PretixNotice};
pub use credential::EnrolledKiosk;
pub use desk::Edit;
pub use import::{ImportChange, ImportReport};
pub use log::AttendanceRow;
pub use pretix::RemoteArrival;
pub use print::{JobView, NewJob, PrintState, QueuedPrint};
pub use programme::ProgrammeChange;
pub use purge::PurgeCounts;
pub use search::SearchResult;
pub use sync::{DoubleEntry, RefusedView, SyncKey};

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_print_queue.sql"),
    include_str!("migrations/0003_sync.sql"),
    include_str!("migrations/0004_pretix.sql"),
    include_str!("migrations/0005_kiosk_setting.sql"),
    include_str!("migrations/0006_fts_hashsize.sql"),
    include_str!("migrations/0007_record_log.sql"),
    include_str!("migrations/0008_print_once.sql"),
    include_str!("migrations/0009_kiosk_credential.sql"),
    include_str!("migrations/0010_programme.sql"),
    include_str!("migrations/0011_room_presence.sql"),
    include_str!("migrations/0012_queue_count.sql"),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "base {path} inaccessible : {source} — vérifiez [database] path dans kiosk.toml et les droits du dossier"
    )]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "base {path} : le disque refuse d'écrire ({source}) — disque plein ? libérez de la place (df -h) ; sinon vérifiez le disque — rien n'a été modifié"
    )]
    Unwritable {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "base {path} : création impossible ({source}) — vérifiez [database] path dans kiosk.toml et les droits du dossier"
    )]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "base {path} créée par une version plus récente d'accueil (schéma {found}, connu : {known}) — mettez accueil à jour"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        known: usize,
    },
    #[error(
        "base {path} vide (0 octet) : ce n'est pas la base de l'événement (copie interrompue ?) — restaurez-la depuis sa sauvegarde, ou supprimez ce fichier pour repartir d'une base neuve (un kiosque relié à un hub y retrouve la liste et ses entrées)"
    )]
    Empty { path: PathBuf },
    #[error(
        "{path} n'est pas une base SQLite — vérifiez [database] path dans kiosk.toml (ce fichier n'a pas été modifié)"
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "{path} n'est pas un fichier (un dossier, un périphérique) : la base doit en être un — donnez le chemin d'un fichier, par [database] path dans kiosk.toml ou --db (il est créé s'il n'existe pas)"
    )]
    NotAFile { path: PathBuf },
    #[error(
        "base {path} : le fichier {wal} à côté ne vient pas de cette base (base restaurée sans son -wal ?) — rien n'a été lu ni écrit ; si vous avez restauré une sauvegarde, déplacez {wal} et le -shm ailleurs puis relancez ; sinon, remettez le fichier de base qui allait avec ce -wal"
    )]
    StaleWal { path: PathBuf, wal: PathBuf },
    #[error(
        "base {path} endommagée ({detail}) — n'y écrivez plus : arrêtez accueil, mettez ce fichier de côté et restaurez la dernière sauvegarde ; un kiosque relié à un hub peut aussi repartir d'une base neuve, il y retrouve la liste et ses entrées"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "disque plein : cette opération n'a pas été enregistrée (les précédentes sont intactes) — libérez de la place sur le disque de la base (df -h), puis recommencez"
    )]
    DiskFull(#[source] rusqlite::Error),
    #[error(
        "base occupée par un autre programme accueil depuis plus de {} s (un import, une synchronisation ?) — rien n'a été enregistré pour cette opération ; recommencez dans un instant",
        BUSY_TIMEOUT.as_secs()
    )]
    Busy(#[source] rusqlite::Error),
    #[error(
        "base en lecture seule — vérifiez les droits du fichier de base et de son dossier (l'utilisateur d'accueil doit pouvoir y écrire)"
    )]
    ReadOnly(#[source] rusqlite::Error),
    #[error(
        "erreur du disque de la base ({0}) — vérifiez le disque ; rien n'a été enregistré pour cette opération"
    )]
    Io(#[source] rusqlite::Error),
    #[error("base de données : {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error(
        "base de données : valeur « {value} » inattendue dans {column} — la base a été modifiée hors d'accueil"
    )]
    Corrupt { column: &'static str, value: String },
    #[error(
        "journal « {log} » du kiosque « {kiosk} » : deux entrées différentes portent le n° {seq} (base restaurée ou copiée sur une autre machine ?) — rien n'est perdu ; signalez-le à l'organisation"
    )]
    SeqClash {
        kiosk: String,
        log: String,
        seq: i64,
    },
    #[error(
        "copie du hub inutilisable ({0}) — le kiosque prend la liste et le journal par la voie ordinaire"
    )]
    Snapshot(String),
    #[error(
        "base {path} purgée, mais un autre programme accueil la lit encore (le kiosque, le hub ?) : des pages effacées restent dans son fichier -wal — arrêtez-le, puis relancez « accueil purge --yes »"
    )]
    PurgeHeld { path: PathBuf },
}

impl From<rusqlite::Error> for StoreError {
    /// What happened, in words a user can act on: a full disk, a busy or
    /// read-only database, a damaged file are not "database errors".
    fn from(e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode as C;
        // A typed column that could not read its value says which.
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e
            && let Some(u) = inner.downcast_ref::<column::Unreadable>()
        {
            return StoreError::Corrupt {
                column: u.column,
                value: u.value.clone(),
            };
        }
        match e.sqlite_error_code() {
            Some(C::DiskFull) => StoreError::DiskFull(e),
            Some(C::DatabaseBusy | C::DatabaseLocked) => StoreError::Busy(e),
            Some(C::ReadOnly) => StoreError::ReadOnly(e),
            Some(C::SystemIoFailure) => StoreError::Io(e),
            Some(C::DatabaseCorrupt | C::NotADatabase) => StoreError::Damaged {
                path: PathBuf::new(),
                detail: e.to_string(),
            },
            _ => StoreError::Sqlite(e),
        }
    }
}

/// How long a write waits for another process's (an import, a sync
/// applying the hub's list) before giving up: a check-in waits rather than
/// fail.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The page cache (negative: KiB; allocated only as used).
pub(crate) const CACHE_KIB: i64 = -65_536;

/// Databases up to this size are checked page by page (`PRAGMA
/// quick_check`) at every open — a few tens of milliseconds for an event
/// of several thousand people. Larger ones are checked by the kiosk
/// window and the hub when they start ([`Store::quick_check`]).
pub const QUICK_CHECK_MAX_BYTES: u64 = 16 << 20;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How to find a registrant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// A scanned or typed ticket code.
    Code(String),
    /// The local id (`--id 42`).
    Id(i64),
    Uid(Uuid),
}

impl std::fmt::Display for Lookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lookup::Code(code) => write!(f, "« {} »", crate::domain::text::shown(code.trim())),
            Lookup::Id(id) => write!(f, "--id {id}"),
            Lookup::Uid(uid) => write!(f, "--id {uid}"),
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// How unknown scans are tried against keyboard mix-ups.
    scanner: ScannerLayout,
}

impl Store {
    /// Opens (creating if needed) and migrates the database.
    pub fn open(path: &Path) -> Result<Store> {
        let open_error = |source: rusqlite::Error| match source.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull | rusqlite::ErrorCode::SystemIoFailure) => {
                StoreError::Unwritable {
                    path: path.to_owned(),
                    source,
                }
            }
            // Another process holds it (a first import writes without WAL).
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy(source)
            }
            // Cut short, or damaged: not a path to check, a file to restore.
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                StoreError::Damaged {
                    path: path.to_owned(),
                    detail: source.to_string(),
                }
            }
            _ => StoreError::Open {
                path: path.to_owned(),
                source,
            },
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Let SQLite report a missing folder it could not create.
            let _ = std::fs::create_dir_all(dir);
        }
        let had_wal = std::fs::metadata(wal_path(path)).is_ok_and(|m| m.len() > 0);
        let mut conn = open::connect(
            path,
            None,
            || {
                preflight(path)?;
                if std::fs::symlink_metadata(path).is_err() {
                    create_database(path).map_err(|e| match e {
                        StoreError::Sqlite(source) => open_error(source),
                        other => at_path(other, path),
                    })?;
                }
                Ok(())
            },
            open_error,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
        wal_mode(&conn).map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_error)?;
        // Up to 64 MiB of page cache (allocated only as used): a 100k-person
        // import then stays in memory instead of spilling to the WAL mid-way.
        conn.pragma_update(None, "cache_size", CACHE_KIB)
            .map_err(open_error)?;
        conn.pragma_update(None, "temp_store", "MEMORY")
            .map_err(open_error)?;
        migrate(&mut conn, path).map_err(|e| at_path(e, path))?;
        // Best effort: a copy on a read-only medium has none, and is only
        // read.
        let _ = give_identity(&mut conn);
        let store = Store {
            conn,
            path: path.to_owned(),
            scanner: ScannerLayout::Auto,
        };
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if size <= QUICK_CHECK_MAX_BYTES
            && let Err(StoreError::Damaged { path, mut detail }) = store.quick_check()
        {
            if had_wal {
                detail.push_str(
                    " ; un fichier -wal était à côté : si cette base vient d'être restaurée, remettez-la, et déplacez son -wal et son -shm ailleurs avant de relancer",
                );
            }
            return Err(StoreError::Damaged { path, detail });
        }
        Ok(store)
    }

    /// Reads every page (`PRAGMA quick_check`): a damaged file is refused
    /// before it answers « Bienvenue » or « Billet inconnu » wrongly.
    pub fn quick_check(&self) -> Result<()> {
        let found: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("PRAGMA quick_check(5)")
                .map_err(|e| at_path(e.into(), &self.path))?;
            let rows = stmt
                .query_map([], |r| r.get(0))
                .map_err(|e| at_path(e.into(), &self.path))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(|e| at_path(e.into(), &self.path))?
        };
        if found.len() == 1 && found[0] == "ok" {
            return Ok(());
        }
        // Leave the file as it is: no checkpoint when this connection
        // closes (it would write a WAL that may not belong here into it).
        let _ = self.conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        );
        Err(StoreError::Damaged {
            path: self.path.clone(),
            detail: found.join(" ; ").chars().take(300).collect(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Finds a registrant; a code that names nobody as read is tried as a
    /// scanner with the wrong keyboard layout would have typed it.
    pub fn registrant(&self, lookup: &Lookup) -> Result<Option<Registrant>> {
        match lookup {
            Lookup::Code(code) => Ok(self.resolve_code(code)?.registrant),
            other => find_registrant(&self.conn, other),
        }
    }

    /// Which keyboard mix-ups unknown scans are tried against (kiosk.toml
    /// `[kiosk] scanner_layout`).
    pub fn set_scanner_layout(&mut self, scanner: ScannerLayout) {
        self.scanner = scanner;
    }

    /// What a code designates, and how it was matched.
    pub fn resolve_code(&self, code: &str) -> Result<CodeMatch> {
        resolve_code(&self.conn, code, self.scanner)
    }

    /// The mix-up unknown scans last matched under.
    pub fn remembered_mix(&self) -> Result<Option<Mix>> {
        remembered_mix(&self.conn)
    }

    /// A value this kiosk keeps for itself (never synced).
    /// The hub's copy: commits reach the WAL without waiting for the disk
    /// (`synchronous=NORMAL`). A crash of the hub's process loses nothing;
    /// a power cut may lose its last commits, which the kiosks send again —
    /// they keep every record they wrote, durably, and resend what the hub
    /// no longer acknowledges. Revocations are still written through.
    pub fn hub_durability(&self) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    pub fn kiosk_setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM kiosk_setting WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_kiosk_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO kiosk_setting (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, value])?;
        Ok(())
    }

    /// Remembers the mix-up a scan matched under, so that the next unknown
    /// scan tries it first. Kept on this kiosk only.
    pub fn remember_mix(&self, mix: Mix) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO kiosk_setting (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![SCANNER_MIX_KEY, mix.key()])?;
        Ok(())
    }

    pub fn registrant_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM registrant", [], |r| r.get(0))?)
    }
}

/// A damaged-file error names its file.
fn at_path(e: StoreError, path: &Path) -> StoreError {
    match e {
        StoreError::Damaged { detail, .. } => StoreError::Damaged {
            path: path.to_owned(),
            detail,
        },
        other => other,
    }
}

/// What can be told before SQLite touches the file: an empty file (SQLite
/// would take it for a new, empty event), a file that is not a database,
/// a `-wal` left by another file (SQLite would replay it over this one).
fn preflight(path: &Path) -> Result<()> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    if !meta.is_file() {
        return Err(StoreError::NotAFile {
            path: path.to_owned(),
        });
    }
    if meta.len() == 0 {
        let wal = wal_path(path);
        if std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) == 0 {
            return Err(StoreError::Empty {
                path: path.to_owned(),
            });
        }
    }
    let mut header = [0u8; 100];
    let read = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut header))
        .unwrap_or(0);
    if read >= 16 && &header[..16] != b"SQLite format 3\0" {
        return Err(StoreError::NotADatabase {
            path: path.to_owned(),
        });
    }
    if read >= 16 && wal_is_stale(path, &wal_path(path)) {
        return Err(StoreError::StaleWal {
            path: path.to_owned(),
            wal: wal_path(path),
        });
    }
    Ok(())
}

fn wal_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

/// Whether the `-wal` beside a database belongs to another history of it
/// (a file restored from a backup beside the WAL of its successor: SQLite
/// would lay the successor's pages over it, silently). SQLite writes the
/// file only when it copies frames of the WAL into it, right after a
/// commit: a file written well after the WAL's last frame was put there by
/// something else (a copy, a restore). And the `-shm` says how many frames
/// were already copied: every page they hold must read, in the file, as
/// the last copied image of it. A restore that kept the old times and came
/// before any copy cannot be told apart here; the page-by-page check at
/// open then catches what it would break.
fn wal_is_stale(db_path: &Path, wal: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(file), Some(log)) = (modified(db_path), modified(wal))
        && file.duration_since(log).is_ok_and(|d| d > WAL_SLACK)
    {
        return true;
    }
    let Ok(bytes) = std::fs::read(wal) else {
        return false;
    };
    let be = |b: &[u8], at: usize| -> u32 {
        b.get(at..at + 4)
            .map_or(0, |x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
    };
    if bytes.len() < 32 || !matches!(be(&bytes, 0), 0x377f_0682 | 0x377f_0683) {
        return false;
    }
    let page_size = be(&bytes, 8) as usize;
    if !(512..=65536).contains(&page_size) {
        return false;
    }
    let (salt1, salt2) = (be(&bytes, 16), be(&bytes, 20));
    // The frames of this round of the WAL: (page number, offset of image).
    let mut frames = Vec::new();
    let mut at = 32;
    while at + 24 + page_size <= bytes.len() {
        // Frames of an earlier round carry other salts.
        if be(&bytes, at + 8) != salt1 || be(&bytes, at + 12) != salt2 {
            break;
        }
        frames.push((be(&bytes, at), at + 24));
        at += 24 + page_size;
    }
    let image = |off: usize| &bytes[off..off + page_size];
    // How many frames the file already holds, from the -shm when it speaks
    // of this round (its header's salts; native byte order).
    let backfilled = {
        let mut shm = db_path.as_os_str().to_owned();
        shm.push("-shm");
        std::fs::read(PathBuf::from(shm)).ok().and_then(|h| {
            // WalIndexHdr: aSalt (copied as the WAL header's bytes) at
            // 32..40; WalCkptInfo.nBackfill (native order) at 96.
            let same_round = h.get(32..40)? == bytes.get(16..24)?;
            let n = h.get(96..100)?;
            same_round
                .then(|| (u32::from_ne_bytes([n[0], n[1], n[2], n[3]]) as usize).min(frames.len()))
        })
    };
    let Ok(mut file) = std::fs::File::open(db_path) else {
        return false;
    };
    let mut page_of_file = |page: u32| -> Option<Vec<u8>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut buf = vec![0u8; page_size];
        file.seek(SeekFrom::Start(
            u64::from(page.checked_sub(1)?) * page_size as u64,
        ))
        .ok()?;
        file.read_exact(&mut buf).ok()?;
        Some(buf)
    };
    // A WAL of another database: its image of page 1 (the header) names
    // another file identity than this file's ([`give_identity`]).
    let file_identity = page_of_file(1).and_then(|h| identity_of(&h));
    for &(page, off) in &frames {
        if page != 1 {
            continue;
        }
        let header = image(off);
        if !header.starts_with(b"SQLite format 3\0") {
            return true;
        }
        if let (Some(ours), Some(theirs)) = (file_identity, identity_of(header))
            && ours != theirs
        {
            return true;
        }
    }
    let copied = backfilled.unwrap_or(0);
    if copied > 0 {
        let mut last: BTreeMap<u32, usize> = BTreeMap::new();
        for &(page, off) in &frames[..copied] {
            last.insert(page, off);
        }
        for (page, off) in last {
            match page_of_file(page) {
                Some(in_file) if in_file == image(off) => {}
                _ => return true,
            }
        }
    }
    false
}

/// The identity a database file carries in its header (`PRAGMA
/// application_id`, bytes 68–71), once given; `None` before.
fn identity_of(header: &[u8]) -> Option<u32> {
    let b = header.get(68..72)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]])).filter(|&id| id != 0)
}

/// Gives a database that has none an identity of its own, at random, in
/// its header: a WAL that writes another one into page 1 belongs to
/// another database, and is refused before SQLite lays it over this one.
/// Given once, in a write transaction (two processes opening a copy at once
/// give it one, not two).
///
/// Never changed once given: a crash WAL whose page 1 says another
/// identity than the file's would be refused. (A kiosk's copy taken from
/// the hub keeps the hub's: a hub's WAL beside it is not told apart.)
fn give_identity(conn: &mut Connection) -> Result<()> {
    let has: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if has != 0 {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let now: i64 = tx.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if now == 0 {
        // The random bits of a UUIDv7, never zero.
        let id = (Uuid::now_v7().as_u128() as u32 as i32) | 1;
        tx.pragma_update(None, "application_id", id)?;
    }
    tx.commit()?;
    Ok(())
}

/// How much later than its WAL's last write a database file may have been
/// written by SQLite itself (copying frames right after a commit).
const WAL_SLACK: std::time::Duration = std::time::Duration::from_secs(5);

/// Puts the copy in WAL mode (a no-op when it is). A first import holds
/// the file in rollback-journal mode for its whole transaction, and SQLite
/// answers « busy » at once, without waiting, to a change of mode asked
/// meanwhile (a wait could deadlock): the change is asked again until the
/// import is done, within [`BUSY_TIMEOUT`].
fn wal_mode(conn: &Connection) -> rusqlite::Result<()> {
    let start = std::time::Instant::now();
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            done => return done,
        }
    }
}

/// The database's file name where nothing names another: a machine set up
/// on its screen or by `accueil join`, beside its kiosk.toml.
pub const DATABASE_FILE: &str = "accueil.sqlite";

/// A new database is made whole beside its place — schema and all, in a
/// file of its own — and only then linked there: a process killed while
/// creating it leaves no database rather than an empty file (which the
/// next start would refuse as « base vide »).
fn create_database(path: &Path) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.unwrap_or_else(|| DATABASE_FILE.into());
    let dir = crate::folder_of(path);
    let prefix = format!(".{name}.creation-");
    // What a process killed while creating left (not another's at work).
    if let Ok(entries) = std::fs::read_dir(dir) {
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(600);
        for entry in entries.flatten() {
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < old);
            if stale && entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let tmp = dir.join(format!("{prefix}{}", std::process::id()));
    let journal = dir.join(format!("{prefix}{}-journal", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let _ = std::fs::remove_file(&journal);
    create_private(&tmp);
    let made = (|| {
        let mut conn = open::connect_plain(&tmp, None)?;
        migrate(&mut conn, &tmp)?;
        conn.close().map_err(|(_, e)| e)?;
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|source| StoreError::Create {
                path: path.to_owned(),
                source,
            })?;
        // No-clobber: another process that made it meanwhile wins.
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            // A file system without hard links (a FAT key).
            Err(_) if std::fs::symlink_metadata(path).is_err() => std::fs::rename(&tmp, path)
                .map_err(|source| StoreError::Create {
                    path: path.to_owned(),
                    source,
                }),
            Err(_) => Ok(()),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    let _ = std::fs::remove_file(&journal);
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    made
}

/// A new database file is created readable by its owner only (its `-wal`
/// and `-shm` take the same permissions): it holds names and e-mails.
fn create_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > MIGRATIONS.len() as i64 {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: version,
            known: MIGRATIONS.len(),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

pub(crate) use column::timestamp_text as ts_text;

/// A stored timestamp read outside a typed row (see [`column::Stamp`]):
/// a damaged one names its column, as [`parse_uuid`] does.
pub(crate) fn parse_ts(column: &'static str, s: &str) -> Result<Timestamp> {
    column::parse_timestamp(s).ok_or_else(|| StoreError::Corrupt {
        column,
        value: s.to_owned(),
    })
}

pub(crate) fn parse_uuid(column: &'static str, s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| StoreError::Corrupt {
        column,
        value: s.to_owned(),
    })
}

const REGISTRANT_COLUMNS: &str =
    "id, uid, code, first_name, last_name, organisation, email, category, status, origin, extra";

/// A registrant row as read, before its text columns are checked.
struct RawRegistrant {
    id: i64,
    uid: String,
    code: String,
    first_name: String,
    last_name: String,
    organisation: String,
    email: String,
    category: String,
    status: String,
    origin: String,
    extra: String,
}

impl RawRegistrant {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<RawRegistrant> {
        Ok(RawRegistrant {
            id: r.get(0)?,
            uid: r.get(1)?,
            code: r.get(2)?,
            first_name: r.get(3)?,
            last_name: r.get(4)?,
            organisation: r.get(5)?,
            email: r.get(6)?,
            category: r.get(7)?,
            status: r.get(8)?,
            origin: r.get(9)?,
            extra: r.get(10)?,
        })
    }

    fn into_registrant(self) -> Result<Registrant> {
        let status = Status::parse_stored(&self.status).ok_or(StoreError::Corrupt {
            column: "registrant.status",
            value: self.status.clone(),
        })?;
        let origin = Origin::parse_stored(&self.origin).ok_or(StoreError::Corrupt {
            column: "registrant.origin",
            value: self.origin.clone(),
        })?;
        let extra = serde_json::from_str(&self.extra).map_err(|_| StoreError::Corrupt {
            column: "registrant.extra",
            value: self.extra.clone(),
        })?;
        Ok(Registrant {
            id: self.id,
            uid: parse_uuid("registrant.uid", &self.uid)?,
            code: self.code,
            first_name: self.first_name,
            last_name: self.last_name,
            organisation: self.organisation,
            email: self.email,
            category: self.category,
            status,
            origin,
            extra,
        })
    }
}

fn registrant_where(
    conn: &Connection,
    clause: &str,
    param: &dyn rusqlite::ToSql,
) -> Result<Option<Registrant>> {
    let sql = format!("SELECT {REGISTRANT_COLUMNS} FROM registrant WHERE {clause}");
    conn.prepare_cached(&sql)?
        .query_row([param], RawRegistrant::from_row)
        .optional()?
        .map(RawRegistrant::into_registrant)
        .transpose()
}

/// Finds a registrant. A code is matched as read, without case (the
/// column's collation); see [`resolve_code`] for scans typed with the wrong
/// keyboard layout.
pub(crate) fn find_registrant(conn: &Connection, lookup: &Lookup) -> Result<Option<Registrant>> {
    match lookup {
        Lookup::Id(id) => registrant_where(conn, "id = ?1", id),
        Lookup::Uid(uid) => registrant_where(conn, "uid = ?1", &uid.to_string()),
        Lookup::Code(code) => {
            let code = code.trim();
            if code.is_empty() {
                return Ok(None);
            }
            registrant_where(conn, "code = ?1", &code)
        }
    }
}

/// How a scanned or typed code was matched.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CodeMatch {
    /// The one registrant the code designates.
    pub registrant: Option<Registrant>,
    /// Set when the code matched only once undone from this keyboard
    /// mix-up (a scanner in US mode on an AZERTY computer…).
    pub via: Option<Mix>,
    /// The other mix-ups that read the scan as the same ticket (a US
    /// scanner's `NEC)à&é"` is the same on a French or a Belgian computer).
    pub also: Vec<Mix>,
    /// Several tickets, each as read (`None`) or under a mix-up: nobody is
    /// designated.
    pub ambiguous: Vec<(Option<Mix>, Registrant)>,
}

const SCANNER_MIX_KEY: &str = "scanner_mix";

/// Finds the registrant a code designates: the scan is read as typed and
/// as each keyboard mix-up of `scanner` would have typed it, and someone
/// is designated only when exactly one reading is a ticket (see
/// [`keyboard::designate`](crate::domain::keyboard::designate)); two
/// readings naming two people leave the scan unknown, in `ambiguous`. The
/// mix that matched last is named first when several explain the scan.
pub(crate) fn resolve_code(
    conn: &Connection,
    code: &str,
    scanner: ScannerLayout,
) -> Result<CodeMatch> {
    use crate::domain::keyboard::{Designation, designate};
    let code = code.trim();
    if code.is_empty() {
        return Ok(CodeMatch::default());
    }
    let remembered = remembered_mix(conn)?;
    let readings = scanner.readings(code, remembered);
    Ok(
        match designate(readings, |c| registrant_where(conn, "code = ?1", &c))? {
            Designation::Nobody => CodeMatch::default(),
            Designation::One { who, via } => CodeMatch {
                registrant: Some(who),
                via: via.first().copied(),
                also: via.get(1..).unwrap_or_default().to_vec(),
                ambiguous: Vec::new(),
            },
            Designation::Several(list) => CodeMatch {
                ambiguous: list,
                ..CodeMatch::default()
            },
        },
    )
}

fn remembered_mix(conn: &Connection) -> Result<Option<Mix>> {
    let value: Option<String> = conn
        .prepare_cached("SELECT value FROM kiosk_setting WHERE key = ?1")?
        .query_row([SCANNER_MIX_KEY], |r| r.get(0))
        .optional()?;
    Ok(value.as_deref().and_then(Mix::from_key))
}

/// The fields of a registrant that search and the source comparison look at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Fields {
    pub first_name: String,
    pub last_name: String,
    pub organisation: String,
    pub email: String,
    pub category: String,
    pub status: Status,
}

/// Name words already in `name_term`, remembered during a bulk import so that
/// common names are not inserted again and again.
pub(crate) type KnownTerms = std::collections::HashSet<String>;

/// A registrant's folded text, computed once per write.
pub(crate) struct Keys {
    pub first: String,
    pub last: String,
    organisation: String,
    email: String,
    code: String,
}

impl Keys {
    pub fn of(code: &str, f: &Fields) -> Keys {
        Keys {
            first: sort_key(&f.first_name),
            last: sort_key(&f.last_name),
            organisation: sort_key(&f.organisation),
            email: sort_key(&f.email),
            code: sort_key(code),
        }
    }
}

/// A registrant row to insert.
pub(crate) struct NewRegistrant<'a> {
    pub uid: Uuid,
    pub code: &'a str,
    pub fields: &'a Fields,
    pub origin: Origin,
    /// JSON object.
    pub extra: &'a str,
    pub now: &'a str,
}

/// Inserts a registrant and their search entries; returns the local id.
pub(crate) fn insert_registrant(
    conn: &Connection,
    new: NewRegistrant<'_>,
    known: &mut KnownTerms,
) -> Result<i64> {
    let keys = Keys::of(new.code, new.fields);
    insert_registrant_keyed(conn, new, &keys, known)
}

/// [`insert_registrant`] with the folded text already computed (an import
/// folds on another thread).
pub(crate) fn insert_registrant_keyed(
    conn: &Connection,
    new: NewRegistrant<'_>,
    keys: &Keys,
    known: &mut KnownTerms,
) -> Result<i64> {
    let f = new.fields;
    conn.prepare_cached(
        "INSERT INTO registrant (uid, code, first_name, last_name, organisation, email,
            category, status, origin, extra, source, last_key, first_key, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, ?11, ?12, ?13)",
    )?
    .execute(params![
        new.uid.to_string(),
        new.code,
        f.first_name,
        f.last_name,
        f.organisation,
        f.email,
        f.category,
        f.status.as_str(),
        new.origin.as_str(),
        new.extra,
        keys.last,
        keys.first,
        new.now
    ])?;
    let id = conn.last_insert_rowid();
    index_registrant(conn, id, keys, true, known)?;
    Ok(id)
}

/// Inserts a registrant's FTS row (there is none for it yet).
fn search_entry(conn: &Connection, id: i64, keys: &Keys) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO registrant_fts (rowid, first, last, organisation, email, code) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        id,
        keys.first,
        keys.last,
        keys.organisation,
        keys.email,
        keys.code
    ])?;
    Ok(())
}

/// Inserts (`is_new`) or replaces a registrant's search entries: FTS row and
/// name words.
fn index_registrant(
    conn: &Connection,
    id: i64,
    keys: &Keys,
    is_new: bool,
    known: &mut KnownTerms,
) -> Result<()> {
    if !is_new {
        conn.prepare_cached("DELETE FROM registrant_fts WHERE rowid = ?1")?
            .execute([id])?;
    }
    search_entry(conn, id, keys)?;
    let mut add_term =
        conn.prepare_cached("INSERT OR IGNORE INTO name_term (term, len) VALUES (?1, ?2)")?;
    for term in keys.first.split(' ').chain(keys.last.split(' ')) {
        let len = term.chars().count();
        if len >= 4 && !known.contains(term) {
            add_term.execute(params![term, len as i64])?;
            known.insert(term.to_owned());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewRecord, RecordKind};

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("k.sqlite")).unwrap();
        (dir, store)
    }

    /// A record in the log (a badge printed for nobody in particular).
    fn badge_printed(store: &Store) -> crate::domain::Record {
        log::append(
            &store.conn,
            "k1",
            Timestamp::UNIX_EPOCH,
            NewRecord {
                kind: RecordKind::BadgePrinted,
                registrant: Uuid::nil(),
                day: None,
                reverts: None,
                payload: serde_json::json!({}),
            },
        )
        .unwrap()
    }

    #[test]
    fn the_log_refuses_updates_and_deletes() {
        let (_dir, store) = temp_store();
        let rec = badge_printed(&store);
        assert_eq!(rec.seq, 1);
        let upd = store.conn.execute("UPDATE record SET kiosk = 'x'", []);
        assert!(upd.unwrap_err().to_string().contains("append-only"));
        let del = store.conn.execute("DELETE FROM record", []);
        assert!(del.unwrap_err().to_string().contains("append-only"));
        assert_eq!(store.record_count().unwrap(), 1);
    }

    /// An outside tool that gets past the triggers and writes a value no
    /// column type reads: the copy says which column, and what it holds.
    #[test]
    fn a_value_written_from_outside_is_named_by_its_column() {
        let (_dir, store) = temp_store();
        let rec = badge_printed(&store);
        assert_eq!(
            store.record(rec.id).unwrap().map(|r| r.at),
            Some(Timestamp::UNIX_EPOCH)
        );
        let triggers: Vec<String> = store
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'record'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for t in triggers {
            store
                .conn
                .execute_batch(&format!("DROP TRIGGER {t}"))
                .unwrap();
        }
        for (set, column, value) in [
            ("at = 'hier'", "record.at", "hier"),
            (
                "at = '1970-01-01T00:00:00.000Z', registrant = 'personne'",
                "record.registrant",
                "personne",
            ),
        ] {
            store
                .conn
                .execute_batch(&format!("UPDATE record SET {set}"))
                .unwrap();
            match store.record(rec.id) {
                Err(StoreError::Corrupt {
                    column: c,
                    value: v,
                }) => {
                    assert_eq!((c, v.as_str()), (column, value));
                }
                other => panic!("{set}: {other:?}"),
            }
        }
    }

    #[test]
    fn an_arrival_without_a_day_is_refused_by_the_schema() {
        let (_dir, store) = temp_store();
        let bad = log::append(
            &store.conn,
            "k1",
            Timestamp::UNIX_EPOCH,
            NewRecord {
                kind: RecordKind::Arrival,
                registrant: Uuid::nil(),
                day: None,
                reverts: None,
                payload: serde_json::json!({}),
            },
        );
        assert!(bad.is_err());
    }

    #[test]
    fn reopening_migrates_once_and_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.sqlite");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        store.conn.pragma_update(None, "user_version", 99).unwrap();
        drop(store);
        let err = Store::open(&path).err().unwrap().to_string();
        assert!(err.contains("plus récente"), "{err}");
    }

    #[test]
    fn timestamps_sort_as_text() {
        let a: Timestamp = "2022-09-28T07:14:03Z".parse().unwrap();
        let b: Timestamp = "2022-09-28T07:14:03.5Z".parse().unwrap();
        assert_eq!(ts_text(a), "2022-09-28T07:14:03.000Z");
        assert!(ts_text(a) < ts_text(b));
        assert_eq!(parse_ts("record.at", &ts_text(b)).unwrap(), b);
    }
}
