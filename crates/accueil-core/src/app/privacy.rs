//! Personal data after the event (GDPR): the retention date, the purge
//! that keeps only anonymous counts, and everything held about one person
//! (right of access).

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::{AppError, Kiosk, Lookup, Result};
use crate::domain::i18n::Text;
use crate::domain::{Record, Registrant};
use crate::store::{JobView, PurgeCounts};

/// The hub's copy of the event for joining kiosks, beside its database
/// (`hub.sqlite` → `hub.copie-pour-kiosque`): everyone's names.
pub fn list_copy_path(database: &Path) -> PathBuf {
    database.with_extension("copie-pour-kiosque")
}

/// That copy while it is being made, renamed into place when whole.
pub fn list_copy_part(database: &Path) -> PathBuf {
    database.with_extension("copie-pour-kiosque.part")
}

/// The copy for kiosks that serve attendees (self-service, badge
/// stations): no e-mail, no free field, made from the other.
pub fn minimal_copy_path(database: &Path) -> PathBuf {
    database.with_extension("copie-pour-borne")
}

/// That copy while it is being made (and the full one it is made from).
pub fn minimal_copy_parts(database: &Path) -> [PathBuf; 2] {
    [
        database.with_extension("copie-pour-borne.part"),
        database.with_extension("copie-pour-borne.source"),
    ]
}

/// What `accueil purge` did, or would do without `--yes`.
#[derive(Debug, Clone, Serialize)]
pub struct Purge {
    /// Done now (`--yes`); false: only said what would go.
    pub done: bool,
    /// When this copy was purged (now, or earlier).
    pub purged_at: Option<Timestamp>,
    /// The first day personal data is no longer to be kept.
    pub due: Date,
    pub removed: PurgeCounts,
    /// Files removed (badges written to a folder, the hub's list copy).
    pub files: Vec<PathBuf>,
}

/// Everything this copy holds about one person.
#[derive(Debug, Clone, Serialize)]
pub struct PersonFile {
    pub registrant: Registrant,
    /// The row of the export they were imported from, as it was.
    pub source: Option<serde_json::Value>,
    /// Their entries in the log: arrivals, undos, badges printed, fixes.
    pub records: Vec<Record>,
    /// Their badges in the print queue's history (the PDF itself is kept
    /// until printed, then with the job until the purge).
    pub badges: Vec<JobView>,
    /// How long it is kept.
    pub kept_until: Date,
    /// The event's, for the times shown.
    #[serde(skip)]
    pub timezone: jiff::tz::TimeZone,
}

impl Kiosk {
    /// On a kiosk attendees use (self-service, badge station): e-mails and
    /// free fields out of the copy; the screen never shows them, and a
    /// kiosk in a hall is the one most easily carried away. `all`: free
    /// fields too (after a list change). Returns the people minimised.
    pub fn minimise_if_attended(&mut self, all: bool) -> Result<usize> {
        if !self.config.kiosk.mode.attended_by_attendees() {
            return Ok(0);
        }
        let n = self.store.minimise(all, &self.config.kiosk.id)?;
        if n > 0 {
            tracing::info!("libre service : courriel et champs libres retirés de {n} fiche(s)");
        }
        Ok(n)
    }

    /// Refuses what would bring personal data back into a purged copy.
    pub(super) fn refuse_if_purged(&self) -> Result<()> {
        match self.store.purged_at()? {
            Some(at) => Err(AppError::Purged(at)),
            None => Ok(()),
        }
    }

    /// The reminder every start gives once the retention date is past and
    /// the copy is not purged; `None` before it, or once purged.
    pub fn retention_notice(&self) -> Result<Option<Text>> {
        let event = &self.config.event;
        let today = self.today();
        let due = event.purge_due();
        if today < due || self.store.purged_at()?.is_some() {
            return Ok(None);
        }
        Ok(Some(
            Text::fr("données personnelles gardées au-delà du {date} ([event] retention_days = {days} après le dernier jour) — lancez « accueil purge --yes » sur chaque kiosque et sur le hub : les comptes anonymes restent")
                .arg("date", due.strftime(crate::domain::when::DATE))
                .arg("days", event.retention_days),
        ))
    }

    /// Removes names, e-mails, organisations, ticket codes and free fields
    /// from this copy, and the badges written to a printer folder and the
    /// hub's copy for new kiosks; counts per day, category, kiosk and
    /// quarter hour stay. Without `apply`, only says what would go.
    pub fn purge(&mut self, apply: bool) -> Result<Purge> {
        let due = self.config.event.purge_due();
        let files = self.personal_files();
        if !apply {
            let purged_at = self.store.purged_at()?;
            let removed = if purged_at.is_some() {
                PurgeCounts::default()
            } else {
                self.store.purge_counts()?
            };
            return Ok(Purge {
                done: false,
                purged_at,
                due,
                removed,
                files,
            });
        }
        let now = self.now();
        let earlier = self.store.purged_at()?;
        let removed = self.store.purge(now)?;
        let mut gone = Vec::new();
        for file in files {
            match std::fs::remove_file(&file) {
                Ok(()) => gone.push(file),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(AppError::PurgeFile { path: file, source }),
            }
        }
        tracing::info!(
            "purge : {} personnes anonymisées, {} entrées gardées sans nom, {} badges et {} fichiers effacés",
            removed.people,
            removed.records,
            removed.badges,
            gone.len()
        );
        Ok(Purge {
            done: true,
            purged_at: earlier.or(Some(now)),
            due,
            removed: if earlier.is_some() {
                PurgeCounts::default()
            } else {
                removed
            },
            files: gone,
        })
    }

    /// Files outside the database that carry names: badges a folder
    /// printer wrote (`badge-*.pdf`), the hub's list copy.
    fn personal_files(&self) -> Vec<PathBuf> {
        let db = self.store.path();
        let [min_part, min_source] = minimal_copy_parts(db);
        let mut files: Vec<PathBuf> = [
            list_copy_path(db),
            list_copy_part(db),
            minimal_copy_path(db),
            min_part,
            min_source,
        ]
        .into_iter()
        .filter(|p| p.exists())
        .collect();
        if let crate::print::Printer::Folder { dir } = &self.config.printer.printer {
            files.extend(badge_files(dir));
        }
        files
    }

    /// Everything held about the holder of `code` (right of access).
    pub fn person(&self, lookup: &Lookup) -> Result<PersonFile> {
        let registrant = self
            .store
            .registrant(lookup)?
            .ok_or_else(|| AppError::NotFound(lookup.to_string()))?;
        Ok(PersonFile {
            source: self.store.registrant_source(registrant.uid)?,
            records: self.store.records_of(registrant.uid)?,
            badges: self.store.print_jobs_of(registrant.uid)?,
            kept_until: self.config.event.purge_due(),
            timezone: self.config.event.timezone.clone(),
            registrant,
        })
    }
}

/// The badges a folder printer wrote there.
fn badge_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "pdf")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("badge-"))
        })
        .collect()
}
