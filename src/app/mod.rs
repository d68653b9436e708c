//! What a kiosk does: lookup → decide → record, import, search, statistics
//! and exports (here); badges and printing (`badges`), sync with the hub
//! (`sync`), the hub's side of it (`hub_side`), kiosks' credentials
//! (`kiosks`), pretix (`pretix`). The UI, the hub and the CLI stand on this.

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
mod badges;
mod hub_side;
mod kiosks;
mod pretix;
mod sync;

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
    #[error(
        "aucun kiosque « {kiosk} » connu de ce hub (ni inscrit, ni dans le journal) — kiosques inscrits : {}",
        if .enrolled.is_empty() { "aucun".to_owned() } else { .enrolled.join(", ") }
    )]
    UnknownKiosk {
        kiosk: String,
        enrolled: Vec<String>,
    },
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
