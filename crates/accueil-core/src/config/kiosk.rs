//! kiosk.toml `[kiosk]` (this machine: its id, who stands before it, its
//! language, scanner, screen and sound), `[checkin]`'s door opening and
//! `[scanner]`'s camera.

use std::path::PathBuf;

use serde::Deserialize;

pub use crate::domain::i18n::Language;
use crate::domain::keyboard::{Mix, ScannerLayout};

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

/// Who stands in front of the screen.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[strum(serialize_all = "kebab-case")]
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
        self.into()
    }

    /// Whether attendees stand at the screen (self-service, badge station):
    /// they see only themselves.
    pub fn attended_by_attendees(self) -> bool {
        matches!(self, Mode::SelfService | Mode::BadgeStation)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKiosk {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) mode: Option<String>,
    pub(super) staff_pin: Option<String>,
    pub(super) language: Option<String>,
    pub(super) scanner_layout: Option<String>,
    /// "auto", true or false.
    pub(super) touch: Option<toml::Value>,
    pub(super) sound: Option<bool>,
    pub(super) station_arrival: Option<bool>,
    pub(super) room: Option<String>,
    pub(super) exits: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCheckin {
    #[serde(default)]
    pub(super) accept_pending: bool,
    pub(super) door_opens_minutes: Option<u16>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScanner {
    /// "auto", "off" or a device path.
    pub(super) camera: Option<String>,
}

/// `[kiosk]`, validated.
pub(super) fn validate(raw: RawKiosk) -> Result<KioskIdentity, String> {
    let id = validate_id(&raw.id)?;
    let (mode, room) = mode_and_room(&raw)?;
    let (language, scanner_layout, touch) = screen(&raw)?;
    let staff_pin = raw.staff_pin.filter(|p| !p.trim().is_empty());
    if let Some(pin) = &staff_pin
        && argon2::PasswordHash::new(pin).is_err()
    {
        return Err("[kiosk] staff_pin n'est pas une empreinte argon2 — générez-la avec « accueil pin-hash »".into());
    }
    if mode.attended_by_attendees() && staff_pin.is_none() {
        return Err("[kiosk] mode = \"self-service\" (ou \"badge-station\") demande un staff_pin pour que le personnel puisse reprendre la main — générez-le avec « accueil pin-hash »".into());
    }
    let kiosk = KioskIdentity {
        name: if raw.name.trim().is_empty() {
            id.clone()
        } else {
            raw.name.trim().to_owned()
        },
        id,
        mode,
        staff_pin,
        language,
        scanner_layout,
        touch,
        sound: raw.sound.unwrap_or(true),
        station_arrival: raw.station_arrival.unwrap_or(true),
        room,
        exits: raw.exits.unwrap_or(false),
    };
    Ok(kiosk)
}

/// `[kiosk] id`: it names the kiosk's log, so it is plain and bounded.
fn validate_id(raw: &str) -> Result<String, String> {
    let id = raw.trim().to_owned();
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
    Ok(id)
}

/// `[kiosk] mode`, and the `room` (and `exits`) that only a door has.
fn mode_and_room(raw: &RawKiosk) -> Result<(Mode, Option<String>), String> {
    let mode = match raw.mode.as_deref() {
        None => Mode::Staff,
        Some(key) => key.parse().map_err(|_| {
            format!(
                "[kiosk] mode « {key} » inconnu — « staff » (accueil), « self-service » (borne en libre service), « badge-station » (poste badges) ou « door » (porte de salle)"
            )
        })?,
    };
    let room = raw
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
    if raw.exits.is_some() && mode != Mode::Door {
        return Err("[kiosk] exits ne sert qu'à une porte de salle (mode = \"door\")".into());
    }
    Ok((mode, room))
}

/// `[kiosk] language`, `scanner_layout` and `touch`: what the screen
/// speaks, how scans are read, whether it shows a keyboard.
fn screen(raw: &RawKiosk) -> Result<(Language, ScannerLayout, Touch), String> {
    let language = match raw.language.as_deref() {
        None => Language::French,
        Some(code) => code.parse().map_err(|_| {
            format!("[kiosk] language « {code} » inconnue — « fr » (français) ou « en » (anglais)")
        })?,
    };
    let scanner_layout = match raw.scanner_layout.as_deref().map(str::trim) {
        None | Some("") => ScannerLayout::Auto,
        Some(value) => ScannerLayout::parse(value).ok_or_else(|| {
            format!(
                "[kiosk] scanner_layout « {value} » inconnu — « auto », « none », ou lecteur/poste parmi : {}",
                Mix::ALL.map(|m| m.key()).join(", ")
            )
        })?,
    };
    let touch = match &raw.touch {
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
    Ok((language, scanner_layout, touch))
}

/// `[checkin] door_opens_minutes`: how long before a session its room's
/// doors admit.
pub(super) fn door_opens_before(raw: &RawCheckin) -> Result<jiff::SignedDuration, String> {
    let door_opens_minutes = raw.door_opens_minutes.unwrap_or(DOOR_OPENS_MINUTES);
    if door_opens_minutes > 240 {
        return Err(format!(
            "[checkin] door_opens_minutes = {door_opens_minutes} : 240 au plus (4 heures avant la séance)"
        ));
    }
    Ok(jiff::SignedDuration::from_mins(i64::from(
        door_opens_minutes,
    )))
}

/// `[scanner] camera`: « auto », « off » or a device.
pub(super) fn camera(raw: &RawScanner) -> Result<crate::camera::CameraSetting, String> {
    let camera = match raw.camera.as_deref().map(str::trim) {
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
    Ok(camera)
}
