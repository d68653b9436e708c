//! A registration export into the copy: all or nothing, guarded against a
//! wrong file cancelling most of the list.

use std::path::Path;

use super::{AppError, Kiosk, Result};
use crate::import::{self, RowProblem};
use crate::store::ImportReport;

/// What an import read and did.
#[derive(Debug, Clone)]
pub struct Imported {
    pub format: String,
    /// The platform the export was recognised as.
    pub profile: &'static import::Profile,
    pub rows: usize,
    /// Rows that are not people (pretix add-ons), left out.
    pub skipped: usize,
    pub warnings: Vec<RowProblem>,
    pub report: ImportReport,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Show what would change, write nothing.
    pub dry_run: bool,
    /// Accept an import that cancels more than half of the list.
    pub force: bool,
}

/// An import cancelling more than this share of a list of at least
/// `MASS_CANCEL_MIN` people is refused without `--force`.
const MASS_CANCEL_MIN: usize = 20;

impl Kiosk {
    /// Imports a registration export: all or nothing.
    pub fn import_file(
        &mut self,
        path: &Path,
        options: ImportOptions,
        progress: impl FnMut(usize, usize),
    ) -> Result<Imported> {
        let parsed = import::read_file(path, &self.config.import, &self.config.event)?;
        let report = self.apply_entries(&parsed.entries, options, progress)?;
        Ok(Imported {
            format: parsed.format,
            profile: parsed.profile,
            rows: parsed.entries.len(),
            skipped: parsed.skipped,
            warnings: parsed.warnings,
            report,
        })
    }

    /// Merges a source list into the copy, all or nothing; refuses a list
    /// that would cancel more than half of the people (a wrong file, a wrong
    /// check-in list) unless forced.
    pub(super) fn apply_entries(
        &mut self,
        entries: &[crate::domain::SourceEntry],
        options: ImportOptions,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<ImportReport> {
        self.refuse_if_purged()?;
        let total = entries.len();
        let now = self.now();
        let mut refused = None;
        let report = self.store.apply_import(
            entries,
            now,
            |done| progress(done, total),
            |report| {
                let mass = report.active_before >= MASS_CANCEL_MIN
                    && report.cancelled * 2 > report.active_before;
                if mass && !options.force && !options.dry_run {
                    refused = Some(AppError::MassCancel {
                        would: report.cancelled,
                        of: report.active_before,
                    });
                }
                !options.dry_run && refused.is_none()
            },
        )?;
        match refused {
            Some(e) => Err(e),
            None => {
                // At a hub: records that waited for people of this list.
                if report.committed && self.store.waiting_count()? > 0 {
                    self.store.promote_waiting(now)?;
                }
                if report.committed {
                    self.minimise_if_attended(true)?;
                }
                Ok(report)
            }
        }
    }
}
