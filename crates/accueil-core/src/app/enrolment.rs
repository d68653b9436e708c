//! Enrolment by QR code. At the hub: the invitations the organisers' page
//! shows (« Ajouter un kiosque »), and the kiosk that shows one given its
//! id, its own credential and the event. At a new kiosk: joining a hub
//! from an invitation, with a kiosk.toml that holds only what is its own
//! (mode, printer, language, the hub's address).

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::{AppError, DATABASE_FILE, Kiosk, Result};
use crate::config::{Config, Language, Mode};
use crate::domain::enrolment::{INVITATION_MINUTES, Invitation, Invitations, grouped};
use crate::protocol::JoinResponse;

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

/// Ids of the form `borne-01`… tried in order before a random one.
const NUMBERED_KIOSKS: u32 = 999;

impl super::HubCopy {
    /// At the hub: a kiosk that showed a valid invitation, given an id no
    /// kiosk has had at this hub (never one in the log, revoked or
    /// enrolled) — the one it asks for when it comes back to a new hub with
    /// its database (`wanted`), else the first of `borne-01`, `borne-02`…,
    /// else a random `borne-K7M2Q9` (the id space never runs out: the
    /// shared token may have taken every numbered one) — its credential and
    /// the event. Never an id this hub knows: never two machines under one.
    /// The staff PIN's hash only to a kiosk that will serve attendees (it
    /// unlocks staff mode there): a staff kiosk or a door has no use for
    /// it, and every copy of it is one more to crack.
    pub fn enrol_invited(&mut self, attended: bool, wanted: Option<&str>) -> Result<JoinResponse> {
        let asked = wanted
            .filter(|w| super::plausible_kiosk_id(w))
            .map(|w| (w.to_owned(), w.to_owned()));
        let numbered =
            (1..=NUMBERED_KIOSKS).map(|n| (format!("borne-{n:02}"), format!("Borne {n:02}")));
        let random = (0..16).map(|_| {
            // The random tail of a UUIDv7.
            let id = format!(
                "borne-{}",
                &uuid::Uuid::now_v7().simple().to_string()[20..28]
            );
            (id.clone(), id)
        });
        for (kiosk, name) in asked.into_iter().chain(numbered).chain(random) {
            if self.store.kiosk_seen(&kiosk)? {
                continue;
            }
            let Some(credential) = self.enrol_kiosk(&kiosk)? else {
                continue;
            };
            return Ok(JoinResponse {
                name,
                kiosk,
                credential: credential.to_string(),
                config: self.config.shared(),
                staff_pin: self.config.kiosk.staff_pin.clone().filter(|_| attended),
            });
        }
        Err(AppError::TooManyKiosks(NUMBERED_KIOSKS))
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
        return rejoin(config_path, db, invitation, timeout);
    }
    let dir = crate::folder_of(config_path);
    let (database_text, database) = match db {
        Some(db) => {
            let absolute = std::path::absolute(db).unwrap_or_else(|_| db.to_owned());
            (absolute.to_string_lossy().into_owned(), absolute)
        }
        None => (DATABASE_FILE.to_owned(), dir.join(DATABASE_FILE)),
    };
    // A database with an event in it is someone's data: not this kiosk's
    // to take over.
    if database.exists() && !crate::store::Store::open(&database)?.is_blank()? {
        return Err(AppError::SetupDatabaseInUse(database));
    }
    // Told before the code is used up.
    check_writable(dir)?;
    let answer = redeem(
        invitation,
        setup.mode.attended_by_attendees(),
        None,
        timeout,
    )?;
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
    let sync_error = take_answer(&mut kiosk, invitation, &answer, timeout)?;
    let joined = Joined::of(
        &kiosk,
        answer.name,
        &invitation.hub,
        config_path,
        sync_error,
    )?;
    tracing::info!(
        "kiosque « {} » inscrit au hub {} par code",
        joined.kiosk,
        joined.hub
    );
    Ok((kiosk, joined))
}

impl Joined {
    /// What a join reports of `kiosk`, joined as its kiosk.toml now says.
    fn of(
        kiosk: &Kiosk,
        name: String,
        hub: &str,
        config: &Path,
        sync_error: Option<String>,
    ) -> Result<Joined> {
        Ok(Joined {
            kiosk: kiosk.config.kiosk.id.clone(),
            name,
            hub: hub.to_owned(),
            event: kiosk.config.event.name.clone(),
            people: kiosk.store.registrant_count()?,
            config: config.to_owned(),
            database: kiosk.database(),
            sync_error,
        })
    }
}

/// The hub's yes, taken by a kiosk whose kiosk.toml says who it is now:
/// its credential, the event, then a first sync. Why that sync did not
/// happen, if so (the kiosk syncs later).
fn take_answer(
    kiosk: &mut Kiosk,
    invitation: &Invitation,
    answer: &JoinResponse,
    timeout: Duration,
) -> Result<Option<String>> {
    kiosk.save_credential(&invitation.hub, &answer.credential)?;
    kiosk.take_hub_config(&answer.config)?;
    Ok(kiosk.sync_once(timeout).err().map(|e| e.to_string()))
}

/// Shows the invitation's code to its hub.
fn redeem(
    invitation: &Invitation,
    attended: bool,
    kiosk: Option<&str>,
    timeout: Duration,
) -> Result<JoinResponse> {
    let client = crate::sync::Client::new(&invitation.hub, None, timeout)?;
    client
        .join(&invitation.code, attended, kiosk)
        .map_err(|e| match e {
            // At set-up there is no local copy to go on with: say what to
            // check, in the words of the network rather than of reqwest.
            crate::sync::SyncError::Unreachable { source, .. } => AppError::SetupUnreachable {
                hub: invitation.hub.clone(),
                cause: root_cause(&source),
                source,
            },
            other => other.into(),
        })
}

/// At a kiosk already set up (its hub replaced, or its credential no
/// longer known there): enrols again with a new code, keeping its
/// database, its log and its kiosk.toml — only `[hub] url`, and `[kiosk]
/// id` when the hub had a kiosk of that id already, change (with the PIN
/// a kiosk serving attendees is handed). Then everything it recorded that
/// the hub lacks goes up, under its id now.
fn rejoin(
    config_path: &Path,
    db: Option<&Path>,
    invitation: &Invitation,
    timeout: Duration,
) -> Result<(Kiosk, Joined)> {
    let config = Config::load(config_path)?;
    let text = config.text().to_owned();
    let mut kiosk = Kiosk::open(config, db)?;
    kiosk.refuse_if_purged()?;
    let attended = kiosk.config.kiosk.mode.attended_by_attendees();
    let me = kiosk.config.kiosk.id.clone();
    // Still known to that very hub (a join killed after it enrolled, a
    // code scanned twice): it syncs, and the code is kept for another
    // machine — an identity changed for nothing would leave the records
    // the hub took under the old one counted under the new one here.
    if kiosk.config.hub.url.as_deref() == Some(invitation.hub.as_str())
        && let Ok(round) = kiosk.sync_once(timeout)
    {
        tracing::info!(
            "kiosque « {me} » déjà inscrit au hub {} : synchronisé, code non utilisé",
            invitation.hub
        );
        let pending =
            (round.pending > 0).then(|| format!("{} entrée(s) encore à envoyer", round.pending));
        let name = kiosk.config.kiosk.name.clone();
        let joined = Joined::of(&kiosk, name, &invitation.hub, config_path, pending)?;
        return Ok((kiosk, joined));
    }
    // Told before the code is used up.
    check_writable(crate::folder_of(config_path))?;
    let answer = redeem(invitation, attended, Some(&me), timeout)?;
    let mut edited = set_key(&text, "hub", "url", &quoted(&invitation.hub));
    if answer.kiosk != me {
        edited = set_key(&edited, "kiosk", "id", &quoted(&answer.kiosk));
    }
    if let (true, Some(pin)) = (attended, &answer.staff_pin) {
        edited = set_key(&edited, "kiosk", "staff_pin", &quoted(pin));
    }
    drop(kiosk);
    // Checked as any kiosk.toml before it replaces this one.
    let mut next = config_path.as_os_str().to_owned();
    next.push(".nouveau");
    let next = PathBuf::from(next);
    let write = |to: &Path| {
        crate::export::write_atomically(to, edited.as_bytes()).map_err(|source| {
            AppError::SetupWrite {
                path: to.to_owned(),
                source,
            }
        })
    };
    write(&next)?;
    let checked = Config::load(&next);
    let _ = std::fs::remove_file(&next);
    checked?;
    write(config_path)?;
    let mut kiosk = Kiosk::open(Config::load(config_path)?, db)?;
    let sync_error = take_answer(&mut kiosk, invitation, &answer, timeout)?;
    let name = kiosk.config.kiosk.name.clone();
    let joined = Joined::of(&kiosk, name, &invitation.hub, config_path, sync_error)?;
    tracing::info!(
        "kiosque « {} » (« {me} » avant) réinscrit au hub {} par code, avec sa base",
        joined.kiosk,
        joined.hub
    );
    Ok((kiosk, joined))
}

/// `text` (a kiosk.toml) with `key = value` in `[section]`: the key's line
/// replaced where it is set, else added under the section's header (the
/// section added at the end when missing). Comments and every other line
/// stay as they are.
fn set_key(text: &str, section: &str, key: &str, value: &str) -> String {
    let header = format!("[{section}]");
    let line = format!("{key} = {value}");
    let mut out: Vec<String> = Vec::new();
    let mut inside = false;
    let mut header_at = None;
    let mut done = false;
    for l in text.lines() {
        let trimmed = l.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == header;
            if inside {
                header_at = Some(out.len());
            }
        } else if inside && !done {
            let bare = trimmed.split('=').next().unwrap_or("").trim();
            if bare == key {
                out.push(line.clone());
                done = true;
                continue;
            }
        }
        out.push(l.to_owned());
    }
    if !done {
        match header_at {
            Some(at) => out.insert(at + 1, line),
            None => {
                out.push(String::new());
                out.push(header);
                out.push(line);
            }
        }
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
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

#[cfg(test)]
mod set_key_tests {
    use super::set_key;

    #[test]
    fn a_key_is_replaced_in_its_section_added_under_it_or_with_it() {
        let text = "# l'en-tête\n[kiosk]\nid = \"borne-01\" # gardé ?\n# url = \"x\"\n\n[hub]\n# url = \"http://exemple\"\ntoken = \"t\"\n";
        let once = set_key(text, "kiosk", "id", "\"borne-07\"");
        assert_eq!(
            once,
            text.replace("id = \"borne-01\" # gardé ?", "id = \"borne-07\"")
        );
        let url = set_key(&once, "hub", "url", "\"http://10.0.0.2:8080\"");
        assert!(
            url.contains(
                "[hub]\nurl = \"http://10.0.0.2:8080\"\n# url = \"http://exemple\"\ntoken = \"t\""
            ),
            "{url}"
        );
        assert!(
            url.contains("[kiosk]\nid = \"borne-07\"\n# url = \"x\""),
            "the other section's comment stays: {url}"
        );
        let pin = set_key("[kiosk]\nid = \"a\"\n", "printer", "kind", "\"folder\"");
        assert_eq!(pin, "[kiosk]\nid = \"a\"\n\n[printer]\nkind = \"folder\"\n");
        // `url_extra` is not `url`.
        let near = set_key("[hub]\nurl_extra = 1\n", "hub", "url", "2");
        assert_eq!(near, "[hub]\nurl = 2\nurl_extra = 1\n");
    }
}
