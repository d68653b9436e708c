//! Kiosks and the hub exchange their logs (as in atuin): each side says, per
//! kiosk, the highest sequence number it holds; pure functions decide what
//! moves; uploads are idempotent by record id. The list of registrants goes
//! from the hub to kiosks by revision; walk-ins and name fixes travel as
//! records and are replayed everywhere.

mod client;
mod credential;
mod rules;

pub use client::{Client, HUB_CREDENTIAL, HubLink};
pub use credential::{Credential, same_secret};
pub use rules::{
    Accepted, Check, Refusal, Rejection, UploadClash, UploadRefused, accept_upload, check_record,
    to_download,
};

use serde::Serialize;

use crate::domain::i18n::Text;
use crate::protocol::RefusedRecord;
use crate::store::StoreError;
/// The kiosk a log belongs to: `accueil-1` for `accueil-1~K7M2Q9XW`
/// (kiosk ids have no `~`).
pub fn log_owner(log: &str) -> &str {
    log.split('~').next().unwrap_or(log)
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
    pub config: Option<crate::protocol::SharedConfig>,
    /// The hub's event configuration was taken this round.
    pub config_updated: bool,
}

/// How far a kiosk's clock may be from the hub's before it says so.
pub const CLOCK_TOLERANCE_SECS: i64 = 120;

/// What a kiosk says when its clock is off from the hub's by more than
/// [`CLOCK_TOLERANCE_SECS`] (`offset`: the hub's minus the kiosk's).
pub fn clock_warning(offset: i64) -> Option<Text> {
    if offset.abs() <= CLOCK_TOLERANCE_SECS {
        return None;
    }
    let minutes = (offset.abs() + 59) / 60;
    let words = if offset > 0 {
        Text::fr(
            "l'horloge de ce kiosque est en retard de {minutes} min sur celle du hub — les heures d'arrivée seront fausses : réglez l'heure (timedatectl set-ntp true, ou date -s)",
        )
    } else {
        Text::fr(
            "l'horloge de ce kiosque est en avance de {minutes} min sur celle du hub — les heures d'arrivée seront fausses : réglez l'heure (timedatectl set-ntp true, ou date -s)",
        )
    };
    Some(words.arg("minutes", minutes))
}

#[cfg(test)]
mod tests {

    use std::collections::BTreeMap;

    use super::*;
    use crate::domain::{Event, Record, RecordKind};
    use crate::protocol::Marks;

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
