//! The kiosk's log: everything a kiosk does is an append-only record.
//! Current state (arrived today? badge printed how often?) is derived from it.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What happened. "Arrived" (an arrival record for a day, not undone),
/// "badge printed" and "present on day N" are distinct facts.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RecordKind {
    /// The person came in on `day`.
    Arrival,
    /// A previous arrival (`reverts`) was a mistake.
    Undo,
    /// A badge was accepted by the printer.
    BadgePrinted,
    /// Someone not on the list was registered at the desk; payload holds them.
    WalkIn,
    /// A registrant's details were fixed at the desk; payload holds the changes.
    RegistrantEdited,
    /// A room door let the person in: payload `{room, session}`.
    RoomEntry,
    /// A room door saw the person leave: payload `{room}`.
    RoomExit,
}

impl RecordKind {
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Arrival,
        RecordKind::Undo,
        RecordKind::BadgePrinted,
        RecordKind::WalkIn,
        RecordKind::RegistrantEdited,
        RecordKind::RoomEntry,
        RecordKind::RoomExit,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse_stored(s: &str) -> Option<RecordKind> {
        s.parse().ok()
    }
}

/// One entry of a kiosk's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// UUIDv7: unique everywhere, ordered by time; uploads are idempotent by it.
    pub id: Uuid,
    /// The kiosk that wrote it.
    pub kiosk: String,
    /// The log it belongs to: its kiosk's current incarnation
    /// (`accueil-1~K7M2Q9XW`), or the kiosk's id for records written
    /// before logs had incarnations (and from peers that predate them).
    #[serde(default)]
    pub log: String,
    /// 1, 2, 3… per log, without gaps: sync exchanges high-water marks,
    /// and checks the record at a number is the same on both sides.
    pub seq: i64,
    pub at: Timestamp,
    pub kind: RecordKind,
    pub registrant: Uuid,
    /// The event day an arrival or undo is for.
    pub day: Option<Date>,
    /// The arrival an undo reverts.
    pub reverts: Option<Uuid>,
    pub payload: serde_json::Value,
}

/// What a new record says, before the store gives it an id and a sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    pub kind: RecordKind,
    pub registrant: Uuid,
    pub day: Option<Date>,
    pub reverts: Option<Uuid>,
    pub payload: serde_json::Value,
}

impl NewRecord {
    /// A record about a person that is tied to no event day (walk-in, edit,
    /// badge printed).
    pub fn about(kind: RecordKind, registrant: Uuid, payload: serde_json::Value) -> NewRecord {
        NewRecord {
            kind,
            registrant,
            day: None,
            reverts: None,
            payload,
        }
    }
}

/// A live arrival: an arrival record not reverted by an undo.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arrival {
    pub record: Uuid,
    pub day: Date,
    pub at: Timestamp,
    pub kiosk: String,
}
