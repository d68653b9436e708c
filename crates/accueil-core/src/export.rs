//! Attendance exports for organisers: CSV that French Excel opens as is
//! (UTF-8 with BOM, `;`, CRLF), written atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::{Event, Status};
use crate::store::AttendanceRow;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("impossible d'écrire {path} : {source} — vérifiez le dossier et ses droits")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn status_fr(s: Status) -> &'static str {
    match s {
        Status::Valid => "valide",
        Status::Pending => "en attente",
        Status::Cancelled => "annulé",
    }
}

/// A no-show: expected (valid) and never arrived.
pub fn is_no_show(row: &AttendanceRow) -> bool {
    row.registrant.status == Status::Valid && row.arrivals.is_empty()
}

/// Writes the attendance CSV (see [`attendance_csv`]) to a file, whole or
/// not at all.
pub fn write_attendance(
    out: &Path,
    event: &Event,
    rows: &[AttendanceRow],
    only_no_shows: bool,
) -> Result<usize, ExportError> {
    let err = |source| ExportError::Write {
        path: out.to_owned(),
        source,
    };
    let (buf, written) = attendance_csv(event, rows, only_no_shows).map_err(err)?;
    write_output(out, &buf).map_err(err)?;
    Ok(written)
}

/// The attendance CSV for French Excel (UTF-8 BOM, `;`, CRLF): one row per
/// person, one column per day with the arrival time (event timezone), then
/// "Venu·e" (oui/non). Returns the bytes and the number of people.
pub fn attendance_csv(
    event: &Event,
    rows: &[AttendanceRow],
    only_no_shows: bool,
) -> std::io::Result<(Vec<u8>, usize)> {
    let err = std::io::Error::other;
    let mut buf: Vec<u8> = b"\xEF\xBB\xBF".to_vec();
    let mut written = 0;
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        let mut header: Vec<String> = [
            "Code",
            "Nom",
            "Prénom",
            "Organisation",
            "Courriel",
            "Catégorie",
            "Statut",
        ]
        .map(str::to_owned)
        .to_vec();
        header.extend(
            event
                .event_days()
                .map(crate::domain::event::attendance_header),
        );
        header.push(crate::domain::event::ATTENDED_HEADER.to_owned());
        w.write_record(&header).map_err(err)?;
        for row in rows.iter().filter(|r| !only_no_shows || is_no_show(r)) {
            let r = &row.registrant;
            let mut record: Vec<String> = [
                &r.code,
                &r.last_name,
                &r.first_name,
                &r.organisation,
                &r.email,
                &r.category,
            ]
            .map(|s| crate::domain::text::defused(s))
            .to_vec();
            record.push(status_fr(r.status).to_owned());
            for day in event.event_days() {
                record.push(
                    row.arrivals
                        .get(&day.date)
                        .map_or(String::new(), |a| event.hh_mm(a.at)),
                );
            }
            record.push(
                if row.arrivals.is_empty() {
                    "non"
                } else {
                    "oui"
                }
                .to_owned(),
            );
            w.write_record(&record).map_err(err)?;
            written += 1;
        }
        w.flush()?;
    }
    Ok((buf, written))
}

/// Writes beside the target, then renames: a reader never sees half a
/// file, a process killed mid-way leaves at most a hidden temporary file.
/// The temporary file is created exclusively (never through a link someone
/// placed), readable by its owner only (names, e-mails); the target must be
/// a regular file or absent — never a link's target or a device.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.is_file()
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "ce n'est pas un fichier ordinaire (lien, périphérique, dossier…) : rien n'y est écrit — donnez un autre chemin, ou « - » pour la sortie standard",
        ));
    }
    let dir = crate::folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0;
    let (tmp, mut f) = loop {
        let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7().simple()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&tmp) {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let result = (|| {
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // The rename is durable once the folder is.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path`, or to standard output when `path` is `-`.
pub fn write_output(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        return out.flush();
    }
    write_atomically(path, bytes)
}
