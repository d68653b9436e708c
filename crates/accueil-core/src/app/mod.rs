//! What a kiosk does, by capability: the kiosk itself, its clock and day,
//! search, statistics (`domain::stats` over the store's counts), the PIN
//! and exports (here); check-in, undo, walk-ins and fixes (`checkin`);
//! imports (`importing`); badges and printing (`badges`); sync with the
//! hub (`sync`); kiosks' credentials (`kiosks`); pretix (`pretix`). The
//! hub's copy is a type of its own, [`HubCopy`] (`hub_side`: the hub's side
//! of the sync, the list it hands out, the kiosks it enrols, what the
//! organisers' page reads): a door's [`Kiosk`] cannot serve as a hub. The
//! UI, the hub and the CLI stand on this.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::badge::{self, Badge, BadgeError, BadgeText, Format, Logo, Style};
use crate::config::{Config, ConfigError};
use crate::domain::{
    Arrival, DayError, DayReason, DaySpec, DetailsError, EventDay, Outcome, Registrant,
};
use crate::export::{self, ExportError};
use crate::import::ImportError;
use crate::print::{self, JobState};
use crate::store::{SearchResult, Store};

mod badges;
mod checkin;
mod doctor;
mod enrolment;
mod hub_side;
mod importing;
mod inspect;
mod kiosks;
mod pretix;
mod privacy;
mod programme;
mod queue;
mod round;
mod sync;
mod syncing;
mod worker;

pub use crate::domain::stats::{CategoryStats, DayStats, Stats, Tally};
pub use crate::print::Queue;
/// The store's types the app's callers see: the UI, the hub and the CLI
/// name them through the app, never through the store.
pub use crate::store::{
    AttendanceRow, DATABASE_FILE, DoubleEntry, EnrolledKiosk, ImportChange, ImportReport, JobView,
    Lookup, Marks, NewJob, PretixNotice, PrintState, RefusedView, StoreError,
};
pub use checkin::{CheckIn, ScanNote, ScanTest, Undo, UndoOutcome, WalkIn};
pub use doctor::{Check, Doctor, Level};
pub use enrolment::{InvitationView, Joined, PrinterChoice, Setup, adopt, invite, join, printers};
pub use hub_side::{Answer, ExchangeError, Exchanged, HubCopy, plausible_kiosk_id};
pub use importing::{ImportOptions, Imported};
pub use inspect::Inspection;
#[cfg(any(test, feature = "testing"))]
pub use inspect::Staging;
pub use kiosks::{Holder, KiosksReport};
pub use pretix::{PretixImported, PretixRound};
pub use privacy::{
    PersonFile, Purge, list_copy_part, list_copy_path, minimal_copy_parts, minimal_copy_path,
};
pub use programme::{
    DoorScan, DoorStatus, Occupancy, ProgrammeImport, RoomView, SessionView, occupancy_of,
};
pub use syncing::{KioskSync, Peer, SYNC_EVERY, SYNC_TIMEOUT, SyncReport};
pub use worker::{Cadence, Next, Worker};

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
    #[error(transparent)]
    Print(#[from] crate::print::PrintError),
    #[error(
        "l'horloge de ce poste dit le {}, celle du hub le {} : rien n'est enregistré — réglez l'heure de ce poste (timedatectl set-ntp true), ou confirmez le jour ({})",
        .kiosk.strftime(crate::domain::when::DAY_MONTH), .hub.strftime(crate::domain::when::DAY_MONTH),
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
    #[error(
        "{} existe déjà : ce poste est configuré — pour l'inscrire à un autre hub, déplacez ce fichier (et sa base) d'abord",
        .0.display()
    )]
    SetupExists(PathBuf),
    #[error(
        "la base {} contient déjà un événement : elle n'est pas écrasée — déplacez-la, ou donnez-en une autre avec --db",
        .0.display()
    )]
    SetupDatabaseInUse(PathBuf),
    #[error(
        "le hub ne répond pas à {hub} ({cause}) — ce poste est-il sur le réseau du hub ? Vérifiez l'adresse affichée sous le QR code et que le hub tourne, puis scannez à nouveau : le code n'a pas servi"
    )]
    SetupUnreachable {
        hub: String,
        cause: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("impossible d'écrire {path} : {source} — vérifiez les droits du dossier")]
    SetupWrite {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} kiosques inscrits à ce hub : plus d'identifiant libre")]
    TooManyKiosks(u32),
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
    #[error(
        "base purgée le {} (RGPD) : elle ne garde que des comptes anonymes (accueil stats) — ni import, ni synchronisation, ni liste nominative ; pour un nouvel événement, partez d'une base neuve ([database] path)",
        .0.strftime(crate::domain::when::DATE)
    )]
    Purged(Timestamp),
    #[error(
        "la séance « {session} » manque au nouveau programme alors que les portes y ont enregistré {entries} entrée(s) : elles resteraient au journal sans plus compter — remettez-la dans le fichier, ou relancez avec --force"
    )]
    SessionRemoved { session: String, entries: i64 },
    #[error(
        "{0} personnes d'un coup dans la file : entre -1000 et 1000 — comptez par petits groupes"
    )]
    QueueCount(i64),
    #[error(
        "{0} n'a passé aucune minute dans une séance (aucun passage aux portes des salles pendant une séance) : pas d'attestation — une attestation ne certifie que ce que les portes ont compté"
    )]
    NothingAttended(String),
    #[error(
        "{counted} personnes déjà comptées dans la file cette dernière minute, {most} au plus — le comptage s'emballe (un bouton bloqué, un script ?) : rien n'a été ajouté ; vérifiez puis recommencez"
    )]
    QueueRate { counted: i64, most: i64 },
    #[error(
        "cette porte n'a pas de salle — ajoutez room = \"…\" dans [kiosk] de kiosk.toml (avec mode = \"door\"), ou donnez --room"
    )]
    NoRoom,
    #[error("aucune séance « {session} » au programme — séances : {}", if .known.is_empty() { "aucune (importez le programme : accueil programme FICHIER)".to_owned() } else { .known.join(", ") })]
    NoSuchSession { session: String, known: Vec<String> },
    #[error(
        "[attestation] signatory absent de kiosk.toml : qui signe les attestations ? (par exemple signatory = \"Marie Curie, directrice\")"
    )]
    NoSignatory,
    #[error(
        "signature {path} illisible : {source} — vérifiez [attestation] signature dans kiosk.toml"
    )]
    SignatureFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "purge : {path} impossible à effacer ({source}) — effacez-le à la main, il contient des noms"
    )]
    PurgeFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
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
    /// What the print queue said it can print, and when it was asked.
    queue_capabilities: Option<(std::time::Instant, print::Capabilities)>,
    /// The revision of the hub's event configuration in use, if any.
    hub_config: Option<String>,
    /// The day's check-ins as the entrance's forecast last read them.
    entrance: std::cell::RefCell<queue::EntranceCache>,
}

/// A badge sent to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    pub registrant: Registrant,
    pub job: JobView,
    /// Badges this person had printed before this one.
    pub printed_before: i64,
}

impl Kiosk {
    /// Opens the kiosk's database (`db` overrides kiosk.toml's).
    pub fn open(config: Config, db: Option<&Path>) -> Result<Kiosk> {
        let path: PathBuf = db.map_or_else(|| config.database.clone(), Path::to_owned);
        let mut store = Store::open(&path)?;
        store.set_scanner_layout(config.kiosk.scanner_layout);
        // Attendees' kiosks keep a minimised copy: what leaves it is gone
        // from the file too. Whatever brought e-mails in (a kill in the
        // middle of a first sync by an older version, a staff kiosk's copy
        // put here, a mode changed in kiosk.toml) is undone before the
        // copy serves anyone, and a first sync's leftovers are removed.
        if config.kiosk.mode.attended_by_attendees() {
            store.set_secure_delete()?;
            sync::remove_join_leftovers(&path);
            if !store.is_minimised()? {
                let n = store.minimise(true, &config.kiosk.id)?;
                tracing::info!("libre service : copie minimisée à l'ouverture ({n} fiche(s))");
            }
        }
        let mut kiosk = Kiosk {
            config,
            store,
            clock: Timestamp::now,
            logo: std::cell::OnceCell::new(),
            queue_capabilities: None,
            hub_config: None,
            entrance: Default::default(),
        };
        // The event as the hub last handed it, over this machine's file.
        kiosk.reload_hub_config()?;
        Ok(kiosk)
    }

    /// Replaces the clock (tests, replays).
    pub fn with_clock(mut self, clock: fn() -> Timestamp) -> Kiosk {
        self.clock = clock;
        self
    }

    /// How the scanner's keyboard is read from now on (kiosk.toml's
    /// `[kiosk] scanner_layout` until the next open).
    pub fn set_scanner_layout(&mut self, layout: crate::domain::keyboard::ScannerLayout) {
        self.config.kiosk.scanner_layout = layout;
        self.store.set_scanner_layout(layout);
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
        Ok(self.store.sync_parsed(crate::store::SyncKey::ClockOffset)?)
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

    pub fn search(&self, query: &str, limit: usize) -> Result<SearchResult> {
        Ok(self.store.search(query, limit)?)
    }

    pub fn registrant(&self, lookup: &Lookup) -> Result<Option<Registrant>> {
        Ok(self.store.registrant(lookup)?)
    }

    /// Expected vs arrived per day, per category and per kiosk.
    pub fn stats(&self) -> Result<Stats> {
        Ok(crate::domain::stats::stats(
            &self.config.event,
            self.config.policy.accept_pending,
            &self.store.counts()?,
        ))
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
        self.refuse_if_purged()?;
        let rows = self.store.attendance()?;
        Ok(export::write_attendance(
            out,
            &self.config.event,
            &rows,
            only_no_shows,
        )?)
    }
}
