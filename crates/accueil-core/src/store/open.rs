//! The one way this process opens a database file.
//!
//! On Linux, closing *any* descriptor of a file drops every POSIX lock the
//! process holds on it — SQLite's included. A process that reads its own
//! database with `std::fs::File` while it holds a connection to it (a
//! header check at a second open, a look at the `-shm`) silently loses the
//! locks SQLite relies on: the next outside `sqlite3 hub.sqlite` believes
//! it is the last connection, checkpoints and deletes the `-wal` and the
//! `-shm` from under the running process, whose later writes then go to an
//! unlinked file and are gone at its next start.
//!
//! So the files of a database are read outside SQLite only before this
//! process first opens that file (device and inode) with SQLite, under one
//! lock, and never after: [`connect`] opens every `Store`, and
//! [`connect_plain`] the transient files (copies, new databases): no other
//! code of the crate calls `Connection::open` on a file.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags};

/// The database files (device, inode) this process has opened with SQLite.
static OPENED: Mutex<BTreeSet<(u64, u64)>> = Mutex::new(BTreeSet::new());

fn opened() -> MutexGuard<'static, BTreeSet<(u64, u64)>> {
    OPENED.lock().unwrap_or_else(|p| p.into_inner())
}

fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Opens `path` with SQLite (`flags`, or read-write-create). `before`
/// runs first, with the file's descriptors free to open and close, only
/// when this process has not opened that file with SQLite yet; no other
/// thread opens a database meanwhile. SQLite's refusal is told by
/// `refused`.
pub(super) fn connect<E>(
    path: &Path,
    flags: Option<OpenFlags>,
    before: impl FnOnce() -> Result<(), E>,
    refused: impl FnOnce(rusqlite::Error) -> E,
) -> Result<Connection, E> {
    let mut set = opened();
    if file_id(path).is_none_or(|id| !set.contains(&id)) {
        before()?;
    }
    let conn = match flags {
        Some(flags) => Connection::open_with_flags(path, flags),
        None => Connection::open(path),
    }
    .map_err(refused)?;
    // SQLite opens (or creates) the file at once, before any read.
    if let Some(id) = file_id(path) {
        set.insert(id);
    }
    Ok(conn)
}

/// A connection to a file that is no [`Store`](super::Store)'s database
/// (a copy being made or taken, a database being created): nothing of
/// this process reads it outside SQLite while the connection lives, so it
/// is not marked as held.
pub(super) fn connect_plain(path: &Path, flags: Option<OpenFlags>) -> rusqlite::Result<Connection> {
    match flags {
        Some(flags) => Connection::open_with_flags(path, flags),
        None => Connection::open(path),
    }
}
