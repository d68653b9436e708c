//! What moves and what is kept: pure functions over records and marks,
//! the same on every copy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::log_owner;

use crate::domain::Record;
use crate::domain::payload::{Payload, WalkInPayload};
use crate::protocol::{Marks, RefusedRecord};
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
