//! Enrolment by QR code. At the hub: the invitations the organisers' page
//! shows (« Ajouter un kiosque »), and the kiosk that shows one given its
//! id, its own credential and the event. At a new kiosk: joining a hub
//! from an invitation, with a kiosk.toml that holds only what is its own
//! (mode, printer, language, the hub's address).

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::{AppError, Kiosk, Result};
use crate::config::{Config, Language, Mode};
use crate::domain::enrolment::{INVITATION_MINUTES, Invitation, Invitations, grouped};
use crate::sync::{HUB_CREDENTIAL, JoinResponse};

/// An invitation as the organisers' page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationView {
    /// What the QR code holds.
    pub payload: String,
    /// To type by hand: the hub's address and the code.
    pub hub: String,
    pub code: String,
    pub expires_at: Timestamp,
    pub minutes: i64,
    /// The QR code, as an SVG image.
    pub svg: String,
}

/// At the hub: a new one-time invitation for a kiosk to reach the hub at
/// `hub` (`http://host:port`, as the kiosks see it), kept in `pending`.
pub fn invite(hub: &str, pending: &mut Invitations, now: Timestamp) -> Result<InvitationView> {
    use ring::rand::SecureRandom;
    let mut random = [0u8; 8];
    ring::rand::SystemRandom::new()
        .fill(&mut random)
        .map_err(|_| crate::sync::SyncError::NoRandom)?;
    let invitation = Invitation {
        hub: hub.to_owned(),
        code: Invitation::new_code(random),
    };
    let payload = invitation.payload();
    let svg = crate::badge::QrMatrix::encode(&payload)?.svg();
    let expires_at = pending.issue(invitation.code.clone(), now);
    Ok(InvitationView {
        payload,
        hub: invitation.hub,
        code: grouped(&invitation.code),
        expires_at,
        minutes: INVITATION_MINUTES,
        svg,
    })
}

/// The print queues of the CUPS server at `server`, for a set-up to
/// choose from.
pub fn printers(server: &str) -> Result<Vec<crate::print::Queue>> {
    crate::print::queues(server).map_err(AppError::from)
}

/// How many kiosks one hub names before it gives up looking for a free id.
const MAX_KIOSKS: u32 = 999;

impl Kiosk {
    /// At the hub: a kiosk that showed a valid invitation, given the first
    /// id no kiosk has had (`borne-01`, `borne-02`…: never one in the log,
    /// revoked or enrolled), its credential and the event. The staff PIN's
    /// hash only to a kiosk that will serve attendees (it unlocks staff
    /// mode there): a staff kiosk or a door has no use for it, and every
    /// copy of it is one more to crack.
    pub fn enrol_invited(&mut self, attended: bool) -> Result<JoinResponse> {
        for n in 1..=MAX_KIOSKS {
            let kiosk = format!("borne-{n:02}");
            if self.store.kiosk_seen(&kiosk)? {
                continue;
            }
            let Some(credential) = self.enrol_kiosk(&kiosk)? else {
                continue;
            };
            return Ok(JoinResponse {
                name: format!("Borne {n:02}"),
                kiosk,
                credential: credential.to_string(),
                config: self.config.shared(),
                staff_pin: self.config.kiosk.staff_pin.clone().filter(|_| attended),
            });
        }
        Err(AppError::TooManyKiosks(MAX_KIOSKS))
    }
}

/// Where a kiosk set up by code sends its badges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterChoice {
    /// A CUPS queue of this machine.
    Cups(String),
    /// PDFs in a folder beside kiosk.toml (no printer yet).
    Folder,
}

/// What is chosen at a new kiosk: nothing else is typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub mode: Mode,
    pub printer: PrinterChoice,
    pub language: Language,
}

/// What `accueil join` reports: the kiosk, ready.
#[derive(Debug, Clone, Serialize)]
pub struct Joined {
    pub kiosk: String,
    pub name: String,
    pub hub: String,
    pub event: String,
    /// Registrants in this kiosk's copy after its first sync.
    pub people: i64,
    pub config: PathBuf,
    pub database: PathBuf,
    /// Why the first sync did not happen (the kiosk syncs later), if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_error: Option<String>,
}

impl std::fmt::Display for Joined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "kiosque « {} » ({}) inscrit au hub {} : « {} », {} inscrits",
            self.kiosk, self.name, self.hub, self.event, self.people
        )?;
        writeln!(f, "configuration écrite dans {}", self.config.display())?;
        if let Some(e) = &self.sync_error {
            writeln!(
                f,
                "première synchronisation pas encore faite ({e}) : le kiosque la refait seul"
            )?;
        }
        Ok(())
    }
}

/// A TOML string.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// The kiosk.toml of a kiosk enrolled by code: its own sections only.
fn kiosk_toml(
    joined: &JoinResponse,
    hub: &str,
    setup: &Setup,
    database: &str,
    now: Timestamp,
) -> String {
    let when = jiff::tz::TimeZone::system()
        .to_datetime(now)
        .strftime("%d/%m/%Y à %H:%M");
    let pin = match (setup.mode.attended_by_attendees(), &joined.staff_pin) {
        (true, Some(hash)) => format!(
            "# Empreinte du code du personnel, reçue du hub (son [kiosk] staff_pin).\nstaff_pin = {}\n",
            quoted(hash)
        ),
        _ => String::new(),
    };
    let printer = match &setup.printer {
        PrinterChoice::Cups(queue) => format!(
            "# La file d'impression CUPS de ce poste (« lpstat -p » les liste).\nkind = \"cups\"\nname = {}\n",
            quoted(queue)
        ),
        PrinterChoice::Folder => "# Pas d'imprimante : chaque badge est écrit en PDF dans ce dossier.\nkind = \"folder\"\nfolder = \"badges-imprimes\"\n".to_owned(),
    };
    format!(
        "# kiosk.toml du kiosque « {kiosk} », écrit à son inscription au hub le {when}.\n\
         # L'événement (nom, jours, catégories, badge, règles d'accueil) vient du\n\
         # hub à chaque synchronisation : il n'est pas ici. Ce fichier ne garde que\n\
         # ce qui est propre à ce poste. Toutes les clés sont décrites dans le\n\
         # kiosk.toml commenté (/usr/share/doc/accueil/examples/kiosk.toml).\n\
         \n\
         [kiosk]\n\
         id = {id}\n\
         name = {name}\n\
         # \"staff\" (accueil par le personnel), \"self-service\" (borne en libre\n\
         # service) ou \"badge-station\" (poste d'impression des badges).\n\
         mode = \"{mode}\"\n\
         language = \"{language}\"\n\
         {pin}\
         \n\
         [database]\n\
         path = {database}\n\
         \n\
         [printer]\n\
         {printer}\
         \n\
         [hub]\n\
         # Le hub de l'événement ; l'identifiant de ce kiosque est dans sa base.\n\
         url = {hub}\n",
        kiosk = joined.kiosk,
        id = quoted(&joined.kiosk),
        name = quoted(&joined.name),
        mode = setup.mode.key(),
        language = setup.language.code(),
        database = quoted(database),
        hub = quoted(hub),
    )
}

/// At a new kiosk: joins the hub of `invitation` — its id, credential and
/// event from the hub, then the list at a first sync — and writes its
/// kiosk.toml at `config_path` (the database at `db`, else beside it).
/// Nothing is written before the hub said yes; an existing kiosk.toml,
/// or a database that already holds an event, is never overwritten.
pub fn join(
    config_path: &Path,
    db: Option<&Path>,
    invitation: &Invitation,
    setup: &Setup,
    timeout: Duration,
) -> Result<(Kiosk, Joined)> {
    if config_path.exists() {
        return Err(AppError::SetupExists(config_path.to_owned()));
    }
    let dir = crate::folder_of(config_path);
    let (database_text, database) = match db {
        Some(db) => {
            let absolute = std::path::absolute(db).unwrap_or_else(|_| db.to_owned());
            (absolute.to_string_lossy().into_owned(), absolute)
        }
        None => ("accueil.sqlite".to_owned(), dir.join("accueil.sqlite")),
    };
    // A database with an event in it is someone's data: not this kiosk's
    // to take over.
    if database.exists() && !crate::store::Store::open(&database)?.is_blank()? {
        return Err(AppError::SetupDatabaseInUse(database));
    }
    // Told before the code is used up.
    check_writable(dir)?;
    let client = crate::sync::Client::new(&invitation.hub, None, timeout)?;
    let answer = client
        .join(&invitation.code, setup.mode.attended_by_attendees())
        .map_err(|e| match e {
            // At set-up there is no local copy to go on with: say what to
            // check, in the words of the network rather than of reqwest.
            crate::sync::SyncError::Unreachable { source, .. } => AppError::SetupUnreachable {
                hub: invitation.hub.clone(),
                cause: root_cause(&source),
                source,
            },
            other => other.into(),
        })?;
    let now = Timestamp::now();
    let text = kiosk_toml(&answer, &invitation.hub, setup, &database_text, now);
    crate::export::write_atomically(config_path, text.as_bytes()).map_err(|source| {
        AppError::SetupWrite {
            path: config_path.to_owned(),
            source,
        }
    })?;
    let config = Config::load(config_path)?;
    let mut kiosk = Kiosk::open(config, db)?;
    let saved = serde_json::json!({ "url": invitation.hub, "credential": answer.credential });
    kiosk
        .store
        .set_kiosk_setting(HUB_CREDENTIAL, &saved.to_string())?;
    kiosk.take_hub_config(&answer.config)?;
    let sync_error = kiosk.sync_once(timeout).err().map(|e| e.to_string());
    let joined = Joined {
        kiosk: answer.kiosk,
        name: answer.name,
        hub: invitation.hub.clone(),
        event: kiosk.config.event.name.clone(),
        people: kiosk.store.registrant_count()?,
        config: config_path.to_owned(),
        database: kiosk.database(),
        sync_error,
    };
    tracing::info!(
        "kiosque « {} » inscrit au hub {} par code",
        joined.kiosk,
        joined.hub
    );
    Ok((kiosk, joined))
}

/// At a new kiosk: takes the kiosk.toml an organiser prepared (on a USB
/// key) as this machine's, at `config_path`. The file is checked first —
/// an unreadable or invalid one is refused with its error and nothing is
/// written — and its relative paths (the database, the badge folder) are
/// then this machine's, beside `config_path`. An existing kiosk.toml is
/// never overwritten.
pub fn adopt(config_path: &Path, source: &Path) -> Result<PathBuf> {
    if config_path.exists() {
        return Err(AppError::SetupExists(config_path.to_owned()));
    }
    // Read once: what is copied is the very text that was checked.
    let checked = Config::load(source)?;
    crate::export::write_atomically(config_path, checked.text().as_bytes()).map_err(|source| {
        AppError::SetupWrite {
            path: config_path.to_owned(),
            source,
        }
    })?;
    // Relative paths now point beside this machine's copy: checked again
    // there (a badge template left on the key, say).
    if let Err(e) = Config::load(config_path) {
        let _ = std::fs::remove_file(config_path);
        return Err(e.into());
    }
    tracing::info!(
        "configuration reprise d'un fichier dans {}",
        config_path.display()
    );
    Ok(config_path.to_owned())
}

/// Whether kiosk.toml can be written in `dir`: said before an invitation
/// is used up for nothing.
fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(format!(".accueil-essai-{}", uuid::Uuid::now_v7().simple()));
    match std::fs::File::create_new(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(source) => Err(AppError::SetupWrite {
            path: dir.to_owned(),
            source,
        }),
    }
}

/// The innermost reason of an error (« Connection refused (os error 111) »,
/// not « error sending request for url »).
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = error;
    while let Some(next) = inner.source() {
        inner = next;
    }
    inner.to_string()
}
