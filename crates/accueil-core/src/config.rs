//! kiosk.toml: read with serde (`deny_unknown_fields`), validated into a
//! [`Config`]. The repository's root kiosk.toml documents every key.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::badge::{Elements, Format};
use crate::domain::keyboard::{Mix, ScannerLayout};
use crate::domain::text::sort_key;
use crate::domain::{Category, Event, Policy, Status};
use crate::import::{Column, Encoding, ImportSettings};
use crate::print::Printer;

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub event: Event,
    pub kiosk: KioskIdentity,
    /// The SQLite file, resolved against the folder of kiosk.toml.
    pub database: PathBuf,
    pub policy: Policy,
    /// How long before a session its room's doors admit (`[checkin]
    /// door_opens_minutes`).
    pub door_opens_before: jiff::SignedDuration,
    pub import: ImportSettings,
    pub badge: BadgeSettings,
    pub printer: PrinterSettings,
    pub hub: HubSettings,
    /// Where the list comes from: files, or a pretix event.
    pub source: Source,
    /// kiosk.toml `[scanner]`: the camera.
    pub camera: crate::camera::CameraSetting,
    /// kiosk.toml `[attestation]`.
    pub attestation: AttestationSettings,
    /// The kiosk.toml it was read from (`None`: parsed from text).
    pub path: Option<PathBuf>,
    /// The text it was parsed from, and the folder relative paths start
    /// from: the hub's event is merged into them.
    text: String,
    base: PathBuf,
}

/// The sections of kiosk.toml the hub hands to its kiosks with the list:
/// the event as organisers set it. Everything else (`[kiosk]`,
/// `[database]`, `[printer]`, `[scanner]`, `[hub]`, `[source]`,
/// `[import]`) is the machine's own.
pub const SHARED_SECTIONS: [&str; 4] = ["event", "categories", "badge", "checkin"];

/// The most categories an event has: each check-in reads them all (20,000
/// pushed by a hostile hub made a check-in take 12 s).
pub const MAX_CATEGORIES: usize = 100;
/// The most days an event lasts.
pub const MAX_DAYS: usize = 62;
/// The longest event or category name, and `[badge] qr` template, in
/// characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The largest event configuration a kiosk takes from its hub, in bytes
/// (the example kiosk.toml's four sections are about 2 KB).
pub const MAX_SHARED_BYTES: usize = 64 * 1024;

/// The hub's event sections as sent to kiosks: TOML, and an identity that
/// changes with them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedConfig {
    pub rev: String,
    pub toml: String,
}

/// kiosk.toml `[source]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Source {
    /// CSV or XLSX files given to `accueil import FILE`.
    #[default]
    File,
    Pretix(PretixSettings),
}

/// kiosk.toml `[source]` with `kind = "pretix"`.
#[derive(Debug, Clone, PartialEq)]
pub struct PretixSettings {
    /// The pretix server, without trailing slash: `https://pretix.eu`.
    pub url: String,
    pub organizer: String,
    pub event: String,
    /// The check-in list whose positions are the registrants.
    pub checkin_list: u64,
    /// From kiosk.toml; [`PRETIX_TOKEN_VAR`] wins when set.
    pub token: Option<String>,
    /// How often a running kiosk or hub downloads the list again.
    pub refresh: std::time::Duration,
    /// pretix product name → category, for products not named like one.
    pub products: BTreeMap<String, String>,
}

/// The environment variable that holds the pretix API token, so that it
/// can stay out of kiosk.toml.
pub const PRETIX_TOKEN_VAR: &str = "ACCUEIL_PRETIX_TOKEN";

impl PretixSettings {
    /// The API token: the environment's, else kiosk.toml's.
    pub fn token(&self) -> Option<String> {
        std::env::var(PRETIX_TOKEN_VAR)
            .ok()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .or_else(|| self.token.clone())
    }
}

/// kiosk.toml `[hub]`: the hub's side (`listen`, both tokens) and the
/// kiosk's side (`url`, `token`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HubSettings {
    /// Where `accueil hub` listens.
    pub listen: Option<std::net::SocketAddr>,
    /// Kiosks' shared secret (hub and kiosks).
    pub token: Option<String>,
    /// The read-only secret of the attendance page (hub): stewards'
    /// phones, the venue's screen. It shows and counts the queue, no more.
    pub dashboard_token: Option<String>,
    /// The organisers' secret (hub): the page with what changes the event
    /// — kiosks enrolled, revoked, readmitted, the named exports.
    pub organiser_token: Option<String>,
    /// The hub a kiosk syncs with, `http://host:port`.
    pub url: Option<String>,
}

/// Tokens shorter than this are refused: they are the only lock on the hub.
pub const MIN_TOKEN_LEN: usize = 16;

/// kiosk.toml `[printer]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrinterSettings {
    pub printer: Printer,
    /// Reprints an attendee may ask for at a self-service kiosk.
    pub self_service_reprints: u32,
}
#[derive(Debug, Clone, PartialEq)]
pub struct BadgeSettings {
    pub format: Format,
    pub elements: Elements,
    /// QR content template: `{code}` (ticket code) and `{uid}`.
    pub qr: String,
    /// Event logo (PNG or JPEG), resolved against kiosk.toml's folder.
    pub logo: Option<PathBuf>,
}

impl Default for BadgeSettings {
    fn default() -> Self {
        BadgeSettings {
            format: Format::A6,
            elements: Elements::default(),
            qr: "{code}".into(),
            logo: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct KioskIdentity {
    /// Unique among the event's kiosks: it names this kiosk's log.
    pub id: String,
    /// Shown to staff and organisers ("Accueil porte A").
    pub name: String,
    pub mode: Mode,
    /// Argon2 hash (PHC string) of the PIN that unlocks staff mode on a
    /// self-service kiosk (`accueil pin-hash`).
    pub staff_pin: Option<String>,
    /// The language the screen starts in (and returns to when idle).
    pub language: Language,
    /// How unknown scans are tried against keyboard mix-ups.
    pub scanner_layout: ScannerLayout,
    /// Whether the home screen shows an on-screen keyboard.
    pub touch: Touch,
    /// A tone for each welcome and each refusal.
    pub sound: bool,
    /// At a badge station: whether printing a badge records the arrival.
    pub station_arrival: bool,
    /// At a room door (`mode = "door"`): the room it lets people into, as
    /// the programme names it.
    pub room: Option<String>,
    /// At a room door: scans can record exits too (a « Sortie » switch).
    pub exits: bool,
}

/// kiosk.toml `[kiosk] touch`: the on-screen keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Touch {
    /// Shown while the screen is in self-service (attendees have no
    /// keyboard), hidden for staff at a desk.
    #[default]
    Auto,
    /// Always shown (a staff tablet).
    On,
    /// Never shown.
    Off,
}

impl Touch {
    /// Whether the keyboard is shown to `mode`.
    pub fn shown(self, mode: Mode) -> bool {
        match self {
            Touch::Auto => mode.attended_by_attendees(),
            Touch::On => true,
            Touch::Off => false,
        }
    }
}

/// `[checkin] door_opens_minutes` when kiosk.toml does not say.
pub const DOOR_OPENS_MINUTES: u16 = 15;

/// Where CUPS listens on this machine: `[printer] server` when not set.
pub const DEFAULT_CUPS_SERVER: &str = "http://localhost:631";

/// The kiosk screen's language: French first, English on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    French,
    English,
}

impl Language {
    /// The code used in kiosk.toml and by the UI's translation bundle.
    pub fn code(self) -> &'static str {
        match self {
            Language::French => "fr",
            Language::English => "en",
        }
    }

    /// The other one: what the on-screen language button switches to.
    pub fn other(self) -> Language {
        match self {
            Language::French => Language::English,
            Language::English => Language::French,
        }
    }
}

/// Who stands in front of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Reception staff: search everyone, walk-ins, undo, reprints.
    #[default]
    Staff,
    /// Attendees on their own: their own badge, nothing else.
    SelfService,
    /// Admission is done elsewhere: a scan or a name prints the badge,
    /// nothing else (the screen as in self-service); the arrival is
    /// recorded or not (`station_arrival`), reprints capped and logged.
    BadgeStation,
    /// A room's door: a scan or a name admits to the session on there now
    /// (capacity, registration, opening time), or records an exit.
    Door,
}

impl Mode {
    /// Its name in kiosk.toml `[kiosk] mode`.
    pub fn key(self) -> &'static str {
        match self {
            Mode::Staff => "staff",
            Mode::SelfService => "self-service",
            Mode::BadgeStation => "badge-station",
            Mode::Door => "door",
        }
    }

    /// Whether attendees stand at the screen (self-service, badge station):
    /// they see only themselves.
    pub fn attended_by_attendees(self) -> bool {
        matches!(self, Mode::SelfService | Mode::BadgeStation)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{path} introuvable — lancez accueil depuis le dossier de l'événement ou indiquez --config CHEMIN"
    )]
    NotFound { path: PathBuf },
    #[error("{path} illisible : {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path}, ligne {line}, colonne {column} : {message} — corrigez cette ligne (voir le kiosk.toml d'exemple, chaque clé y est commentée)"
    )]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        /// toml's own error (its Display draws the line: not for a
        /// one-line message).
        toml: Box<toml::de::Error>,
    },
    #[error("{path} : {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Absent on a kiosk enrolled at a hub: the hub's event is used.
    event: Option<RawEvent>,
    #[serde(default, rename = "categories")]
    categories: Vec<RawCategory>,
    kiosk: RawKiosk,
    database: RawDatabase,
    #[serde(default)]
    checkin: RawCheckin,
    #[serde(default)]
    import: RawImport,
    #[serde(default)]
    badge: RawBadge,
    #[serde(default)]
    printer: RawPrinter,
    #[serde(default)]
    hub: RawHub,
    #[serde(default)]
    source: RawSource,
    #[serde(default)]
    scanner: RawScanner,
    #[serde(default)]
    attestation: RawAttestation,
}

/// kiosk.toml `[attestation]`: who signs attendance certificates.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttestation {
    organiser: Option<String>,
    signatory: Option<String>,
    place: Option<String>,
    signature: Option<PathBuf>,
}

/// kiosk.toml `[attestation]`, validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AttestationSettings {
    /// The organising body, at the top of each certificate.
    pub organiser: Option<String>,
    /// Who signs, with their title.
    pub signatory: Option<String>,
    /// Where it is signed (« Fait à Lyon »).
    pub place: Option<String>,
    /// The signature's image (PNG or JPEG), relative to kiosk.toml.
    pub signature: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScanner {
    /// "auto", "off" or a device path.
    camera: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: Option<String>,
    url: Option<String>,
    organizer: Option<String>,
    event: Option<String>,
    checkin_list: Option<u64>,
    token: Option<String>,
    refresh_seconds: Option<u64>,
    #[serde(default)]
    products: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHub {
    listen: Option<String>,
    token: Option<String>,
    dashboard_token: Option<String>,
    organiser_token: Option<String>,
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrinter {
    kind: Option<String>,
    name: Option<String>,
    server: Option<String>,
    folder: Option<PathBuf>,
    self_service_reprints: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBadge {
    size: Option<String>,
    elements: Option<Vec<String>>,
    qr: Option<String>,
    logo: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    name: String,
    timezone: String,
    days: Vec<String>,
    default_category: String,
    colour: Option<String>,
    retention_days: Option<u16>,
    max_wait_minutes: Option<u16>,
}

/// The kiosk's colour when the event has none: a calm dark blue.
const DEFAULT_EVENT_COLOUR: &str = "#1F4E8C";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    name: String,
    colour: String,
    #[serde(default)]
    days: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKiosk {
    id: String,
    name: String,
    mode: Option<String>,
    staff_pin: Option<String>,
    language: Option<String>,
    scanner_layout: Option<String>,
    /// "auto", true or false.
    touch: Option<toml::Value>,
    sound: Option<bool>,
    station_arrival: Option<bool>,
    room: Option<String>,
    exits: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    path: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheckin {
    #[serde(default)]
    accept_pending: bool,
    door_opens_minutes: Option<u16>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImport {
    separator: Option<String>,
    encoding: Option<String>,
    sheet: Option<String>,
    profile: Option<String>,
    header_row: Option<usize>,
    #[serde(default)]
    ignore_columns: Vec<String>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    status: BTreeMap<String, String>,
    #[serde(default)]
    categories: BTreeMap<String, String>,
}

impl Config {
    /// Reads and validates a kiosk.toml.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ConfigError::NotFound {
                    path: path.to_owned(),
                }
            } else {
                ConfigError::Read {
                    path: path.to_owned(),
                    source,
                }
            }
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut config = Config::parse(&text, base).map_err(|e| match e {
            ParseError::Syntax(source) => {
                let at = source.span().map_or(0, |s| s.start).min(text.len());
                let before = text.get(..at).unwrap_or("");
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                ConfigError::Syntax {
                    path: path.to_owned(),
                    line,
                    column,
                    // One line: the message without the snippet toml draws.
                    message: source
                        .message()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    toml: Box::new(source),
                }
            }
            ParseError::Invalid(message) => ConfigError::Invalid {
                path: path.to_owned(),
                message,
            },
        })?;
        config.path = Some(path.to_owned());
        Ok(config)
    }

    /// Parses kiosk.toml text; relative paths are taken from `base`.
    /// When kiosk.toml holds secrets (the hub's tokens, pretix's, the PIN
    /// hash) and other users of the machine can read it: what to say.
    pub fn secrets_exposed(&self, path: &Path) -> Option<String> {
        let secrets = self.hub.token.is_some()
            || self.hub.dashboard_token.is_some()
            || self.hub.organiser_token.is_some()
            || self.kiosk.staff_pin.is_some()
            || matches!(&self.source, Source::Pretix(p) if p.token.is_some());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).ok()?.permissions().mode();
            (secrets && mode & 0o044 != 0).then(|| {
                format!(
                    "{} contient des secrets (jetons, empreinte du PIN) et d'autres utilisateurs de cette machine peuvent le lire — chmod 600 {}",
                    path.display(),
                    path.display()
                )
            })
        }
        #[cfg(not(unix))]
        {
            let _ = (path, secrets);
            None
        }
    }

    /// The text this configuration was read from, as it was.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn parse(text: &str, base: &Path) -> Result<Config, ParseError> {
        let raw: RawConfig = toml::from_str(text).map_err(ParseError::Syntax)?;
        let mut config = raw.validate(base).map_err(ParseError::Invalid)?;
        config.text = text.to_owned();
        Ok(config)
    }

    /// This configuration's event sections, for its kiosks. A `[badge]
    /// logo` is a file of this machine: it stays here (kiosks keep their
    /// own).
    pub fn shared(&self) -> SharedConfig {
        let table: toml::Table = toml::from_str(&self.text).unwrap_or_default();
        let mut shared = toml::Table::new();
        for key in SHARED_SECTIONS {
            if let Some(v) = table.get(key) {
                shared.insert(key.to_owned(), v.clone());
            }
        }
        if let Some(toml::Value::Table(badge)) = shared.get_mut("badge") {
            badge.remove("logo");
        }
        let toml = toml::to_string(&shared).unwrap_or_default();
        let rev = {
            use ring::digest::{SHA256, digest};
            digest(&SHA256, toml.as_bytes())
                .as_ref()
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        SharedConfig { rev, toml }
    }

    /// This machine's configuration with the hub's event sections in place
    /// of its own (its `[badge] logo` kept), checked as a whole: what is
    /// wrong is said, and nothing changes.
    ///
    /// The hub names no file of this machine: a `[badge] logo` it sends is
    /// dropped (this machine's own is kept), and a configuration over
    /// [`MAX_SHARED_BYTES`], or beyond the bounds every kiosk.toml has, is
    /// refused whole.
    pub fn with_shared(&self, shared: &SharedConfig) -> Result<Config, String> {
        if shared.toml.len() > MAX_SHARED_BYTES {
            return Err(format!(
                "configuration du hub de {} Kio, {} Kio au plus",
                shared.toml.len() >> 10,
                MAX_SHARED_BYTES >> 10
            ));
        }
        let mut table: toml::Table = toml::from_str(&self.text).map_err(|e| e.to_string())?;
        let mut theirs: toml::Table = toml::from_str(&shared.toml)
            .map_err(|e| format!("configuration du hub illisible : {e}"))?;
        if let Some(toml::Value::Table(badge)) = theirs.get_mut("badge")
            && badge.remove("logo").is_some()
        {
            tracing::warn!(
                "configuration du hub : [badge] logo ignoré — un chemin de fichier ne vient jamais du hub, ce kiosque garde le sien"
            );
        }
        if let Some(other) = theirs
            .keys()
            .find(|k| !SHARED_SECTIONS.contains(&k.as_str()))
        {
            return Err(format!(
                "configuration du hub : section [{other}] inattendue (le hub ne transmet que {})",
                SHARED_SECTIONS.join(", ")
            ));
        }
        let logo = table.get("badge").and_then(|b| b.get("logo")).cloned();
        for key in SHARED_SECTIONS {
            table.remove(key);
        }
        for (k, v) in theirs {
            table.insert(k, v);
        }
        if let Some(logo) = logo {
            if let Some(toml::Value::Table(badge)) = table.get_mut("badge") {
                badge.insert("logo".into(), logo);
            } else {
                let mut badge = toml::Table::new();
                badge.insert("logo".into(), logo);
                table.insert("badge".into(), toml::Value::Table(badge));
            }
        }
        let merged = toml::to_string(&table).map_err(|e| e.to_string())?;
        let mut config = Config::parse(&merged, &self.base).map_err(|e| match e {
            ParseError::Syntax(e) => format!("configuration du hub : {}", e.message()),
            ParseError::Invalid(m) => format!("configuration du hub : {m}"),
        })?;
        // Later merges start from this machine's own text again.
        config.text = self.text.clone();
        config.path = self.path.clone();
        Ok(config)
    }
}

#[derive(Debug)]
pub enum ParseError {
    Syntax(toml::de::Error),
    Invalid(String),
}

fn parse_date(where_: &str, s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|_| {
        format!("{where_} : date « {s} » illisible — écrivez-la AAAA-MM-JJ, par exemple 2022-09-28")
    })
}

/// The event's colour: white text sits on it (buttons), so it must be dark
/// enough for WCAG AA.
fn event_colour(configured: Option<&str>) -> Result<String, String> {
    use crate::domain::colour::{AA, contrast_with_white};
    let Some(c) = configured.map(str::trim) else {
        return Ok(DEFAULT_EVENT_COLOUR.to_owned());
    };
    if !valid_colour(c) {
        return Err(format!(
            "[event] colour « {c} » invalide — écrivez-la #RRVVBB, par exemple {DEFAULT_EVENT_COLOUR}"
        ));
    }
    let ratio = contrast_with_white(c);
    if ratio < AA {
        return Err(format!(
            "[event] colour « {c} » trop claire : le texte blanc n'y est pas lisible (contraste {ratio:.1}:1, il faut {AA}:1) — choisissez une teinte plus foncée"
        ));
    }
    Ok(c.to_ascii_uppercase())
}

fn valid_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// The event's name on a kiosk that has not had the hub's event yet.
pub const AWAITING_HUB: &str = "En attente du hub";

impl RawConfig {
    /// A kiosk's file without `[event]` (written at its enrolment): the
    /// hub's event takes its place at the first sync; until then, an event
    /// of today with one category. Without a hub, `[event]` is needed.
    fn awaiting_hub(&mut self) -> Result<RawEvent, String> {
        if self.hub.url.as_deref().is_none_or(|u| u.trim().is_empty()) {
            return Err("section [event] absente — décrivez l'événement (nom, jours, catégories : voyez le kiosk.toml commenté) ou, pour un kiosque relié à un hub, indiquez [hub] url : il en reçoit l'événement".into());
        }
        let name = "Participant";
        self.categories = vec![RawCategory {
            name: name.into(),
            colour: DEFAULT_EVENT_COLOUR.into(),
            days: Vec::new(),
        }];
        let timezone = "Europe/Paris";
        let today = TimeZone::get(timezone)
            .unwrap_or_else(|_| TimeZone::system())
            .to_datetime(jiff::Timestamp::now())
            .date();
        Ok(RawEvent {
            name: AWAITING_HUB.into(),
            timezone: timezone.into(),
            days: vec![today.to_string()],
            default_category: name.into(),
            colour: None,
            retention_days: None,
            max_wait_minutes: None,
        })
    }

    fn validate(mut self, base: &Path) -> Result<Config, String> {
        let e = match self.event.take() {
            Some(e) => e,
            None => self.awaiting_hub()?,
        };
        if e.name.trim().is_empty() {
            return Err("[event] name est vide — donnez le nom de l'événement".into());
        }
        if e.name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "[event] name : {} caractères, {MAX_NAME_CHARS} au plus — raccourcissez-le",
                e.name.chars().count()
            ));
        }
        if e.days.len() > MAX_DAYS {
            return Err(format!(
                "[event] days : {} jours, {MAX_DAYS} au plus",
                e.days.len()
            ));
        }
        let timezone = TimeZone::get(&e.timezone).map_err(|_| {
            format!(
                "[event] timezone « {} » inconnu — utilisez un nom IANA comme « Europe/Paris »",
                e.timezone
            )
        })?;
        let mut days = e
            .days
            .iter()
            .map(|d| parse_date("[event] days", d))
            .collect::<Result<Vec<_>, _>>()?;
        days.sort();
        days.dedup();
        if days.is_empty() {
            return Err(
                "[event] days est vide — indiquez au moins un jour, par exemple [\"2022-09-28\"]"
                    .into(),
            );
        }
        if self.categories.is_empty() {
            return Err("aucune catégorie — ajoutez au moins un bloc [[categories]]".into());
        }
        if self.categories.len() > MAX_CATEGORIES {
            return Err(format!(
                "[[categories]] : {} catégories, {MAX_CATEGORIES} au plus — regroupez-les",
                self.categories.len()
            ));
        }
        let mut categories: Vec<Category> = Vec::new();
        for c in self.categories {
            let name = c.name.trim().to_owned();
            if name.is_empty() {
                return Err("[[categories]] : une catégorie n'a pas de nom".into());
            }
            if name.chars().count() > MAX_NAME_CHARS {
                return Err(format!(
                    "[[categories]] : un nom de {} caractères, {MAX_NAME_CHARS} au plus",
                    name.chars().count()
                ));
            }
            let folded = crate::domain::text::sort_key(&name);
            if categories
                .iter()
                .any(|o| crate::domain::text::sort_key(&o.name) == folded)
            {
                return Err(format!("[[categories]] : « {name} » apparaît deux fois"));
            }
            if !valid_colour(&c.colour) {
                return Err(format!(
                    "[[categories]] « {name} » : couleur « {} » invalide — écrivez-la #RRVVBB, par exemple #1F6FB2",
                    c.colour
                ));
            }
            let mut cat_days = Vec::new();
            for d in &c.days {
                let date = parse_date(&format!("[[categories]] « {name} » days"), d)?;
                if !days.contains(&date) {
                    return Err(format!(
                        "[[categories]] « {name} » : le {date} n'est pas un jour de [event] days"
                    ));
                }
                cat_days.push(date);
            }
            categories.push(Category {
                name,
                colour: c.colour.to_ascii_uppercase(),
                days: cat_days,
            });
        }
        let mut event = Event {
            name: e.name.trim().to_owned(),
            timezone,
            timezone_name: e.timezone,
            days,
            categories,
            default_category: e.default_category.clone(),
            colour: event_colour(e.colour.as_deref())?,
            retention_days: match e.retention_days {
                None => crate::domain::event::RETENTION_DAYS,
                Some(n) if n <= 3650 => n,
                Some(n) => {
                    return Err(format!(
                        "[event] retention_days = {n} : dix ans au plus (3650) — le RGPD demande une durée limitée, en général quelques semaines"
                    ));
                }
            },
            max_wait_minutes: match e.max_wait_minutes {
                None => crate::domain::event::MAX_WAIT_MINUTES,
                Some(n) if (1..=120).contains(&n) => n,
                Some(n) => {
                    return Err(format!(
                        "[event] max_wait_minutes = {n} : de 1 à 120 minutes — l'attente à l'entrée au-delà de laquelle la page des organisateurs alerte"
                    ));
                }
            },
        };
        match event.category(&e.default_category) {
            Some(c) => event.default_category = c.name.clone(),
            None => {
                return Err(format!(
                    "[event] default_category « {} » n'est pas une des [[categories]]",
                    e.default_category
                ));
            }
        }

        let id = self.kiosk.id.trim().to_owned();
        if id.is_empty()
            || id.len() > 40
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "[kiosk] id « {id} » invalide — lettres, chiffres, - et _ seulement (40 au plus), unique par kiosque, par exemple « accueil-1 »"
            ));
        }
        let mode = match self.kiosk.mode.as_deref() {
            None | Some("staff") => Mode::Staff,
            Some("self-service") => Mode::SelfService,
            Some("badge-station") => Mode::BadgeStation,
            Some("door") => Mode::Door,
            Some(other) => {
                return Err(format!(
                    "[kiosk] mode « {other} » inconnu — « staff » (accueil), « self-service » (borne en libre service), « badge-station » (poste badges) ou « door » (porte de salle)"
                ));
            }
        };
        let room = self
            .kiosk
            .room
            .as_deref()
            .map(crate::domain::text::squeeze)
            .filter(|r| !r.is_empty());
        match (mode, &room) {
            (Mode::Door, None) => {
                return Err("[kiosk] mode = \"door\" demande la salle de cette porte : room = \"Amphi A\" (comme dans le programme, « accueil sessions » les liste)".into());
            }
            (Mode::Door, Some(r)) if r.chars().count() > 100 => {
                return Err("[kiosk] room : 100 caractères au plus".into());
            }
            (Mode::Door, Some(_)) => {}
            (_, Some(_)) => {
                return Err("[kiosk] room ne sert qu'à une porte de salle — ajoutez mode = \"door\", ou retirez room".into());
            }
            (_, None) => {}
        }
        if self.kiosk.exits.is_some() && mode != Mode::Door {
            return Err("[kiosk] exits ne sert qu'à une porte de salle (mode = \"door\")".into());
        }
        let door_opens_minutes = self
            .checkin
            .door_opens_minutes
            .unwrap_or(DOOR_OPENS_MINUTES);
        if door_opens_minutes > 240 {
            return Err(format!(
                "[checkin] door_opens_minutes = {door_opens_minutes} : 240 au plus (4 heures avant la séance)"
            ));
        }
        let staff_pin = self.kiosk.staff_pin.filter(|p| !p.trim().is_empty());
        if let Some(pin) = &staff_pin
            && argon2::PasswordHash::new(pin).is_err()
        {
            return Err("[kiosk] staff_pin n'est pas une empreinte argon2 — générez-la avec « accueil pin-hash »".into());
        }
        if mode.attended_by_attendees() && staff_pin.is_none() {
            return Err("[kiosk] mode = \"self-service\" (ou \"badge-station\") demande un staff_pin pour que le personnel puisse reprendre la main — générez-le avec « accueil pin-hash »".into());
        }
        let language = match self.kiosk.language.as_deref() {
            None | Some("fr") => Language::French,
            Some("en") => Language::English,
            Some(other) => {
                return Err(format!(
                    "[kiosk] language « {other} » inconnue — « fr » (français) ou « en » (anglais)"
                ));
            }
        };
        let scanner_layout = match self.kiosk.scanner_layout.as_deref().map(str::trim) {
            None | Some("") => ScannerLayout::Auto,
            Some(value) => ScannerLayout::parse(value).ok_or_else(|| {
                format!(
                    "[kiosk] scanner_layout « {value} » inconnu — « auto », « none », ou lecteur/poste parmi : {}",
                    Mix::ALL.map(|m| m.key()).join(", ")
                )
            })?,
        };
        let touch = match &self.kiosk.touch {
            None => Touch::Auto,
            Some(toml::Value::String(s)) if s.trim() == "auto" => Touch::Auto,
            Some(toml::Value::Boolean(true)) => Touch::On,
            Some(toml::Value::Boolean(false)) => Touch::Off,
            Some(other) => {
                return Err(format!(
                    "[kiosk] touch = {other} inconnu — \"auto\" (clavier à l'écran en libre service), true (toujours) ou false (jamais), sans guillemets pour true et false"
                ));
            }
        };
        let kiosk = KioskIdentity {
            name: if self.kiosk.name.trim().is_empty() {
                id.clone()
            } else {
                self.kiosk.name.trim().to_owned()
            },
            id,
            mode,
            staff_pin,
            language,
            scanner_layout,
            touch,
            sound: self.kiosk.sound.unwrap_or(true),
            station_arrival: self.kiosk.station_arrival.unwrap_or(true),
            room,
            exits: self.kiosk.exits.unwrap_or(false),
        };

        let import = validate_import(self.import, &event)?;
        let badge = validate_badge(self.badge, base)?;
        let printer = validate_printer(self.printer, base)?;
        let source = validate_source(self.source, &event)?;
        let camera = match self.scanner.camera.as_deref().map(str::trim) {
            None | Some("auto") => crate::camera::CameraSetting::Auto,
            Some("off") => crate::camera::CameraSetting::Off,
            Some(dev) if dev.starts_with("/dev/") => {
                crate::camera::CameraSetting::Device(PathBuf::from(dev))
            }
            Some(other) => {
                return Err(format!(
                    "[scanner] camera « {other} » inconnu — « auto » (la première caméra), « off », ou un périphérique comme « /dev/video0 »"
                ));
            }
        };
        Ok(Config {
            event,
            kiosk,
            database: base.join(self.database.path),
            policy: Policy {
                accept_pending: self.checkin.accept_pending,
            },
            door_opens_before: jiff::SignedDuration::from_mins(i64::from(door_opens_minutes)),
            import,
            badge,
            printer,
            hub: validate_hub(self.hub)?,
            source,
            camera,
            attestation: {
                let text = |v: Option<String>| {
                    v.map(|t| crate::domain::text::squeeze(&t))
                        .filter(|t| !t.is_empty())
                };
                AttestationSettings {
                    organiser: text(self.attestation.organiser),
                    signatory: text(self.attestation.signatory),
                    place: text(self.attestation.place),
                    signature: self.attestation.signature.map(|p| base.join(p)),
                }
            },
            path: None,
            text: String::new(),
            base: base.to_owned(),
        })
    }
}

fn validate_hub(raw: RawHub) -> Result<HubSettings, String> {
    let secret = |key: &str, value: Option<String>| -> Result<Option<String>, String> {
        let Some(v) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        if v.chars().count() < MIN_TOKEN_LEN {
            return Err(format!(
                "[hub] {key} trop court ({} caractères, {MIN_TOKEN_LEN} au moins) — tirez-en un au hasard, par exemple avec « openssl rand -hex 16 »",
                v.chars().count()
            ));
        }
        Ok(Some(v))
    };
    let listen = match raw.listen.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(l) => Some(l.parse().map_err(|_| {
            format!("[hub] listen « {l} » illisible — adresse:port, par exemple « 0.0.0.0:8080 »")
        })?),
    };
    let url = match raw.url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
            Some(u.trim_end_matches('/').to_owned())
        }
        Some(u) => {
            return Err(format!(
                "[hub] url « {u} » illisible — écrivez-la http://machine:port, par exemple http://192.168.1.10:8080"
            ));
        }
    };
    let hub = HubSettings {
        listen,
        token: secret("token", raw.token)?,
        dashboard_token: secret("dashboard_token", raw.dashboard_token)?,
        organiser_token: secret("organiser_token", raw.organiser_token)?,
        url,
    };
    // Without `token`, kiosks enrol with the one-time codes of the
    // organisers' page (« Ajouter un kiosque ») only.
    if hub.token.is_some() && hub.token == hub.dashboard_token {
        return Err("[hub] dashboard_token doit différer de token : la page des organisateurs ne doit pas ouvrir la synchronisation".into());
    }
    if hub.organiser_token.is_some()
        && (hub.organiser_token == hub.token || hub.organiser_token == hub.dashboard_token)
    {
        return Err("[hub] organiser_token doit différer de token et de dashboard_token : chacun n'ouvre que ce qui est à son porteur".into());
    }
    Ok(hub)
}

/// Shortest refresh a running kiosk may ask of pretix: a full download
/// pages through the whole list (≈ 0.4 s per 50 people).
const MIN_REFRESH_SECONDS: u64 = 30;

fn validate_source(raw: RawSource, event: &Event) -> Result<Source, String> {
    let kind = raw.kind.as_deref().map(str::trim).unwrap_or("file");
    if kind == "file" {
        let pretix_keys = raw.url.is_some()
            || raw.organizer.is_some()
            || raw.event.is_some()
            || raw.checkin_list.is_some()
            || raw.token.is_some()
            || !raw.products.is_empty();
        if pretix_keys {
            return Err(
                "[source] : clés pretix sans kind = \"pretix\" — ajoutez-le, ou retirez-les".into(),
            );
        }
        return Ok(Source::File);
    }
    if kind != "pretix" {
        return Err(format!(
            "[source] kind « {kind} » inconnu — « file » (fichiers CSV/XLSX) ou « pretix »"
        ));
    }
    let text = |key: &str, v: Option<String>, example: &str| -> Result<String, String> {
        v.map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                format!("[source] {key} manquant pour pretix — par exemple {key} = \"{example}\"")
            })
    };
    let url = text("url", raw.url, "https://pretix.eu")?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "[source] url « {url} » illisible — l'adresse du serveur pretix, par exemple https://pretix.eu"
        ));
    }
    let organizer = text("organizer", raw.organizer, "mon-organisation")?;
    let slug = |key: &str, v: &str| -> Result<(), String> {
        if v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            Ok(())
        } else {
            Err(format!(
                "[source] {key} « {v} » invalide — le code court de pretix, tel qu'il apparaît dans l'adresse (lettres, chiffres, -)"
            ))
        }
    };
    slug("organizer", &organizer)?;
    let pretix_event = text("event", raw.event, "journees2026")?;
    slug("event", &pretix_event)?;
    let checkin_list = raw.checkin_list.ok_or(
        "[source] checkin_list manquant pour pretix — le numéro de la liste d'enregistrement (pretix : Enregistrement → Listes, dans l'adresse de la liste)",
    )?;
    let refresh_seconds = raw.refresh_seconds.unwrap_or(120);
    if refresh_seconds < MIN_REFRESH_SECONDS {
        return Err(format!(
            "[source] refresh_seconds = {refresh_seconds} trop court — {MIN_REFRESH_SECONDS} au moins : chaque actualisation relit toute la liste"
        ));
    }
    let mut products = BTreeMap::new();
    for (product, category) in raw.products {
        let Some(c) = event.category(&category) else {
            return Err(format!(
                "[source.products] « {product} » = « {category} » : catégorie inconnue — elle doit figurer dans un bloc [[categories]]"
            ));
        };
        products.insert(product.trim().to_owned(), c.name.clone());
    }
    Ok(Source::Pretix(PretixSettings {
        url: url.trim_end_matches('/').to_owned(),
        organizer,
        event: pretix_event,
        checkin_list,
        token: raw
            .token
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty()),
        refresh: std::time::Duration::from_secs(refresh_seconds),
        products,
    }))
}

fn validate_printer(raw: RawPrinter, base: &Path) -> Result<PrinterSettings, String> {
    let printer = match raw.kind.as_deref().unwrap_or("folder") {
        "cups" => {
            let queue = raw
                .name
                .filter(|n| !n.trim().is_empty())
                .ok_or("[printer] name manquant — le nom de la file CUPS (voir « lpstat -p »)")?;
            let server = raw.server.unwrap_or_else(|| DEFAULT_CUPS_SERVER.into());
            if !(server.starts_with("http://") || server.starts_with("ipp://")) {
                return Err(format!(
                    "[printer] server « {server} » invalide — par exemple « http://localhost:631 »"
                ));
            }
            Printer::Cups {
                server: server.replacen("ipp://", "http://", 1),
                queue,
            }
        }
        "folder" => Printer::Folder {
            dir: base.join(
                raw.folder
                    .unwrap_or_else(|| PathBuf::from("badges-imprimes")),
            ),
        },
        other => {
            return Err(format!(
                "[printer] kind « {other} » inconnu — « cups » (imprimante du système) ou « folder » (PDF dans un dossier)"
            ));
        }
    };
    Ok(PrinterSettings {
        printer,
        self_service_reprints: raw.self_service_reprints.unwrap_or(0),
    })
}

fn validate_badge(raw: RawBadge, base: &Path) -> Result<BadgeSettings, String> {
    let mut settings = BadgeSettings::default();
    if let Some(size) = raw.size {
        settings.format = Format::parse(&size).ok_or_else(|| {
            format!(
                "[badge] size « {size} » inconnu — formats : {}",
                Format::ALL.map(Format::name).join(", ")
            )
        })?;
    }
    if let Some(list) = raw.elements {
        let mut e = Elements {
            event: false,
            organisation: false,
            category: false,
            qr: false,
            logo: false,
        };
        for item in &list {
            match item.as_str() {
                "event" => e.event = true,
                "organisation" => e.organisation = true,
                "category" => e.category = true,
                "qr" => e.qr = true,
                other => {
                    return Err(format!(
                        "[badge] elements : « {other} » inconnu — éléments possibles : event, organisation, category, qr (prénom et nom sont toujours présents ; le logo vient de [badge] logo)"
                    ));
                }
            }
        }
        settings.elements = e;
    }
    if let Some(qr) = raw.qr {
        if qr.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "[badge] qr : {} caractères, {MAX_NAME_CHARS} au plus (le QR code grandit avec lui)",
                qr.chars().count()
            ));
        }
        if !qr.contains("{code}") && !qr.contains("{uid}") {
            return Err(format!(
                "[badge] qr « {qr} » ne contient ni {{code}} ni {{uid}} — tous les badges auraient le même QR code"
            ));
        }
        settings.qr = qr;
    }
    if let Some(logo) = raw.logo {
        settings.logo = Some(base.join(logo));
        settings.elements.logo = true;
    }
    Ok(settings)
}

fn validate_import(raw: RawImport, event: &Event) -> Result<ImportSettings, String> {
    let separator = match raw.separator.as_deref() {
        None | Some("auto") => None,
        Some(";") => Some(b';'),
        Some(",") => Some(b','),
        Some("tab") | Some("\t") => Some(b'\t'),
        Some(other) => {
            return Err(format!(
                "[import] separator « {other} » invalide — « auto », « ; », « , » ou « tab »"
            ));
        }
    };
    let encoding = match raw.encoding.as_deref() {
        None | Some("auto") => Encoding::Auto,
        Some("utf-8") | Some("utf8") => Encoding::Utf8,
        Some("windows-1252") | Some("cp1252") | Some("latin1") => Encoding::Windows1252,
        Some("mac-roman") | Some("macintosh") => Encoding::MacRoman,
        Some(other) => {
            return Err(format!(
                "[import] encoding « {other} » invalide — « auto », « utf-8 », « windows-1252 » ou « mac-roman »"
            ));
        }
    };
    let profile = match raw.profile.as_deref().map(str::trim) {
        None | Some("") | Some("auto") => None,
        Some(id) => match crate::import::profile::by_id(id) {
            Some(p) => Some(p.id.to_owned()),
            None => {
                return Err(format!(
                    "[import] profile « {id} » inconnu — « auto » ou l'un de : {}",
                    crate::import::profile::PROFILES
                        .iter()
                        .filter(|p| p.attendees)
                        .map(|p| p.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        },
    };
    if raw.header_row == Some(0) {
        return Err("[import] header_row commence à 1 (la première ligne du fichier)".into());
    }
    let mut columns = BTreeMap::new();
    for (key, header) in raw.columns {
        let column = Column::from_key(&key).ok_or_else(|| {
            format!(
                "[import.columns] clé « {key} » inconnue — clés possibles : {}",
                Column::ALL.map(Column::key).join(", ")
            )
        })?;
        if header.trim().is_empty() {
            return Err(format!("[import.columns] {key} est vide"));
        }
        columns.insert(column, header);
    }
    let mut statuses = BTreeMap::new();
    for (word, meaning) in raw.status {
        let status = match meaning.trim() {
            "valid" => Status::Valid,
            "pending" => Status::Pending,
            "cancelled" => Status::Cancelled,
            other => {
                return Err(format!(
                    "[import.status] « {word} » = « {other} » : attendu « valid » (admis), « pending » (en attente) ou « cancelled » (annulé)"
                ));
            }
        };
        statuses.insert(sort_key(&word), status);
    }
    let mut categories = BTreeMap::new();
    for (value, category) in raw.categories {
        let Some(c) = event.category(&category) else {
            return Err(format!(
                "[import.categories] « {value} » = « {category} » : pas une des [[categories]] ({})",
                event
                    .categories
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        categories.insert(sort_key(&value), c.name.clone());
    }
    Ok(ImportSettings {
        separator,
        encoding,
        sheet: raw.sheet,
        columns,
        profile,
        header_row: raw.header_row,
        statuses,
        categories,
        ignore: raw
            .ignore_columns
            .iter()
            .map(|h| sort_key(h))
            .filter(|h| !h.is_empty())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r##"
[event]
name = "Journées"
timezone = "Europe/Paris"
days = ["2022-09-29", "2022-09-28"]
default_category = "participant"

[[categories]]
name = "Participant"
colour = "#1f6fb2"

[[categories]]
name = "Exposant"
colour = "#8A5A00"
days = ["2022-09-29"]

[kiosk]
id = "accueil-1"
name = "Porte A"

[database]
path = "data/accueil.sqlite"
"##;

    #[test]
    fn minimal_config_validates() {
        let c = Config::parse(MINIMAL, Path::new("/srv/event")).unwrap();
        assert_eq!(c.event.days[0].to_string(), "2022-09-28", "days are sorted");
        assert_eq!(c.event.default_category, "Participant");
        assert_eq!(c.event.categories[0].colour, "#1F6FB2");
        assert_eq!(c.database, Path::new("/srv/event/data/accueil.sqlite"));
        assert_eq!(c.import.separator, None);
        assert_eq!(c.kiosk.language, Language::French, "French unless asked");
        let en = MINIMAL.replace(
            "name = \"Porte A\"",
            "name = \"Porte A\"\nlanguage = \"en\"",
        );
        let c = Config::parse(&en, Path::new("/srv/event")).unwrap();
        assert_eq!(c.kiosk.language, Language::English);
    }

    fn invalid(text: &str) -> String {
        match Config::parse(text, Path::new(".")) {
            Err(ParseError::Invalid(m)) => m,
            Err(ParseError::Syntax(e)) => format!("syntax: {e}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn mistakes_are_named() {
        let m = invalid(&MINIMAL.replace("Europe/Paris", "Europe/Pari"));
        assert!(m.contains("Europe/Pari"), "{m}");
        let m = invalid(&MINIMAL.replace("#8A5A00", "brown"));
        assert!(m.contains("Exposant") && m.contains("brown"), "{m}");
        let m = invalid(&MINIMAL.replace("days = [\"2022-09-29\"]", "days = [\"2022-10-01\"]"));
        assert!(m.contains("2022-10-01"), "{m}");
        let m = invalid(&MINIMAL.replace(
            "default_category = \"participant\"",
            "default_category = \"VIP\"",
        ));
        assert!(m.contains("VIP"), "{m}");
        let m = invalid(&MINIMAL.replace("accueil-1", "accueil 1"));
        assert!(m.contains("[kiosk] id"), "{m}");
        let m = invalid(&MINIMAL.replace(
            "name = \"Porte A\"",
            "name = \"Porte A\"\nlanguage = \"de\"",
        ));
        assert!(m.contains("language « de »") && m.contains("« en »"), "{m}");
        let with_colour =
            |c: &str| MINIMAL.replace("timezone =", &format!("colour = \"{c}\"\ntimezone ="));
        let m = invalid(&with_colour("#FFD700"));
        assert!(m.contains("#FFD700") && m.contains("trop claire"), "{m}");
        let m = invalid(&with_colour("bleu"));
        assert!(m.contains("« bleu » invalide"), "{m}");
        let c = Config::parse(&with_colour("#6b3fa0"), Path::new(".")).unwrap();
        assert_eq!(c.event.colour, "#6B3FA0");
        let m = invalid(&format!("{MINIMAL}\n[import.columns]\nsurname = \"Nom\"\n"));
        assert!(m.contains("surname") && m.contains("last_name"), "{m}");
    }

    #[test]
    fn badge_settings() {
        let c = Config::parse(MINIMAL, Path::new("/e")).unwrap();
        assert_eq!(c.badge, BadgeSettings::default());
        let c = Config::parse(
            &format!(
                "{MINIMAL}\n[badge]\nsize = \"cr80\"\nelements = [\"qr\"]\nlogo = \"logo.png\"\n"
            ),
            Path::new("/e"),
        )
        .unwrap();
        assert_eq!(c.badge.format, Format::Cr80);
        assert!(c.badge.elements.qr && !c.badge.elements.event && c.badge.elements.logo);
        assert_eq!(c.badge.logo.as_deref(), Some(Path::new("/e/logo.png")));
        let m = invalid(&format!("{MINIMAL}\n[badge]\nsize = \"a5\"\n"));
        assert!(m.contains("a5") && m.contains("a4-2x4"), "{m}");
        let m = invalid(&format!(
            "{MINIMAL}\n[badge]\nqr = \"https://example.fr\"\n"
        ));
        assert!(m.contains("{code}"), "{m}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let m = invalid(&MINIMAL.replace("[kiosk]", "[kiosk]\ncolor = 1"));
        assert!(m.starts_with("syntax") && m.contains("color"), "{m}");
    }

    const PRETIX: &str = r#"
[source]
kind = "pretix"
url = "https://pretix.eu/"
organizer = "nec"
event = "nec2022"
checkin_list = 7
[source.products]
"Billet exposant" = "exposant"
"#;

    #[test]
    fn a_pretix_source_validates() {
        let c = Config::parse(&format!("{MINIMAL}{PRETIX}"), Path::new(".")).unwrap();
        let Source::Pretix(p) = c.source else {
            panic!("not pretix")
        };
        assert_eq!(p.url, "https://pretix.eu", "no trailing slash");
        assert_eq!((p.organizer.as_str(), p.checkin_list), ("nec", 7));
        assert_eq!(p.refresh, std::time::Duration::from_secs(120));
        assert_eq!(
            p.products.get("Billet exposant").map(String::as_str),
            Some("Exposant"),
            "the category's own spelling"
        );
        let file = Config::parse(MINIMAL, Path::new(".")).unwrap();
        assert_eq!(file.source, Source::File, "files unless told");
    }

    #[test]
    fn pretix_mistakes_are_named() {
        let with =
            |from: &str, to: &str| invalid(&format!("{MINIMAL}{}", PRETIX.replace(from, to)));
        assert!(with("checkin_list = 7\n", "").contains("checkin_list manquant"));
        assert!(with("kind = \"pretix\"", "kind = \"eventbrite\"").contains("« file »"));
        assert!(with("https://pretix.eu/", "pretix.eu").contains("https://pretix.eu"));
        assert!(with("event = \"nec2022\"", "event = \"nec 2022\"").contains("[source] event"));
        assert!(with("\"exposant\"", "\"VIP\"").contains("[[categories]]"));
        assert!(
            with("checkin_list = 7", "checkin_list = 7\nrefresh_seconds = 5")
                .contains("30 au moins")
        );
        let half = invalid(&format!("{MINIMAL}[source]\norganizer = \"nec\"\n"));
        assert!(half.contains("kind = \"pretix\""), "{half}");
    }
}
