//! What a kiosk does: lookup → decide → record, plus import, search,
//! statistics and exports. The UI and the CLI both stand on this.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::badge::{self, Badge, BadgeError, BadgeText, Format, Logo, Style};
use crate::config::{Config, ConfigError};
use crate::domain::{
    Arrival, DayError, DayReason, DaySpec, Details, DetailsError, DetailsPatch, EventDay,
    NewRecord, Outcome, Record, RecordKind, Registrant, Status, decide,
};
use crate::export::{self, ExportError};
use crate::import::{self, ImportError, RowProblem};
use crate::print::{self, JobState};
mod hub_side;
mod kiosks;
mod pretix;

/// The store's types the app's callers see: the UI, the hub and the CLI
/// name them through the app, never through the store.
pub use crate::store::{
    DoubleEntry, EnrolledKiosk, ImportReport, JobView, Lookup, PretixNotice, PrintState, StoreError,
};
pub use hub_side::{Answer, ExchangeError, Exchanged, plausible_kiosk_id};
pub use kiosks::{Holder, KiosksReport};
pub use pretix::{PretixImported, PretixRound};

use crate::domain::keyboard::Mix;
use crate::store::{CodeMatch, Edit, NewJob, SearchResult, Store};

/// What a typed staff PIN did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinVerdict {
    Unlocked,
    /// Wrong; the next attempt must wait this long (zero: at once).
    Wrong {
        wait: std::time::Duration,
    },
    /// Not even tried: too many wrong ones, wait this long.
    Wait {
        wait: std::time::Duration,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Day(#[from] DayError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Details(#[from] DetailsError),
    #[error(transparent)]
    Badge(#[from] BadgeError),
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
    #[error(transparent)]
    Pretix(#[from] crate::pretix::PretixError),
    #[error(
        "l'horloge de ce poste dit le {}, celle du hub le {} : rien n'est enregistré — réglez l'heure de ce poste (timedatectl set-ntp true), ou confirmez le jour ({})",
        .kiosk.strftime("%d/%m"), .hub.strftime("%d/%m"),
        match .hub_day { Some(n) => format!("--day {n}, ou « Enregistrer pour le jour {n} » à l'écran"), None => "--day N".to_owned() }
    )]
    ClockDay {
        kiosk: Date,
        hub: Date,
        /// The hub's date as an event day number, when it is one.
        hub_day: Option<usize>,
    },
    #[error(
        "[source] de kiosk.toml ne désigne pas pretix — ajoutez kind = \"pretix\", url, organizer, event et checkin_list"
    )]
    NoPretix,
    #[error("logo {path} illisible : {source} — vérifiez [badge] logo dans kiosk.toml")]
    LogoFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{name} a déjà eu {printed} badge(s) : la borne en libre service n'en réimprime pas plus — adressez-vous à l'accueil"
    )]
    ReprintLimit { name: String, printed: i64 },
    #[error("dossier de démonstration {path} : {source}")]
    Demo {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{0} existe déjà et n'est pas une démonstration d'accueil — choisissez un autre dossier avec --dir"
    )]
    DemoFolderTaken(PathBuf),
    #[error("aucun badge à produire{}", .0.as_ref().map(|c| format!(" pour la catégorie « {c} »")).unwrap_or_default())]
    NoBadges(Option<String>),
    #[error("aucun inscrit ne correspond à {0} — cherchez la personne avec « accueil search »")]
    NotFound(String),
    #[error(
        "ce fichier annulerait {would} des {of} inscrits actuels — est-ce le bon fichier ? Vérifiez avec --dry-run, puis relancez avec --force pour confirmer"
    )]
    MassCancel { would: usize, of: usize },
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A kiosk: its configuration and its local copy.
pub struct Kiosk {
    pub config: Config,
    store: Store,
    clock: fn() -> Timestamp,
    /// The event logo, decoded on first use: every badge needs it.
    logo: std::cell::OnceCell<Logo>,
}

/// The result of a check-in, for the desk and for scripts.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckIn {
    pub outcome: Outcome,
    pub day: EventDay,
    pub day_reason: DayReason,
    pub registrant: Option<Registrant>,
    /// For `already_in`: the first arrival that day.
    pub previous: Option<Arrival>,
    /// The arrival recorded (`welcome` only).
    pub record: Option<Record>,
    /// How the scanned code was read, when not as typed.
    pub scan: ScanNote,
}

/// What a scan says about the scanner's keyboard layout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanNote {
    /// The ticket was found only once this keyboard mix-up was undone (a
    /// scanner in US mode on an AZERTY computer): staff should fix the
    /// scanner's setting.
    pub via: Option<Mix>,
    /// The scan could be several tickets, each under another mix-up:
    /// nobody was checked in.
    pub ambiguous: Vec<(Mix, Registrant)>,
}

/// What « Tester le lecteur » found out about one scan.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanTest {
    /// Exactly what arrived.
    pub read: String,
    /// Whom it designates, as read or once a keyboard mix-up is undone.
    pub registrant: Option<Registrant>,
    pub via: Option<Mix>,
    pub ambiguous: Vec<(Mix, Registrant)>,
    /// No ticket matched: the mix-ups under which what arrived reads as a
    /// plausible code.
    pub likely: Vec<(Mix, String)>,
    /// kiosk.toml `[kiosk] scanner_layout`.
    pub pinned: crate::domain::keyboard::ScannerLayout,
}

impl ScanTest {
    /// What arrived, with invisible characters shown (a scanner that adds
    /// a Tab or a prefix is found out here).
    pub fn visible(&self) -> String {
        self.read
            .chars()
            .map(|c| match c {
                '\t' => "⇥".to_owned(),
                '\r' | '\n' => "↵".to_owned(),
                c if c.is_control() => format!("\\u{{{:04x}}}", c as u32),
                c => c.to_string(),
            })
            .collect()
    }

    /// The verdict, in a sentence for staff.
    pub fn verdict(&self) -> String {
        let mixed = |m: &Mix| format!("{} — {}", m.describe(), m.advice());
        match (&self.registrant, self.via, self.ambiguous.first(), self.likely.first()) {
            (Some(r), None, _, _) => format!(
                "billet reconnu tel quel : {} — le lecteur est bien réglé",
                r.display_name()
            ),
            (Some(r), Some(m), _, _) => format!(
                "billet reconnu une fois la disposition du clavier corrigée : {} ; {}",
                r.display_name(),
                mixed(&m)
            ),
            (None, _, Some((m, _)), _) => format!(
                "plusieurs billets possibles selon la disposition du clavier : personne n'est enregistré ; {}",
                mixed(m)
            ),
            (None, _, None, Some((m, code))) => format!(
                "aucun billet, mais « {} » ressemble à « {code} » tapé de travers : {}",
                self.read.trim(),
                mixed(m)
            ),
            (None, _, None, None) if self.read.trim().is_empty() => {
                "rien reçu : le lecteur n'a rien tapé (ou seulement Entrée)".to_owned()
            }
            (None, _, None, None) => "aucun billet ne porte ce code, et il ne ressemble pas à un code mal tapé : scannez un billet de l'événement".to_owned(),
        }
    }
}

impl From<&CodeMatch> for ScanNote {
    fn from(m: &CodeMatch) -> ScanNote {
        ScanNote {
            via: m.via,
            ambiguous: m.ambiguous.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UndoOutcome {
    /// The arrival was reverted (by a new `undo` record).
    Undone,
    /// The person has no arrival to revert.
    NothingToUndo,
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub outcome: UndoOutcome,
    pub registrant: Option<Registrant>,
    /// The arrival reverted.
    pub reverted: Option<Arrival>,
    pub record: Option<Record>,
}

/// A walk-in: registered, then checked in.
#[derive(Debug, Clone, PartialEq)]
pub struct WalkIn {
    pub registrant: Registrant,
    /// The `walk_in` record.
    pub record: Record,
    /// Their check-in (not `welcome` when, say, their category is not
    /// admitted that day).
    pub check_in: CheckIn,
}

/// A badge sent to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    pub registrant: Registrant,
    pub job: JobView,
    /// Badges this person had printed before this one.
    pub printed_before: i64,
}

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

/// Expected and arrived people, for one day or one category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub expected: i64,
    pub arrived: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryStats {
    pub name: String,
    pub colour: Option<String>,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayStats {
    pub number: usize,
    pub date: Date,
    #[serde(flatten)]
    pub tally: Tally,
    pub categories: Vec<CategoryStats>,
    /// Arrivals recorded by each kiosk (someone let in at two kiosks counts at both).
    pub kiosks: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub registrants: i64,
    pub cancelled: i64,
    pub days: Vec<DayStats>,
}

/// An import cancelling more than this share of a list of at least
/// `MASS_CANCEL_MIN` people is refused without `--force`.
const MASS_CANCEL_MIN: usize = 20;

impl Kiosk {
    /// Opens the kiosk's database (`db` overrides kiosk.toml's).
    pub fn open(config: Config, db: Option<&Path>) -> Result<Kiosk> {
        let path: PathBuf = db.map_or_else(|| config.database.clone(), Path::to_owned);
        let mut store = Store::open(&path)?;
        store.set_scanner_layout(config.kiosk.scanner_layout);
        Ok(Kiosk {
            config,
            store,
            clock: Timestamp::now,
            logo: std::cell::OnceCell::new(),
        })
    }

    /// Replaces the clock (tests, replays).
    pub fn with_clock(mut self, clock: fn() -> Timestamp) -> Kiosk {
        self.clock = clock;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The copy, for what changes it outside the desk's gestures (sync).
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Today in the event's timezone.
    pub fn today(&self) -> Date {
        self.config.event.timezone.to_datetime(self.now()).date()
    }

    /// The day a command acts for: asked, or today, or the first day.
    pub fn day(&self, spec: Option<DaySpec>) -> Result<(EventDay, DayReason)> {
        Ok(self.config.event.resolve_day(spec, self.today())?)
    }

    /// The hub's clock minus this one, in seconds, as of the last sync
    /// (none before a first sync, or without hub).
    pub fn clock_offset(&self) -> Result<Option<i64>> {
        if self.config.hub.url.is_none() {
            return Ok(None);
        }
        Ok(self
            .store
            .sync_value(crate::sync::CLOCK_OFFSET)?
            .and_then(|v| v.parse().ok()))
    }

    /// The day an arrival is recorded for. Asked: that day. Otherwise today
    /// — unless this kiosk's clock is off from the hub's by more than two
    /// minutes and the hub's clock says it is another day: then nothing is
    /// recorded until staff say which day ([`AppError::ClockDay`]).
    fn recording_day(&self, spec: Option<DaySpec>) -> Result<(EventDay, DayReason)> {
        let resolved = self.day(spec)?;
        if spec.is_some() {
            return Ok(resolved);
        }
        if let Some(offset) = self.clock_offset()?
            && offset.abs() > crate::sync::CLOCK_TOLERANCE_SECS
        {
            let tz = &self.config.event.timezone;
            let hub_now = self
                .now()
                .checked_add(jiff::SignedDuration::from_secs(offset))
                .unwrap_or(self.now());
            let hub = tz.to_datetime(hub_now).date();
            if hub != self.today() {
                return Err(AppError::ClockDay {
                    kiosk: self.today(),
                    hub,
                    hub_day: self
                        .config
                        .event
                        .days
                        .iter()
                        .position(|d| *d == hub)
                        .map(|i| i + 1),
                });
            }
        }
        Ok(resolved)
    }

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
    fn apply_entries(
        &mut self,
        entries: &[crate::domain::SourceEntry],
        options: ImportOptions,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<ImportReport> {
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
                Ok(report)
            }
        }
    }

    pub fn search(&self, query: &str, limit: usize) -> Result<SearchResult> {
        Ok(self.store.search(query, limit)?)
    }

    pub fn registrant(&self, lookup: &Lookup) -> Result<Option<Registrant>> {
        Ok(self.store.registrant(lookup)?)
    }

    /// Checks a person in: the decision and, for `welcome`, a durable arrival
    /// record, in one transaction.
    pub fn check_in(&mut self, lookup: &Lookup, day: Option<DaySpec>) -> Result<CheckIn> {
        let (day, day_reason) = self.recording_day(day)?;
        let event = &self.config.event;
        let policy = self.config.policy;
        let (outcome, seen, record) = self.store.decide_and_record(
            lookup,
            &self.config.kiosk.id,
            (self.clock)(),
            |seen| {
                let registrant = seen.registrant.as_ref();
                let outcome = decide(event, policy, registrant, day, seen.arrival_on(day.date));
                let record = match (outcome, registrant) {
                    (Outcome::Welcome, Some(r)) => Some(NewRecord {
                        kind: RecordKind::Arrival,
                        registrant: r.uid,
                        day: Some(day.date),
                        reverts: None,
                        payload: serde_json::json!({ "code": r.code }),
                    }),
                    _ => None,
                };
                (outcome, record)
            },
        )?;
        let previous = match outcome {
            Outcome::AlreadyIn => seen.arrival_on(day.date).cloned(),
            _ => None,
        };
        self.remember_mix(seen.scan.via)?;
        Ok(CheckIn {
            outcome,
            day,
            day_reason,
            scan: ScanNote::from(&seen.scan),
            registrant: seen.registrant,
            previous,
            record,
        })
    }

    /// What a scanned or typed code designates, and how it was read: as
    /// typed, or once a keyboard mix-up was undone (remembered, so the next
    /// scan tries it first), or ambiguously.
    pub fn resolve_scan(&mut self, code: &str) -> Result<CodeMatch> {
        let found = self.store.resolve_code(code)?;
        self.remember_mix(found.via)?;
        Ok(found)
    }

    /// « Tester le lecteur »: what a scan brought, whom it designates, and
    /// what it says of the scanner's keyboard setting.
    pub fn test_scan(&mut self, read: &str) -> Result<ScanTest> {
        let found = self.resolve_scan(read)?;
        let likely = if found.registrant.is_none() && found.ambiguous.is_empty() {
            crate::domain::keyboard::likely_mixes(read.trim())
        } else {
            Vec::new()
        };
        Ok(ScanTest {
            read: read.to_owned(),
            registrant: found.registrant,
            via: found.via,
            ambiguous: found.ambiguous,
            likely,
            pinned: self.config.kiosk.scanner_layout,
        })
    }

    /// What the scanner's habits are here: the mix-up unknown scans last
    /// matched under.
    pub fn remembered_mix(&self) -> Result<Option<Mix>> {
        Ok(self.store.remembered_mix()?)
    }

    fn remember_mix(&mut self, via: Option<Mix>) -> Result<()> {
        if let Some(mix) = via
            && self.store.remembered_mix()? != Some(mix)
        {
            self.store.remember_mix(mix)?;
        }
        Ok(())
    }

    /// Reverts a person's last arrival (on `day` when given), by appending an
    /// `undo` record; nothing is ever deleted.
    pub fn undo(&mut self, lookup: &Lookup, day: Option<DaySpec>) -> Result<Undo> {
        let day = match day {
            Some(spec) => Some(self.day(Some(spec))?.0.date),
            None => None,
        };
        let (target, seen, record) = self.store.decide_and_record(
            lookup,
            &self.config.kiosk.id,
            (self.clock)(),
            |seen| {
                let target = seen
                    .arrivals
                    .iter()
                    .filter(|a| day.is_none_or(|d| a.day == d))
                    .max_by_key(|a| (a.at, a.record))
                    .cloned();
                let record = match (&target, &seen.registrant) {
                    (Some(a), Some(r)) => Some(NewRecord {
                        kind: RecordKind::Undo,
                        registrant: r.uid,
                        day: Some(a.day),
                        reverts: Some(a.record),
                        payload: serde_json::json!({}),
                    }),
                    _ => None,
                };
                (target, record)
            },
        )?;
        let outcome = match (&seen.registrant, &target) {
            (None, _) => UndoOutcome::Unknown,
            (Some(_), None) => UndoOutcome::NothingToUndo,
            (Some(_), Some(_)) => UndoOutcome::Undone,
        };
        Ok(Undo {
            outcome,
            registrant: seen.registrant,
            reverted: target,
            record,
        })
    }

    /// Registers someone who is not on the list and checks them in. Two
    /// transactions: a crash between them leaves a registered walk-in who has
    /// not arrived yet, whom the desk finds by name.
    pub fn walk_in(&mut self, details: Details, day: Option<DaySpec>) -> Result<WalkIn> {
        let details = details.validated(&self.config.event)?;
        let day_resolved = self.recording_day(day)?;
        let (registrant, record) =
            self.store
                .create_walk_in(&self.config.kiosk.id, self.now(), &details)?;
        let check_in = self.check_in(
            &Lookup::Uid(registrant.uid),
            Some(DaySpec::Date(day_resolved.0.date)),
        )?;
        Ok(WalkIn {
            registrant,
            record,
            check_in: CheckIn {
                day_reason: day_resolved.1,
                ..check_in
            },
        })
    }

    /// Fixes some of a registrant's details (a misspelt name, a new
    /// organisation): validated, logged, and kept through re-imports unless
    /// the source changes the same field.
    pub fn edit(&mut self, lookup: &Lookup, patch: DetailsPatch) -> Result<Edit> {
        let not_found = || AppError::NotFound(lookup.to_string());
        let current = self.store.registrant(lookup)?.ok_or_else(not_found)?;
        let details = patch
            .apply(&current.details())
            .validated(&self.config.event)?;
        self.store
            .edit_registrant(
                &Lookup::Id(current.id),
                &self.config.kiosk.id,
                self.now(),
                &details,
            )?
            .ok_or_else(not_found)
    }

    /// What a registrant's badge says, and its QR content.
    pub fn badge_of(&self, r: &Registrant) -> Badge {
        let event = &self.config.event;
        let category = event.category(&r.category);
        Badge {
            text: BadgeText {
                event: event.name.clone(),
                first_name: r.first_name.clone(),
                last_name: r.last_name.clone(),
                organisation: r.organisation.clone(),
                category: category.map_or_else(|| r.category.clone(), |c| c.name.clone()),
                category_colour: category
                    .map_or_else(|| "#555555".to_owned(), |c| c.colour.clone()),
                qr_modules: 0,
            },
            qr_content: self
                .config
                .badge
                .qr
                .replace("{code}", &r.code)
                .replace("{uid}", &r.uid.to_string()),
        }
    }

    /// The configured logo, read and decoded once. A file that cannot be
    /// read is not remembered: fixed, it is picked up on the next badge.
    fn logo(&self) -> Result<Option<&Logo>> {
        let Some(path) = &self.config.badge.logo else {
            return Ok(None);
        };
        if let Some(logo) = self.logo.get() {
            return Ok(Some(logo));
        }
        let bytes = std::fs::read(path).map_err(|source| AppError::LogoFile {
            path: path.clone(),
            source,
        })?;
        let logo = Logo::decode(&bytes)?;
        Ok(Some(self.logo.get_or_init(|| logo)))
    }

    /// Draws badges with the configured elements and logo.
    fn render(
        &self,
        badges: &[Badge],
        format: Format,
        title: &str,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<u8>> {
        let style = Style {
            format,
            elements: self.config.badge.elements,
            logo: self.logo()?,
            title,
        };
        Ok(badge::render(badges, &style, progress)?)
    }

    /// One person's badge as PDF, in the configured format (or `format`).
    pub fn badge_pdf(
        &self,
        lookup: &Lookup,
        format: Option<Format>,
    ) -> Result<(Registrant, Vec<u8>)> {
        let r = self
            .store
            .registrant(lookup)?
            .ok_or_else(|| AppError::NotFound(lookup.to_string()))?;
        let pdf = self.render_badge(&r, format.unwrap_or(self.config.badge.format))?;
        Ok((r, pdf))
    }

    fn render_badge(&self, r: &Registrant, format: Format) -> Result<Vec<u8>> {
        let title = format!("Badge — {}", r.display_name());
        self.render(&[self.badge_of(r)], format, &title, &mut |_| {})
    }

    /// Prints a person's badge: the job is queued durably first, then handed
    /// to the printer; it survives the printer being off or the app
    /// restarting, and is retried by [`Kiosk::process_print_queue`]. The
    /// badge counts as printed (a `badge_printed` record) only once the
    /// printer has accepted it. At a self-service kiosk
    /// (`self_service`), reprints are capped by kiosk.toml.
    pub fn print_badge(
        &mut self,
        lookup: &Lookup,
        reason: Option<&str>,
        self_service: bool,
    ) -> Result<Printed> {
        let queued = self.queue_badge(lookup, reason, self_service)?;
        self.process_print_queue()?;
        let job = self
            .store
            .print_job(queued.job.id)?
            .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))?;
        Ok(Printed { job, ..queued })
    }

    /// Renders a person's badge and puts it in the print queue, without
    /// sending it: the kiosk's UI thread does this, and a background thread
    /// runs [`Kiosk::process_print_queue`], so a slow or absent printer never
    /// freezes the screen.
    pub fn queue_badge(
        &mut self,
        lookup: &Lookup,
        reason: Option<&str>,
        self_service: bool,
    ) -> Result<Printed> {
        let r = self
            .store
            .registrant(lookup)?
            .ok_or_else(|| AppError::NotFound(lookup.to_string()))?;
        let printed_before = self.store.badges_printed(r.uid)?;
        if self_service && printed_before > i64::from(self.config.printer.self_service_reprints) {
            return Err(AppError::ReprintLimit {
                name: r.display_name(),
                printed: printed_before,
            });
        }
        let format = self.config.badge.format;
        let pdf = self.render_badge(&r, format)?;
        let (w, h) = format.page_size();
        let reason = match (reason, printed_before) {
            (Some(text), _) => text.to_owned(),
            (None, 0) => "badge".to_owned(),
            (None, _) => "réimpression".to_owned(),
        };
        let id = self.store.enqueue_print(
            &NewJob {
                registrant: r.uid,
                reason: &reason,
                printer: &self.config.printer.printer.describe(),
                // Shown in the desk's queue; the printer sees only the
                // job's own name, never a ticket code or a person's name.
                title: &format!("Badge {}", r.display_name()),
                job_name: &format!(
                    "badge-{}-{}",
                    self.config.kiosk.id,
                    &uuid::Uuid::now_v7().simple().to_string()[20..]
                ),
                media: &print::media_name(w, h),
                pdf: &pdf,
            },
            self.now(),
        )?;
        let job = self
            .store
            .print_job(id)?
            .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))?;
        Ok(Printed {
            registrant: r,
            job,
            printed_before,
        })
    }

    /// A person's live arrival on a day, if any.
    pub fn arrival_on(&self, registrant: uuid::Uuid, day: Date) -> Result<Option<Arrival>> {
        Ok(self
            .store
            .live_arrivals(registrant)?
            .into_iter()
            .find(|a| a.day == day))
    }

    /// Checks a person in and, when they are welcome, prints their badge:
    /// the reception desk's whole gesture. A printing problem never undoes
    /// the arrival, which is already durable: it is reported beside it.
    pub fn check_in_and_print(
        &mut self,
        lookup: &Lookup,
        day: Option<DaySpec>,
    ) -> Result<(CheckIn, Option<Result<Printed>>)> {
        let c = self.check_in(lookup, day)?;
        let printed = match (&c.outcome, &c.registrant) {
            (Outcome::Welcome, Some(r)) => Some(self.print_badge(&Lookup::Uid(r.uid), None, false)),
            _ => None,
        };
        Ok((c, printed))
    }

    /// One pass over the print queue: sends what waits (oldest first,
    /// stopping at the first sign that the printer is away), then asks the
    /// printer where sent jobs stand. The kiosk runs it in the background; the
    /// CLI on `print` and `print --status`.
    pub fn process_print_queue(&mut self) -> Result<()> {
        let printer = self.config.printer.printer.clone();
        let kiosk = self.config.kiosk.id.clone();
        for job in self.store.queued_prints()? {
            // Handed over just before the process stopped? Then the printer
            // holds it: follow that job rather than print it twice.
            let held = if job.submitting {
                match printer.find(&job.job_name) {
                    Ok(held) => held,
                    Err(e) => {
                        self.store.mark_print_attempt_failed(
                            job.id,
                            &e.to_string(),
                            false,
                            self.now(),
                        )?;
                        break;
                    }
                }
            } else {
                None
            };
            let sent = match held {
                Some(accepted) => Ok(accepted),
                None => {
                    self.store.mark_print_submitting(job.id, self.now())?;
                    printer.submit(&job.pdf, &job.job_name, &job.media)
                }
            };
            match sent {
                Ok(accepted) => {
                    self.store.mark_print_accepted(
                        job.id,
                        &accepted.job,
                        accepted.finished,
                        &kiosk,
                        self.now(),
                    )?;
                }
                // This job never will print (too large, a broken PDF…): it
                // is failed, with why, and the jobs after it go on.
                Err(e) if !e.is_transient() => {
                    self.store.mark_print_attempt_failed(
                        job.id,
                        &e.to_string(),
                        true,
                        self.now(),
                    )?;
                }
                // The printer is away: every job would wait the same.
                Err(e) => {
                    self.store.mark_print_attempt_failed(
                        job.id,
                        &e.to_string(),
                        false,
                        self.now(),
                    )?;
                    break;
                }
            }
        }
        for (id, printer_job) in self.store.sent_prints()? {
            let (state, note) = match printer.job_state(&printer_job) {
                Ok(JobState::Done) => (PrintState::Done, None),
                Ok(JobState::Failed(why)) => (PrintState::Failed, Some(why)),
                Ok(JobState::Waiting(why)) => (PrintState::Sent, Some(why)),
                Ok(JobState::Printing) => (PrintState::Sent, None),
                // The server is away: states stay as they were.
                Err(_) => break,
            };
            self.store
                .update_sent_print(id, state, note.as_deref(), self.now())?;
        }
        Ok(())
    }

    /// The latest print jobs, newest first, after a pass over the queue.
    pub fn print_status(&mut self, limit: usize) -> Result<Vec<JobView>> {
        self.process_print_queue()?;
        Ok(self.store.print_jobs(limit)?)
    }

    /// Everyone's badges (not cancelled), sorted by last name, for organisers
    /// who pre-print; `progress(done, total)`.
    pub fn badges_pdf(
        &self,
        category: Option<&str>,
        format: Option<Format>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(usize, Vec<u8>)> {
        // The configured spelling of the category ("presse" → "Presse").
        let category = category.map(|c| {
            self.config
                .event
                .category(c)
                .map_or_else(|| c.to_owned(), |c| c.name.clone())
        });
        let people = self.store.badge_holders(category.as_deref())?;
        if people.is_empty() {
            return Err(AppError::NoBadges(category));
        }
        let badges: Vec<Badge> = people.iter().map(|r| self.badge_of(r)).collect();
        let total = badges.len();
        let pdf = self.render(
            &badges,
            format.unwrap_or(self.config.badge.format),
            &format!("Badges — {}", self.config.event.name),
            &mut |done| progress(done, total),
        )?;
        Ok((total, pdf))
    }

    /// Expected vs arrived per day, per category and per kiosk.
    pub fn stats(&self) -> Result<Stats> {
        let counts = self.store.counts()?;
        let event = &self.config.event;
        let counts_as_expected = |status: Status| match status {
            Status::Valid => true,
            Status::Pending => self.config.policy.accept_pending,
            Status::Cancelled => false,
        };
        // Categories in kiosk.toml order, then any others the list holds.
        let mut names: Vec<String> = event.categories.iter().map(|c| c.name.clone()).collect();
        for (name, ..) in &counts.registrants {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        let days = event
            .event_days()
            .map(|day| {
                let categories: Vec<CategoryStats> = names
                    .iter()
                    .map(|name| {
                        let expected = if event.category_valid_on(name, day.date) {
                            counts
                                .registrants
                                .iter()
                                .filter(|(c, s, _)| c == name && counts_as_expected(*s))
                                .map(|(.., n)| n)
                                .sum()
                        } else {
                            0
                        };
                        let arrived = counts
                            .arrived
                            .iter()
                            .filter(|(d, c, _)| *d == day.date && c == name)
                            .map(|(.., n)| n)
                            .sum();
                        CategoryStats {
                            name: name.clone(),
                            colour: event.category(name).map(|c| c.colour.clone()),
                            tally: Tally { expected, arrived },
                        }
                    })
                    .collect();
                let arrived_elsewhere: i64 = counts
                    .arrived
                    .iter()
                    .filter(|(d, c, _)| *d == day.date && !names.contains(c))
                    .map(|(.., n)| n)
                    .sum();
                let tally = Tally {
                    expected: categories.iter().map(|c| c.tally.expected).sum(),
                    arrived: categories.iter().map(|c| c.tally.arrived).sum::<i64>()
                        + arrived_elsewhere,
                };
                DayStats {
                    number: day.number,
                    date: day.date,
                    tally,
                    categories,
                    kiosks: counts
                        .by_kiosk
                        .iter()
                        .filter(|(d, ..)| *d == day.date)
                        .map(|(_, k, n)| (k.clone(), *n))
                        .collect(),
                }
            })
            .collect();
        Ok(Stats {
            registrants: counts.registrants.iter().map(|(.., n)| n).sum(),
            cancelled: counts
                .registrants
                .iter()
                .filter(|(_, s, _)| *s == Status::Cancelled)
                .map(|(.., n)| n)
                .sum(),
            days,
        })
    }

    /// One sync round with the hub of `[hub] url`: this kiosk's records
    /// up, everyone else's down, the hub's list when it changed (applied as
    /// an import: arrivals and desk fixes survive it).
    pub fn sync_once(&mut self, timeout: std::time::Duration) -> Result<crate::sync::Round> {
        let hub = &self.config.hub;
        let (Some(url), Some(token)) = (hub.url.as_deref(), hub.token.as_deref()) else {
            return Err(crate::sync::SyncError::NotConfigured.into());
        };
        let (url, token) = (url.to_owned(), token.to_owned());
        let mut client = crate::sync::Client::new(&url, &token, timeout)?;
        let credential = self.hub_credential(&client, &url, false)?;
        client.set_credential(credential);
        match self.sync_over(&client) {
            // The hub does not know this credential (revoked, or the hub's
            // data restored from before it): enrol again, once — a revoked
            // id is told so.
            Err(AppError::Sync(crate::sync::SyncError::BadCredential(_))) => {
                let credential = self.hub_credential(&client, &url, true)?;
                client.set_credential(credential);
                self.sync_over(&client)
            }
            other => other,
        }
    }

    /// A round over HTTP: a blank kiosk first takes the hub's copy whole.
    fn sync_over(&mut self, client: &crate::sync::Client) -> Result<crate::sync::Round> {
        let joined = self.join_from_snapshot(client)?;
        let mut round = self.sync_with(client)?;
        round.list_updated |= joined;
        round.from_copy = joined;
        Ok(round)
    }

    /// A kiosk that holds nobody and no record yet takes the hub's copy of
    /// the event (its database, without what is the hub's own) instead of
    /// importing the list: a large event joins in the time of a download.
    /// A copy this kiosk cannot take leaves it to the list.
    fn join_from_snapshot(&mut self, client: &crate::sync::Client) -> Result<bool> {
        let path = self.store.path().to_owned();
        if path.as_os_str().is_empty() || path == Path::new(":memory:") || !self.store.is_blank()? {
            return Ok(false);
        }
        let tmp = path.with_extension("depuis-le-hub");
        let joined = match client.snapshot(&tmp) {
            Ok(true) => match self.store.restore_snapshot(&tmp) {
                Ok(list_rev) => {
                    self.store
                        .set_sync_value(crate::sync::HUB_LIST_REV, &list_rev)?;
                    Ok(true)
                }
                Err(StoreError::Snapshot(_)) => Ok(false),
                Err(e) => Err(e.into()),
            },
            Ok(false) => Ok(false),
            Err(e) => Err(e.into()),
        };
        let _ = std::fs::remove_file(&tmp);
        joined
    }

    /// One sync round through `link` (the hub over HTTP, or a hub's copy
    /// in the same process).
    pub fn sync_with(&mut self, link: &dyn crate::sync::HubLink) -> Result<crate::sync::Round> {
        let me = self.config.kiosk.id.clone();
        let clock = self.clock;
        Ok(crate::sync::round(
            &mut self.store,
            &me,
            link,
            clock,
            |store, entries| {
                let entries: Vec<_> = entries
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| e.into_source(i + 1))
                    .collect();
                store.apply_import(&entries, clock(), |_| {}, |_| true)?;
                Ok(())
            },
        )?)
    }

    /// A staff PIN typed at a self-service kiosk. Wrong ones in a row are
    /// slowed down (free for three, then 30 s doubling up to 15 min), and
    /// the count and the wait are kept in the database: restarting the
    /// kiosk does not reset them.
    pub fn try_pin(&mut self, typed: &str) -> Result<PinVerdict> {
        const WRONG: &str = "pin_wrong";
        const UNTIL: &str = "pin_locked_until";
        let now = self.now();
        let until: Option<Timestamp> = self
            .store
            .kiosk_setting(UNTIL)?
            .and_then(|v| v.parse().ok());
        if let Some(until) = until
            && until > now
        {
            let wait = until.duration_since(now).unsigned_abs();
            return Ok(PinVerdict::Wait { wait });
        }
        let hash = self.config.kiosk.staff_pin.clone().unwrap_or_default();
        let mut attempts = crate::domain::pin::Attempts::default();
        let wrong: u32 = self
            .store
            .kiosk_setting(WRONG)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        for _ in 0..wrong {
            attempts.failed();
        }
        if crate::domain::pin::verify(typed, &hash) {
            self.store.set_kiosk_setting(WRONG, "0")?;
            self.store.set_kiosk_setting(UNTIL, "")?;
            return Ok(PinVerdict::Unlocked);
        }
        attempts.failed();
        self.store
            .set_kiosk_setting(WRONG, &(wrong.saturating_add(1)).to_string())?;
        let wait = attempts.lockout();
        if !wait.is_zero() {
            let until = now
                .checked_add(jiff::SignedDuration::try_from(wait).unwrap_or_default())
                .unwrap_or(now);
            self.store.set_kiosk_setting(UNTIL, &until.to_string())?;
        }
        Ok(PinVerdict::Wrong { wait })
    }

    /// Reads every page of the database (done at open for event-sized
    /// files; the hub and the kiosk window do it for large ones).
    pub fn check_database(&self) -> Result<()> {
        Ok(self.store.quick_check()?)
    }

    /// Records refused by the hub (on a kiosk: its own, as the hub
    /// explained), newest first.
    pub fn refused_records(&self, limit: usize) -> Result<Vec<crate::store::RefusedView>> {
        Ok(self.store.refused_records(limit)?)
    }

    /// Own records the hub has not acknowledged yet, and when this kiosk
    /// last synced.
    pub fn sync_status(&self) -> Result<(i64, Option<Timestamp>)> {
        let pending = crate::sync::pending(&self.store, &self.config.kiosk.id)?;
        let last = self
            .store
            .sync_value(crate::sync::LAST_SYNC)?
            .and_then(|v| v.parse().ok());
        Ok((pending, last))
    }

    /// Writes attendance per person per day (or only the no-shows) as an
    /// Excel-friendly CSV; returns the number of people written.
    pub fn export_attendance(&self, out: &Path, only_no_shows: bool) -> Result<usize> {
        let rows = self.store.attendance()?;
        Ok(export::write_attendance(
            out,
            &self.config.event,
            &rows,
            only_no_shows,
        )?)
    }
}
