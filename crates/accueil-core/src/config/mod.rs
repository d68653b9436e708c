//! kiosk.toml: read with serde (`deny_unknown_fields`), validated into a
//! [`Config`]. The repository's root kiosk.toml documents every key. One
//! file per section (or pair of sections that change together), each with
//! its raw serde shape and the function that validates it; this file reads
//! the whole, hands each section to its file, and merges the hub's event
//! into a kiosk's.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::{Event, Policy};
use crate::import::ImportSettings;
use crate::protocol::SharedConfig;

mod badge;
mod event;
mod hub;
mod import;
mod kiosk;
mod printer;
mod source;

pub use badge::{AttestationSettings, BadgeSettings};
pub use event::AWAITING_HUB;
pub use hub::{HubSettings, MIN_TOKEN_LEN};
pub use kiosk::{DOOR_OPENS_MINUTES, KioskIdentity, Language, Mode, Touch};
pub use printer::{DEFAULT_CUPS_SERVER, PrinterSettings};
pub use source::{PRETIX_TOKEN_VAR, PretixSettings, Source};

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
    event: Option<event::RawEvent>,
    #[serde(default, rename = "categories")]
    categories: Vec<event::RawCategory>,
    kiosk: kiosk::RawKiosk,
    database: RawDatabase,
    #[serde(default)]
    checkin: kiosk::RawCheckin,
    #[serde(default)]
    import: import::RawImport,
    #[serde(default)]
    badge: badge::RawBadge,
    #[serde(default)]
    printer: printer::RawPrinter,
    #[serde(default)]
    hub: hub::RawHub,
    #[serde(default)]
    source: source::RawSource,
    #[serde(default)]
    scanner: kiosk::RawScanner,
    #[serde(default)]
    attestation: badge::RawAttestation,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDatabase {
    pub(super) path: PathBuf,
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

impl RawConfig {
    /// Each section to its file, in the order of kiosk.toml.
    fn validate(self, base: &Path) -> Result<Config, String> {
        let (raw_event, raw_categories) = match self.event {
            Some(e) => (e, self.categories),
            None => event::awaiting_hub(self.hub.url.as_deref())?,
        };
        let event = event::validate(raw_event, raw_categories)?;
        let kiosk = kiosk::validate(self.kiosk)?;
        let door_opens_before = kiosk::door_opens_before(&self.checkin)?;
        let import = import::validate(self.import, &event)?;
        let badge = badge::validate(self.badge, base)?;
        let printer = printer::validate(self.printer, base)?;
        let source = source::validate(self.source, &event)?;
        let camera = kiosk::camera(&self.scanner)?;
        Ok(Config {
            event,
            kiosk,
            database: base.join(self.database.path),
            policy: Policy {
                accept_pending: self.checkin.accept_pending,
            },
            door_opens_before,
            import,
            badge,
            printer,
            hub: hub::validate(self.hub)?,
            source,
            camera,
            attestation: badge::validate_attestation(self.attestation, base),
            path: None,
            text: String::new(),
            base: base.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::badge::Format;

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

    /// Every mode reads back from its kiosk.toml key, and the message for
    /// an unknown one names them all (a new mode must be offered there).
    #[test]
    fn every_mode_is_named_where_a_wrong_one_is_refused() {
        use strum::IntoEnumIterator;
        let m = invalid(&MINIMAL.replace(
            "name = \"Porte A\"",
            "name = \"Porte A\"\nmode = \"kiosque\"",
        ));
        for mode in Mode::iter() {
            assert_eq!(mode.key().parse::<Mode>().ok(), Some(mode));
            assert!(m.contains(&format!("« {} »", mode.key())), "{m}");
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
