//! Kiosks and the hub exchange their logs (as in atuin): each side says, per
//! kiosk, the highest sequence number it holds; pure functions decide what
//! moves; uploads are idempotent by record id. The list of registrants goes
//! from the hub to kiosks by revision; walk-ins and name fixes travel as
//! records and are replayed everywhere.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::domain::Record;
use crate::domain::payload::{Payload, WalkInPayload};
use crate::store::{ListEntry, Marks, Store, StoreError, SyncKey};

/// Records a kiosk sends per request, and the hub returns per response.
pub const UPLOAD_BATCH: usize = 2_000;
pub const DOWNLOAD_BATCH: usize = 5_000;

/// `POST /api/sync`: a kiosk's news, and what it already holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncRequest {
    pub kiosk: String,
    /// The kiosk's own records the hub has not acknowledged, log by log,
    /// in sequence order within each log.
    pub records: Vec<Record>,
    /// What the kiosk holds, per log (its own included).
    pub marks: Marks,
    /// The kiosk's clock when it asked: the hub tells organisers of a
    /// kiosk whose clock is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<jiff::Timestamp>,
    /// How the kiosk's printer stands: the organisers' page shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer: Option<PrinterHealth>,
    /// The hub's event configuration this kiosk last took (or refused):
    /// the hub sends it again only when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_rev: Option<String>,
}

/// How a kiosk's printer stands, as its print queue knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrinterHealth {
    /// « imprimante « QL820 » », « dossier badges-imprimes ».
    pub printer: String,
    /// Badges not sent yet.
    pub queued: i64,
    /// Badges sent, not printed yet.
    pub waiting: i64,
    /// Badges that failed within the last hour.
    pub failed: i64,
    /// What holds the queue, in the printer's or the server's words
    /// (« imprimante arrêtée : plus de papier »); none while it prints.
    pub problem: Option<String>,
}

impl PrinterHealth {
    /// At most this long: a page shows it in a table cell.
    pub const MAX_PROBLEM: usize = 300;

    /// Fit for the hub's page: bounded, no control characters (a kiosk's
    /// words, shown to organisers).
    pub fn tidy(mut self) -> PrinterHealth {
        let clean = |s: &str, max: usize| -> String {
            s.chars().filter(|c| !c.is_control()).take(max).collect()
        };
        self.printer = clean(&self.printer, 120);
        self.problem = self
            .problem
            .map(|p| clean(&p, Self::MAX_PROBLEM))
            .filter(|p| !p.trim().is_empty());
        self.queued = self.queued.clamp(0, 1_000_000);
        self.waiting = self.waiting.clamp(0, 1_000_000);
        self.failed = self.failed.clamp(0, 1_000_000);
        self
    }
}

/// The hub's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncResponse {
    /// For each of the kiosk's logs, the highest number the hub now holds
    /// (kept or refused).
    pub acked: BTreeMap<String, i64>,
    /// The kiosk's records the hub refused, with why: never sent again.
    #[serde(default)]
    pub refused: Vec<RefusedRecord>,
    /// Records the kiosk lacks (others', or its own after losing its
    /// database), per log in sequence order.
    pub records: Vec<Record>,
    /// More records wait: ask again.
    pub more: bool,
    /// The hub's list, by an identity that changes with its content (a
    /// restored hub never reuses one): fetch `/api/list` when it differs.
    pub list_rev: String,
    /// The hub's clock when it answered.
    pub hub_time: jiff::Timestamp,
    /// The hub's dealings with pretix, when the hub talks to pretix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretix: Option<PretixNews>,
    /// The hub's event sections (`[event]`, `[[categories]]`, `[badge]`,
    /// `[checkin]`), when they are not the ones the kiosk said it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<crate::config::SharedConfig>,
}

/// A record the hub will not keep, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedRecord {
    pub id: uuid::Uuid,
    pub log: String,
    pub seq: i64,
    pub reason: String,
    /// Not refused for good: the hub keeps it until what it needs comes
    /// (the walk-in of the person it is about), then counts it. Never
    /// sent again either way.
    #[serde(default)]
    pub waiting: bool,
}

/// Why the hub does not keep a record as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub reason: String,
    /// What it needs may still come: kept waiting, not refused.
    pub waiting: bool,
}

impl Rejection {
    fn refused(reason: impl Into<String>) -> Rejection {
        Rejection {
            reason: reason.into(),
            waiting: false,
        }
    }

    fn waiting(reason: impl Into<String>) -> Rejection {
        Rejection {
            reason: reason.into(),
            waiting: true,
        }
    }
}

impl From<String> for Rejection {
    fn from(reason: String) -> Rejection {
        Rejection::refused(reason)
    }
}

impl From<&str> for Rejection {
    fn from(reason: &str) -> Rejection {
        Rejection::refused(reason)
    }
}

/// How things stand with pretix: arrivals and undos waiting for it, when it
/// last answered, and its latest refusals for the desk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PretixNews {
    pub pending: i64,
    pub last_contact: Option<jiff::Timestamp>,
    pub notices: Vec<crate::store::PretixNotice>,
}

/// `GET /api/list`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListResponse {
    pub list_rev: String,
    pub entries: Vec<ListEntry>,
    /// The hub's programme (sessions, rooms, registrations): a kiosk
    /// replaces its own with it. Absent from hubs that predate it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<crate::domain::programme::Programme>,
}

/// The kiosk a log belongs to: `accueil-1` for `accueil-1~K7M2Q9XW`
/// (kiosk ids have no `~`).
pub fn log_owner(log: &str) -> &str {
    log.split('~').next().unwrap_or(log)
}

/// Why the hub refuses an upload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("le kiosque « {sender} » envoie une entrée du kiosque « {owner} »")]
    NotOwn { sender: String, owner: String },
    #[error("entrées du journal « {log} » non consécutives : n° {after} puis n° {next}")]
    NotConsecutive { log: String, after: i64, next: i64 },
    #[error(
        "journal « {log} » du kiosque « {kiosk} » : le hub tient une autre entrée au n° {seq} — cette base a été restaurée, copiée, ou deux kiosques partagent leur identifiant ; ses entrées sont gardées sur le kiosque, qui écrit désormais dans un nouveau journal"
    )]
    Clash {
        kiosk: String,
        log: String,
        seq: i64,
    },
}

/// What the hub keeps of one log of an upload.
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted<'a> {
    pub log: String,
    /// The records after what the hub holds (empty when it holds them all,
    /// or when some before them are missing: the kiosk resends from the
    /// hub's mark).
    pub new: &'a [Record],
}

/// Hub side: of an upload from `kiosk`, per log, the records to keep. The
/// hub holds `has[log]` of each log and, for the numbers an upload repeats,
/// the ids in `held`: a repeated number must carry the same record (a
/// retry), never another (a restored or copied database). Records must be
/// the sender's own, consecutive within their log, one run per log.
pub fn accept_upload<'a>(
    kiosk: &str,
    records: &'a [Record],
    has: &BTreeMap<String, i64>,
    held: &BTreeMap<(String, i64), uuid::Uuid>,
) -> Result<Vec<Accepted<'a>>, Refusal> {
    let log_of = |r: &Record| {
        if r.log.is_empty() {
            r.kiosk.clone()
        } else {
            r.log.clone()
        }
    };
    let mut out: Vec<Accepted<'a>> = Vec::new();
    let mut start = 0;
    while start < records.len() {
        let log = log_of(&records[start]);
        let end = start
            + records[start..]
                .iter()
                .take_while(|r| log_of(r) == log)
                .count();
        let run = &records[start..end];
        if out.iter().any(|a| a.log == log) {
            return Err(Refusal::NotConsecutive {
                log,
                after: records[start - 1].seq,
                next: run[0].seq,
            });
        }
        for r in run {
            if r.kiosk != kiosk || log_owner(&log) != kiosk {
                return Err(Refusal::NotOwn {
                    sender: kiosk.to_owned(),
                    owner: if r.kiosk != kiosk {
                        r.kiosk.clone()
                    } else {
                        log_owner(&log).to_owned()
                    },
                });
            }
        }
        for pair in run.windows(2) {
            if pair[1].seq != pair[0].seq + 1 {
                return Err(Refusal::NotConsecutive {
                    log: log.clone(),
                    after: pair[0].seq,
                    next: pair[1].seq,
                });
            }
        }
        let has_here = has.get(&log).copied().unwrap_or(0);
        let split = run.partition_point(|r| r.seq <= has_here);
        for r in &run[..split] {
            if held.get(&(log.clone(), r.seq)) != Some(&r.id) {
                return Err(Refusal::Clash {
                    kiosk: kiosk.to_owned(),
                    log: log.clone(),
                    seq: r.seq,
                });
            }
        }
        let new = &run[split..];
        let new = match new.first() {
            Some(first) if first.seq != has_here + 1 => &new[..0],
            _ => new,
        };
        out.push(Accepted { log, new });
        start = end;
    }
    Ok(out)
}

/// Hub side: for each log the hub holds more of than the requester, the
/// mark to send records after. The requester's own logs are included: a
/// kiosk that lost its database gets its records back.
pub fn to_download(requester_holds: &Marks, hub_holds: &Marks) -> Vec<(String, i64)> {
    hub_holds
        .iter()
        .filter_map(|(log, &hub)| {
            let has = requester_holds.get(log).copied().unwrap_or(0);
            (hub > has).then(|| (log.clone(), has))
        })
        .collect()
}

/// The hub's 400 when it refused records of an upload: which and why, and
/// how far it holds each log of the kiosk's (the refused ones count, so
/// they are never sent again; the rest of the upload was kept).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UploadRefused {
    pub error: String,
    pub refused: Vec<RefusedRecord>,
    pub acked: BTreeMap<String, i64>,
}

/// The hub's 409 when an upload repeats a number it holds for another
/// record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UploadClash {
    pub error: String,
    pub log: String,
    pub seq: i64,
}

/// What the hub checks of a record before keeping it: anything it could
/// not read back, or that would count wrong, is refused with why.
pub struct Check<'a> {
    pub event: &'a crate::domain::Event,
    pub now: jiff::Timestamp,
    /// Whether the hub (or an earlier record of the same upload) knows
    /// this registrant.
    pub known: &'a dyn Fn(uuid::Uuid) -> bool,
    /// The registrant of an arrival the hub (or the upload) holds.
    pub arrival_of: &'a dyn Fn(uuid::Uuid) -> Option<uuid::Uuid>,
    /// Who holds a ticket code at the hub (or in the upload), exactly.
    pub code_holder: &'a dyn Fn(&str) -> Option<uuid::Uuid>,
    /// The hub's programme: door records name its rooms and sessions.
    pub programme: &'a crate::domain::programme::Programme,
}

/// The largest payload a record may carry, as JSON: a walk-in's five
/// fields of 200 characters are well under it (a 10 MB door record was
/// once kept and copied to every kiosk).
pub const MAX_PAYLOAD_BYTES: usize = 4096;

/// Earliest and latest plausible record times: a kiosk's clock can be off,
/// not by years.
const EARLIEST: &str = "2000-01-01T00:00:00Z";

pub fn check_record(r: &Record, c: &Check<'_>) -> Result<(), Rejection> {
    use crate::domain::RecordKind;
    let earliest: jiff::Timestamp = EARLIEST
        .parse()
        .map_err(|_| Rejection::refused("horloge"))?;
    let latest = c
        .now
        .checked_add(jiff::SignedDuration::from_hours(48))
        .unwrap_or(c.now);
    if r.at < earliest || r.at > latest {
        return Err(format!(
            "heure {} hors de toute plausibilité (horloge du kiosque déréglée ?)",
            r.at
        )
        .into());
    }
    if r.seq < 1 {
        return Err(format!("numéro d'entrée {} invalide", r.seq).into());
    }
    match r.kind {
        RecordKind::Arrival | RecordKind::Undo => {
            let Some(day) = r.day else {
                return Err("arrivée sans jour".into());
            };
            if !c.event.days.contains(&day) {
                return Err(format!("jour {day} hors des jours de l'événement").into());
            }
        }
        _ if r.day.is_some() => return Err("jour sur une entrée qui n'en a pas".into()),
        _ => {}
    }
    if !r.payload.is_object() {
        return Err("contenu illisible (objet JSON attendu)".into());
    }
    let size = r.payload.to_string().len();
    if size > MAX_PAYLOAD_BYTES {
        return Err(format!("contenu de {size} octets, {MAX_PAYLOAD_BYTES} au plus").into());
    }
    let payload = r
        .payload_of()
        .map_err(|e| format!("contenu illisible pour « {} » : {e}", r.kind.as_str()))?;
    match payload {
        Payload::WalkIn(walk_in) => check_walk_in(r, &walk_in, c)?,
        Payload::RegistrantEdited(edit) => {
            // What the desk may type, checked as the desk checks it.
            let mut patch = crate::domain::DetailsPatch::default();
            for (field, change) in edit.changes {
                let slot = match field.as_str() {
                    "first_name" => &mut patch.first_name,
                    "last_name" => &mut patch.last_name,
                    "organisation" => &mut patch.organisation,
                    "email" => &mut patch.email,
                    "category" => &mut patch.category,
                    _ => return Err(format!("champ « {field} » inconnu").into()),
                };
                *slot = Some(change.to);
            }
            if patch == crate::domain::DetailsPatch::default() {
                return Err("correction sans changements".into());
            }
            let sample = crate::domain::Details {
                first_name: "-".into(),
                category: c.event.default_category.clone(),
                ..Default::default()
            };
            patch
                .apply(&sample)
                .validated(c.event)
                .map_err(|e| format!("correction refusée : {e}"))?;
            if !(c.known)(r.registrant) {
                return Err(Rejection::waiting("correction d'un inscrit inconnu du hub"));
            }
        }
        Payload::Undo => {
            let Some(arrival) = r.reverts else {
                return Err("annulation sans arrivée".into());
            };
            match (c.arrival_of)(arrival) {
                Some(who) if who == r.registrant => {}
                Some(_) => return Err("annulation de l'arrivée de quelqu'un d'autre".into()),
                None => {
                    return Err(Rejection::waiting(
                        "annulation d'une arrivée inconnue du hub",
                    ));
                }
            }
        }
        Payload::RoomEntry(door) | Payload::RoomExit(door) => {
            let room = door.room.trim();
            if room.is_empty() || room.len() > 200 {
                return Err("passage en salle sans salle".into());
            }
            let folded = crate::domain::text::sort_key(room);
            if !c
                .programme
                .sessions
                .iter()
                .any(|s| crate::domain::text::sort_key(&s.room) == folded)
            {
                return Err(format!("salle « {room} » absente du programme du hub").into());
            }
            let session = door.session.as_deref().map(str::trim).unwrap_or_default();
            if r.kind == RecordKind::RoomEntry && (session.is_empty() || session.len() > 200) {
                return Err("entrée en salle sans séance".into());
            }
            if r.kind == RecordKind::RoomEntry && c.programme.session(session).is_none() {
                return Err(format!("séance « {session} » absente du programme du hub").into());
            }
            let day = c.event.timezone.to_datetime(r.at).date();
            if !c.event.days.contains(&day) {
                return Err(
                    format!("passage en salle le {day}, hors des jours de l'événement").into(),
                );
            }
            if r.reverts.is_some() {
                return Err("entrée qui annule sans être une annulation".into());
            }
            if !(c.known)(r.registrant) {
                return Err(Rejection::waiting("inscrit inconnu du hub"));
            }
        }
        Payload::Arrival(_) | Payload::BadgePrinted(_) => {
            if r.reverts.is_some() {
                return Err("entrée qui annule sans être une annulation".into());
            }
            if !(c.known)(r.registrant) {
                return Err(Rejection::waiting("inscrit inconnu du hub"));
            }
        }
    }
    Ok(())
}

/// A walk-in as the hub takes it: its code nobody else's, its details as
/// the desk would have accepted them (lengths, e-mail, category).
fn check_walk_in(r: &Record, walk_in: &WalkInPayload, c: &Check<'_>) -> Result<(), Rejection> {
    let code = walk_in.code.as_str();
    if code.trim().is_empty() || code.len() > 200 {
        return Err("inscription sur place sans code".into());
    }
    if let Some(holder) = (c.code_holder)(code)
        && holder != r.registrant
    {
        return Err(format!("code « {} » déjà celui d'un autre inscrit", code.trim()).into());
    }
    walk_in
        .details
        .clone()
        .validated(c.event)
        .map_err(|e| format!("inscription sur place refusée : {e}"))?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("hub injoignable ({url}) : {source} — le kiosque continue sur sa copie locale")]
    Unreachable { url: String, source: reqwest::Error },
    #[error(
        "le hub refuse le jeton d'inscription — vérifiez [hub] token dans kiosk.toml (le même qu'au hub)"
    )]
    Unauthorized,
    #[error(
        "ce kiosque (« {kiosk} ») a été révoqué au hub : il n'envoie ni ne reçoit plus rien — s'il a été retrouvé, un organisateur le réadmet sur le hub (accueil kiosks --readmit {kiosk}) et il reprend à la synchronisation suivante"
    )]
    Revoked { kiosk: String },
    #[error("le hub refuse l'identifiant de ce kiosque ({0})")]
    BadCredential(String),
    #[error("pas de source d'aléa du système pour créer un identifiant de kiosque")]
    NoRandom,
    #[error("{0} : {1} — vérifiez la place et les droits du dossier de la base")]
    Local(std::path::PathBuf, std::io::Error),
    #[error("le hub répond {status} : {body}")]
    Hub { status: u16, body: String },
    #[error("le hub refuse des entrées : {}", .0.error)]
    Refused(UploadRefused),
    #[error("{}", .0.error)]
    Clash(UploadClash),
    #[error("réponse du hub illisible : {0}")]
    Decode(reqwest::Error),
    /// The hub and this kiosk speak versions of the sync protocol that
    /// cannot understand each other.
    #[error("{0}")]
    Protocol(String),
    #[error("le hub refuse la demande : {0}")]
    BadRequest(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("[hub] url absent de kiosk.toml — ce kiosque travaille seul")]
    NotConfigured,
    #[error(
        "ce kiosque n'a pas (ou plus) d'identifiant auprès du hub — inscrivez-le à nouveau : sur la page des organisateurs, « Ajouter un kiosque », puis « accueil join CODE » ou l'écran d'installation"
    )]
    NotEnrolled,
    #[error(
        "le hub refuse ce code d'inscription : inconnu, déjà utilisé ou expiré (10 minutes) — sur la page des organisateurs, « Ajouter un kiosque » en affiche un nouveau"
    )]
    BadInvitation,
    #[error(
        "le hub ne reconnaît plus ce kiosque ({0}) — sur la page des organisateurs, « Ajouter un kiosque », puis sur ce kiosque : accueil join CODE (il garde sa base et envoie au hub tout ce qu'il a enregistré)"
    )]
    Reenrol(String),
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Round {
    /// Own records the hub acknowledged this round.
    pub sent: usize,
    /// Records from elsewhere this copy did not have.
    pub received: usize,
    /// Of which arrivals and undos.
    pub arrivals: usize,
    /// The hub's list was fetched and applied.
    pub list_updated: bool,
    /// Own records still not acknowledged.
    pub pending: i64,
    /// Own records the hub refused this round, with why.
    pub refused: Vec<RefusedRecord>,
    /// Own records the hub keeps waiting for what they need (an arrival
    /// of a walk-in it does not hold yet): counted there once it comes.
    pub waiting: Vec<RefusedRecord>,
    /// Own records moved to a new log because the hub held other records
    /// at their numbers (this copy was restored or copied).
    pub moved: usize,
    /// The hub's clock minus this kiosk's, in seconds, as of this round.
    pub clock_offset: Option<i64>,
    /// This kiosk held nothing and took the hub's copy of the event whole
    /// (its database) instead of importing the list.
    pub from_copy: bool,
    /// The hub's event configuration, new to this kiosk (the kiosk checks
    /// it, then takes it or says why not).
    #[serde(skip)]
    pub config: Option<crate::config::SharedConfig>,
    /// The hub's event configuration was taken this round.
    pub config_updated: bool,
}

/// A kiosk's own credential, given by the hub at enrolment:
/// `acc1.<id>.<secret>` (the hub keeps the id and the secret's hash).
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub id: String,
    secret: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Display for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "acc1.{}.{}", self.id, self.secret)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Credential {
    /// A new credential from the system's random source.
    pub fn generate() -> Result<Credential, SyncError> {
        use ring::rand::SecureRandom;
        let rng = ring::rand::SystemRandom::new();
        let mut id = [0u8; 8];
        let mut secret = [0u8; 24];
        rng.fill(&mut id)
            .and_then(|()| rng.fill(&mut secret))
            .map_err(|_| SyncError::NoRandom)?;
        Ok(Credential {
            id: hex(&id),
            secret: hex(&secret),
        })
    }

    /// A credential as [`Display`](std::fmt::Display) writes it.
    pub fn parse(text: &str) -> Option<Credential> {
        let rest = text.strip_prefix("acc1.")?;
        let (id, secret) = rest.split_once('.')?;
        let hexy = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        (hexy(id, 16) && hexy(secret, 48)).then(|| Credential {
            id: id.to_owned(),
            secret: secret.to_owned(),
        })
    }

    /// What the hub keeps of the secret.
    pub fn secret_hash(&self) -> String {
        hex(ring::digest::digest(&ring::digest::SHA256, self.secret.as_bytes()).as_ref())
    }

    /// Whether this is the credential whose hash the hub keeps.
    pub fn matches(&self, secret_hash: &str) -> bool {
        same_secret(&self.secret_hash(), secret_hash)
    }
}

/// Equal secrets, compared in time that does not depend on where they
/// differ.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let mut diff = u8::from(a.len() != b.len());
    for (i, &x) in b.iter().enumerate() {
        diff |= x ^ a.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

/// `POST /api/enrol`: a kiosk asks for its own credential, with the
/// hub's enrolment token (`[hub] token`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub kiosk: String,
}

/// The hub's answer to an enrolment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolResponse {
    pub kiosk: String,
    /// [`Credential`] as text.
    pub credential: String,
}

/// `POST /api/join`: a new kiosk shows the one-time code of an invitation
/// (« Ajouter un kiosque » on the organisers' page).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRequest {
    pub code: String,
    /// The kiosk will be self-service or a badge station: it needs the
    /// hub's staff PIN, and the hub refuses (keeping the code) without one.
    #[serde(default)]
    pub attended: bool,
    /// An enrolled kiosk coming back with its database (its hub replaced,
    /// or its credential unknown there): the id it has, which the hub
    /// gives it again if it has never had a kiosk of that id. Older hubs
    /// ignore it and give another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk: Option<String>,
}

/// The hub's answer to a valid code: who the kiosk is now, its own
/// credential, and the event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinResponse {
    /// The id the hub gave it (`borne-03`).
    pub kiosk: String,
    /// Its name for staff and organisers (`Borne 03`).
    pub name: String,
    /// [`Credential`] as text.
    pub credential: String,
    /// The hub's event sections.
    pub config: crate::config::SharedConfig,
    /// The hub's `[kiosk] staff_pin` (an argon2 hash): staff unlock the
    /// self-service kiosks enrolled by code with it.
    pub staff_pin: Option<String>,
}

/// A kiosk's connection to its hub: enrolment with the hub's token, then
/// everything else with the kiosk's own credential.
pub struct Client {
    url: String,
    /// `[hub] token`, when this kiosk may enrol with it; a kiosk enrolled
    /// by code has none.
    token: Option<String>,
    credential: Option<Credential>,
    http: reqwest::blocking::Client,
}

impl Client {
    pub fn new(url: &str, token: Option<&str>, timeout: Duration) -> Result<Client, SyncError> {
        let http = crate::http_client()
            .timeout(timeout)
            .build()
            .map_err(|source| SyncError::Unreachable {
                url: url.to_owned(),
                source,
            })?;
        Ok(Client {
            url: url.trim_end_matches('/').to_owned(),
            token: token.map(str::to_owned),
            credential: None,
            http,
        })
    }

    /// Whether the hub answers, and its clock (the HTTP `Date` header, to
    /// the second): any answer will do, no secret is sent.
    pub fn probe(&self) -> Result<Option<jiff::Timestamp>, SyncError> {
        let res = self
            .request(reqwest::Method::GET, "/")
            .send()
            .map_err(|source| SyncError::Unreachable {
                url: self.url.clone(),
                source,
            })?;
        Ok(res
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(|d| jiff::fmt::rfc2822::parse(d).ok())
            .map(|z| z.timestamp()))
    }

    /// Syncs with `credential` from now on.
    pub fn set_credential(&mut self, credential: Credential) {
        self.credential = Some(credential);
    }

    /// Asks the hub for kiosk `kiosk`'s own credential.
    pub fn enrol(&self, kiosk: &str) -> Result<Credential, SyncError> {
        let Some(token) = &self.token else {
            return Err(SyncError::NotEnrolled);
        };
        let res = self
            .request(reqwest::Method::POST, "/api/enrol")
            .bearer_auth(token)
            .json(&EnrolRequest {
                kiosk: kiosk.to_owned(),
            })
            .send();
        let res = res.map_err(|source| SyncError::Unreachable {
            url: self.url.clone(),
            source,
        })?;
        let res = understood(res)?;
        match res.status().as_u16() {
            200..=299 => {
                let answer: EnrolResponse = res.json().map_err(SyncError::Decode)?;
                Credential::parse(&answer.credential).ok_or_else(|| {
                    SyncError::BadCredential("identifiant reçu illisible".to_owned())
                })
            }
            401 => Err(SyncError::Unauthorized),
            403 => Err(SyncError::Revoked {
                kiosk: kiosk.to_owned(),
            }),
            status => Err(SyncError::Hub {
                status,
                body: res.text().unwrap_or_default().chars().take(300).collect(),
            }),
        }
    }

    /// Shows an invitation's code to the hub: a new kiosk's id, credential
    /// and event.
    pub fn join(
        &self,
        code: &str,
        attended: bool,
        kiosk: Option<&str>,
    ) -> Result<JoinResponse, SyncError> {
        let res = self
            .request(reqwest::Method::POST, "/api/join")
            .json(&JoinRequest {
                code: code.to_owned(),
                attended,
                kiosk: kiosk.map(str::to_owned),
            })
            .send()
            .map_err(|source| SyncError::Unreachable {
                url: self.url.clone(),
                source,
            })?;
        let res = understood(res)?;
        match res.status().as_u16() {
            200..=299 => {
                let answer: JoinResponse = res.json().map_err(SyncError::Decode)?;
                if Credential::parse(&answer.credential).is_none() {
                    return Err(SyncError::BadCredential(
                        "identifiant reçu illisible".to_owned(),
                    ));
                }
                Ok(answer)
            }
            401 | 403 => Err(SyncError::BadInvitation),
            409 => Err(SyncError::BadRequest(
                res.text()
                    .unwrap_or_default()
                    .trim()
                    .chars()
                    .take(300)
                    .collect(),
            )),
            status => Err(SyncError::Hub {
                status,
                body: res.text().unwrap_or_default().chars().take(300).collect(),
            }),
        }
    }

    /// `GET /api/snapshot`: the hub's copy for a new kiosk, written to
    /// `to`; `false` when the hub does not offer one.
    /// `minimal`: the copy for a kiosk that serves attendees (no e-mail, no
    /// free field); a hub that has none sends the full one.
    pub fn snapshot(&self, to: &Path, minimal: bool) -> Result<bool, SyncError> {
        let query = if minimal { "?minimal=true" } else { "" };
        let res = self
            .request(reqwest::Method::GET, &format!("/api/snapshot{query}"))
            .bearer_auth(self.secret())
            // A large event's copy is hundreds of megabytes.
            .timeout(Duration::from_secs(600))
            .send();
        let res = match res {
            Ok(r) if r.status().as_u16() == 404 => return Ok(false),
            other => self.check(other)?,
        };
        let mut res = res;
        // Everyone's names: readable by this kiosk's user only.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(to)
            .map_err(|e| SyncError::Local(to.to_owned(), e))?;
        // Not synced to the disk: the copy is read at once, and what makes
        // it this kiosk's is the restore's own commit.
        res.copy_to(&mut file).map_err(SyncError::Decode)?;
        Ok(true)
    }

    /// A request to the hub, naming this kiosk's protocol version.
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::blocking::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .header(crate::protocol::HEADER, crate::protocol::VERSION)
    }

    fn secret(&self) -> String {
        match &self.credential {
            Some(c) => c.to_string(),
            None => self.token.clone().unwrap_or_default(),
        }
    }

    fn check(
        &self,
        res: reqwest::Result<reqwest::blocking::Response>,
    ) -> Result<reqwest::blocking::Response, SyncError> {
        let res = res.map_err(|source| SyncError::Unreachable {
            url: self.url.clone(),
            source,
        })?;
        let res = understood(res)?;
        match res.status().as_u16() {
            200..=299 => Ok(res),
            // 403: the credential is another kiosk id's (this one's id
            // changed, or its database came from another kiosk).
            401 | 403 if self.credential.is_some() => {
                let body = res.text().unwrap_or_default();
                Err(SyncError::BadCredential(
                    body.trim().chars().take(300).collect(),
                ))
            }
            401 => Err(SyncError::Unauthorized),
            status => {
                let body = res.text().unwrap_or_default();
                if status == 400
                    && let Ok(refused) = serde_json::from_str::<UploadRefused>(&body)
                {
                    return Err(SyncError::Refused(refused));
                }
                if status == 409
                    && let Ok(clash) = serde_json::from_str::<UploadClash>(&body)
                {
                    return Err(SyncError::Clash(clash));
                }
                Err(SyncError::Hub {
                    status,
                    body: body.chars().take(300).collect(),
                })
            }
        }
    }
}

/// An answer of a hub whose protocol this kiosk understands: a hub that
/// refused this kiosk's version (426) or that speaks one too old is a
/// [`SyncError::Protocol`] naming both versions.
fn understood(res: reqwest::blocking::Response) -> Result<reqwest::blocking::Response, SyncError> {
    if res.status().as_u16() == 426 {
        let body = res.text().unwrap_or_default();
        let said = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or(body);
        return Err(SyncError::Protocol(said.trim().chars().take(400).collect()));
    }
    let hub = res
        .headers()
        .get(crate::protocol::HEADER)
        .map(|v| v.to_str().unwrap_or("?"));
    crate::protocol::kiosk_accepts(hub).map_err(|m| SyncError::Protocol(m.to_string()))?;
    Ok(res)
}

/// How a kiosk reaches its hub: over HTTP ([`Client`]), or, in tests, a
/// hub's copy in the same process.
pub trait HubLink {
    /// `POST /api/sync`.
    fn exchange(&self, req: &SyncRequest) -> Result<SyncResponse, SyncError>;
    /// `GET /api/list`.
    fn list(&self) -> Result<ListResponse, SyncError>;
}

impl HubLink for Client {
    fn exchange(&self, req: &SyncRequest) -> Result<SyncResponse, SyncError> {
        let res = self
            .request(reqwest::Method::POST, "/api/sync")
            .bearer_auth(self.secret())
            .json(req)
            .send();
        self.check(res)?.json().map_err(SyncError::Decode)
    }

    fn list(&self) -> Result<ListResponse, SyncError> {
        let res = self
            .request(reqwest::Method::GET, "/api/list")
            .bearer_auth(self.secret())
            .send();
        self.check(res)?.json().map_err(SyncError::Decode)
    }
}

/// This kiosk's own credential and the hub that gave it, as JSON
/// `{"url": …, "credential": …}` (a kiosk's setting, not synced).
pub const HUB_CREDENTIAL: &str = "hub_credential";

/// How far a kiosk's clock may be from the hub's before it says so.
pub const CLOCK_TOLERANCE_SECS: i64 = 120;

/// What a kiosk says when its clock is off from the hub's by more than
/// [`CLOCK_TOLERANCE_SECS`] (`offset`: the hub's minus the kiosk's).
pub fn clock_warning(offset: i64) -> Option<String> {
    if offset.abs() <= CLOCK_TOLERANCE_SECS {
        return None;
    }
    let minutes = (offset.abs() + 59) / 60;
    let way = if offset > 0 { "en retard" } else { "en avance" };
    Some(format!(
        "l'horloge de ce kiosque est {way} de {minutes} min sur celle du hub — les heures d'arrivée seront fausses : réglez l'heure (timedatectl set-ntp true, ou date -s)"
    ))
}

/// How far the hub holds one of this kiosk's logs.
pub fn acked(store: &Store, me: &str, log: &str) -> Result<i64, StoreError> {
    Ok(store
        .sync_parsed(SyncKey::Acked { kiosk: me, log })?
        .unwrap_or(0))
}

/// The logs this copy wrote as `me`, the current one included even before
/// it holds anything.
fn own_logs(store: &Store, me: &str) -> Result<Vec<String>, StoreError> {
    store.own_logs(me)
}

/// Own records the hub has not acknowledged, over all of this kiosk's logs.
pub fn pending(store: &Store, me: &str) -> Result<i64, StoreError> {
    let mut n = 0;
    for log in own_logs(store, me)? {
        n += (store.last_seq(&log)? - acked(store, me, &log)?).max(0);
    }
    Ok(n)
}

/// One round for kiosk `me`: send its records the hub lacks, take everyone
/// else's, fetch the list when the hub's changed — until both sides hold
/// everything. `apply_list` applies a fetched list (the app's import).
///
/// The hub refusing some records (400) is an answer, not a failure: they
/// are kept here as refused, never sent again, and told in the round. The
/// hub holding other records at this kiosk's numbers (409) means this copy
/// was restored or copied: its records from there move to a new log and go
/// up under it, the hub's come down.
pub fn round(
    store: &mut Store,
    me: &str,
    printer: Option<&PrinterHealth>,
    client: &dyn HubLink,
    now: impl Fn() -> jiff::Timestamp,
    mut apply_list: impl FnMut(&mut Store, ListResponse) -> Result<(), StoreError>,
) -> Result<Round, SyncError> {
    let mut done = Round::default();
    // Enough for a kiosk that was offline all day; a hub that keeps
    // answering without progress does not hold the kiosk forever.
    for _ in 0..1_000 {
        let mut records = Vec::new();
        let mut acked_before = BTreeMap::new();
        for log in own_logs(store, me)? {
            let from = acked(store, me, &log)?;
            acked_before.insert(log.clone(), from);
            let room = UPLOAD_BATCH.saturating_sub(records.len());
            if room > 0 {
                records.extend(store.records_after(&log, from, room)?);
            }
        }
        let sending = records.len();
        let sent_at = now();
        let res = match client.exchange(&SyncRequest {
            kiosk: me.to_owned(),
            records,
            marks: store.marks()?,
            sent_at: Some(sent_at),
            printer: printer.cloned(),
            config_rev: store.sync_value(SyncKey::HubConfigRev)?,
        }) {
            Ok(res) => res,
            Err(SyncError::Refused(refused)) => {
                note_refused(store, &refused.refused, &mut done, now())?;
                done.sent += set_acked(store, me, &acked_before, &refused.acked)?.0;
                continue;
            }
            Err(SyncError::Clash(clash)) if log_owner(&clash.log) == me => {
                let (_, moved) = store.move_log_tail(me, &clash.log, clash.seq)?;
                done.moved += moved;
                if moved == 0 {
                    // Nothing of ours to move: the hub and this copy
                    // disagree in a way a retry cannot mend.
                    return Err(SyncError::Clash(clash));
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        let offset = res.hub_time.duration_since(sent_at).as_secs();
        done.clock_offset = Some(offset);
        store.set_sync_value(SyncKey::ClockOffset, &offset.to_string())?;
        // The list first: records may fix the names of people it brings.
        if res.list_rev != store.sync_value(SyncKey::HubListRev)?.unwrap_or_default() {
            let list = client.list()?;
            let rev = list.list_rev.clone();
            apply_list(store, list)?;
            store.set_sync_value(SyncKey::HubListRev, &rev)?;
            done.list_updated = true;
        }
        if res.config.is_some() {
            done.config = res.config.clone();
        }
        if let Some(news) = &res.pretix {
            store.set_sync_value(
                SyncKey::HubPretix,
                &serde_json::to_string(news).unwrap_or_default(),
            )?;
        }
        let applied = match store.apply_records(&res.records, now()) {
            Err(StoreError::SeqClash { log, seq, .. }) if log_owner(&log) == me => {
                // This kiosk wrote at a number the hub holds another record
                // at, between asking and hearing back: move ours, retry.
                let (_, moved) = store.move_log_tail(me, &log, seq)?;
                done.moved += moved;
                store.apply_records(&res.records, now())?
            }
            other => other?,
        };
        done.received += applied.new;
        done.arrivals += applied.arrivals;
        note_refused(store, &res.refused, &mut done, now())?;
        let (newly, moved_back) = set_acked(store, me, &acked_before, &res.acked)?;
        done.sent += newly;
        store.set_sync_value(SyncKey::LastSync, &now().to_string())?;
        done.pending = pending(store, me)?;
        // Done when both sides hold everything, or when nothing more can
        // go up (a hub that forgot records asks for them again at once).
        if !res.more && (done.pending <= 0 || (sending == 0 && !moved_back)) {
            return Ok(done);
        }
    }
    Ok(done)
}

/// Keeps the hub's refusals of this kiosk's records: never sent again,
/// left out of the counts here as at the hub.
fn note_refused(
    store: &mut Store,
    refused: &[RefusedRecord],
    done: &mut Round,
    now: jiff::Timestamp,
) -> Result<(), StoreError> {
    let mut held = Vec::new();
    for r in refused {
        if r.waiting {
            done.waiting.push(r.clone());
        } else {
            if let Some(rec) = store.record(r.id)? {
                held.push((rec, r.reason.clone()));
            }
            done.refused.push(r.clone());
        }
    }
    let pairs: Vec<(&Record, String)> = held.iter().map(|(r, why)| (r, why.clone())).collect();
    store.refuse_records(&pairs, false, now)?;
    Ok(())
}

/// Keeps how far the hub holds each of this kiosk's logs — backwards too:
/// a hub restored from a backup holds less, and the next exchange sends
/// the records again from its mark (a log it does not name, it holds
/// nothing of). Returns how many records it newly acknowledged, and
/// whether the hub holds less than it did.
fn set_acked(
    store: &Store,
    me: &str,
    before: &BTreeMap<String, i64>,
    hub: &BTreeMap<String, i64>,
) -> Result<(usize, bool), StoreError> {
    let mut newly = 0;
    let mut back = false;
    for (log, from) in before {
        let to = hub.get(log).copied().unwrap_or(0);
        newly += usize::try_from(to - from).unwrap_or(0);
        back |= to < *from;
        if to != *from {
            store.set_sync_value(SyncKey::Acked { kiosk: me, log }, &to.to_string())?;
        }
    }
    Ok((newly, back))
}

#[cfg(test)]
mod tests {

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("0123456789abcdef", "0123456789abcdef"));
        assert!(!same_secret("0123456789abcdeX", "0123456789abcdef"));
        assert!(!same_secret("0123456789abcdef0", "0123456789abcdef"));
        assert!(!same_secret("0123456789abcde", "0123456789abcdef"));
        assert!(!same_secret("", "0123456789abcdef"));
    }

    /// A kiosk's words about its printer go on the organisers' page: a
    /// hostile or broken kiosk cannot send a novel, escape sequences or
    /// negative counts.
    #[test]
    fn a_printers_health_is_bounded_before_the_page_shows_it() {
        let h = PrinterHealth {
            printer: format!("imprimante\u{1b}[31m{}", "x".repeat(500)),
            queued: -5,
            waiting: i64::MAX,
            failed: 2,
            problem: Some(format!("plus de papier\u{7}{}", "é".repeat(1000))),
        }
        .tidy();
        assert!(!h.printer.chars().any(char::is_control));
        assert!(h.printer.chars().count() <= 120);
        let problem = h.problem.unwrap();
        assert!(problem.starts_with("plus de papier") && !problem.contains('\u{7}'));
        assert_eq!(problem.chars().count(), PrinterHealth::MAX_PROBLEM);
        assert_eq!((h.queued, h.waiting, h.failed), (0, 1_000_000, 2));
        let blank = PrinterHealth {
            problem: Some(" \n ".into()),
            ..h
        }
        .tidy();
        assert_eq!(blank.problem, None);
    }

    use super::*;
    use crate::domain::{Event, RecordKind};

    #[test]
    fn a_credential_reads_back_and_only_its_own_secret_matches() {
        let c = Credential::generate().unwrap();
        let text = c.to_string();
        assert_eq!(Credential::parse(&text), Some(c.clone()));
        assert!(c.matches(&c.secret_hash()));
        let other = Credential::generate().unwrap();
        assert_ne!(other, c);
        assert!(!other.matches(&c.secret_hash()));
        assert!(!format!("{c:?}").contains(&c.secret), "no secret in logs");
        for junk in [
            "",
            "acc1.",
            "acc1.zz.zz",
            &text[..text.len() - 1],
            &text.replace("acc1", "acc2"),
        ] {
            assert_eq!(Credential::parse(junk), None, "{junk}");
        }
    }

    fn rec(log: &str, seq: i64) -> Record {
        Record {
            id: uuid::Uuid::now_v7(),
            kiosk: log_owner(log).into(),
            log: log.into(),
            seq,
            at: "2026-12-01T09:00:00Z".parse().unwrap(),
            kind: RecordKind::BadgePrinted,
            registrant: uuid::Uuid::nil(),
            day: None,
            reverts: None,
            payload: serde_json::json!({}),
        }
    }

    fn holds(records: &[Record]) -> (BTreeMap<String, i64>, BTreeMap<(String, i64), uuid::Uuid>) {
        let mut has = BTreeMap::new();
        let mut held = BTreeMap::new();
        for r in records {
            let top = has.entry(r.log.clone()).or_insert(0);
            *top = r.seq.max(*top);
            held.insert((r.log.clone(), r.seq), r.id);
        }
        (has, held)
    }

    fn seqs(accepted: &[Accepted<'_>]) -> Vec<(String, Vec<i64>)> {
        accepted
            .iter()
            .map(|a| (a.log.clone(), a.new.iter().map(|r| r.seq).collect()))
            .collect()
    }

    #[test]
    fn uploads_keep_only_what_the_hub_lacks() {
        let batch: Vec<_> = (1..=8).map(|s| rec("a~1", s)).collect();
        // A retry after a timeout: the hub took 1..=6 already.
        let (has, held) = holds(&batch[..6]);
        let kept = accept_upload("a", &batch[3..], &has, &held).unwrap();
        assert_eq!(seqs(&kept), [("a~1".to_string(), vec![7, 8])]);
        let (has, held) = holds(&batch);
        assert_eq!(
            seqs(&accept_upload("a", &batch[3..], &has, &held).unwrap()),
            [("a~1".to_string(), vec![])]
        );
        let (has, held) = holds(&batch[..3]);
        assert_eq!(
            seqs(&accept_upload("a", &batch[3..], &has, &held).unwrap()),
            [("a~1".to_string(), vec![4, 5, 6, 7, 8])]
        );
        assert!(accept_upload("a", &[], &has, &held).unwrap().is_empty());
    }

    #[test]
    fn a_repeated_number_must_carry_the_same_record() {
        let hub: Vec<_> = (1..=5).map(|s| rec("a", s)).collect();
        let (has, held) = holds(&hub);
        // A copy restored from a backup taken at n° 3 wrote its own n° 4.
        let mut restored: Vec<_> = hub[..3].to_vec();
        restored.push(rec("a", 4));
        assert_eq!(
            accept_upload("a", &restored[3..], &has, &held),
            Err(Refusal::Clash {
                kiosk: "a".into(),
                log: "a".into(),
                seq: 4
            })
        );
        // Its other log goes up all the same in another request.
        let fresh = [rec("a~N", 1)];
        assert_eq!(
            seqs(&accept_upload("a", &fresh, &has, &held).unwrap()),
            [("a~N".to_string(), vec![1])]
        );
    }

    #[test]
    fn uploads_with_holes_or_foreign_records_are_refused() {
        let batch: Vec<_> = (4..=8).map(|s| rec("a", s)).collect();
        // The hub lacks 2 and 3: nothing kept, the kiosk resends from 1.
        let (has, held) = holds(&[rec("a", 1)]);
        assert_eq!(
            seqs(&accept_upload("a", &batch, &has, &held).unwrap()),
            [("a".to_string(), vec![])]
        );
        let holed = [rec("a", 1), rec("a", 3)];
        assert!(matches!(
            accept_upload("a", &holed, &BTreeMap::new(), &BTreeMap::new()),
            Err(Refusal::NotConsecutive { .. })
        ));
        assert!(matches!(
            accept_upload("a", &[rec("b", 1)], &BTreeMap::new(), &BTreeMap::new()),
            Err(Refusal::NotOwn { .. })
        ));
        // A log named after another kiosk, even with the sender's name.
        let mut forged = rec("b~X", 1);
        forged.kiosk = "a".into();
        assert!(matches!(
            accept_upload("a", &[forged], &BTreeMap::new(), &BTreeMap::new()),
            Err(Refusal::NotOwn { .. })
        ));
        // One log in two runs.
        let split = [rec("a", 1), rec("a~2", 1), rec("a", 2)];
        assert!(matches!(
            accept_upload("a", &split, &BTreeMap::new(), &BTreeMap::new()),
            Err(Refusal::NotConsecutive { .. })
        ));
    }

    #[test]
    fn downloads_are_what_the_hub_holds_beyond_the_marks() {
        let marks = |m: &[(&str, i64)]| {
            m.iter()
                .map(|(k, s)| (k.to_string(), *s))
                .collect::<Marks>()
        };
        let hub = marks(&[("a", 10), ("b", 5), ("c", 2)]);
        assert_eq!(
            to_download(&marks(&[("a", 10), ("b", 3)]), &hub),
            [("b".to_string(), 3), ("c".to_string(), 0)]
        );
        // A kiosk that lost its database gets its own records back.
        assert_eq!(
            to_download(&marks(&[]), &marks(&[("a", 2)])),
            [("a".to_string(), 0)]
        );
        assert!(to_download(&hub, &hub).is_empty());
    }

    fn event() -> Event {
        crate::domain::event::tests::sample_event()
    }

    fn check(r: &Record, known: bool, arrival_of: Option<uuid::Uuid>) -> Result<(), String> {
        check_full(r, known, arrival_of).map_err(|e| e.reason)
    }

    fn check_full(
        r: &Record,
        known: bool,
        arrival_of: Option<uuid::Uuid>,
    ) -> Result<(), Rejection> {
        let event = event();
        let known = move |_| known;
        let arrival = move |_| arrival_of;
        let nobody = |_: &str| None;
        let programme = crate::domain::programme::Programme {
            sessions: vec![crate::domain::programme::Session {
                id: "A1".into(),
                title: "Atelier".into(),
                room: "Salle A".into(),
                start: "2022-09-28T08:00:00Z".parse().unwrap(),
                end: "2022-09-28T10:00:00Z".parse().unwrap(),
                capacity: None,
                registration_only: false,
            }],
            registered: Default::default(),
        };
        check_record(
            r,
            &Check {
                event: &event,
                now: "2026-12-01T10:00:00Z".parse().unwrap(),
                known: &known,
                arrival_of: &arrival,
                code_holder: &nobody,
                programme: &programme,
            },
        )
    }

    fn arrival() -> Record {
        let day = event().days[0];
        Record {
            kind: RecordKind::Arrival,
            day: Some(day),
            ..rec("a", 1)
        }
    }

    fn r_far() -> Record {
        Record {
            at: "2040-01-01T00:00:00Z".parse().unwrap(),
            ..arrival()
        }
    }

    #[test]
    fn room_records_without_their_room_or_session_are_refused() {
        let door = |kind, payload| Record {
            kind,
            payload,
            at: "2022-09-28T09:00:00Z".parse().unwrap(),
            ..rec("porte-a", 1)
        };
        let entry = |p| door(RecordKind::RoomEntry, p);
        let exit = |p| door(RecordKind::RoomExit, p);
        assert_eq!(
            check(
                &entry(serde_json::json!({"room": "Salle A", "session": "A1"})),
                true,
                None
            ),
            Ok(())
        );
        assert_eq!(
            check(&exit(serde_json::json!({"room": "Salle A"})), true, None),
            Ok(())
        );
        for bad in [
            entry(serde_json::json!({"room": "Salle A"})),
            entry(serde_json::json!({"room": "Salle A", "session": "  "})),
            entry(serde_json::json!({"session": "A1"})),
            exit(serde_json::json!({"room": 42})),
            exit(serde_json::json!({"room": "x".repeat(201)})),
            // Not in the hub's programme, or not on one of the event's days.
            exit(serde_json::json!({"room": "Salle fantôme"})),
            entry(serde_json::json!({"room": "Salle A", "session": "Z9"})),
            Record {
                at: "2022-09-30T09:00:00Z".parse().unwrap(),
                ..exit(serde_json::json!({"room": "Salle A"}))
            },
            Record {
                day: Some(event().days[0]),
                ..exit(serde_json::json!({"room": "Salle A"}))
            },
            Record {
                reverts: Some(uuid::Uuid::nil()),
                ..exit(serde_json::json!({"room": "Salle A"}))
            },
        ] {
            assert!(check(&bad, true, None).is_err(), "{bad:?}");
        }
        // Someone the hub does not know yet: kept waiting, not refused.
        let unknown = check_full(
            &entry(serde_json::json!({"room": "Salle A", "session": "A1"})),
            false,
            None,
        );
        assert!(unknown.is_err_and(|r| r.waiting));
    }

    #[test]
    fn records_the_hub_could_not_read_back_are_refused() {
        assert_eq!(check(&arrival(), true, None), Ok(()));
        let mut r = arrival();
        r.at = "-000001-01-01T00:00:00Z".parse().unwrap();
        assert!(check(&r, true, None).unwrap_err().contains("horloge"));
        let mut r = arrival();
        r.at = "2026-12-05T10:00:00Z".parse().unwrap();
        assert!(check(&r, true, None).is_err(), "four days ahead");
        let mut r = arrival();
        r.day = Some("1999-01-01".parse().unwrap());
        assert!(check(&r, true, None).unwrap_err().contains("jour"));
        // Someone the hub does not know (yet): kept waiting for their walk-in.
        let unknown = check_full(&arrival(), false, None).unwrap_err();
        assert!(unknown.waiting && unknown.reason.contains("inconnu"));
        assert!(!check_full(&r_far(), true, None).unwrap_err().waiting);
        let mut r = arrival();
        r.payload = serde_json::json!([1, 2]);
        assert!(check(&r, true, None).is_err());
        let mut r = arrival();
        r.seq = 0;
        assert!(check(&r, true, None).is_err());
    }

    #[test]
    fn undos_edits_and_walk_ins_are_checked_for_what_they_need() {
        let a = arrival();
        let undo = Record {
            kind: RecordKind::Undo,
            reverts: Some(a.id),
            ..arrival()
        };
        assert_eq!(check(&undo, true, Some(a.registrant)), Ok(()));
        assert!(
            check_full(&undo, true, None).unwrap_err().waiting,
            "an undo of nothing yet"
        );
        assert!(
            !check_full(&undo, true, Some(uuid::Uuid::now_v7()))
                .unwrap_err()
                .waiting,
            "an undo of someone else's arrival"
        );
        let edit = |changes: serde_json::Value| Record {
            kind: RecordKind::RegistrantEdited,
            payload: serde_json::json!({ "changes": changes }),
            ..rec("a", 1)
        };
        assert_eq!(
            check(
                &edit(serde_json::json!({"last_name": {"from": "Dupont", "to": "Dupond"}})),
                true,
                None
            ),
            Ok(())
        );
        assert!(
            check(
                &edit(serde_json::json!({"status": {"to": "valid"}})),
                true,
                None
            )
            .is_err()
        );
        assert!(
            check(
                &edit(serde_json::json!({"last_name": {"to": 3}})),
                true,
                None
            )
            .is_err()
        );
        let category = event().categories[0].name.clone();
        let walk_in = |first: &str, category: &str| Record {
            kind: RecordKind::WalkIn,
            payload: serde_json::json!({
                "code": "SUR-PLACE-1",
                "details": {"first_name": first, "last_name": "", "organisation": "", "email": "", "category": category},
            }),
            ..rec("a", 1)
        };
        assert_eq!(check(&walk_in("Zoé", &category), false, None), Ok(()));
        assert!(check(&walk_in("", &category), false, None).is_err());
        assert!(check(&walk_in("Zoé", "Inconnue"), false, None).is_err());
    }
}
