//! What each kind of log record carries, typed. The payload stays JSON in
//! the store and on the wire — a field a newer release adds travels
//! untouched through an older copy, and a record's bytes never change —
//! but nothing reads it as `payload["code"]`: writers build these types,
//! readers ask [`Record::payload_of`] for them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::registrant::Details;
use super::{Record, RecordKind};

/// `arrival`: the ticket's code as the kiosk knew it (empty once purged),
/// and, for one taken from pretix, where from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrivalPayload {
    #[serde(default)]
    pub code: String,
    /// `"pretix"` for an arrival learnt from pretix's check-ins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretix_checkin: Option<i64>,
}

/// `walk_in`: the person registered at the desk, and the code given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkInPayload {
    pub code: String,
    pub details: Details,
}

/// One field a desk fix changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    #[serde(default)]
    pub from: Option<String>,
    pub to: String,
}

/// `registrant_edited`: the fields changed (`first_name`, `last_name`,
/// `organisation`, `email`, `category`), each from and to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditPayload {
    pub changes: BTreeMap<String, Change>,
}

/// `room_entry` (room and session) and `room_exit` (room).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomPayload {
    #[serde(default)]
    pub room: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// `badge_printed`: the print job, why it was printed, on which printer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintPayload {
    #[serde(default)]
    pub job: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub printer: Option<String>,
    /// The print server's job id (CUPS `QL820-41`, a folder's file name).
    #[serde(default)]
    pub printer_job: Option<String>,
}

/// A record's payload, by its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Arrival(ArrivalPayload),
    Undo,
    BadgePrinted(PrintPayload),
    WalkIn(WalkInPayload),
    RegistrantEdited(EditPayload),
    RoomEntry(RoomPayload),
    RoomExit(RoomPayload),
}

impl Payload {
    /// What it reads as for a record of `kind`; fields it does not know
    /// (a newer release's) are let be.
    pub fn read(kind: RecordKind, value: &serde_json::Value) -> Result<Payload, serde_json::Error> {
        use serde_json::from_value as parse;
        let v = value.clone();
        Ok(match kind {
            RecordKind::Arrival => Payload::Arrival(parse(v)?),
            RecordKind::Undo => Payload::Undo,
            RecordKind::BadgePrinted => Payload::BadgePrinted(parse(v)?),
            RecordKind::WalkIn => Payload::WalkIn(parse(v)?),
            RecordKind::RegistrantEdited => Payload::RegistrantEdited(parse(v)?),
            RecordKind::RoomEntry => Payload::RoomEntry(parse(v)?),
            RecordKind::RoomExit => Payload::RoomExit(parse(v)?),
        })
    }

    /// The JSON the store and the wire keep.
    pub fn to_value(&self) -> serde_json::Value {
        let value = match self {
            Payload::Arrival(p) => serde_json::to_value(p),
            Payload::Undo => Ok(serde_json::json!({})),
            Payload::BadgePrinted(p) => serde_json::to_value(p),
            Payload::WalkIn(p) => serde_json::to_value(p),
            Payload::RegistrantEdited(p) => serde_json::to_value(p),
            Payload::RoomEntry(p) | Payload::RoomExit(p) => serde_json::to_value(p),
        };
        // Plain structs of strings and numbers: serialising cannot fail.
        value.unwrap_or_default()
    }
}

impl Record {
    /// This record's payload, typed by its kind.
    pub fn payload_of(&self) -> Result<Payload, serde_json::Error> {
        Payload::read(self.kind, &self.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shapes every release has written read back, and what is
    /// written reads back the same.
    #[test]
    fn every_kind_reads_what_releases_wrote() {
        let cases = [
            (RecordKind::Arrival, serde_json::json!({"code": "NEC-1"})),
            (
                RecordKind::Arrival,
                serde_json::json!({"code": "S", "via": "pretix", "pretix_checkin": 12}),
            ),
            // A purged copy's arrival.
            (
                RecordKind::Arrival,
                serde_json::json!({"via": null, "room": null, "session": null}),
            ),
            (RecordKind::Undo, serde_json::json!({})),
            (
                RecordKind::BadgePrinted,
                serde_json::json!({"job": 3, "reason": null, "printer": "QL820", "printer_job": "QL820-41"}),
            ),
            (
                RecordKind::WalkIn,
                serde_json::json!({"code": "SUR-PLACE-1", "details": {"first_name": "Zoé", "last_name": "", "organisation": "", "email": "", "category": "Participant"}}),
            ),
            (
                RecordKind::RegistrantEdited,
                serde_json::json!({"changes": {"last_name": {"from": "Dupnot", "to": "Dupont"}}}),
            ),
            (
                RecordKind::RoomEntry,
                serde_json::json!({"room": "Amphi", "session": "A1"}),
            ),
            (RecordKind::RoomExit, serde_json::json!({"room": "Amphi"})),
            // A newer release's field: read, let be.
            (
                RecordKind::RoomExit,
                serde_json::json!({"room": "Amphi", "door": "nord"}),
            ),
        ];
        for (kind, value) in cases {
            let p = Payload::read(kind, &value).unwrap_or_else(|e| panic!("{kind:?} {value}: {e}"));
            assert_eq!(Payload::read(kind, &p.to_value()).unwrap(), p, "{kind:?}");
        }
        for (kind, bad) in [
            (RecordKind::RoomExit, serde_json::json!({"room": 42})),
            (RecordKind::WalkIn, serde_json::json!({"code": "X"})),
            (
                RecordKind::RegistrantEdited,
                serde_json::json!({"changes": {"email": {"from": "a"}}}),
            ),
        ] {
            assert!(Payload::read(kind, &bad).is_err(), "{kind:?} {bad}");
        }
    }

    /// What this release writes is, byte for byte, what the previous one
    /// wrote: a record's bytes are its identity between copies.
    #[test]
    fn payloads_are_written_as_before() {
        let written = |p: Payload| p.to_value().to_string();
        assert_eq!(
            written(Payload::Arrival(ArrivalPayload {
                code: "NEC-1".into(),
                ..ArrivalPayload::default()
            })),
            r#"{"code":"NEC-1"}"#
        );
        assert_eq!(
            written(Payload::Arrival(ArrivalPayload {
                code: "S".into(),
                via: Some("pretix".into()),
                pretix_checkin: Some(12),
            })),
            r#"{"code":"S","pretix_checkin":12,"via":"pretix"}"#
        );
        assert_eq!(written(Payload::Undo), "{}");
        assert_eq!(
            written(Payload::RoomExit(RoomPayload {
                room: "Amphi".into(),
                session: None,
            })),
            r#"{"room":"Amphi"}"#
        );
        let mut changes = BTreeMap::new();
        changes.insert(
            "last_name".to_owned(),
            Change {
                from: Some("Dupnot".into()),
                to: "Dupont".into(),
            },
        );
        assert_eq!(
            written(Payload::RegistrantEdited(EditPayload { changes })),
            r#"{"changes":{"last_name":{"from":"Dupnot","to":"Dupont"}}}"#
        );
        assert_eq!(
            written(Payload::BadgePrinted(PrintPayload {
                job: Some(3),
                reason: Some("first".into()),
                printer: Some("QL820".into()),
                printer_job: Some("QL820-41".into()),
            })),
            r#"{"job":3,"printer":"QL820","printer_job":"QL820-41","reason":"first"}"#
        );
    }
}
